import DoudiDomain
import Foundation
import SQLKit

/// Referrals of a child's case (R-CH-5): the region's child directors hand a part of the work to a unit, which
/// accepts it or declines it with a reason; the case keeps its owner, and each hand-over stays on its timeline.
extension ChildCaseStore {
    static func v28(_ id: String) -> [String] {
        [
            """
            CREATE TABLE child_referrals (
              id \(id), case_id BIGINT NOT NULL REFERENCES child_cases (id), unit TEXT NOT NULL, unit_name TEXT NOT NULL, note TEXT NOT NULL,
              status TEXT NOT NULL, referred_by TEXT NOT NULL, referred_at BIGINT NOT NULL, answered_by TEXT, answered_at BIGINT, answer TEXT)
            """,
            "CREATE INDEX child_referrals_case ON child_referrals (case_id, status)",
        ]
    }

    /// The case handed to a unit; refused while the same kind of unit still has it waiting.
    public func refer(_ id: Int64, unit: ReferralUnit, unitName: String, note: String, by actor: Actor) async throws -> Int64 {
        try await db.transaction { tx in
            let c = try await Self.row(tx.sql, id, actor)
            guard ChildAccess.mayAct(actor, region: c.region) else { throw StoreError.forbidden }
            guard c.status == .acknowledged else { throw StoreError.invalid([FieldProblem("status", Self.notOpen)]) }
            if try await tx.sql.raw("""
                SELECT id FROM child_referrals WHERE case_id = \(bind: id) AND unit = \(bind: unit.rawValue) AND status = \(bind: ReferralStatus.pending.rawValue)
                """).first() != nil {
                throw StoreError.invalid([FieldProblem("unit", Message("该类单位尚未答复上一次转介", "a unit of this kind has not answered the last referral yet"))])
            }
            guard let rid = try await tx.sql.raw("""
                INSERT INTO child_referrals (case_id, unit, unit_name, note, status, referred_by, referred_at)
                VALUES (\(bind: id), \(bind: unit.rawValue), \(bind: unitName), \(bind: note), \(bind: ReferralStatus.pending.rawValue), \(bind: actor.username),
                        \(bind: tx.clock.nowMillis()))
                RETURNING id
                """).first(decoding: EpisodeStore.ID.self)?.id else { throw StoreError.notFound }
            try await AuditLog.record(tx, actor: actor, action: "child.refer", subject: String(id), region: c.region, before: nil,
                                      after: ["referralUnit": unit.rawValue, "unitName": unitName, "note": note])
            return rid
        }
    }

    /// The unit's answer: accepted, or declined with the reason (the case's directors then refer it elsewhere).
    public func answerReferral(_ id: Int64, referral: Int64, accept: Bool, reason: String, by actor: Actor) async throws {
        let why = accept ? reason.trimmingSpaces() : try Self.note(reason, field: "reason")
        guard why.count <= 1_000 else { throw StoreError.invalid([FieldProblem("reason", Self.noteMessage)]) }
        try await db.transaction { tx in
            let c = try await Self.row(tx.sql, id, actor)
            struct R: Decodable { var unit: String; var status: String }
            guard let r = try await tx.sql.raw("SELECT unit, status FROM child_referrals WHERE id = \(bind: referral) AND case_id = \(bind: id)").first(decoding: R.self),
                  let unit = ReferralUnit(rawValue: r.unit) else { throw StoreError.notFound }
            guard unit.isAnsweredBy(actor) else { throw StoreError.forbidden }
            guard r.status == ReferralStatus.pending.rawValue else {
                throw StoreError.invalid([FieldProblem("referral", Message("该转介已答复", "this referral has been answered already"))])
            }
            let status: ReferralStatus = accept ? .accepted : .declined
            try await tx.sql.raw("""
                UPDATE child_referrals SET status = \(bind: status.rawValue), answered_by = \(bind: actor.username), answered_at = \(bind: tx.clock.nowMillis()),
                  answer = \(bind: why.isEmpty ? nil : why) WHERE id = \(bind: referral)
                """).run()
            try await AuditLog.record(tx, actor: actor, action: "child.referral", subject: String(id), region: c.region,
                                      before: ["referralStatus": ReferralStatus.pending.rawValue], after: ["referralStatus": status.rawValue, "reason": why])
        }
    }

    static func referrals(_ sql: any SQLDatabase, _ id: Int64) async throws -> [ChildReferral] {
        struct R: Decodable {
            var id: Int64; var unit: String; var unit_name: String; var note: String; var status: String; var referred_by: String; var referred_at: Int64
            var answered_by: String?; var answered_at: Int64?; var answer: String?
        }
        return try await sql.raw("""
            SELECT id, unit, unit_name, note, status, referred_by, referred_at, answered_by, answered_at, answer FROM child_referrals
            WHERE case_id = \(bind: id) ORDER BY referred_at, id
            """).all(decoding: R.self).compactMap { r in
            guard let unit = ReferralUnit(rawValue: r.unit), let status = ReferralStatus(rawValue: r.status) else { return nil }
            return ChildReferral(id: r.id, unit: unit, unitName: r.unit_name, note: r.note, status: status, referredBy: r.referred_by, referredAt: r.referred_at,
                                 answeredBy: r.answered_by, answeredAt: r.answered_at, answer: r.answer)
        }
    }
}
