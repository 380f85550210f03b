import DoudiDomain
import Foundation
import SQLKit

/// Following a child's case: contacts, the risk changed with a reason, closure, and what needs attention now.
extension ChildCaseStore {
    static let noteMessage = Message("请填写说明（不超过1000个字）", "write a note, at most 1000 characters")

    static func note(_ text: String, field: String = "note") throws -> String {
        let t = text.trimmingSpaces()
        guard !t.isEmpty, t.count <= 1_000 else { throw StoreError.invalid([FieldProblem(field, noteMessage)]) }
        return t
    }

    /// A follow-up contact (a call, a visit) by a child director of the case's region, or a later call the hotline
    /// operator who took the first one notes on it; at `at` (now when nil).
    public func recordContact(_ id: Int64, note: String, at: Int64? = nil, by actor: Actor) async throws {
        let text = try Self.note(note)
        try await db.transaction { tx in
            let c = try await Self.row(tx.sql, id, actor)
            guard ChildAccess.mayFollowUp(actor, region: c.region) else { throw StoreError.forbidden }
            guard c.status == .acknowledged else { throw StoreError.invalid([FieldProblem("status", Self.notOpen)]) }
            let when = min(at ?? tx.clock.nowMillis(), tx.clock.nowMillis())
            try await tx.sql.raw("INSERT INTO child_contacts (case_id, at, note, recorded_by) VALUES (\(bind: id), \(bind: when), \(bind: text), \(bind: actor.username))").run()
            try await AuditLog.record(tx, actor: actor, action: "child.contact", subject: String(id), region: c.region, before: nil, after: ["note": text])
        }
    }

    static let notOpen = Message("该案件未在跟进中", "this case is not in care")

    /// The risk changed, with the reason: the township's supervisors (who set it at acknowledgement).
    public func changeRisk(_ id: Int64, to risk: ChildRisk, reason: String, by actor: Actor) async throws {
        let why = try Self.note(reason, field: "reason")
        guard ChildAccess.mayAcknowledge(actor) else { throw StoreError.forbidden }
        try await db.transaction { tx in
            let c = try await Self.row(tx.sql, id, actor)
            guard c.status == .acknowledged else { throw StoreError.invalid([FieldProblem("status", Self.notOpen)]) }
            struct R: Decodable { var risk: String? }
            let before = try await tx.sql.raw("SELECT risk FROM child_cases WHERE id = \(bind: id)").first(decoding: R.self)?.risk
            try await tx.sql.raw("UPDATE child_cases SET risk = \(bind: risk.rawValue), updated_at = \(bind: tx.clock.nowMillis()) WHERE id = \(bind: id)").run()
            try await AuditLog.record(tx, actor: actor, action: "child.risk", subject: String(id), region: c.region,
                                      before: ["childRisk": before ?? ""], after: ["childRisk": risk.rawValue, "reason": why])
        }
    }

    /// Closed by the township (a guardian is back, the child placed for good): the arrangement in force ends now.
    public func close(_ id: Int64, reason: String, by actor: Actor) async throws {
        let why = try Self.note(reason, field: "reason")
        guard ChildAccess.mayAcknowledge(actor) else { throw StoreError.forbidden }
        try await db.transaction { tx in
            let c = try await Self.row(tx.sql, id, actor)
            guard c.status == .acknowledged else { throw StoreError.invalid([FieldProblem("status", Self.notOpen)]) }
            let now = tx.clock.nowMillis()
            try await tx.sql.raw("UPDATE child_care SET to_at = \(bind: now) WHERE case_id = \(bind: id) AND (to_at IS NULL OR to_at > \(bind: now))").run()
            try await tx.sql.raw("DELETE FROM child_care WHERE case_id = \(bind: id) AND from_at > \(bind: now)").run()
            try await Self.endAllowance(tx, id, month: YearMonth(tx.clock.today()))
            try await tx.sql.raw("""
                UPDATE child_cases SET status = \(bind: ChildCaseStatus.closed.rawValue), closed_at = \(bind: now), updated_at = \(bind: now) WHERE id = \(bind: id)
                """).run()
            try await AuditLog.record(tx, actor: actor, action: "child.close", subject: String(id), region: c.region,
                                      before: ["childStatus": c.status.rawValue], after: ["childStatus": ChildCaseStatus.closed.rawValue, "reason": why])
        }
    }

    /// What needs someone now, among the cases the caller sees: reports not acknowledged in time (they escalate to
    /// the county), follow-ups overdue for the risk, and children whose care ends within 48 hours with nothing after.
    public struct Attention: Sendable, Hashable {
        public var unacknowledged: [ChildCase] = []
        public var followUpsOverdue: [ChildCase] = []
        public var careEnding: [Ending] = []
        /// Allowances paid on a pledge whose papers are past their day.
        public var papersOverdue: [ChildCase] = []
    }

    /// A case whose child will be without care at `at`.
    public struct Ending: Sendable, Hashable {
        public var childCase: ChildCase
        public var at: Int64
    }

    /// Each case's hours and days are those its region's policy sets (`childAcknowledgeHours`, `childFollowUp…Days`).
    public func attention(by actor: Actor) async throws -> Attention {
        let now = db.clock.nowMillis(), year = db.clock.today().year
        let open = try await cases(by: actor, limit: Self.everyCase).filter { $0.status != .closed }
        let book = try await db.read { sql in try await PolicyStore.book(sql) }
        var out = Attention()
        out.unacknowledged = open.filter { AcknowledgementDeadline(book.policy(region: $0.region, year: year)).isOverdue(reportedAt: $0.reportedAt, acknowledgedAt: $0.acknowledgedAt, now: now) }
        let acknowledged = open.filter { $0.status == .acknowledged }
        guard !acknowledged.isEmpty else { return out }
        struct Late: Decodable { var case_id: Int64 }
        let late = try await db.read { sql in
            try await sql.raw("""
                SELECT case_id FROM child_allowances WHERE case_id IN \(unsafeRaw: Self.list(acknowledged.map(\.id)))
                  AND papers_on IS NULL AND papers_due < \(bind: db.clock.today().description)
                """).all(decoding: Late.self)
        }
        let lateIDs = Set(late.map(\.case_id))
        out.papersOverdue = acknowledged.filter { lateIDs.contains($0.id) }
        struct Last: Decodable { var case_id: Int64; var at: Int64 }
        let contacts = try await db.read { sql in
            try await sql.raw("SELECT case_id, MAX(at) AS at FROM child_contacts WHERE case_id IN \(unsafeRaw: Self.list(acknowledged.map(\.id))) GROUP BY case_id")
                .all(decoding: Last.self)
        }
        let last = Dictionary(uniqueKeysWithValues: contacts.map { ($0.case_id, $0.at) })
        for c in acknowledged {
            if let risk = c.risk, FollowUpSchedule(book.policy(region: c.region, year: year)).isOverdue(last: last[c.id] ?? c.acknowledgedAt ?? c.reportedAt, risk: risk, now: now) { out.followUpsOverdue.append(c) }
            if let gone = CareTimeline.uncovered(c.care, now: now) { out.careEnding.append(Ending(childCase: c, at: gone)) }
        }
        return out
    }

    /// The hours each region gives its township to acknowledge a report, from one read of the policy settings.
    public func acknowledgementDeadlines(_ regions: Set<RegionCode>) async throws -> [RegionCode: AcknowledgementDeadline] {
        let year = db.clock.today().year
        let book = try await db.read { sql in try await PolicyStore.book(sql) }
        return Dictionary(uniqueKeysWithValues: regions.map { ($0, AcknowledgementDeadline(book.policy(region: $0, year: year))) })
    }

    /// Ids for an IN list: numbers only, so written inline.
    static func list(_ ids: [Int64]) -> String { "(" + ids.map(String.init).joined(separator: ",") + ")" }
}
