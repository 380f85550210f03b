import DoudiDomain
import SQLKit

/// 每季度分析帮扶成效 (R-MON-8, issue 14 item 5): a monitored household's helper records the quarter's review
/// (income change, the 两不愁三保障 checks, measures taken, next steps), the township confirms it or returns it;
/// the county sees, per township and village, which monitored households have no confirmed review of a quarter.
public struct EffectReviewStore: Sendable {
    public let db: Database
    public init(_ db: Database) { self.db = db }

    public struct Review: Sendable, Hashable {
        public var id: Int64
        public var householdID: String
        public var headName: String
        public var region: RegionCode
        public var input: EffectReviewInput
        public var status: EffectReviewStatus
        public var recordedBy: String
        public var decidedBy: String?
        public var returnReason: String?
    }

    /// A monitored household without a confirmed review of the quarter.
    public struct Missing: Sendable, Hashable {
        public var householdID: String
        public var headName: String
        public var region: RegionCode
        public var helper: String?
        /// The review recorded and not yet confirmed (awaiting the township, or returned), if any.
        public var status: EffectReviewStatus?
    }

    static func v24(_ id: String) -> [String] {
        [
            """
            CREATE TABLE effect_reviews (
              id \(id), household_id TEXT NOT NULL REFERENCES households (id), region BIGINT NOT NULL, quarter TEXT NOT NULL,
              income_now BIGINT NOT NULL, income_before BIGINT NOT NULL, guarantees TEXT NOT NULL, measures_taken TEXT NOT NULL, next_steps TEXT NOT NULL,
              status TEXT NOT NULL, recorded_by TEXT NOT NULL, decided_by TEXT, return_reason TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            // One review per household and quarter: recording it again (after a return) changes that one.
            "CREATE UNIQUE INDEX effect_reviews_quarter ON effect_reviews (household_id, quarter)",
            "CREATE INDEX effect_reviews_region ON effect_reviews (region, quarter, status)",
        ]
    }

    /// The household's helper records (or, before the township confirms it, corrects) the quarter's review.
    @discardableResult
    public func record(household: String, _ input: EffectReviewInput, by actor: Actor) async throws -> Int64 {
        guard actor.role.may(.writeRegister), actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        struct Existing: Decodable { var id: Int64; var status: String; var income_now: Int64; var income_before: Int64 }
        return try await db.transaction { tx in
            guard let h = try await tx.sql.raw("""
                SELECT region FROM households WHERE id = \(bind: household) AND \(HouseholdStore.scope(actor))
                """).first(decoding: ApplicationStore.RegionRow.self), let region = RegionCode(value: UInt64(h.region)) else { throw StoreError.notFound }
            let helper = try await tx.sql.raw("""
                SELECT h.user_id AS id FROM helpers h WHERE h.household_id = \(bind: household) AND h.to_day IS NULL
                """).first(decoding: EpisodeStore.ID.self)?.id
            guard helper == actor.userID else {
                throw StoreError.invalid([FieldProblem("helper", Message("季度帮扶成效由该户的帮扶责任人填写", "the quarter's review is recorded by the household's helper"))])
            }
            if tx.engine == .postgres { try await tx.sql.raw("SELECT id FROM households WHERE id = \(bind: household) FOR UPDATE").run() }
            let existing = try await tx.sql.raw("""
                SELECT id, status, income_now, income_before FROM effect_reviews WHERE household_id = \(bind: household) AND quarter = \(bind: input.quarter.description)
                """).first(decoding: Existing.self)
            let now = tx.clock.nowMillis(), guarantees = Guarantee.allCases.filter(input.guarantees.contains).map(\.rawValue).joined(separator: ",")
            let id: Int64
            if let existing {
                guard existing.status != EffectReviewStatus.confirmed.rawValue else {
                    throw StoreError.invalid([FieldProblem("quarter", Message("该季度的分析已经乡镇确认", "the township has confirmed this quarter's review"))])
                }
                try await tx.sql.raw("""
                    UPDATE effect_reviews SET income_now = \(bind: Int64(input.incomeNow)), income_before = \(bind: Int64(input.incomeBefore)),
                      guarantees = \(bind: guarantees), measures_taken = \(bind: input.measuresTaken), next_steps = \(bind: input.nextSteps),
                      status = 'recorded', recorded_by = \(bind: actor.username), decided_by = NULL, return_reason = NULL, updated_at = \(bind: now)
                    WHERE id = \(bind: existing.id)
                    """).run()
                id = existing.id
            } else {
                guard let new = try await tx.sql.raw("""
                    INSERT INTO effect_reviews (household_id, region, quarter, income_now, income_before, guarantees, measures_taken, next_steps, status,
                                                recorded_by, created_at, updated_at)
                    VALUES (\(bind: household), \(bind: h.region), \(bind: input.quarter.description), \(bind: Int64(input.incomeNow)), \(bind: Int64(input.incomeBefore)),
                            \(bind: guarantees), \(bind: input.measuresTaken), \(bind: input.nextSteps), 'recorded', \(bind: actor.username), \(bind: now), \(bind: now))
                    RETURNING id
                    """).first(decoding: EpisodeStore.ID.self)?.id else { throw StoreError.notFound }
                id = new
            }
            try await AuditLog.record(tx, actor: actor, action: "effectReview.record", subject: household, region: region,
                                      before: existing.map { ["reviewStatus": $0.status, "incomeNow": String($0.income_now)] },
                                      after: ["quarter": input.quarter.description, "incomeNow": String(input.incomeNow), "incomeBefore": String(input.incomeBefore),
                                              "guarantees": guarantees, "reviewStatus": "recorded"])
            return id
        }
    }

    /// The township confirms a review of its subtree, or returns it to the helper saying what to add.
    public func decide(_ id: Int64, _ decision: EffectReviewDecision, by actor: Actor) async throws {
        guard actor.role.may(.confirmEffectReviews) else { throw StoreError.forbidden }
        try await db.transaction { tx in
            if tx.engine == .postgres { try await tx.sql.raw("SELECT id FROM effect_reviews WHERE id = \(bind: id) FOR UPDATE").run() }
            guard let r = try await Self.load(tx.sql, "r.id = \(bind: id)", actor: actor).first else { throw StoreError.notFound }
            // Four eyes: a township officer who is the household's helper does not confirm their own review.
            guard r.recordedBy != actor.username else {
                throw StoreError.invalid([FieldProblem("decision", Message("不能审核自己填写的季度分析", "you cannot decide on a review you recorded"))])
            }
            let next: EffectReviewStatus
            switch decision.applied(to: r.status) {
            case .failure(let p): throw StoreError.invalid([p])
            case .success(let s): next = s
            }
            let reason: String? = if case .returnToHelper(let text) = decision { text.trimmingSpaces() } else { nil }
            try await tx.sql.raw("""
                UPDATE effect_reviews SET status = \(bind: next.rawValue), decided_by = \(bind: actor.username), return_reason = \(bind: reason),
                  updated_at = \(bind: tx.clock.nowMillis()) WHERE id = \(bind: id)
                """).run()
            var after = ["reviewStatus": next.rawValue]
            if let reason { after["reason"] = reason }
            try await AuditLog.record(tx, actor: actor, action: "effectReview.\(next == .confirmed ? "confirm" : "return")", subject: r.householdID, region: r.region,
                                      before: ["reviewStatus": r.status.rawValue, "quarter": r.input.quarter.description], after: after)
        }
    }

    /// The reviews of the caller's subtree for a quarter, those awaiting the township first.
    public func reviews(by actor: Actor, quarter: Quarter, status: EffectReviewStatus? = nil, household: String? = nil) async throws -> [Review] {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        var w: SQLQueryString = "r.quarter = \(bind: quarter.description)"
        if let status { w.appendInterpolation(unsafeRaw: " AND r.status = "); w.appendInterpolation(bind: status.rawValue) }
        if let household { w.appendInterpolation(unsafeRaw: " AND r.household_id = "); w.appendInterpolation(bind: household) }
        let where_ = w
        return try await db.read { sql in try await Self.load(sql, where_, actor: actor) }
    }

    /// R-MON-8: the monitored households of the caller's subtree (identified before the quarter ended) without a
    /// confirmed review of the quarter.
    public func missing(by actor: Actor, quarter: Quarter) async throws -> [Missing] {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        struct Row: Decodable { var household_id: String; var region: Int64; var head_name: String?; var helper: String?; var status: String? }
        let rows = try await db.read { sql in
            try await sql.raw("""
                SELECT d.household_id, hh.region, u.username AS helper, r.status,
                       (SELECT MIN(m.name) FROM members m WHERE m.household_id = d.household_id AND m.relation = 'head') AS head_name
                FROM (SELECT DISTINCT household_id FROM episodes WHERE status IN ('monitored', 'clearing') AND identified_on IS NOT NULL
                        AND identified_on <= \(bind: quarter.lastDay.description) AND \(HouseholdStore.scope(actor))) d
                JOIN households hh ON hh.id = d.household_id
                LEFT JOIN helpers hp ON hp.household_id = d.household_id AND hp.to_day IS NULL
                LEFT JOIN users u ON u.id = hp.user_id
                LEFT JOIN effect_reviews r ON r.household_id = d.household_id AND r.quarter = \(bind: quarter.description)
                WHERE r.status IS NULL OR r.status <> 'confirmed'
                ORDER BY hh.region, d.household_id
                """).all(decoding: Row.self)
        }
        return rows.compactMap { r in
            RegionCode(value: UInt64(r.region)).map { Missing(householdID: r.household_id, headName: r.head_name ?? "", region: $0, helper: r.helper,
                                                             status: r.status.flatMap(EffectReviewStatus.init(rawValue:))) }
        }
    }

    static func load(_ sql: any SQLDatabase, _ condition: SQLQueryString, actor: Actor) async throws -> [Review] {
        struct Row: Decodable {
            var id: Int64; var household_id: String; var region: Int64; var quarter: String; var income_now: Int64; var income_before: Int64
            var guarantees: String; var measures_taken: String; var next_steps: String; var status: String; var recorded_by: String
            var decided_by: String?; var return_reason: String?; var head_name: String?
        }
        return try await sql.raw("""
            SELECT r.id, r.household_id, r.region, r.quarter, r.income_now, r.income_before, r.guarantees, r.measures_taken, r.next_steps, r.status,
                   r.recorded_by, r.decided_by, r.return_reason,
                   (SELECT MIN(m.name) FROM members m WHERE m.household_id = r.household_id AND m.relation = 'head') AS head_name
            FROM effect_reviews r WHERE \(condition) AND \(HouseholdStore.scope(actor, column: "r.region"))
            ORDER BY CASE r.status WHEN 'recorded' THEN 0 WHEN 'returned' THEN 1 ELSE 2 END, r.region, r.household_id
            """).all(decoding: Row.self).compactMap { r in
            guard let region = RegionCode(value: UInt64(r.region)), let q = Quarter(r.quarter), let s = EffectReviewStatus(rawValue: r.status) else { return nil }
            let g = Set(r.guarantees.split(separator: ",").compactMap { Guarantee(rawValue: String($0)) })
            return Review(id: r.id, householdID: r.household_id, headName: r.head_name ?? "", region: region,
                          input: EffectReviewInput(quarter: q, incomeNow: Int(r.income_now), incomeBefore: Int(r.income_before), guarantees: g,
                                                   measuresTaken: r.measures_taken, nextSteps: r.next_steps),
                          status: s, recordedBy: r.recorded_by, decidedBy: r.decided_by, returnReason: r.return_reason)
        }
    }
}
