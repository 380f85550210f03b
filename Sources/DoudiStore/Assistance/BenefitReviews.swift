import DoudiDomain
import SQLKit

/// 定期复核 (R-DB-7): each benefit in force is checked again at its class's interval; the list of those due or
/// overdue, and the review recorded (audited), which sets the next.
public struct BenefitReview: Sendable, Hashable, Decodable {
    public var benefitID: Int64
    public var householdID: String
    public var headName: String
    public var region: RegionCode
    public var kind: BenefitKind
    public var reviewClass: ReviewClass
    public var due: YearMonth

    enum CodingKeys: String, CodingKey { case id, household_id, head_name, region, kind, review_class, review_due }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let r = RegionCode(value: UInt64(try c.decode(Int64.self, forKey: .region))), let k = BenefitKind(rawValue: try c.decode(String.self, forKey: .kind)),
              let rc = ReviewClass(rawValue: try c.decode(String.self, forKey: .review_class)), let d = YearMonth(try c.decode(String.self, forKey: .review_due)) else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "not a benefit under review")
        }
        benefitID = try c.decode(Int64.self, forKey: .id); householdID = try c.decode(String.self, forKey: .household_id)
        headName = try c.decodeIfPresent(String.self, forKey: .head_name) ?? ""; region = r; kind = k; reviewClass = rc; due = d
    }
}

public struct BenefitReviewStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static let select = """
        SELECT b.id, b.household_id, b.region, b.kind, b.review_class, b.review_due,
               (SELECT MIN(m.name) FROM members m WHERE m.household_id = b.household_id AND m.relation = 'head') AS head_name
        FROM benefits b
        """

    /// The benefits in force in `month` inside the caller's subtree whose review is due by then, the longest
    /// overdue first.
    public func due(by actor: Actor, month: YearMonth, limit: Int = 50, offset: Int = 0) async throws -> [BenefitReview] {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        let m = month.description
        return try await db.read { sql in
            try await sql.raw("""
                \(unsafeRaw: Self.select) WHERE \(HouseholdStore.scope(actor, column: "b.region")) AND b.review_due <= \(bind: m)
                AND b.start_month <= \(bind: m) AND (b.end_month IS NULL OR b.end_month >= \(bind: m))
                ORDER BY b.review_due, b.region, b.id LIMIT \(unsafeRaw: String(max(1, min(limit, 500)))) OFFSET \(unsafeRaw: String(max(0, offset)))
                """).all(decoding: BenefitReview.self)
        }
    }

    /// The township or the county records a review done on `day` (the class may change with it); the next is due
    /// after the class's interval from that month.
    @discardableResult
    public func record(_ id: Int64, reviewClass: ReviewClass?, on day: CivilDate, by actor: Actor) async throws -> BenefitReview {
        guard actor.role.may(.manageBenefits) else { throw StoreError.forbidden }
        return try await db.transaction { tx in
            guard let b = try await tx.sql.raw("\(unsafeRaw: Self.select) WHERE b.id = \(bind: id) AND \(HouseholdStore.scope(actor, column: "b.region"))")
                .first(decoding: BenefitReview.self) else { throw StoreError.notFound }
            let c = reviewClass ?? b.reviewClass, next = c.due(after: YearMonth(day))
            try await tx.sql.raw("""
                UPDATE benefits SET review_class = \(bind: c.rawValue), reviewed_month = \(bind: YearMonth(day).description), review_due = \(bind: next.description)
                WHERE id = \(bind: id)
                """).run()
            try await AuditLog.record(tx, actor: actor, action: "benefit.review", subject: String(id), region: b.region,
                                      before: ["reviewClass": b.reviewClass.rawValue, "due": b.due.description],
                                      after: ["reviewClass": c.rawValue, "due": next.description])
            var after = b
            after.reviewClass = c; after.due = next
            return after
        }
    }

    /// Benefits given no class yet (new ones, older databases) get their kind's first class, the review due
    /// after its interval from the start: one statement per start month and kind.
    static func classify(_ tx: Tx) async throws {
        struct Start: Decodable { var kind: String; var start_month: String }
        let starts = try await tx.sql.raw("SELECT DISTINCT kind, start_month FROM benefits WHERE review_class IS NULL").all(decoding: Start.self)
        for s in starts {
            guard let kind = BenefitKind(rawValue: s.kind), let c = ReviewClass.initial(for: kind), let start = YearMonth(s.start_month) else { continue }
            try await tx.sql.raw("""
                UPDATE benefits SET review_class = \(bind: c.rawValue), review_due = \(bind: c.due(after: start).description)
                WHERE review_class IS NULL AND kind = \(bind: s.kind) AND start_month = \(bind: s.start_month)
                """).run()
        }
    }
}
