import DoudiDomain
import SQLKit

/// 备案近亲属 (R-DB-5): the county's list of close relatives of village cadres and civil-affairs workers. An
/// application covering one of them is always visited by the county. The resident ID is sealed and found by its
/// blind index, like the register's.
public struct StaffRelatives: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    public struct Entry: Sendable, Hashable, Decodable {
        public var id: Int64
        public var staffName: String
        public var relation: String
        enum CodingKeys: String, CodingKey { case id, staffName = "staff_name", relation }
    }

    /// Adds a person for the county (a county officer or an administrator, inside their region).
    @discardableResult
    public func add(residentID: ResidentID, staffName: String, relation: String, region: RegionCode, by actor: Actor) async throws -> Int64 {
        guard actor.role.may(.keepStaffRelatives), actor.reaches(region) else { throw StoreError.forbidden }
        let name = staffName.trimmingSpaces(), rel = relation.trimmingSpaces()
        var problems: [FieldProblem] = []
        if name.isEmpty || name.count > 40 { problems.append(FieldProblem("staffName", Message("请填写工作人员姓名（不超过40字）", "give the staff member's name, at most 40 characters"))) }
        if rel.isEmpty || rel.count > 20 { problems.append(FieldProblem("relation", Message("请填写亲属关系（不超过20字）", "give the relation, at most 20 characters"))) }
        if !problems.isEmpty { throw StoreError.invalid(problems) }
        return try await db.transaction { tx in
            guard let id = try await tx.sql.raw("""
                INSERT INTO staff_relatives (region, resident_sealed, resident_index, staff_name, relation, created_by, created_at)
                VALUES (\(bind: Int64(region.value)), \(bind: try tx.fields.seal(residentID.text)), \(bind: try tx.fields.index(residentID.text)),
                        \(bind: name), \(bind: rel), \(bind: actor.username), \(bind: tx.clock.nowMillis()))
                RETURNING id
                """).first(decoding: EpisodeStore.ID.self)?.id else { throw StoreError.notFound }
            try await AuditLog.record(tx, actor: actor, action: "staffRelative.add", subject: String(id), region: region, before: nil,
                                      after: ["residentId": residentID.masked, "staffName": name, "relation": rel])
            return id
        }
    }

    /// The entries of the caller's subtree (names and relations; the resident ID stays sealed).
    public func list(by actor: Actor) async throws -> [Entry] {
        guard actor.role.may(.keepStaffRelatives) else { throw StoreError.forbidden }
        return try await db.read { sql in
            try await sql.raw("SELECT id, staff_name, relation FROM staff_relatives WHERE \(HouseholdStore.scope(actor)) ORDER BY id").all(decoding: Entry.self)
        }
    }
}
