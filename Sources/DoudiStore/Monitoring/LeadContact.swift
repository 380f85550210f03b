import DoudiDomain
import Foundation
import SQLKit

/// How to reach the one a lead is about, and the first household number of a family not yet registered: the
/// full resident ID and mobile of a lead, shown only to a role that may see them, each full view audited.
extension LeadStore {
    public enum RevealPurpose: String, Sendable { case contact, register }

    /// The lead with its numbers in full, for a call back or for registering the family; audited as `lead.reveal`.
    public func reveal(_ id: Int64, for purpose: RevealPurpose, by actor: Actor) async throws -> LeadSummary {
        guard actor.role.may(.revealPersonalData), actor.role.may(.readRegister) else { throw StoreError.forbidden }
        if purpose == .register, !actor.role.may(.writeRegister) { throw StoreError.forbidden }
        guard let lead = try await lead(id, by: actor) else { throw StoreError.notFound }
        try await db.transaction { tx in
            try await AuditLog.record(tx, actor: actor, action: "lead.reveal", subject: String(id), region: lead.region, before: nil,
                                      after: ["purpose": purpose.rawValue, "residentId": Masking.residentID(lead.residentID), "mobile": Masking.phone(lead.mobile)])
        }
        return lead
    }
}

extension LeadStore {
    /// Open leads about a person just registered now name the household, so that they can be confirmed: a lead
    /// that led to the registration is not left saying "not registered".
    static func attachOpenLeads(_ tx: Tx, householdID: String) async throws {
        try await tx.sql.raw("""
            UPDATE leads SET household_id = \(bind: householdID) WHERE household_id IS NULL AND status = 'open'
              AND resident_index IN (SELECT resident_index FROM members WHERE household_id = \(bind: householdID))
            """).run()
    }
}

extension HouseholdStore {
    /// The next 户编号 of a village as the register numbers them, H<village code>-<n>: one past the highest n.
    /// A number taken meanwhile by someone else makes `create` refuse it; the caller asks again.
    public func nextID(in village: RegionCode, by actor: Actor) async throws -> String {
        guard actor.reaches(village), village.level == .village else { throw StoreError.forbidden }
        let prefix = "H\(village)-"
        struct Row: Decodable { var id: String }
        let rows = try await db.read { sql in
            try await sql.raw("SELECT id FROM households WHERE region = \(bind: Int64(village.value)) AND id LIKE \(bind: prefix + "%")").all(decoding: Row.self)
        }
        let highest = rows.compactMap { Int($0.id.dropFirst(prefix.count)) }.max() ?? -1
        return prefix + String(highest + 1)
    }
}
