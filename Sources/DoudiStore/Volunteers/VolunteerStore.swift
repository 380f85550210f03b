import DoudiDomain
import Foundation
import SQLKit

/// Volunteers (issue 16, R-VOL-1): organizations with their administrator, volunteers with their own login, posts,
/// tasks, assignments that pass the rules, health declarations, hours, and the response levels per region. Every
/// read carries the caller's subtree; an organization's administrator reaches their organization only.
public struct VolunteerStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static func v33(_ id: String) -> [String] {
        [
            """
            CREATE TABLE volunteer_orgs (
              id \(id), name TEXT NOT NULL, region BIGINT NOT NULL, admin_user_id BIGINT NOT NULL UNIQUE REFERENCES users (id), created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE volunteers (
              id \(id), org_id BIGINT NOT NULL REFERENCES volunteer_orgs (id), user_id BIGINT UNIQUE REFERENCES users (id), name TEXT NOT NULL,
              mobile_sealed TEXT NOT NULL, joined_through TEXT NOT NULL, joined_via TEXT NOT NULL, home BIGINT NOT NULL, reach TEXT NOT NULL,
              skills TEXT NOT NULL, languages TEXT NOT NULL, online INTEGER NOT NULL, availability TEXT NOT NULL, insurer TEXT, policy_number TEXT,
              insured_from TEXT, insured_to TEXT, active INTEGER NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX volunteers_home ON volunteers (home)",
            "CREATE INDEX volunteers_org ON volunteers (org_id)",
            """
            CREATE TABLE volunteer_health (
              volunteer_id BIGINT NOT NULL REFERENCES volunteers (id), day TEXT NOT NULL, temperature_tenths INTEGER, symptoms TEXT NOT NULL,
              fit INTEGER NOT NULL, declared_at BIGINT NOT NULL, PRIMARY KEY (volunteer_id, day))
            """,
            """
            CREATE TABLE volunteer_posts (
              id \(id), org_id BIGINT REFERENCES volunteer_orgs (id), region BIGINT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, skills TEXT NOT NULL,
              daily_limit INTEGER NOT NULL, weekly_limit INTEGER NOT NULL, created_by TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX volunteer_posts_region ON volunteer_posts (region)",
            """
            CREATE TABLE volunteer_tasks (
              id \(id), post_id BIGINT NOT NULL REFERENCES volunteer_posts (id), region BIGINT NOT NULL, day TEXT NOT NULL, minutes INTEGER NOT NULL,
              mode TEXT NOT NULL, risk TEXT NOT NULL, needed INTEGER NOT NULL, note TEXT NOT NULL, served_kind TEXT, served_ref TEXT, served_name TEXT,
              served_address TEXT, created_by TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX volunteer_tasks_region ON volunteer_tasks (region, day)",
            """
            CREATE TABLE volunteer_assignments (
              id \(id), task_id BIGINT NOT NULL REFERENCES volunteer_tasks (id), volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
              day TEXT NOT NULL, status TEXT NOT NULL, planned_minutes INTEGER NOT NULL, served_minutes INTEGER, confirmed_minutes INTEGER,
              assigned_by TEXT NOT NULL, confirmed_by TEXT, confirmed_on TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
              UNIQUE (task_id, volunteer_id))
            """,
            "CREATE INDEX volunteer_assignments_volunteer ON volunteer_assignments (volunteer_id, day)",
            """
            CREATE TABLE response_levels (
              id \(id), region BIGINT NOT NULL, level TEXT NOT NULL, since TEXT NOT NULL, note TEXT NOT NULL, set_by TEXT NOT NULL, set_at BIGINT NOT NULL)
            """,
            "CREATE INDEX response_levels_region ON response_levels (region, id)",
        ]
    }

    struct ID: Decodable { var id: Int64 }

    /// The organization an administrator runs, the volunteer an account is: nil for anyone else.
    static func orgOf(_ sql: any SQLDatabase, _ actor: Actor) async throws -> Int64? {
        guard actor.role == .volunteerOrgAdmin else { return nil }
        return try await sql.raw("SELECT id FROM volunteer_orgs WHERE admin_user_id = \(bind: actor.userID)").first(decoding: ID.self)?.id
    }
    static func volunteerOf(_ sql: any SQLDatabase, _ actor: Actor) async throws -> Int64? {
        guard actor.role == .volunteer else { return nil }
        return try await sql.raw("SELECT id FROM volunteers WHERE user_id = \(bind: actor.userID) AND active = 1").first(decoding: ID.self)?.id
    }

    static func within(_ column: String, _ region: RegionCode) -> SQLQueryString {
        let r = region.subtreeRange
        return "\(unsafeRaw: column) BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))"
    }

    /// Registers an organization and its administrator's account (role `volunteerOrgAdmin`, the organization's region).
    @discardableResult
    public func registerOrg(_ d: OrgDraft, by actor: Actor) async throws -> VolunteerOrg {
        guard VolunteerAccess.mayRegisterOrgs(actor.role) else { throw StoreError.forbidden }
        guard actor.reaches(d.region) else { throw StoreError.invalid([FieldProblem("regionCode", .regionNotInTable(d.region))]) }
        let hash = try await UserStore.hashed(username: d.adminUsername, password: d.adminPassword, role: .volunteerOrgAdmin)
        return try await db.transaction { tx in
            let admin = try await UserStore.insert(tx, username: d.adminUsername, hash: hash, role: .volunteerOrgAdmin, region: d.region, by: actor)
            guard let id = try await tx.sql.raw("""
                INSERT INTO volunteer_orgs (name, region, admin_user_id, created_at)
                VALUES (\(bind: d.name), \(bind: Int64(d.region.value)), \(bind: admin.id), \(bind: tx.clock.nowMillis())) RETURNING id
                """).first(decoding: ID.self)?.id else { throw StoreError.notFound }
            try await AuditLog.record(tx, actor: actor, action: "volunteer.org", subject: String(id), region: d.region, before: nil,
                                      after: ["name": d.name, "region": d.region.description, "username": d.adminUsername])
            return VolunteerOrg(id: id, name: d.name, region: d.region, admin: d.adminUsername, volunteers: 0)
        }
    }

    /// The organizations the caller reaches: an administrator's own, or those of the caller's subtree.
    public func orgs(by actor: Actor) async throws -> [VolunteerOrg] {
        guard VolunteerAccess.mayReadTasks(actor.role) else { throw StoreError.forbidden }
        struct R: Decodable { var id: Int64; var name: String; var region: Int64; var username: String; var n: Int; var minutes: Int? }
        let month = String(db.clock.today().description.prefix(7)) + "-%"
        return try await db.read { sql in
            let own = try await Self.orgOf(sql, actor)
            let scope: SQLQueryString = actor.role == .volunteerOrgAdmin ? "o.id = \(bind: own ?? -1)" : Self.within("o.region", actor.region)
            return try await sql.raw("""
                SELECT o.id, o.name, o.region, u.username, (SELECT COUNT(*) FROM volunteers v WHERE v.org_id = o.id AND v.active = 1) AS n,
                  (SELECT SUM(a.confirmed_minutes) FROM volunteer_assignments a JOIN volunteers v ON v.id = a.volunteer_id
                   WHERE v.org_id = o.id AND a.status = 'confirmed' AND a.day LIKE \(bind: month)) AS minutes
                FROM volunteer_orgs o JOIN users u ON u.id = o.admin_user_id WHERE \(scope) ORDER BY o.region, o.id LIMIT 500
                """).all(decoding: R.self)
        }.compactMap { r in RegionCode(value: UInt64(r.region)).map { VolunteerOrg(id: r.id, name: r.name, region: $0, admin: r.username, volunteers: r.n, minutesThisMonth: r.minutes ?? 0) } }
    }

    /// Registers a volunteer with the caller's organization; a username and password open their own login (role
    /// `volunteer`, region their home).
    @discardableResult
    public func addVolunteer(_ d: VolunteerDraft, by actor: Actor) async throws -> Int64 {
        guard actor.role == .volunteerOrgAdmin else { throw StoreError.forbidden }
        let hash: String? = if let u = d.username, let p = d.password { try await UserStore.hashed(username: u, password: p, role: .volunteer) } else { nil }
        return try await db.transaction { tx in
            guard let org = try await Self.orgOf(tx.sql, actor) else { throw StoreError.forbidden }
            guard try await tx.sql.raw("SELECT code FROM regions WHERE code = \(bind: Int64(d.home.value))").first() != nil else {
                throw StoreError.invalid([FieldProblem("homeRegion", .regionNotInTable(d.home))])
            }
            var user: Int64?
            if let u = d.username, let hash { user = try await UserStore.insert(tx, username: u, hash: hash, role: .volunteer, region: d.home, by: actor).id }
            guard let id = try await tx.sql.raw("""
                INSERT INTO volunteers (org_id, user_id, name, mobile_sealed, joined_through, joined_via, home, reach, skills, languages, online, availability,
                  insurer, policy_number, insured_from, insured_to, active, created_at)
                VALUES (\(bind: org), \(bind: user), \(bind: d.name), \(bind: try tx.fields.seal(d.mobile)), \(bind: d.joinedThrough.rawValue), \(bind: d.joinedVia),
                  \(bind: Int64(d.home.value)), \(bind: d.reach.map(\.description).joined(separator: ",")), \(bind: Self.list(d.skills)), \(bind: d.languages),
                  \(bind: d.online ? 1 : 0), \(bind: d.availability), \(bind: d.insurance?.insurer), \(bind: d.insurance?.policyNumber),
                  \(bind: d.insurance?.from.description), \(bind: d.insurance?.to.description), 1, \(bind: tx.clock.nowMillis()))
                RETURNING id
                """).first(decoding: ID.self)?.id else { throw StoreError.notFound }
            try await AuditLog.record(tx, actor: actor, action: "volunteer.add", subject: String(id), region: d.home, before: nil,
                                      after: ["name": d.name, "mobile": Masking.phone(d.mobile), "homeRegion": d.home.description, "volunteerSkills": Self.list(d.skills),
                                              "insurance": d.insurance.map { "\($0.insurer) \($0.from)–\($0.to)" } ?? "", "username": d.username ?? ""])
            return id
        }
    }

    static func list(_ skills: Set<VolunteerSkill>) -> String { VolunteerSkill.allCases.filter(skills.contains).map(\.rawValue).joined(separator: ",") }
    static func skills(_ text: String) -> Set<VolunteerSkill> { Set(text.split(separator: ",").compactMap { VolunteerSkill(rawValue: String($0)) }) }

    struct VolunteerRow: Decodable {
        var id: Int64; var org_id: Int64; var org_name: String; var name: String; var mobile_sealed: String; var joined_through: String; var joined_via: String
        var home: Int64; var reach: String; var skills: String; var languages: String; var online: Int; var availability: String
        var insurer: String?; var policy_number: String?; var insured_from: String?; var insured_to: String?; var username: String?
        var health_day: String?; var temperature_tenths: Int?; var symptoms: String?
    }
    static let volunteerColumns: SQLQueryString = """
        v.id, v.org_id, o.name AS org_name, v.name, v.mobile_sealed, v.joined_through, v.joined_via, v.home, v.reach, v.skills, v.languages, v.online,
        v.availability, v.insurer, v.policy_number, v.insured_from, v.insured_to, u.username, h.day AS health_day, h.temperature_tenths, h.symptoms
        FROM volunteers v JOIN volunteer_orgs o ON o.id = v.org_id LEFT JOIN users u ON u.id = v.user_id
        LEFT JOIN volunteer_health h ON h.volunteer_id = v.id AND h.day = (SELECT MAX(day) FROM volunteer_health WHERE volunteer_id = v.id)
        """

    func volunteer(_ r: VolunteerRow) throws -> Volunteer? {
        guard let home = RegionCode(value: UInt64(r.home)), let through = JoinedThrough(rawValue: r.joined_through) else { return nil }
        let insurance = r.insurer.flatMap { i in
            r.insured_from.flatMap(CivilDate.init).flatMap { f in r.insured_to.flatMap(CivilDate.init).map { Insurance(insurer: i, policyNumber: r.policy_number ?? "", from: f, to: $0) } }
        }
        let health = r.health_day.flatMap(CivilDate.init).map { d in
            HealthDeclaration(day: d, temperature: r.temperature_tenths.map { Double($0) / 10 },
                              symptoms: Set((r.symptoms ?? "").split(separator: ",").compactMap { Symptom(rawValue: String($0)) }))
        }
        let skills = Self.skills(r.skills)
        let facts = VolunteerFacts(id: r.id, home: home, reach: r.reach.split(separator: ",").compactMap { RegionCode($0) }, skills: skills, online: r.online == 1,
                                   insurance: insurance, health: health)
        return Volunteer(id: r.id, orgID: r.org_id, orgName: r.org_name, name: r.name, maskedMobile: Masking.phone(try db.fields.open(r.mobile_sealed)),
                         joinedThrough: through, joinedVia: r.joined_via, skills: skills, languages: r.languages, availability: r.availability,
                         username: r.username, facts: facts)
    }

    /// An organization's volunteers (its administrator), or those living in the caller's subtree (the administrator).
    public func volunteers(by actor: Actor) async throws -> [Volunteer] {
        guard actor.role == .volunteerOrgAdmin || actor.role == .admin else { throw StoreError.forbidden }
        let rows = try await db.read { sql in
            let own = try await Self.orgOf(sql, actor)
            let scope: SQLQueryString = actor.role == .volunteerOrgAdmin ? "v.org_id = \(bind: own ?? -1)" : Self.within("v.home", actor.region)
            return try await sql.raw("SELECT \(Self.volunteerColumns) WHERE v.active = 1 AND \(scope) ORDER BY v.id LIMIT 1000").all(decoding: VolunteerRow.self)
        }
        return try rows.compactMap(volunteer)
    }
}

extension VolunteerStore {
    /// A volunteer's whole mobile number, to call them: for their organization, or for one who may publish tasks in
    /// the region of a task they hold. Every view is in the audit log.
    public func revealMobile(_ id: Int64, by actor: Actor) async throws -> String {
        guard actor.role == .volunteerOrgAdmin || VolunteerAccess.mayPublish(actor.role) else { throw StoreError.forbidden }
        return try await db.transaction { tx in
            let scope: SQLQueryString = actor.role == .volunteerOrgAdmin
                ? "v.org_id = \(bind: try await Self.orgOf(tx.sql, actor) ?? -1)"
                : """
                  v.id IN (SELECT a.volunteer_id FROM volunteer_assignments a JOIN volunteer_tasks t ON t.id = a.task_id
                           WHERE a.status NOT IN ('declined', 'withdrawn') AND \(Self.within("t.region", actor.region)))
                  """
            struct R: Decodable { var mobile_sealed: String; var home: Int64; var name: String }
            guard let r = try await tx.sql.raw("SELECT v.mobile_sealed, v.home, v.name FROM volunteers v WHERE v.id = \(bind: id) AND \(scope)").first(decoding: R.self) else {
                throw StoreError.notFound
            }
            let mobile = try tx.fields.open(r.mobile_sealed)
            try await AuditLog.record(tx, actor: actor, action: "volunteer.reveal", subject: String(id), region: RegionCode(value: UInt64(r.home)) ?? actor.region,
                                      before: nil, after: ["name": r.name, "mobile": Masking.phone(mobile)])
            return mobile
        }
    }
}
