import DoudiDomain
import Foundation
import SQLKit

/// The rows of the children's tables, read and written in one place.
extension ChildCaseStore {
    static let columns = """
        c.id, c.region, c.child_name, c.birth_date, c.resident_sealed, c.household_id, c.channel, c.reported_by, c.reported_at, c.situation, c.status,
        c.risk, c.acknowledged_by, c.acknowledged_at, c.guardian_name, c.guardian_sealed, c.guardian_absence,
        c.category, c.parent_a, c.parent_b, c.tracking_code, c.reporter_mobile_sealed
        """

    struct Row: Decodable {
        var id: Int64; var region: Int64; var child_name: String; var birth_date: String?; var resident_sealed: String?; var household_id: String?
        var channel: String; var reported_by: String; var reported_at: Int64; var situation: String; var status: String
        var risk: String?; var acknowledged_by: String?; var acknowledged_at: Int64?
        var guardian_name: String?; var guardian_sealed: String?; var guardian_absence: String?
        var category: String?; var parent_a: String?; var parent_b: String?; var tracking_code: String?; var reporter_mobile_sealed: String?

        /// The resident ID stays masked here: a list or a case page needs no more. The guardian's ID and the call-back
        /// number are opened for one case (`oneCase`), not for every row of a list, which shows neither.
        func read(_ fields: FieldSecrets, care: [CarePeriod], oneCase: Bool) throws -> ChildCase {
            guard let region = RegionCode(value: UInt64(region)), let channel = ChildChannel(rawValue: channel), let status = ChildCaseStatus(rawValue: status) else {
                throw StoreError.invalid([FieldProblem("child_cases", Message("案件记录无法读取", "a case's record cannot be read"))])
            }
            let rid = try resident_sealed.map { Masking.residentID(try fields.open($0)) }
            return ChildCase(id: id, region: region, childName: child_name, residentID: rid, birthDate: birth_date.flatMap { CivilDate($0) }, householdID: household_id,
                             channel: channel, reportedBy: reported_by, reportedAt: reported_at, situation: situation, status: status,
                             risk: risk.flatMap { ChildRisk(rawValue: $0) }, acknowledgedBy: acknowledged_by, acknowledgedAt: acknowledged_at, care: care,
                             guardianName: guardian_name, guardianResidentID: try guardian_sealed.flatMap { oneCase ? Masking.residentID(try fields.open($0)) : nil },
                             guardianAbsence: guardian_absence.flatMap { GuardianAbsence(rawValue: $0) }, category: category.flatMap { ChildCategory(rawValue: $0) },
                             parents: [parent_a, parent_b].compactMap { $0.flatMap(ParentStatus.init(stored:)) }, trackingCode: tracking_code,
                             reporterMobile: try reporter_mobile_sealed.flatMap { oneCase ? Masking.phone(try fields.open($0)) : nil })
        }
    }

    /// The case's row for an act on it: 404 for anyone who may not see it, as for a case that does not exist.
    static func row(_ sql: any SQLDatabase, _ id: Int64, _ actor: Actor) async throws -> (region: RegionCode, status: ChildCaseStatus, acknowledgedAt: Int64?) {
        struct R: Decodable { var region: Int64; var status: String; var acknowledged_at: Int64? }
        guard let r = try await sql.raw("SELECT c.region, c.status, c.acknowledged_at FROM child_cases c WHERE c.id = \(bind: id) AND \(visible(actor))")
            .first(decoding: R.self), let region = RegionCode(value: UInt64(r.region)), let status = ChildCaseStatus(rawValue: r.status) else {
            throw StoreError.notFound
        }
        return (region, status, r.acknowledged_at)
    }

    static func care(_ sql: any SQLDatabase, _ id: Int64) async throws -> [CarePeriod] {
        struct R: Decodable { var kind: String; var carer: String; var from_at: Int64; var to_at: Int64? }
        return try await sql.raw("SELECT kind, carer, from_at, to_at FROM child_care WHERE case_id = \(bind: id) ORDER BY from_at, id").all(decoding: R.self)
            .compactMap { r in CareArrangementKind(rawValue: r.kind).map { CarePeriod(kind: $0, carer: r.carer, from: r.from_at, to: r.to_at) } }
    }

    static func contacts(_ sql: any SQLDatabase, _ id: Int64) async throws -> [ChildContact] {
        struct R: Decodable { var at: Int64; var note: String; var recorded_by: String }
        return try await sql.raw("SELECT at, note, recorded_by FROM child_contacts WHERE case_id = \(bind: id) ORDER BY at, id").all(decoding: R.self)
            .map { ChildContact(at: $0.at, note: $0.note, recordedBy: $0.recorded_by) }
    }

    static func insertCare(_ tx: Tx, _ id: Int64, _ p: CarePeriod, by actor: Actor) async throws {
        try await tx.sql.raw("""
            INSERT INTO child_care (case_id, kind, carer, from_at, to_at, recorded_by, created_at)
            VALUES (\(bind: id), \(bind: p.kind.rawValue), \(bind: p.carer), \(bind: p.from), \(bind: p.to), \(bind: actor.username), \(bind: tx.clock.nowMillis()))
            """).run()
    }
}
