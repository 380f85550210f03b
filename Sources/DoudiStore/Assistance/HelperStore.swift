import DoudiDomain
import SQLKit

/// 帮扶责任人 (R-MON-8, issue 14 item 3): each monitored household and each household with an open case has a
/// helper, a village cadre or township officer whose region holds it; naming another closes the first one's
/// period, so the history stays. Visits are due monthly from the last one (or from the day the helper took the
/// household on); the township and the county see who is overdue or has no helper.
public struct HelperStore: Sendable {
    public let db: Database
    public init(_ db: Database) { self.db = db }

    /// One period of one helper for one household.
    public struct Assignment: Sendable, Hashable {
        public var username: String
        public var from: CivilDate
        public var to: CivilDate?
    }

    /// A household someone must visit: its helper (nil when none is named), its last visit, when the next is due.
    public struct Duty: Sendable, Hashable {
        public var householdID: String
        public var headName: String
        public var region: RegionCode
        public var helper: String?
        public var since: CivilDate?
        public var lastVisit: CivilDate?
        public var due: CivilDate
        /// The household's open case, and its step.
        public var caseID: Int64?
        public var caseStep: CaseStep?
        public func overdue(today: CivilDate) -> Bool { today > due }
    }

    static func v22(_ id: String) -> [String] {
        [
            """
            CREATE TABLE helpers (
              id \(id), household_id TEXT NOT NULL REFERENCES households (id), region BIGINT NOT NULL, user_id BIGINT NOT NULL REFERENCES users (id),
              from_day TEXT NOT NULL, to_day TEXT, assigned_by TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            // One helper at a time per household; a helper's households found by their id.
            "CREATE UNIQUE INDEX helpers_current ON helpers (household_id) WHERE to_day IS NULL",
            "CREATE INDEX helpers_user ON helpers (user_id) WHERE to_day IS NULL",
        ]
    }

    /// Names `username` the household's helper from `today` (the one before, if any, until today).
    public func assign(household: String, username: String, by actor: Actor, today: CivilDate) async throws {
        guard actor.role.may(.assignHelpers) else { throw StoreError.forbidden }
        try await db.transaction { tx in
            guard let h = try await tx.sql.raw("""
                SELECT region FROM households WHERE id = \(bind: household) AND \(HouseholdStore.scope(actor))
                """).first(decoding: ApplicationStore.RegionRow.self), let region = RegionCode(value: UInt64(h.region)) else { throw StoreError.notFound }
            let user = try await tx.sql.raw("""
                SELECT id, role, region FROM users WHERE username = \(bind: username) AND active = 1
                """).first(decoding: UserRow.self)
            guard let user, let role = Role(rawValue: user.role), let home = RegionCode(value: UInt64(user.region)),
                  MonthlyVisit.mayHelp(role: role, region: home, household: region) else {
                throw StoreError.invalid([FieldProblem("helper", Message("帮扶责任人应为本村（社区）或本乡镇的干部", "a helper is a cadre of the household's village or township"))])
            }
            let current = try await tx.sql.raw("""
                SELECT u.username, h.user_id FROM helpers h JOIN users u ON u.id = h.user_id WHERE h.household_id = \(bind: household) AND h.to_day IS NULL
                """).first(decoding: Current.self)
            guard current?.user_id != user.id else {
                throw StoreError.invalid([FieldProblem("helper", Message("此人已是该户的帮扶责任人", "already this household's helper"))])
            }
            try await tx.sql.raw("UPDATE helpers SET to_day = \(bind: today.description) WHERE household_id = \(bind: household) AND to_day IS NULL").run()
            try await tx.sql.raw("""
                INSERT INTO helpers (household_id, region, user_id, from_day, assigned_by, created_at)
                VALUES (\(bind: household), \(bind: h.region), \(bind: user.id), \(bind: today.description), \(bind: actor.username), \(bind: tx.clock.nowMillis()))
                """).run()
            try await AuditLog.record(tx, actor: actor, action: "helper.assign", subject: household, region: region,
                                      before: current.map { ["helper": $0.username] }, after: ["helper": username, "from": today.description])
        }
    }

    /// The household's region, when it lies inside the caller's subtree.
    public func region(of household: String, by actor: Actor) async throws -> RegionCode? {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        return try await db.read { sql in
            try await sql.raw("SELECT region FROM households WHERE id = \(bind: household) AND \(HouseholdStore.scope(actor))").first(decoding: ApplicationStore.RegionRow.self)
        }.flatMap { RegionCode(value: UInt64($0.region)) }
    }

    /// The household's helpers, the current one first.
    public func history(household: String, by actor: Actor) async throws -> [Assignment] {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        return try await db.read { sql in
            try await sql.raw("""
                SELECT u.username, h.from_day, h.to_day FROM helpers h JOIN users u ON u.id = h.user_id
                WHERE h.household_id = \(bind: household) AND \(HouseholdStore.scope(actor, column: "h.region")) ORDER BY h.id DESC
                """).all(decoding: AssignmentRow.self).compactMap { r in
                CivilDate(r.from_day).map { Assignment(username: r.username, from: $0, to: r.to_day.flatMap(CivilDate.init)) }
            }
        }
    }

    /// Who may be named for the household: active village cadres and township officers whose region holds it.
    public func candidates(household: RegionCode) async throws -> [String] {
        let township = household.truncated(to: .township), village = household.truncated(to: .village)
        return try await db.read { sql in
            try await sql.raw("""
                SELECT username FROM users WHERE active = 1 AND ((role = 'villageCadre' AND region = \(bind: Int64(village.value)))
                  OR (role = 'townshipOfficer' AND region = \(bind: Int64(township.value)))) ORDER BY role DESC, username
                """).all(decoding: Name.self).map(\.username)
        }
    }

    /// The households a helper must visit (`mine`), or every household inside the caller's subtree that is
    /// monitored or has an open case, with its helper or none (only those overdue, only those with no helper):
    /// the next visit's day first.
    public func duties(by actor: Actor, mine: Bool, overdue: Bool = false, unassigned: Bool = false, today: CivilDate) async throws -> [Duty] {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        let r = actor.region.subtreeRange
        let within: SQLQueryString = "BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))"
        var q: SQLQueryString = """
            SELECT d.household_id, hh.region, u.username, hp.from_day, c.id AS case_id, c.step AS case_step,
                   (SELECT MAX(v.visited_on) FROM visits v WHERE v.household_id = d.household_id) AS last_visit,
                   (SELECT MIN(m.name) FROM members m WHERE m.household_id = d.household_id AND m.relation = 'head') AS head_name
            FROM (SELECT household_id FROM episodes WHERE status IN ('monitored', 'clearing') AND region \(within)
                  UNION SELECT household_id FROM cases WHERE status = 'open' AND region \(within)) d
            JOIN households hh ON hh.id = d.household_id
            LEFT JOIN helpers hp ON hp.household_id = d.household_id AND hp.to_day IS NULL
            LEFT JOIN users u ON u.id = hp.user_id
            LEFT JOIN cases c ON c.household_id = d.household_id AND c.status = 'open'
            """
        if mine { q.appendInterpolation(unsafeRaw: " WHERE hp.user_id = "); q.appendInterpolation(bind: actor.userID) }
        let rows = try await db.read { sql in try await sql.raw(q).all(decoding: DutyRow.self) }
        return rows.compactMap { r -> Duty? in
            guard let region = RegionCode(value: UInt64(r.region)) else { return nil }
            let since = r.from_day.flatMap(CivilDate.init), last = r.last_visit.flatMap(CivilDate.init)
            // With neither a visit nor a helper, a visit is due now.
            let base = [last, since].compactMap { $0 }.max()
            return Duty(householdID: r.household_id, headName: r.head_name ?? "", region: region, helper: r.username, since: since, lastVisit: last,
                        due: base.map(MonthlyVisit.due(after:)) ?? today, caseID: r.case_id, caseStep: r.case_step.flatMap(CaseStep.init))
        }.filter { (!overdue || $0.overdue(today: today)) && (!unassigned || $0.helper == nil) }
        .sorted { ($0.due, $0.householdID) < ($1.due, $1.householdID) }
    }

    struct UserRow: Decodable { var id: Int64; var role: String; var region: Int64 }
    struct Current: Decodable { var username: String; var user_id: Int64 }
    struct Name: Decodable { var username: String }
    struct AssignmentRow: Decodable { var username: String; var from_day: String; var to_day: String? }
    struct DutyRow: Decodable {
        var household_id: String; var region: Int64; var username: String?; var from_day: String?; var case_id: Int64?; var case_step: String?
        var last_visit: String?; var head_name: String?
    }
}
