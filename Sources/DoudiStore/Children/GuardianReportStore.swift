import DoudiDomain
import Foundation
import SQLKit

/// A guardian's own report from the public page: a case like a director's, its channel the guardian, with a
/// tracking code to quote on the telephone and the number to call back (sealed).
extension ChildCaseStore {
    static let v31 = ["ALTER TABLE child_cases ADD COLUMN tracking_code TEXT", "ALTER TABLE child_cases ADD COLUMN reporter_mobile_sealed TEXT",
                      "CREATE INDEX child_cases_tracking ON child_cases (tracking_code)"]

    /// The case is made as the public actor's; returns its tracking code. Nothing about any other child is read.
    public func reportFromGuardian(_ g: GuardianReport.Checked) async throws -> String {
        var rng = SystemRandomNumberGenerator()
        let code = TrackingCode.make(using: &rng)
        let mobile = g.mobile
        _ = try await report(g.report, by: LeadStore.publicActor, channel: .guardian) { tx, id in
            try await tx.sql.raw("""
                UPDATE child_cases SET tracking_code = \(bind: code), reporter_mobile_sealed = \(bind: try tx.fields.seal(mobile)) WHERE id = \(bind: id)
                """).run()
        }
        return code
    }

    /// The whole call-back number of a guardian's report, for a child director of the case's region to call: each
    /// view is in the audit log.
    public func reporterMobile(_ id: Int64, by actor: Actor) async throws -> String? {
        try await db.transaction { tx in
            let c = try await Self.row(tx.sql, id, actor)
            guard ChildAccess.mayAct(actor, region: c.region) else { throw StoreError.forbidden }
            // A closed case needs no call back: its number stays sealed.
            guard c.status != .closed else { throw StoreError.invalid([FieldProblem("status", Self.notOpen)]) }
            struct R: Decodable { var reporter_mobile_sealed: String? }
            guard let sealed = try await tx.sql.raw("SELECT reporter_mobile_sealed FROM child_cases WHERE id = \(bind: id)").first(decoding: R.self)?.reporter_mobile_sealed else {
                return nil
            }
            let number = try tx.fields.open(sealed)
            try await AuditLog.record(tx, actor: actor, action: "child.reveal", subject: String(id), region: c.region, before: nil, after: ["mobile": Masking.phone(number)])
            return number
        }
    }

    /// Where a guardian's report stands, for whoever holds both its tracking code and the mobile number it gave
    /// (nil otherwise, without saying which was wrong): the status, the day, who handles it. Nothing of the care.
    public func guardianStatus(trackingCode: String, mobile: String) async throws -> GuardianStatus? {
        guard TrackingCode.isWellFormed(trackingCode) else { return nil }
        struct Row: Decodable { var status: String; var reporter_mobile_sealed: String?; var reported_at: Int64; var region: Int64 }
        let row = try await db.read { sql in
            try await sql.raw("""
                SELECT status, reporter_mobile_sealed, reported_at, region FROM child_cases WHERE tracking_code = \(bind: trackingCode)
                """).first(decoding: Row.self)
        }
        guard let row, let sealed = row.reporter_mobile_sealed, try db.fields.open(sealed) == mobile.typedNumber,
              let status = ChildCaseStatus(rawValue: row.status), let region = RegionCode(value: UInt64(row.region)) else { return nil }
        let (place, contact) = try await LeadStore.publicPlace(db, region)
        return GuardianStatus(status: status, receivedOn: Clock.day(ofMillis: row.reported_at), place: place, contact: contact)
    }

    public struct GuardianStatus: Sendable, Hashable {
        public var status: ChildCaseStatus
        public var receivedOn: CivilDate
        public var place: String
        public var contact: String?
    }
}
