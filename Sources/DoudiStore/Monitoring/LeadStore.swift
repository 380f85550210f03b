import DoudiDomain
import Foundation
import SQLKit

/// A lead (线索) as the queue shows it.
public struct LeadSummary: Sendable, Hashable, Decodable {
    public var id: Int64
    public var channel: String
    public var status: String
    public var region: Int64
    public var householdID: String?
    public var residentID: String
    public var name: String
    public var mobile: String
    public var riskKinds: String
    public var description: String
    public var createdAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, channel, status, region, name, mobile, description
        case householdID = "household_id", residentID = "resident_id", riskKinds = "risk_kinds", createdAt = "created_at"
    }

    /// False when the person is not in the register yet: the lead waits in the "not registered" queue.
    public var registered: Bool { householdID != nil }
}

/// The lead queue. Every channel adds to it; cadres see the leads of their region.
public struct LeadStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    /// Who the public side writes as in the audit log.
    public static let publicActor = Actor(userID: 0, username: "public", role: .villageCadre, region: .country)

    /// Stores a self-report as an open lead, matched to the person's household when they are registered
    /// (the lead then belongs to that household's village), else to the village the reporter chose.
    /// Returns the tracking code; the answer is the same whether or not the person is registered.
    public func submit(_ report: SelfReport.Checked) async throws -> String {
        var g = SystemRandomNumberGenerator()
        return try await db.transaction { tx in
            guard try await tx.sql.raw("SELECT code FROM regions WHERE code = \(bind: Int64(report.village.value))").first() != nil else {
                throw StoreError.invalid([FieldProblem("regionCode", Message("请选择所在的村（社区）", "choose your village"))])
            }
            let match = try await tx.sql.raw("""
                SELECT m.household_id, h.region FROM members m JOIN households h ON h.id = m.household_id
                WHERE m.resident_id = \(bind: report.residentID.text)
                """).first(decoding: Match.self)
            let region = match.map { $0.region } ?? Int64(report.village.value)
            let code = TrackingCode.make(using: &g)
            let now = Clock.nowMillis()
            try await tx.sql.raw("""
                INSERT INTO leads (tracking_code, channel, status, region, household_id, resident_id, name, mobile, risk_kinds, description, created_at, updated_at)
                VALUES (\(bind: code), \(bind: LeadChannel.selfReport.rawValue), \(bind: LeadStatus.open.rawValue), \(bind: region),
                        \(bind: match?.household_id), \(bind: report.residentID.text), \(bind: report.name), \(bind: report.mobile),
                        \(bind: report.riskKinds.map(\.rawValue).joined(separator: ",")), \(bind: report.description), \(bind: now), \(bind: now))
                """).run()
            try await AuditLog.record(tx, actor: Self.publicActor, action: "lead.selfReport", subject: code,
                                      region: RegionCode(value: UInt64(region)) ?? report.village, before: nil,
                                      after: ["residentId": report.residentID.masked, "riskKinds": report.riskKinds.map(\.rawValue).joined(separator: ","),
                                              "registered": match == nil ? "no" : "yes"])
            return code
        }
    }

    struct Match: Decodable { var household_id: String; var region: Int64 }

    /// The leads of the actor's region, newest first.
    public func leads(by actor: Actor, status: LeadStatus?, limit: Int = 100) async throws -> [LeadSummary] {
        guard actor.role.may(.readRegister) else { throw StoreError.forbidden }
        let r = actor.region.subtreeRange
        var q: SQLQueryString = """
            SELECT id, channel, status, region, household_id, resident_id, name, mobile, risk_kinds, description, created_at
            FROM leads WHERE region BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))
            """
        if let status { q.appendInterpolation(unsafeRaw: " AND status = "); q.appendInterpolation(bind: status.rawValue) }
        q.appendInterpolation(unsafeRaw: " ORDER BY id DESC LIMIT \(max(1, min(limit, 500)))")
        return try await db.read { sql in try await sql.raw(q).all(decoding: LeadSummary.self) }
    }

    /// The status of a self-report for whoever holds both its tracking code and the mobile number it gave;
    /// nil otherwise, without saying which of the two was wrong.
    public func status(trackingCode: String, mobile: String) async throws -> LeadStatus? {
        guard TrackingCode.isWellFormed(trackingCode) else { return nil }
        struct Row: Decodable { var status: String; var mobile: String }
        let row = try await db.read { sql in
            try await sql.raw("SELECT status, mobile FROM leads WHERE tracking_code = \(bind: trackingCode)").first(decoding: Row.self)
        }
        guard let row, row.mobile == mobile else { return nil }
        return LeadStatus(rawValue: row.status)
    }
}
