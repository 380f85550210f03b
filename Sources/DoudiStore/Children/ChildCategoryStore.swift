import DoudiDomain
import Foundation
import SQLKit

/// The category of a child (R-CH-4, R-CH-6), assessed by the township from both parents' situations: what the
/// child's benefits stand on.
extension ChildCaseStore {
    static let v29 = ["category", "parent_a", "parent_b"].map { "ALTER TABLE child_cases ADD COLUMN \($0) TEXT" }

    /// Records both parents' situations and the category they (or the director's judgement) give; a birth date is
    /// taken where the case has none. Returns the category.
    public func assess(_ id: Int64, parentA: ParentStatus, parentB: ParentStatus, judged: String?, birthDate: CivilDate?, by actor: Actor) async throws -> ChildCategory? {
        guard ChildAccess.mayAcknowledge(actor) else { throw StoreError.forbidden }
        return try await db.transaction { tx in
            let c = try await Self.row(tx.sql, id, actor)
            guard c.status == .acknowledged else { throw StoreError.invalid([FieldProblem("status", Self.notOpen)]) }
            struct R: Decodable { var birth_date: String?; var category: String? }
            let before = try await tx.sql.raw("SELECT birth_date, category FROM child_cases WHERE id = \(bind: id)").first(decoding: R.self)
            let birth = before?.birth_date.flatMap { CivilDate($0) } ?? birthDate
            let assessed = try ChildAssessment.assess(parentA, parentB, judged: judged, birth: birth, today: tx.clock.today()).get()
            try await tx.sql.raw("""
                UPDATE child_cases SET category = \(bind: assessed.category?.rawValue), parent_a = \(bind: parentA.stored), parent_b = \(bind: parentB.stored),
                  birth_date = \(bind: birth?.description), updated_at = \(bind: tx.clock.nowMillis()) WHERE id = \(bind: id)
                """).run()
            try await AuditLog.record(tx, actor: actor, action: "child.assess", subject: String(id), region: c.region,
                                      before: ["childCategory": before?.category ?? ""],
                                      after: ["childCategory": assessed.category?.rawValue ?? "", "parentA": parentA.situation.rawValue, "parentB": parentB.situation.rawValue])
            return assessed.category
        }
    }
}
