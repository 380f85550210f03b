import DoudiDomain
import SQLKit

/// 3866 cases (issue 14): one open case per household, carried through survey → file → approve → aid → serve →
/// monitor; each move on the case's timeline and in the audit log, each step's deadline set when it starts
/// (working days of the region's calendar), every query inside the caller's subtree.
public struct CaseStore: Sendable {
    public let db: Database
    public init(_ db: Database) { self.db = db }

    public struct Summary: Sendable, Hashable {
        public var id: Int64
        public var householdID: String
        public var headName: String
        public var region: RegionCode
        public var origin: CaseOrigin
        public var episodeID: Int64?
        public var applicationID: Int64?
        public var state: CaseState
        public var due: CivilDate?
        public var openedOn: CivilDate
        public var closedOn: CivilDate?
        public func overdue(today: CivilDate) -> Bool { due.map { today > $0 } ?? false }
    }

    public struct Event: Sendable, Hashable {
        public var onDay: CivilDate
        public var from: CaseStep?
        public var to: CaseStep?
        /// opened, advanced, sentBack, closed
        public var action: String
        public var note: String
        public var actor: String
    }

    public struct Detail: Sendable, Hashable {
        public var summary: Summary
        public var events: [Event]
    }

    public struct Page: Sendable, Hashable {
        public var cases: [Summary]
        public var total: Int
    }

    /// What a list asks for: a step, open or closed, only those past their step's deadline.
    public struct Filter: Sendable, Hashable {
        public var step: CaseStep?
        public var status: CaseStatus?
        public var overdue = false
        public var householdID: String?
        public init(step: CaseStep? = nil, status: CaseStatus? = .open, overdue: Bool = false, householdID: String? = nil) {
            self.step = step; self.status = status; self.overdue = overdue; self.householdID = householdID
        }
    }

    /// Version 21: cases and their timeline.
    static func v21(_ id: String) -> [String] {
        [
            """
            CREATE TABLE cases (
              id \(id), household_id TEXT NOT NULL REFERENCES households (id), region BIGINT NOT NULL, origin TEXT NOT NULL,
              episode_id BIGINT REFERENCES episodes (id), application_id BIGINT REFERENCES assistance_applications (id),
              step TEXT NOT NULL, status TEXT NOT NULL, step_since TEXT NOT NULL, step_due TEXT, opened_on TEXT NOT NULL, closed_on TEXT,
              opened_by TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX cases_region ON cases (region, status, step)",
            // A household has one open case at a time: a second one would split who owns its help.
            "CREATE UNIQUE INDEX cases_open_household ON cases (household_id) WHERE status = 'open'",
            """
            CREATE TABLE case_events (
              id \(id), case_id BIGINT NOT NULL REFERENCES cases (id), region BIGINT NOT NULL, at BIGINT NOT NULL, on_day TEXT NOT NULL,
              from_step TEXT, to_step TEXT, action TEXT NOT NULL, note TEXT NOT NULL, actor TEXT NOT NULL)
            """,
            "CREATE INDEX case_events_case ON case_events (case_id)",
        ]
    }

    /// Opens a case for a household of the caller's subtree: from its monitoring episode (the latest), from one of
    /// its benefit applications, or found by a cadre.
    @discardableResult
    public func open(household: String, origin: CaseOrigin, applicationID: Int64? = nil, note: String, by actor: Actor, today: CivilDate) async throws -> Int64 {
        guard actor.role.may(.handleCases) else { throw StoreError.forbidden }
        let text = note.trimmingSpaces()
        guard !text.isEmpty, text.count <= 2000 else {
            throw StoreError.invalid([FieldProblem("note", Message("请写明发现的困难情况（不超过2000字）", "describe the hardship found, at most 2000 characters"))])
        }
        return try await db.transaction { tx in
            guard let h = try await tx.sql.raw("""
                SELECT region FROM households WHERE id = \(bind: household) AND \(HouseholdStore.scope(actor))
                """).first(decoding: ApplicationStore.RegionRow.self), let region = RegionCode(value: UInt64(h.region)) else { throw StoreError.notFound }
            var episode: Int64?, application: Int64?
            switch origin {
            case .monitoring:
                episode = try await tx.sql.raw("""
                    SELECT MAX(id) AS id FROM episodes WHERE household_id = \(bind: household) AND status IN ('monitored', 'clearing')
                    """).first(decoding: EpisodeStore.MaybeID.self)?.id
                guard episode != nil else {
                    throw StoreError.invalid([FieldProblem("origin", Message("该户不是监测对象", "this household is not monitored"))])
                }
            case .application:
                application = try await tx.sql.raw("""
                    SELECT id FROM assistance_applications WHERE id = \(bind: applicationID ?? -1) AND household_id = \(bind: household)
                    """).first(decoding: EpisodeStore.ID.self)?.id
                guard application != nil else {
                    throw StoreError.invalid([FieldProblem("application", Message("找不到该户的这份救助申请", "no such application of this household"))])
                }
            case .cadre: break
            }
            let open = try await tx.sql.raw("""
                SELECT id FROM cases WHERE household_id = \(bind: household) AND status = 'open'
                """).first(decoding: EpisodeStore.ID.self)
            if let open {
                throw StoreError.invalid([FieldProblem("household", Message("该户已有帮扶中的个案（编号\(open.id)）", "this household already has an open case (no. \(open.id))"))])
            }
            let state = CaseState(since: today)
            let due = try await Self.due(tx.sql, state, region: region)
            let now = tx.clock.nowMillis()
            guard let id = try await tx.sql.raw("""
                INSERT INTO cases (household_id, region, origin, episode_id, application_id, step, status, step_since, step_due, opened_on, opened_by, created_at, updated_at)
                VALUES (\(bind: household), \(bind: h.region), \(bind: origin.rawValue), \(bind: episode), \(bind: application), \(bind: state.step.rawValue),
                        \(bind: state.status.rawValue), \(bind: today.description), \(bind: due?.description), \(bind: today.description), \(bind: actor.username),
                        \(bind: now), \(bind: now))
                RETURNING id
                """).first(decoding: EpisodeStore.ID.self)?.id else { throw StoreError.notFound }
            try await Self.event(tx, id, region: region, from: nil, to: .survey, action: "opened", note: text, by: actor, today: today)
            try await AuditLog.record(tx, actor: actor, action: "case.open", subject: String(id), region: region, before: nil,
                                      after: ["household": household, "origin": origin.rawValue, "caseStep": state.step.rawValue, "note": text])
            return id
        }
    }

    /// A move by the step's actor; refused with the case's own words when it may not be made.
    public func move(_ id: Int64, _ move: CaseMove, by actor: Actor, today: CivilDate) async throws {
        guard actor.role.may(.handleCases) else { throw StoreError.forbidden }
        try await db.transaction { tx in
            // The row is locked first (PostgreSQL): two moves at once would both start from the same step.
            if tx.engine == .postgres { try await tx.sql.raw("SELECT id FROM cases WHERE id = \(bind: id) FOR UPDATE").run() }
            guard let c = try await Self.load(tx.sql, id, actor: actor) else { throw StoreError.notFound }
            let next: CaseState
            switch c.state.applying(move, by: actor.role, today: today) {
            case .failure(let p): throw StoreError.invalid([p])
            case .success(let s): next = s
            }
            let due = try await Self.due(tx.sql, next, region: c.region)
            try await tx.sql.raw("""
                UPDATE cases SET step = \(bind: next.step.rawValue), status = \(bind: next.status.rawValue), step_since = \(bind: next.since.description),
                  step_due = \(bind: due?.description), closed_on = \(bind: next.status == .closed ? today.description : nil), updated_at = \(bind: tx.clock.nowMillis())
                WHERE id = \(bind: id)
                """).run()
            let (action, note) = move.recorded
            try await Self.event(tx, id, region: c.region, from: c.state.step, to: next.status == .closed ? nil : next.step, action: action, note: note, by: actor, today: today)
            try await AuditLog.record(tx, actor: actor, action: "case.\(action)", subject: String(id), region: c.region,
                                      before: ["caseStep": c.state.step.rawValue, "caseStatus": c.state.status.rawValue],
                                      after: ["caseStep": next.step.rawValue, "caseStatus": next.status.rawValue, "note": note])
        }
    }

    public func detail(_ id: Int64, by actor: Actor) async throws -> Detail? {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        return try await db.read { sql in
            guard let c = try await Self.load(sql, id, actor: actor) else { return nil }
            let events = try await sql.raw("""
                SELECT on_day, from_step, to_step, action, note, actor FROM case_events WHERE case_id = \(bind: id) ORDER BY id
                """).all(decoding: EventRow.self).compactMap(\.event)
            return Detail(summary: c, events: events)
        }
    }

    /// The cases of the caller's subtree that `filter` asks for, longest waiting first (by the step's deadline).
    public func cases(by actor: Actor, _ filter: Filter, today: CivilDate, limit: Int = 50, offset: Int = 0) async throws -> Page {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        var w: SQLQueryString = " WHERE \(HouseholdStore.scope(actor, column: "c.region"))"
        if let s = filter.step { w.appendInterpolation(unsafeRaw: " AND c.step = "); w.appendInterpolation(bind: s.rawValue) }
        if let s = filter.status { w.appendInterpolation(unsafeRaw: " AND c.status = "); w.appendInterpolation(bind: s.rawValue) }
        if filter.overdue { w.appendInterpolation(unsafeRaw: " AND c.status = 'open' AND c.step_due < "); w.appendInterpolation(bind: today.description) }
        if let h = filter.householdID { w.appendInterpolation(unsafeRaw: " AND c.household_id = "); w.appendInterpolation(bind: h) }
        let window = " ORDER BY c.status DESC, c.step_due, c.id LIMIT \(max(1, min(limit, 100_000))) OFFSET \(max(0, offset))"
        return try await db.read { sql in
            let total = try await sql.raw("SELECT COUNT(*) AS n FROM cases c\(w)").first(decoding: Count.self)?.n ?? 0
            let rows = try await sql.raw("\(unsafeRaw: Self.select)\(w)\(unsafeRaw: window)").all(decoding: Row.self).compactMap(\.summary)
            return Page(cases: rows, total: total)
        }
    }

    static let select = """
        SELECT c.id, c.household_id, c.region, c.origin, c.episode_id, c.application_id, c.step, c.status, c.step_since, c.step_due, c.opened_on, c.closed_on,
               (SELECT MIN(m.name) FROM members m WHERE m.household_id = c.household_id AND m.relation = 'head') AS head_name
        FROM cases c
        """

    static func load(_ sql: any SQLDatabase, _ id: Int64, actor: Actor) async throws -> Summary? {
        try await sql.raw("\(unsafeRaw: select) WHERE c.id = \(bind: id) AND \(HouseholdStore.scope(actor, column: "c.region"))").first(decoding: Row.self)?.summary
    }

    /// The step's last day by the region's policy now (nil once closed).
    static func due(_ sql: any SQLDatabase, _ state: CaseState, region: RegionCode) async throws -> CivilDate? {
        let policy = try await PolicyStore.policy(sql, region: region, year: state.since.year)
        return state.due(policy.caseLimits, policy.calendar)
    }

    static func event(_ tx: Tx, _ id: Int64, region: RegionCode, from: CaseStep?, to: CaseStep?, action: String, note: String, by actor: Actor, today: CivilDate) async throws {
        try await tx.sql.raw("""
            INSERT INTO case_events (case_id, region, at, on_day, from_step, to_step, action, note, actor)
            VALUES (\(bind: id), \(bind: Int64(region.value)), \(bind: tx.clock.nowMillis()), \(bind: today.description), \(bind: from?.rawValue),
                    \(bind: to?.rawValue), \(bind: action), \(bind: note), \(bind: actor.username))
            """).run()
    }

    struct Row: Decodable {
        var id: Int64; var household_id: String; var region: Int64; var origin: String; var episode_id: Int64?; var application_id: Int64?
        var step: String; var status: String; var step_since: String; var step_due: String?; var opened_on: String; var closed_on: String?; var head_name: String?
        var summary: Summary? {
            guard let r = RegionCode(value: UInt64(region)), let o = CaseOrigin(rawValue: origin), let s = CaseStep(rawValue: step),
                  let st = CaseStatus(rawValue: status), let since = CivilDate(step_since), let opened = CivilDate(opened_on) else { return nil }
            return Summary(id: id, householdID: household_id, headName: head_name ?? "", region: r, origin: o, episodeID: episode_id, applicationID: application_id,
                           state: CaseState(step: s, status: st, since: since), due: step_due.flatMap(CivilDate.init), openedOn: opened,
                           closedOn: closed_on.flatMap(CivilDate.init))
        }
    }

    struct EventRow: Decodable {
        var on_day: String; var from_step: String?; var to_step: String?; var action: String; var note: String; var actor: String
        var event: Event? {
            CivilDate(on_day).map { Event(onDay: $0, from: from_step.flatMap(CaseStep.init), to: to_step.flatMap(CaseStep.init), action: action, note: note, actor: actor) }
        }
    }
}

extension CaseMove {
    /// The name the timeline and the audit log give a move, and what it noted.
    var recorded: (String, String) {
        switch self {
        case .advance(let n): ("advanced", n.trimmingSpaces())
        case .sendBack(_, let r): ("sentBack", r.trimmingSpaces())
        case .close(let r): ("closed", r.trimmingSpaces())
        }
    }
}
