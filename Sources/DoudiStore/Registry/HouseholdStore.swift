import DoudiDomain
import Foundation
import SQLKit

/// A member as stored, with the row id pages and the API use to name it without its resident ID.
public struct StoredMember: Sendable, Hashable {
    public var id: Int64
    public var member: Member
}

public struct StoredHousehold: Sendable, Hashable {
    public var household: Household
    public var members: [StoredMember]
    public var record: HouseholdRecord { HouseholdRecord(household: household, members: members.map(\.member)) }
}

/// A household as the register's search lists it, decoded once.
/// The register. Every query carries the actor's region subtree: a household outside it is, to that
/// actor, a household that does not exist.
public struct HouseholdStore: Sendable {
    /// A household id already in the register.
    public static func taken(_ id: String) -> StoreError {
        .conflict(FieldProblem("householdId", Message("户编号\(id)已存在", "household id \(id) already exists")))
    }

    /// A person already in another household: one person belongs to one household only.
    public static func elsewhere(_ other: String) -> StoreError {
        .conflict(FieldProblem("residentId", Message("此人已登记在户\(other)中，一人只能属于一户",
                                                     "this person is already registered in household \(other); a person belongs to one household only")))
    }

    let db: Database
    public init(_ db: Database) { self.db = db }

    static let memberColumns = ["resident_sealed", "resident_index", "household_id", "region", "name", "relation", "sex", "birth_date",
                                "labor_ability", "health", "disability_grade", "schooling", "employment", "phone_sealed", "child_category"]
    static let householdColumns = ["id", "region", "poverty_status", "dibao", "near_dibao", "extreme_hardship",
                                   "income_per_capita", "address", "created_at", "updated_at"]

    struct HouseholdRow: Decodable {
        var id: String; var region: Int64; var poverty_status: String; var dibao: Int; var near_dibao: Int
        var extreme_hardship: Int; var income_per_capita: Int; var address: String
        var household: Household? {
            guard let code = RegionCode(value: UInt64(region)), let status = PovertyStatus(rawValue: poverty_status) else { return nil }
            return Household(id: id, regionCode: code, povertyStatus: status, dibao: dibao == 1, nearDibao: near_dibao == 1,
                             extremeHardship: extreme_hardship == 1, incomePerCapita: income_per_capita, address: address)
        }
    }

    static let householdSelect = "SELECT id, region, poverty_status, dibao, near_dibao, extreme_hardship, income_per_capita, address FROM households"

    /// A member's row, its resident ID and phone still sealed.
    struct MemberRow: Decodable {
        var id: Int64; var resident_sealed: String; var household_id: String; var name: String; var relation: String; var sex: String
        var birth_date: String; var labor_ability: String; var health: String; var disability_grade: Int?; var schooling: String
        var employment: String; var phone_sealed: String?; var child_category: String?

        /// The member, opened; nil for a row no type knows. A sealed value that does not open is an error: the
        /// row was altered, or the key file is not this database's.
        func stored(_ s: FieldSecrets.Sealer) throws -> StoredMember? {
            let phone = try s.open(phone_sealed), plainID = try s.open(resident_sealed)
            guard let rid = try? ResidentID(plainID), let relation = Relation(rawValue: relation), let sex = Sex(rawValue: sex),
                  let birth = CivilDate(birth_date), let labor = LaborAbility(rawValue: labor_ability),
                  let health = HealthStatus(rawValue: health), let schooling = Schooling(rawValue: schooling),
                  let employment = Employment(rawValue: employment) else { return nil }
            return StoredMember(id: id, member: Member(
                residentID: rid, householdID: household_id, name: name, relation: relation, sex: sex, birthDate: birth,
                laborAbility: labor, health: health, disabilityGrade: disability_grade, schooling: schooling,
                employment: employment, phone: phone, childCategory: child_category.flatMap(ChildCategory.init(rawValue:))))
        }
    }

    /// A member's sealed columns: its resident ID and phone sealed, the ID's blind index.
    struct Sealed: Sendable {
        var residentID: String
        var index: String
        var phone: String?
        init(_ m: Member, _ s: FieldSecrets.Sealer) {
            residentID = s.seal(m.residentID.text); index = s.index(m.residentID.text); phone = s.seal(m.phone)
        }
    }

    /// A member's columns, in `memberColumns` order.
    static func write<W: RowWriter>(_ m: Member, region: RegionCode, sealed: Sealed, to w: inout W) {
        w.text(sealed.residentID); w.text(sealed.index); w.text(m.householdID); w.int(Int64(region.value)); w.text(m.name); w.text(m.relation.rawValue)
        w.text(m.sex.rawValue); w.text(m.birthDate.description); w.text(m.laborAbility.rawValue); w.text(m.health.rawValue)
        w.int(m.disabilityGrade.map(Int64.init)); w.text(m.schooling.rawValue); w.text(m.employment.rawValue)
        w.text(sealed.phone); w.text(m.childCategory?.rawValue)
    }

    /// A household's columns, in `householdColumns` order.
    static func write<W: RowWriter>(_ h: Household, now: Int64, to w: inout W) {
        w.text(h.id); w.int(Int64(h.regionCode.value)); w.text(h.povertyStatus.rawValue); w.flag(h.dibao)
        w.flag(h.nearDibao); w.flag(h.extremeHardship); w.int(Int64(h.incomePerCapita)); w.text(h.address)
        w.int(now); w.int(now)
    }

    static func bulkRow(_ m: Member, region: RegionCode, sealing s: FieldSecrets.Sealer) -> [BulkValue] {
        BulkValues.row { write(m, region: region, sealed: Sealed(m, s), to: &$0) }
    }
    static func bulkRow(_ h: Household, now: Int64) -> [BulkValue] { BulkValues.row { write(h, now: now, to: &$0) } }

    static func scope(_ actor: Actor, column: String = "region") -> SQLQueryString {
        within(actor.region, column: column)
    }

    static func within(_ region: RegionCode, column: String) -> SQLQueryString {
        let r = region.subtreeRange
        return "\(unsafeRaw: column) BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))"
    }

    /// A list's " WHERE …" on the actor's subtree, narrowed to a township or village it asked for; nil when that
    /// region lies outside the subtree (the list is then empty).
    static func listScope(_ actor: Actor, narrowedTo region: RegionCode?, column: String) -> SQLQueryString? {
        guard let region else { return " WHERE " + scope(actor, column: column) }
        return actor.reaches(region) ? " WHERE " + within(region, column: column) : nil
    }

    static let memberSelect = "SELECT id, resident_sealed, household_id, name, relation, sex, birth_date, labor_ability, health, disability_grade, schooling, employment, phone_sealed, child_category FROM members"

    /// Members' rows opened.
    static func open(_ rows: [MemberRow], _ fields: FieldSecrets) throws -> [StoredMember] {
        try fields.withSealer { s in try rows.compactMap { try $0.stored(s) } }
    }

    static func load(_ sql: any SQLDatabase, _ fields: FieldSecrets, id: String, actor: Actor) async throws -> StoredHousehold? {
        guard let row = try await sql.raw("\(unsafeRaw: householdSelect) WHERE id = \(bind: id) AND \(scope(actor))").first(decoding: HouseholdRow.self),
              let household = row.household else { return nil }
        let members = try await sql.raw("\(unsafeRaw: memberSelect) WHERE household_id = \(bind: id) ORDER BY id").all(decoding: MemberRow.self)
        return StoredHousehold(household: household, members: try open(members, fields))
    }

    /// One household with its members, or nil when it does not exist or lies outside the actor's region.
    public func get(_ id: String, by actor: Actor) async throws -> StoredHousehold? {
        guard actor.role.may(.browseRegister) else { return nil }
        return try await db.read { sql in try await Self.load(sql, db.fields, id: id, actor: actor) }
    }

    /// The household in the register that holds this person, by whoever asks (a person belongs to one household only).
    static func householdOf(_ tx: Tx, _ rid: ResidentID) async throws -> String? {
        try await tx.sql.raw("SELECT household_id FROM members WHERE resident_index = \(bind: try tx.fields.index(rid.text))").first(decoding: HouseholdIDRow.self)?.household_id
    }

    struct HouseholdIDRow: Decodable { var household_id: String }

    public func create(_ record: HouseholdRecord, by actor: Actor, today: CivilDate? = nil) async throws -> StoredHousehold {
        let today = today ?? db.clock.today()
        guard actor.role.may(.writeRegister), actor.reaches(record.household.regionCode) else { throw StoreError.forbidden }
        var problems = record.problems(today: today)
        if record.members.isEmpty {
            problems.append(FieldProblem("members", Message("一户至少有一名成员（户主）", "a household has at least one member, its head")))
        }
        if !problems.isEmpty { throw StoreError.invalid(problems) }
        return try await db.transaction { tx in
            try await Self.requireVillage(tx.sql, record.household.regionCode)
            if try await tx.sql.raw("SELECT id FROM households WHERE id = \(bind: record.household.id)").first() != nil {
                throw Self.taken(record.household.id)
            }
            for m in record.members {
                if let other = try await Self.householdOf(tx, m.residentID) { throw Self.elsewhere(other) }
            }
            let now = tx.clock.nowMillis()
            try await tx.bulkInsert(table: "households", columns: Self.householdColumns, rows: [Self.bulkRow(record.household, now: now)])
            let rows = try tx.fields.withSealer { s in record.members.map { Self.bulkRow($0, region: record.household.regionCode, sealing: s) } }
            try await tx.bulkInsert(table: "members", columns: Self.memberColumns, rows: rows)
            try await LeadStore.attachOpenLeads(tx, householdID: record.household.id)
            try await AuditLog.record(tx, actor: actor, action: "household.create", subject: record.household.id,
                                      region: record.household.regionCode, before: nil, after: AuditView(record))
            guard let stored = try await Self.load(tx.sql, tx.fields, id: record.household.id, actor: actor) else { throw StoreError.notFound }
            return stored
        }
    }

    static func requireVillage(_ sql: any SQLDatabase, _ code: RegionCode) async throws {
        guard code.level == .village,
              try await sql.raw("SELECT code FROM regions WHERE code = \(bind: Int64(code.value))").first() != nil else {
            throw StoreError.invalid([FieldProblem("region_code", Message("区划代码\(code)不是区划表中的村（社区）", "region code \(code) is not a village in the division table"))])
        }
    }

    /// Changes a household's own fields. Moving it to another village moves its members' scope along.
    public func update(_ household: Household, by actor: Actor) async throws -> StoredHousehold {
        guard actor.role.may(.writeRegister) else { throw StoreError.forbidden }
        let problems = household.problems()
        if !problems.isEmpty { throw StoreError.invalid(problems) }
        return try await db.transaction { tx in
            guard let before = try await Self.load(tx.sql, tx.fields, id: household.id, actor: actor) else { throw StoreError.notFound }
            guard actor.reaches(household.regionCode) else { throw StoreError.forbidden }
            try await Self.requireVillage(tx.sql, household.regionCode)
            let h = household
            try await tx.sql.raw("""
                UPDATE households SET region = \(bind: Int64(h.regionCode.value)), poverty_status = \(bind: h.povertyStatus.rawValue),
                  dibao = \(bind: h.dibao ? 1 : 0), near_dibao = \(bind: h.nearDibao ? 1 : 0), extreme_hardship = \(bind: h.extremeHardship ? 1 : 0),
                  income_per_capita = \(bind: h.incomePerCapita), address = \(bind: h.address), updated_at = \(bind: tx.clock.nowMillis())
                WHERE id = \(bind: h.id)
                """).run()
            try await tx.sql.raw("UPDATE members SET region = \(bind: Int64(h.regionCode.value)) WHERE household_id = \(bind: h.id)").run()
            try await AuditLog.record(tx, actor: actor, action: "household.update", subject: h.id, region: h.regionCode,
                                      before: AuditView(before.record), after: AuditView(HouseholdRecord(household: h, members: before.record.members)))
            guard let stored = try await Self.load(tx.sql, tx.fields, id: h.id, actor: actor) else { throw StoreError.notFound }
            return stored
        }
    }

    /// Adds a person to a household. Fails, naming the other household, when they already belong to one.
    public func addMember(_ member: Member, by actor: Actor, today: CivilDate? = nil) async throws -> StoredHousehold {
        let today = today ?? db.clock.today()
        guard actor.role.may(.writeRegister) else { throw StoreError.forbidden }
        return try await db.transaction { tx in
            guard let before = try await Self.load(tx.sql, tx.fields, id: member.householdID, actor: actor) else { throw StoreError.notFound }
            if let other = try await Self.householdOf(tx, member.residentID) { throw Self.elsewhere(other) }
            let after = HouseholdRecord(household: before.household, members: before.record.members + [member])
            let problems = after.problems(today: today)
            if !problems.isEmpty { throw StoreError.invalid(problems) }
            let row = try tx.fields.withSealer { s in Self.bulkRow(member, region: before.household.regionCode, sealing: s) }
            try await tx.bulkInsert(table: "members", columns: Self.memberColumns, rows: [row])
            try await tx.sql.raw("UPDATE households SET updated_at = \(bind: tx.clock.nowMillis()) WHERE id = \(bind: member.householdID)").run()
            try await LeadStore.attachOpenLeads(tx, householdID: member.householdID)
            try await AuditLog.record(tx, actor: actor, action: "member.add", subject: member.householdID, region: before.household.regionCode,
                                      before: AuditView(before.record), after: AuditView(after))
            guard let stored = try await Self.load(tx.sql, tx.fields, id: member.householdID, actor: actor) else { throw StoreError.notFound }
            return stored
        }
    }

    /// The household of a member the actor can see, without reading the member's numbers.
    public func householdOf(member id: Int64, by actor: Actor) async throws -> String? {
        try await db.read { sql in
            try await sql.raw("SELECT household_id FROM members WHERE id = \(bind: id) AND \(Self.scope(actor))").first(decoding: HouseholdIDRow.self)?.household_id
        }
    }

    /// The full resident ID and phone of one member. Each call is written to the audit log.
    public func reveal(memberID: Int64, by actor: Actor) async throws -> StoredMember {
        guard actor.role.may(.revealPersonalData) else { throw StoreError.forbidden }
        return try await db.transaction { tx in
            guard let row = try await tx.sql.raw("\(unsafeRaw: Self.memberSelect) WHERE id = \(bind: memberID) AND \(Self.scope(actor))").first(decoding: MemberRow.self),
                  let m = try Self.open([row], tx.fields).first else { throw StoreError.notFound }
            let region = try await tx.sql.raw("\(unsafeRaw: Self.householdSelect) WHERE id = \(bind: m.member.householdID)").first(decoding: HouseholdRow.self)?.household?.regionCode ?? actor.region
            try await AuditLog.record(tx, actor: actor, action: "member.reveal", subject: "\(m.member.householdID)/\(memberID)",
                                      region: region, before: nil, after: ["residentId": m.member.residentID.masked, "phone": m.member.maskedPhone ?? ""])
            return m
        }
    }

    public func counts() async throws -> (households: Int, members: Int) {
        try await db.read { sql in try await Self.counts(sql) }
    }

    static func counts(_ sql: any SQLDatabase) async throws -> (households: Int, members: Int) {
        let h = try await sql.raw("SELECT COUNT(*) AS n FROM households").first(decoding: Count.self)?.n ?? 0
        let m = try await sql.raw("SELECT COUNT(*) AS n FROM members").first(decoding: Count.self)?.n ?? 0
        return (h, m)
    }
}

/// What the audit log keeps of a household: everything, with resident IDs and phones masked.
struct AuditView: Encodable, Sendable {
    var household: Household
    var members: [[String: String]]
    init(_ r: HouseholdRecord) {
        household = r.household
        members = r.members.map { m in
            var d = ["residentId": m.residentID.masked, "name": m.name, "relation": m.relation.rawValue, "laborAbility": m.laborAbility.rawValue,
                     "health": m.health.rawValue, "schooling": m.schooling.rawValue, "employment": m.employment.rawValue]
            if let p = m.maskedPhone { d["phone"] = p }
            if let g = m.disabilityGrade { d["disabilityGrade"] = String(g) }
            if let c = m.childCategory { d["childCategory"] = c.rawValue }
            return d
        }
    }
}

/// The same rows read through RawSQLite, column for column in the order of `householdSelect` and `memberSelect`.
extension HouseholdStore.HouseholdRow {
    init(_ s: RawSQLite.Statement) {
        self.init(id: s.text(0) ?? "", region: s.int(1) ?? 0, poverty_status: s.text(2) ?? "", dibao: Int(s.int(3) ?? 0),
                  near_dibao: Int(s.int(4) ?? 0), extreme_hardship: Int(s.int(5) ?? 0), income_per_capita: Int(s.int(6) ?? 0),
                  address: s.text(7) ?? "")
    }
}

extension HouseholdStore.MemberRow {
    init(_ s: RawSQLite.Statement) {
        self.init(id: s.int(0) ?? 0, resident_sealed: s.text(1) ?? "", household_id: s.text(2) ?? "", name: s.text(3) ?? "",
                  relation: s.text(4) ?? "", sex: s.text(5) ?? "", birth_date: s.text(6) ?? "", labor_ability: s.text(7) ?? "",
                  health: s.text(8) ?? "", disability_grade: s.int(9).map(Int.init), schooling: s.text(10) ?? "",
                  employment: s.text(11) ?? "", phone_sealed: s.text(12), child_category: s.text(13))
    }
}
