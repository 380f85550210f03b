import DoudiDomain
import Foundation
import SQLKit

/// Monitoring episodes: identification (R-MON-7), the roster, risk clearing (R-MON-9/10).
public struct EpisodeStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let select = """
        SELECT e.id, e.household_id, e.region, e.lead_id, e.previous_id, e.monitoring_type, e.risk_kinds, e.status, e.procedure_kind,
               e.step, e.started_on, e.notice_from, e.notice_to, e.found_on, e.identified_on, e.cleared_on,
               (SELECT MIN(m.name) FROM members m WHERE m.household_id = e.household_id AND m.relation = 'head') AS head_name
        FROM episodes e
        """

    /// A confirmed lead becomes an identification proposal, or joins the household's open episode.
    static func open(_ tx: Tx, leadID: Int64, householdID: String, region: RegionCode, type: MonitoringType, kinds: [RiskKind],
                     foundOn: CivilDate, by actor: Actor) async throws {
        let now = tx.clock.nowMillis(), today = tx.clock.today()
        let previous = try await tx.sql.raw("SELECT MAX(id) AS id FROM episodes WHERE household_id = \(bind: householdID)").first(decoding: MaybeID.self)?.id
        // One open episode per household is the schema's rule (episodes_one_open): of two confirmations at
        // once, the second finds the first's episode here and joins it.
        guard let id = try await tx.sql.raw("""
            INSERT INTO episodes (household_id, region, lead_id, previous_id, monitoring_type, risk_kinds, status, procedure_kind, step,
                                  started_on, found_on, created_at, updated_at)
            VALUES (\(bind: householdID), \(bind: Int64(region.value)), \(bind: leadID), \(bind: previous), \(bind: type.rawValue),
                    \(bind: kinds.map(\.rawValue).joined(separator: ",")), \(bind: EpisodeStatus.identifying.rawValue),
                    \(bind: ProcedureKind.identification.rawValue), \(bind: ProcedureKind.identification.steps[0].rawValue),
                    \(bind: foundOn.description), \(bind: foundOn.description), \(bind: now), \(bind: now))
            ON CONFLICT (household_id) WHERE \(unsafeRaw: openCondition) DO NOTHING
            RETURNING id
            """).first(decoding: ID.self)?.id else {
            guard let open = try await tx.sql.raw("""
                SELECT id FROM episodes WHERE household_id = \(bind: householdID) AND \(unsafeRaw: openCondition)
                """).first(decoding: ID.self) else { throw StoreError.notFound }
            try await event(tx, open.id, region: region, kind: nil, step: nil, action: .leadAttached, note: "\(leadID)", by: actor, today: today)
            return
        }
        try await event(tx, id, region: region, kind: .identification, step: nil, action: .opened, note: "\(leadID)", by: actor, today: today)
        try await AuditLog.record(tx, actor: actor, action: "episode.open", subject: String(id), region: region, before: nil,
                                  after: ["household": householdID, "lead": String(leadID), "monitoringType": type.rawValue])
    }

    /// The statuses of an episode still open, as SQL: the unique index and the queries say it the same way.
    static let openCondition = "status IN ('identifying', 'monitored', 'clearing')"

    struct ID: Decodable { var id: Int64 }
    struct MaybeID: Decodable { var id: Int64? }

    static func event(_ tx: Tx, _ id: Int64, region: RegionCode, kind: ProcedureKind?, step: ProcedureStep?, action: EpisodeEventKind, note: String,
                      by actor: Actor, today: CivilDate) async throws {
        try await tx.bulkInsert(table: "episode_events", columns: eventColumns,
                                rows: [eventRow(id, region: region, kind: kind, step: step, action: action, note: note, by: actor, today: today, at: tx.clock.nowMillis())])
    }

    static let eventColumns = ["episode_id", "region", "at", "on_day", "procedure_kind", "step", "action", "note", "actor"]

    static func eventRow(_ id: Int64, region: RegionCode, kind: ProcedureKind?, step: ProcedureStep?, action: EpisodeEventKind, note: String,
                         by actor: Actor, today: CivilDate, at: Int64) -> [BulkValue] {
        [.int(id), .int(Int64(region.value)), .int(at), .text(today.description), kind.map { .text($0.rawValue) } ?? .null,
         step.map { .text($0.rawValue) } ?? .null, .text(action.rawValue), .text(note), .text(actor.username)]
    }

    /// The episodes of some statuses (all when empty), or of one household, newest first: `list` without paging.
    public func episodes(by actor: Actor, statuses: [EpisodeStatus], householdID: String? = nil, limit: Int = 500) async throws -> [EpisodeSummary] {
        try await list(by: actor, EpisodeQuery(statuses: statuses, householdID: householdID, limit: limit), today: db.clock.today()).items
    }

    static func load(_ sql: any SQLDatabase, _ id: Int64, actor: Actor) async throws -> EpisodeSummary? {
        try await sql.raw("\(unsafeRaw: select) WHERE e.id = \(bind: id) AND \(HouseholdStore.scope(actor, column: "e.region"))").first(decoding: EpisodeSummary.self)
    }

    static func unresolved(_ sql: any SQLDatabase, _ id: Int64) async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM objections WHERE episode_id = \(bind: id) AND status = 'open'").first(decoding: Count.self)?.n ?? 0
    }

    public func detail(_ id: Int64, by actor: Actor) async throws -> EpisodeDetail? {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        return try await db.read { sql in
            guard let e = try await Self.load(sql, id, actor: actor) else { return nil }
            let events = try await sql.raw("SELECT at, on_day, procedure_kind, step, action, note, actor FROM episode_events WHERE episode_id = \(bind: id) ORDER BY id")
                .all(decoding: EpisodeEvent.self)
            let objections = try await sql.raw("SELECT id, raised_on, text, status, resolution FROM objections WHERE episode_id = \(bind: id) ORDER BY id")
                .all(decoding: ObjectionRecord.self)
            var episode = e
            let book = try await PolicyStore.book(sql)
            episode.setStepDue(book)
            return EpisodeDetail(episode: episode, events: events, objections: objections,
                                 noticeDays: book.policy(region: e.regionCode, year: e.startedOn.year).int(.noticeDays) ?? 5)
        }
    }

    /// The actor of the current step acts on it (ProcedureState.applying); the episode moves on, ends or stays.
    public func act(_ id: Int64, _ action: ProcedureAction, by actor: Actor, today: CivilDate? = nil) async throws {
        let today = today ?? db.clock.today()
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        try await db.transaction { tx in
            guard let e = try await Self.load(tx.sql, id, actor: actor) else { throw StoreError.notFound }
            guard let state = e.state(unresolved: try await Self.unresolved(tx.sql, id)), e.running else {
                throw StoreError.invalid([FieldProblem("step", Message("此户当前没有进行中的程序", "no procedure is under way for this household"))])
            }
            let policy = try await PolicyStore.policy(tx.sql, region: e.regionCode, year: e.startedOn.year)
            let (next, outcome): (ProcedureState, ProcedureState.Outcome)
            switch state.applying(action, by: actor.role, today: today, noticeDays: policy.int(.noticeDays) ?? 5) {
            case .failure(let p): throw StoreError.invalid([p])
            case .success(let r): (next, outcome) = r
            }
            let status = next.status(after: outcome)
            let ended = outcome != .running
            var set: SQLQueryString = """
                UPDATE episodes SET status = \(bind: status.rawValue), step = \(bind: ended ? nil : next.step.rawValue),
                  procedure_kind = \(bind: ended ? nil : next.kind.rawValue), notice_from = \(bind: next.noticeFrom?.description),
                  notice_to = \(bind: next.noticeTo?.description), updated_at = \(bind: tx.clock.nowMillis())
                """
            if status == .monitored && state.kind == .identification { set.appendInterpolation(unsafeRaw: ", identified_on = "); set.appendInterpolation(bind: today.description) }
            if status == .cleared { set.appendInterpolation(unsafeRaw: ", cleared_on = "); set.appendInterpolation(bind: today.description) }
            set.appendInterpolation(unsafeRaw: " WHERE id = "); set.appendInterpolation(bind: id)
            try await tx.sql.raw(set).run()

            let name: EpisodeEventKind, note: String
            switch action {
            case .complete(let n): name = .completed; note = n
            case .reject(let r): name = .rejected; note = r
            case .startNotice(let from, let to): name = .noticePosted; note = "\(from)/\(to)"
            case .objection(let text):
                name = .objection; note = text
                try await tx.sql.raw("""
                    INSERT INTO objections (episode_id, raised_on, text, status, recorded_by)
                    VALUES (\(bind: id), \(bind: today.description), \(bind: text), \(bind: ObjectionStatus.open.rawValue), \(bind: actor.username))
                    """).run()
            case .resolveObjection(let oid, let upheld, let text):
                name = upheld ? .objectionUpheld : .objectionDismissed; note = text
                let changed = try await tx.sql.raw("""
                    UPDATE objections SET status = \(bind: (upheld ? ObjectionStatus.upheld : .dismissed).rawValue), resolution = \(bind: text),
                      resolved_by = \(bind: actor.username), resolved_at = \(bind: tx.clock.nowMillis())
                    WHERE id = \(bind: oid) AND episode_id = \(bind: id) AND status = 'open' RETURNING id
                    """).all()
                guard !changed.isEmpty else {
                    throw StoreError.invalid([FieldProblem("objection", Message("没有这条待处理的异议", "no such open objection"))])
                }
            }
            try await Self.event(tx, id, region: e.regionCode, kind: state.kind, step: state.step, action: name, note: note, by: actor, today: today)
            try await AuditLog.record(tx, actor: actor, action: "episode.\(name.rawValue)", subject: String(id), region: e.regionCode,
                                      before: ["status": e.status.rawValue, "step": e.step?.rawValue ?? ""],
                                      after: ["status": status.rawValue, "step": ended ? "" : next.step.rawValue, "note": note])
        }
    }

    /// 风险消除: the village proposes clearing a monitored household with the criteria it checked (R-MON-9);
    /// the proposal then goes through the same chain as identification (R-MON-10).
    public func proposeClearing(_ id: Int64, criteria: ClearingCriteria, by actor: Actor, today: CivilDate? = nil) async throws {
        let today = today ?? db.clock.today()
        guard actor.role.may(.proposeClearing) else { throw StoreError.forbidden }
        try await db.transaction { tx in
            guard let e = try await Self.load(tx.sql, id, actor: actor) else { throw StoreError.notFound }
            guard e.status == .monitored else {
                throw StoreError.invalid([FieldProblem("status", Message("只有监测中的户可以申请风险消除", "only a monitored household can be proposed for clearing"))])
            }
            struct L: Decodable { var labor_ability: String }
            let labour = try await tx.sql.raw("SELECT labor_ability FROM members WHERE household_id = \(bind: e.householdID)").all(decoding: L.self)
                .compactMap { LaborAbility(rawValue: $0.labor_ability) }
            let policy = try await PolicyStore.policy(tx.sql, region: e.regionCode, year: today.year)
            guard let line = policy.int(.monitoringLine), let months = policy.int(.clearingIncomeMonths) else {
                throw StoreError.invalid([FieldProblem("policy", Message("缺少监测标准或收入稳定月数的政策参数", "the monitoring line or the months of stable income are not set"))])
            }
            let problems = criteria.problems(monitoringLine: line, months: months, labour: labour)
            guard problems.isEmpty else { throw StoreError.invalid(problems) }
            let json = AuditLog.json(criteria) ?? "{}"
            try await tx.sql.raw("""
                UPDATE episodes SET status = \(bind: EpisodeStatus.clearing.rawValue), procedure_kind = \(bind: ProcedureKind.clearing.rawValue),
                  step = \(bind: ProcedureKind.clearing.steps[0].rawValue), started_on = \(bind: today.description), notice_from = NULL,
                  notice_to = NULL, criteria = \(bind: json), updated_at = \(bind: tx.clock.nowMillis())
                WHERE id = \(bind: id)
                """).run()
            try await Self.event(tx, id, region: e.regionCode, kind: .clearing, step: nil, action: .clearingProposed, note: json, by: actor, today: today)
            try await AuditLog.record(tx, actor: actor, action: "episode.clearingProposed", subject: String(id), region: e.regionCode,
                                      before: ["status": e.status.rawValue], after: ["status": EpisodeStatus.clearing.rawValue, "criteria": json])
        }
    }

    /// The village notice of an episode whose notice is posted: only what PublicNotice may show.
    public func notice(_ id: Int64, by actor: Actor) async throws -> PublicNotice? {
        guard let d = try await detail(id, by: actor), let from = d.episode.noticeFrom, let to = d.episode.noticeTo,
              let kind = d.episode.procedureKind else { return nil }
        let village = try await RegionStore(db).villageLabels([d.episode.regionCode])[d.episode.regionCode] ?? ""
        return PublicNotice(kind: kind, headName: d.episode.headName ?? "", village: village, monitoringType: d.episode.monitoringType, riskKinds: d.episode.riskKinds,
                            from: from, to: to)
    }
}
