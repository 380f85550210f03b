import DoudiDomain
import Foundation
import SQLKit

/// A child's case as those who may see it read it.
public struct ChildCase: Sendable, Hashable {
    public var id: Int64
    public var region: RegionCode
    public var childName: String
    /// Masked unless asked for in full (and then the view is logged as a reveal).
    public var residentID: String?
    public var birthDate: CivilDate?
    public var householdID: String?
    public var channel: ChildChannel
    public var reportedBy: String
    public var reportedAt: Int64
    public var situation: String
    public var status: ChildCaseStatus
    public var risk: ChildRisk?
    public var acknowledgedBy: String?
    public var acknowledgedAt: Int64?
    public var care: [CarePeriod]
    /// The guardian who cannot care for the child (the patient, when a hospital reports), their ID masked.
    public var guardianName: String?
    public var guardianResidentID: String?
    public var guardianAbsence: GuardianAbsence?
    /// The category the township assessed (R-CH-6), and both parents' situations it stands on (empty until then).
    public var category: ChildCategory?
    public var parents: [ParentStatus] = []
    /// A guardian's own report: the code they quote, and the number to call them back on (masked here).
    public var trackingCode: String?
    public var reporterMobile: String?
    /// Follow-up contacts, oldest first: read with one case, not with a list.
    public var contacts: [ChildContact] = []
    /// Hand-overs to other units, oldest first: read with one case, not with a list.
    public var referrals: [ChildReferral] = []
    /// The basic living allowance and what was paid of it: read with one case, not with a list.
    public var allowance: ChildAllowanceRecord?
}

/// A follow-up contact with the child or the carer (a call, a visit), as recorded.
public struct ChildContact: Sendable, Hashable {
    public var at: Int64
    public var note: String
    public var recordedBy: String
}

/// Children left without a guardian (issue 15): reports, the township's acknowledgement, care with no gap. Every
/// read goes through `ChildAccess` in the query itself, and every view of a case is in the audit log.
public struct ChildCaseStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static func v26(_ id: String) -> [String] {
        [
            """
            CREATE TABLE child_cases (
              id \(id), region BIGINT NOT NULL, child_name TEXT NOT NULL, birth_date TEXT, resident_sealed TEXT, resident_index TEXT, household_id TEXT,
              channel TEXT NOT NULL, reported_by TEXT NOT NULL, reported_at BIGINT NOT NULL, situation TEXT NOT NULL, status TEXT NOT NULL,
              risk TEXT, acknowledged_by TEXT, acknowledged_at BIGINT, closed_at BIGINT, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX child_cases_region ON child_cases (region, status)",
            "CREATE INDEX child_cases_resident ON child_cases (resident_index)",
            """
            CREATE TABLE child_care (
              id \(id), case_id BIGINT NOT NULL REFERENCES child_cases (id), kind TEXT NOT NULL, carer TEXT NOT NULL,
              from_at BIGINT NOT NULL, to_at BIGINT, recorded_by TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX child_care_case ON child_care (case_id, from_at)",
            """
            CREATE TABLE child_contacts (
              id \(id), case_id BIGINT NOT NULL REFERENCES child_cases (id), at BIGINT NOT NULL, note TEXT NOT NULL, recorded_by TEXT NOT NULL)
            """,
            "CREATE INDEX child_contacts_case ON child_contacts (case_id, at)",
        ]
    }

    static let v27 = ["guardian_name", "guardian_sealed", "guardian_absence"].map { "ALTER TABLE child_cases ADD COLUMN \($0) TEXT" }

    /// The condition, in SQL, that `ChildAccess.maySee` is for the cases table `c` (`ChildCaseStoreTests` holds the
    /// two to the same answers).
    static func visible(_ actor: Actor) -> SQLQueryString {
        let region = HouseholdStore.within(actor.region, column: "c.region")
        // A hospital or a school sees the cases referred to it that it has not declined.
        let referred: SQLQueryString = ReferralUnit.receivedBy(actor).map { unit in
            "EXISTS (SELECT 1 FROM child_referrals r WHERE r.case_id = c.id AND r.unit = \(bind: unit.rawValue) AND r.status <> \(bind: ReferralStatus.declined.rawValue))"
        } ?? "1 = 0"
        switch actor.role {
        case .childDirector, .auditor: return region
        case .hotlineOperator, .healthWorker: return "\(region) AND (c.reported_by = \(bind: actor.username) OR \(referred))"
        default: return "\(region) AND \(referred)"
        }
    }

    /// A report from a child director or the hotline, in the reporter's region. The child is matched to the register
    /// by resident ID where it is there. Returns the case's id.
    public func report(_ r: ChildReport.Checked, by actor: Actor) async throws -> Int64 {
        guard ChildAccess.mayReport(actor.role) else { throw StoreError.forbidden }
        return try await report(r, by: actor, channel: actor.role == .hotlineOperator ? .hotline : actor.role == .healthWorker ? .hospital : .director)
    }

    /// The report as written, for a reporter with an account or for a guardian on the public page (`also`: what
    /// that channel writes beside it, in the same transaction).
    func report(_ r: ChildReport.Checked, by actor: Actor, channel: ChildChannel, also: (@Sendable (Tx, Int64) async throws -> Void)? = nil) async throws -> Int64 {
        guard actor.region.contains(r.village) else { throw StoreError.invalid([FieldProblem("regionCode", .chooseYourVillage)]) }
        struct Match: Decodable { var household_id: String }
        return try await db.transaction { tx in
            guard try await tx.sql.raw("SELECT code FROM regions WHERE code = \(bind: Int64(r.village.value))").first() != nil else {
                throw StoreError.invalid([FieldProblem("regionCode", .chooseVillage)])
            }
            let index = try r.residentID.map { try tx.fields.index($0.text) }
            // The child's household in the register, else the guardian's.
            var household: String?
            for person in [r.residentID, r.guardianResidentID].compactMap(\.self) where household == nil {
                household = try await tx.sql.raw("SELECT household_id FROM members WHERE resident_index = \(bind: try tx.fields.index(person.text))")
                    .first(decoding: Match.self)?.household_id
            }
            let now = tx.clock.nowMillis()
            guard let id = try await tx.sql.raw("""
                INSERT INTO child_cases (region, child_name, birth_date, resident_sealed, resident_index, household_id, channel, reported_by, reported_at,
                                         situation, status, updated_at, guardian_name, guardian_sealed, guardian_absence)
                VALUES (\(bind: Int64(r.village.value)), \(bind: r.childName), \(bind: r.birthDate?.description), \(bind: try r.residentID.map { try tx.fields.seal($0.text) }),
                        \(bind: index), \(bind: household), \(bind: channel.rawValue), \(bind: actor.username), \(bind: now), \(bind: r.situation),
                        \(bind: ChildCaseStatus.reported.rawValue), \(bind: now), \(bind: r.guardianName),
                        \(bind: try r.guardianResidentID.map { try tx.fields.seal($0.text) }), \(bind: r.guardianAbsence?.rawValue))
                RETURNING id
                """).first(decoding: EpisodeStore.ID.self)?.id else { throw StoreError.notFound }
            try await AuditLog.record(tx, actor: actor, action: "child.report", subject: String(id), region: r.village, before: nil,
                                      after: ["childChannel": channel.rawValue, "registered": household == nil ? "no" : "yes", "residentId": r.residentID?.masked ?? ""])
            try await also?(tx, id)
            return id
        }
    }

    /// The township acknowledges the case with its risk and the child's first care arrangement: from then on the
    /// child always has one.
    public func acknowledge(_ id: Int64, risk: ChildRisk, care: CarePeriod, by actor: Actor) async throws {
        guard ChildAccess.mayAcknowledge(actor) else { throw StoreError.forbidden }
        try await db.transaction { tx in
            let c = try await Self.row(tx.sql, id, actor)
            guard c.status == .reported else { throw StoreError.invalid([FieldProblem("status", Message("该案件已确认", "this case has been acknowledged already"))]) }
            let now = tx.clock.nowMillis()
            guard care.from <= now else { throw StoreError.invalid([FieldProblem("from", CareTimeline.gapMessage)]) }
            try await tx.sql.raw("""
                UPDATE child_cases SET status = \(bind: ChildCaseStatus.acknowledged.rawValue), risk = \(bind: risk.rawValue), acknowledged_by = \(bind: actor.username),
                  acknowledged_at = \(bind: now), updated_at = \(bind: now) WHERE id = \(bind: id)
                """).run()
            try await Self.insertCare(tx, id, care, by: actor)
            try await AuditLog.record(tx, actor: actor, action: "child.acknowledge", subject: String(id), region: c.region,
                                      before: ["childStatus": c.status.rawValue], after: ["childStatus": ChildCaseStatus.acknowledged.rawValue, "childRisk": risk.rawValue, "care": care.kind.rawValue])
        }
    }

    /// A new arrangement from `next.from` on; the one in force then ends at that instant. Refused when the timeline
    /// it leaves would have a gap between the acknowledgement and now or later (R-CH-3).
    public func arrange(_ id: Int64, _ next: CarePeriod, by actor: Actor) async throws {
        try await db.transaction { tx in
            let c = try await Self.row(tx.sql, id, actor)
            guard ChildAccess.mayAct(actor, region: c.region) else { throw StoreError.forbidden }
            guard c.status == .acknowledged, let start = c.acknowledgedAt else {
                throw StoreError.invalid([FieldProblem("status", Message("请先确认案件", "acknowledge the case first"))])
            }
            var periods = try await Self.care(tx.sql, id)
            // The arrangements in force at the new one's start end there; later ones give way to it.
            let ended = periods.indices.filter { periods[$0].from < next.from && (periods[$0].to ?? .max) > next.from }
            for i in ended { periods[i].to = next.from }
            let superseded = periods.filter { $0.from >= next.from }
            periods.removeAll { $0.from >= next.from }
            periods.append(next)
            // Checked up to now at least: an arrangement that already ended with nothing after it is a gap.
            guard CareTimeline.gaps(periods, from: start, until: next.to.map { max($0, tx.clock.nowMillis()) }).isEmpty else {
                throw StoreError.invalid([FieldProblem("from", CareTimeline.gapMessage)])
            }
            try await tx.sql.raw("""
                UPDATE child_care SET to_at = \(bind: next.from) WHERE case_id = \(bind: id) AND from_at < \(bind: next.from)
                  AND (to_at IS NULL OR to_at > \(bind: next.from))
                """).run()
            try await tx.sql.raw("DELETE FROM child_care WHERE case_id = \(bind: id) AND from_at >= \(bind: next.from)").run()
            try await Self.insertCare(tx, id, next, by: actor)
            try await AuditLog.record(tx, actor: actor, action: "child.care", subject: String(id), region: c.region,
                                      before: superseded.first.map { ["care": $0.kind.rawValue, "carer": $0.carer] },
                                      after: ["care": next.kind.rawValue, "carer": next.carer])
        }
    }

    /// One case for whoever may see it; each view is logged (who read which child's case, and when).
    public func childCase(_ id: Int64, by actor: Actor) async throws -> ChildCase? {
        try await db.transaction { tx in
            guard let row = try await tx.sql.raw("SELECT \(unsafeRaw: Self.columns) FROM child_cases c WHERE c.id = \(bind: id) AND \(Self.visible(actor))")
                .first(decoding: Row.self) else { return nil }
            var c = try row.read(tx.fields, care: try await Self.care(tx.sql, id), oneCase: true)
            c.contacts = try await Self.contacts(tx.sql, id)
            c.referrals = try await Self.referrals(tx.sql, id)
            c.allowance = try await Self.allowance(tx.sql, tx.fields, id)
            try await AuditLog.record(tx, actor: actor, action: "child.view", subject: String(id), region: c.region, before: nil, after: nil)
            return c
        }
    }

    /// The most cases one read returns: a county's children's cases number in the hundreds, so figures and
    /// attention read them all.
    public static let everyCase = 100_000

    /// The cases the caller may see (with their care, without contacts), those waiting for acknowledgement first,
    /// then by risk and the newest report.
    public func cases(by actor: Actor, status: ChildCaseStatus? = nil, limit: Int = 200) async throws -> [ChildCase] {
        let rows = try await db.read { sql in
            try await sql.raw("""
                SELECT \(unsafeRaw: Self.columns) FROM child_cases c WHERE \(Self.visible(actor))\(unsafeRaw: status.map { " AND c.status = '\($0.rawValue)'" } ?? "")
                ORDER BY CASE c.status WHEN 'reported' THEN 0 WHEN 'acknowledged' THEN 1 ELSE 2 END,
                  CASE c.risk WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, c.reported_at DESC, c.id DESC
                LIMIT \(unsafeRaw: String(max(1, min(limit, Self.everyCase))))
                """).all(decoding: Row.self)
        }
        guard !rows.isEmpty else { return [] }
        // Each listed case with its arrangements: a list shows the one in force, attention the one ending.
        struct Care: Decodable { var case_id: Int64; var kind: String; var carer: String; var from_at: Int64; var to_at: Int64? }
        let care = try await db.read { sql in
            try await sql.raw("SELECT case_id, kind, carer, from_at, to_at FROM child_care WHERE case_id IN \(unsafeRaw: Self.list(rows.map(\.id))) ORDER BY from_at, id")
                .all(decoding: Care.self)
        }
        let periods = Dictionary(grouping: care, by: \.case_id).mapValues { list in
            list.compactMap { r in CareArrangementKind(rawValue: r.kind).map { CarePeriod(kind: $0, carer: r.carer, from: r.from_at, to: r.to_at) } }
        }
        return try rows.map { try $0.read(db.fields, care: periods[$0.id] ?? [], oneCase: false) }
    }
}
