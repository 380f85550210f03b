import DoudiDomain
import SQLKit

/// 帮扶措施 (issue 14 item 2): measures on a 3866 case, from the region's catalogue of services. A measure can be
/// referred to a department, which accepts or declines it; the case keeps its one owner, and every hand-over is
/// on the case's timeline and in the audit log. A department officer sees only the measures referred to their
/// department inside their region subtree, never the register.
public struct MeasureStore: Sendable {
    public let db: Database
    public init(_ db: Database) { self.db = db }

    public struct Measure: Sendable, Hashable {
        public var id: Int64
        public var caseID: Int64
        public var householdID: String
        public var headName: String
        public var region: RegionCode
        public var service: ServiceKind
        public var state: MeasureState
        /// The department it was last referred to (kept after a decline).
        public var referredTo: Department?
        public var startOn: CivilDate
        public var endOn: CivilDate?
        public var amount: Int?
        public var goods: String
        public var note: String
        public var result: String?
        public var caseStep: CaseStep
        public var caseStatus: CaseStatus
    }

    public struct Page: Sendable, Hashable {
        public var measures: [Measure]
        public var total: Int
    }

    public struct Filter: Sendable, Hashable {
        public var service: ServiceKind?
        public var unit: Department?
        public var status: MeasureStatus?
        public init(service: ServiceKind? = nil, unit: Department? = nil, status: MeasureStatus? = nil) {
            self.service = service; self.unit = unit; self.status = status
        }
    }

    /// A monitored household with no measure taken a month after its identification (R-MON-8).
    public struct Missing: Sendable, Hashable {
        public var householdID: String
        public var headName: String
        public var region: RegionCode
        public var identifiedOn: CivilDate
        public var due: CivilDate
        public var riskKinds: [RiskKind]
        public var caseID: Int64?
    }

    /// Version 23: measures; department officers' department; measures' hand-overs on the case timeline; visits' new fields.
    static func v23(_ id: String) -> [String] {
        [
            "ALTER TABLE users ADD COLUMN department TEXT",
            "ALTER TABLE case_events ADD COLUMN measure_id BIGINT",
            """
            CREATE TABLE measures (
              id \(id), case_id BIGINT NOT NULL REFERENCES cases (id), household_id TEXT NOT NULL REFERENCES households (id),
              region BIGINT NOT NULL, service TEXT NOT NULL, unit TEXT NOT NULL, referred_to TEXT, status TEXT NOT NULL,
              start_on TEXT NOT NULL, end_on TEXT, amount BIGINT, goods TEXT NOT NULL, note TEXT NOT NULL, result TEXT,
              created_by TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX measures_case ON measures (case_id)",
            "CREATE INDEX measures_household ON measures (household_id, status)",
            "CREATE INDEX measures_unit ON measures (unit, status, region)",
            "CREATE INDEX case_events_measure ON case_events (measure_id)",
            // The helper's monthly visit (R-MON-8): who was met, what is needed; the key of a visit made offline.
            "ALTER TABLE visits ADD COLUMN met TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE visits ADD COLUMN needs TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE visits ADD COLUMN client_key TEXT",
            "ALTER TABLE visits ADD COLUMN lead_code TEXT",
            "CREATE UNIQUE INDEX visits_client_key ON visits (client_key)",
        ]
    }

    /// Records a measure on an open case of the caller's subtree; with `referTo`, hands it to that department at once.
    @discardableResult
    public func record(case caseID: Int64, _ input: MeasureInput, referTo: Department? = nil, by actor: Actor, today: CivilDate) async throws -> Int64 {
        guard actor.role.may(.handleCases) else { throw StoreError.forbidden }
        return try await db.transaction { tx in
            guard let c = try await CaseStore.load(tx.sql, caseID, actor: actor) else { throw StoreError.notFound }
            guard c.state.status == .open else { throw StoreError.invalid([FieldProblem("case", .caseClosed)]) }
            let policy = try await PolicyStore.policy(tx.sql, region: c.region, year: today.year)
            if let p = input.service.notOffered(policy.services) { throw StoreError.invalid([p]) }
            var state = MeasureState()
            if let to = referTo {
                switch state.applying(.refer(to: to, note: input.note), by: .owner) {
                case .failure(let p): throw StoreError.invalid([p])
                case .success(let s): state = s
                }
            }
            let now = tx.clock.nowMillis()
            guard let id = try await tx.sql.raw("""
                INSERT INTO measures (case_id, household_id, region, service, unit, referred_to, status, start_on, end_on, amount, goods, note,
                                      created_by, created_at, updated_at)
                VALUES (\(bind: caseID), \(bind: c.householdID), \(bind: Int64(c.region.value)), \(bind: input.service.rawValue), \(bind: state.unit.rawValue),
                        \(bind: referTo?.rawValue), \(bind: state.status.rawValue), \(bind: input.startOn.description), \(bind: input.endOn?.description),
                        \(bind: input.amount.map(Int64.init)), \(bind: input.goods), \(bind: input.note), \(bind: actor.username), \(bind: now), \(bind: now))
                RETURNING id
                """).first(decoding: EpisodeStore.ID.self)?.id else { throw StoreError.notFound }
            try await Self.event(tx, id, caseID: c.id, region: c.region, action: referTo == nil ? "measureRecorded" : "measureReferred",
                                 note: "\(input.service.chinese)｜\(state.unit.chinese)：\(input.note)", by: actor, today: today)
            var after = ["service": input.service.rawValue, "unit": state.unit.rawValue, "measureStatus": state.status.rawValue,
                         "startOn": input.startOn.description, "note": input.note]
            if let a = input.amount { after["amount"] = String(a) }
            if !input.goods.isEmpty { after["goods"] = input.goods }
            try await AuditLog.record(tx, actor: actor, action: "measure.record", subject: String(id), region: c.region, before: nil, after: after)
            return id
        }
    }

    /// A move by the case's owner or by the department the measure is referred to.
    public func move(_ id: Int64, _ move: MeasureMove, by actor: Actor, today: CivilDate) async throws {
        let party = try Self.party(actor)
        // Reading a case's measures is not handling them: the owner's moves are for those who handle cases.
        guard party != .owner || actor.role.may(.handleCases) else { throw StoreError.forbidden }
        try await db.transaction { tx in
            // Locked first (PostgreSQL): an accept and a withdrawal at once would both start from "referred".
            if tx.engine == .postgres { try await tx.sql.raw("SELECT id FROM measures WHERE id = \(bind: id) FOR UPDATE").run() }
            guard let m = try await Self.load(tx.sql, id, actor: actor) else { throw StoreError.notFound }
            if party == .owner, m.caseStatus == .closed, move.code != "finish" {
                throw StoreError.invalid([FieldProblem("case", .caseClosed)])
            }
            let next: MeasureState
            switch m.state.applying(move, by: party) {
            case .failure(let p): throw StoreError.invalid([p])
            case .success(let s): next = s
            }
            var set: SQLQueryString = "UPDATE measures SET status = \(bind: next.status.rawValue), unit = \(bind: next.unit.rawValue), updated_at = \(bind: tx.clock.nowMillis())"
            let note = move.text.trimmingSpaces()
            switch move {
            case .refer(let to, _): set.appendInterpolation(unsafeRaw: ", referred_to = "); set.appendInterpolation(bind: to.rawValue)
            case .finish:
                set.appendInterpolation(unsafeRaw: ", result = "); set.appendInterpolation(bind: note)
                if m.endOn == nil { set.appendInterpolation(unsafeRaw: ", end_on = "); set.appendInterpolation(bind: today.description) }
            default: break
            }
            try await tx.sql.raw("\(set) WHERE id = \(bind: id)").run()
            let unit = if case .refer(let to, _) = move { to } else { m.state.unit }
            try await Self.event(tx, id, caseID: m.caseID, region: m.region, action: move.action, note: "\(m.service.chinese)｜\(unit.chinese)：\(note)", by: actor, today: today)
            try await AuditLog.record(tx, actor: actor, action: "measure.\(move.code)", subject: String(id), region: m.region,
                                      before: ["measureStatus": m.state.status.rawValue, "unit": m.state.unit.rawValue],
                                      after: ["measureStatus": next.status.rawValue, "unit": next.unit.rawValue, "note": note])
        }
    }

    public func measure(_ id: Int64, by actor: Actor) async throws -> (Measure, [CaseStore.Event])? {
        _ = try Self.party(actor)
        return try await db.read { sql in
            guard let m = try await Self.load(sql, id, actor: actor) else { return nil }
            let events = try await sql.raw("""
                SELECT on_day, from_step, to_step, action, note, actor FROM case_events WHERE measure_id = \(bind: id) ORDER BY id
                """).all(decoding: CaseStore.EventRow.self).compactMap(\.event)
            return (m, events)
        }
    }

    /// The region's catalogue of services for a case, those answering its household's risk kinds first; nil when the
    /// case is not the caller's.
    public func services(case caseID: Int64, by actor: Actor, today: CivilDate) async throws -> [ServiceKind]? {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        struct Kinds: Decodable { var risk_kinds: String? }
        return try await db.read { sql in
            guard let c = try await CaseStore.load(sql, caseID, actor: actor) else { return nil }
            let policy = try await PolicyStore.policy(sql, region: c.region, year: today.year)
            let kinds = try await sql.raw("""
                SELECT risk_kinds FROM episodes WHERE household_id = \(bind: c.householdID) ORDER BY id DESC LIMIT 1
                """).first(decoding: Kinds.self)?.risk_kinds ?? ""
            return ServiceKind.ordered(policy.services, for: kinds.split(separator: ",").compactMap { RiskKind(rawValue: String($0)) })
        }
    }

    /// The measures of a case, in the order recorded.
    public func measures(case caseID: Int64, by actor: Actor) async throws -> [Measure] {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        return try await db.read { sql in
            try await sql.raw("\(unsafeRaw: Self.select) WHERE m.case_id = \(bind: caseID) AND \(Self.visible(actor)) ORDER BY m.id").all(decoding: Row.self).compactMap(\.measure)
        }
    }

    /// The measures the caller may see that `filter` asks for: those awaiting an answer first, then the newest.
    public func measures(by actor: Actor, _ filter: Filter, limit: Int = 50, offset: Int = 0) async throws -> Page {
        _ = try Self.party(actor)
        var w: SQLQueryString = " WHERE \(Self.visible(actor))"
        if let s = filter.service { w.appendInterpolation(unsafeRaw: " AND m.service = "); w.appendInterpolation(bind: s.rawValue) }
        if let u = filter.unit { w.appendInterpolation(unsafeRaw: " AND m.unit = "); w.appendInterpolation(bind: u.rawValue) }
        if let s = filter.status { w.appendInterpolation(unsafeRaw: " AND m.status = "); w.appendInterpolation(bind: s.rawValue) }
        let window = " ORDER BY CASE m.status WHEN 'referred' THEN 0 WHEN 'declined' THEN 1 WHEN 'inProgress' THEN 2 ELSE 3 END, m.id DESC LIMIT \(max(1, min(limit, 100_000))) OFFSET \(max(0, offset))"
        return try await db.read { sql in
            let total = try await sql.raw("SELECT COUNT(*) AS n FROM measures m JOIN cases c ON c.id = m.case_id\(w)").first(decoding: Count.self)?.n ?? 0
            let rows = try await sql.raw("\(unsafeRaw: Self.select)\(w)\(unsafeRaw: window)").all(decoding: Row.self).compactMap(\.measure)
            return Page(measures: rows, total: total)
        }
    }

    /// R-MON-8: the monitored households of the caller's subtree identified a month ago or more with no measure taken
    /// (in progress or done, not ended before the identification), longest waiting first.
    public func missing(by actor: Actor, today: CivilDate) async throws -> [Missing] {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        // A coarse bound in SQL (no month is shorter than 28 days); the domain's rule decides each day exactly.
        let bound = today.adding(days: -28).description
        let rows = try await db.read { sql in
            try await sql.raw("""
                SELECT e.household_id, e.region, e.identified_on, e.risk_kinds,
                       (SELECT MIN(mb.name) FROM members mb WHERE mb.household_id = e.household_id AND mb.relation = 'head') AS head_name,
                       (SELECT MAX(c.id) FROM cases c WHERE c.household_id = e.household_id AND c.status = 'open') AS case_id
                FROM episodes e
                WHERE e.status IN ('monitored', 'clearing') AND e.identified_on IS NOT NULL AND e.identified_on <= \(bind: bound)
                  AND \(HouseholdStore.scope(actor, column: "e.region"))
                  AND NOT EXISTS (SELECT 1 FROM measures m WHERE m.household_id = e.household_id AND m.status IN ('inProgress', 'done')
                                  AND (m.end_on IS NULL OR m.end_on >= e.identified_on))
                """).all(decoding: MissingRow.self)
        }
        return rows.compactMap { r -> Missing? in
            guard let region = RegionCode(value: UInt64(r.region)), let on = CivilDate(r.identified_on),
                  MeasureDeadline.missing(identifiedOn: on, today: today) else { return nil }
            return Missing(householdID: r.household_id, headName: r.head_name ?? "", region: region, identifiedOn: on,
                           due: MeasureDeadline.due(identifiedOn: on), riskKinds: r.risk_kinds.split(separator: ",").compactMap { RiskKind(rawValue: String($0)) },
                           caseID: r.case_id)
        }.sorted { ($0.identifiedOn, $0.householdID) < ($1.identifiedOn, $1.householdID) }
    }

    /// The case's owners act as the owner; a department officer as their department; nobody else.
    public static func party(_ actor: Actor) throws -> MeasureParty {
        if actor.role.may(.answerReferrals), let d = actor.department { return .department(d) }
        if actor.role.may(.browseRegister) { return .owner }
        throw StoreError.forbidden
    }

    /// What the caller sees: the subtree; for a department officer, only what was referred to their department.
    static func visible(_ actor: Actor) -> SQLQueryString {
        var q = HouseholdStore.scope(actor, column: "m.region")
        if actor.role == .departmentOfficer {
            let d = actor.department?.rawValue ?? "-"
            q.appendInterpolation(unsafeRaw: " AND (m.unit = "); q.appendInterpolation(bind: d)
            q.appendInterpolation(unsafeRaw: " OR m.referred_to = "); q.appendInterpolation(bind: d); q.appendInterpolation(unsafeRaw: ")")
        }
        return q
    }

    static let select = """
        SELECT m.id, m.case_id, m.household_id, m.region, m.service, m.unit, m.referred_to, m.status, m.start_on, m.end_on, m.amount, m.goods, m.note,
               m.result, c.step AS case_step, c.status AS case_status,
               (SELECT MIN(mb.name) FROM members mb WHERE mb.household_id = m.household_id AND mb.relation = 'head') AS head_name
        FROM measures m JOIN cases c ON c.id = m.case_id
        """

    static func load(_ sql: any SQLDatabase, _ id: Int64, actor: Actor) async throws -> Measure? {
        try await sql.raw("\(unsafeRaw: select) WHERE m.id = \(bind: id) AND \(visible(actor))").first(decoding: Row.self)?.measure
    }

    static func event(_ tx: Tx, _ id: Int64, caseID: Int64, region: RegionCode, action: String, note: String, by actor: Actor, today: CivilDate) async throws {
        try await tx.sql.raw("""
            INSERT INTO case_events (case_id, region, at, on_day, from_step, to_step, action, note, actor, measure_id)
            VALUES (\(bind: caseID), \(bind: Int64(region.value)), \(bind: tx.clock.nowMillis()), \(bind: today.description), NULL, NULL,
                    \(bind: action), \(bind: note), \(bind: actor.username), \(bind: id))
            """).run()
    }

    struct Row: Decodable {
        var id: Int64; var case_id: Int64; var household_id: String; var region: Int64; var service: String; var unit: String; var referred_to: String?
        var status: String; var start_on: String; var end_on: String?; var amount: Int64?; var goods: String; var note: String; var result: String?
        var case_step: String; var case_status: String; var head_name: String?
        var measure: Measure? {
            guard let r = RegionCode(value: UInt64(region)), let s = ServiceKind(rawValue: service), let u = Department(rawValue: unit),
                  let st = MeasureStatus(rawValue: status), let start = CivilDate(start_on), let step = CaseStep(rawValue: case_step),
                  let cs = CaseStatus(rawValue: case_status) else { return nil }
            return Measure(id: id, caseID: case_id, householdID: household_id, headName: head_name ?? "", region: r, service: s,
                           state: MeasureState(status: st, unit: u), referredTo: referred_to.flatMap(Department.init), startOn: start,
                           endOn: end_on.flatMap(CivilDate.init), amount: amount.map(Int.init), goods: goods, note: note, result: result,
                           caseStep: step, caseStatus: cs)
        }
    }

    struct MissingRow: Decodable {
        var household_id: String; var region: Int64; var identified_on: String; var risk_kinds: String; var head_name: String?; var case_id: Int64?
    }
}

extension MeasureMove {
    /// The timeline's name for the move.
    var action: String {
        switch self {
        case .refer: "measureReferred"; case .accept: "measureAccepted"; case .decline: "measureDeclined"
        case .finish: "measureFinished"; case .withdraw: "measureWithdrawn"
        }
    }
}
