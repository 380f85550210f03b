import DoudiDomain
import SQLKit

/// The county's and township's figures of a month, from the records (issue 13, item 9): approvals and the
/// same-month share (当月审批、当月发放), benefits in force by kind, new and ended cases.
public struct AssistanceFigures: Sendable, Hashable {
    public var region: RegionCode
    public var month: YearMonth
    public var sameMonth: SameMonthShare
    public var households: Int
    public var persons: Int
    /// Yuan paid in the month by the benefits in force (each at its amount for the month), by kind.
    public var amounts: [BenefitKind: Int]
    /// Benefits that started in the month.
    public var started: Int
    /// Benefits whose last month is this one.
    public var ended: Int
    /// Benefits in force whose review was due before this month and not done (R-DB-7).
    public var reviewsOverdue: Int
    /// 先行救助 paid in the month: how many, how much, how many for people the register does not hold.
    public var aidFirst: AidFirstFigures

    public struct AidFirstFigures: Sendable, Hashable {
        public var paid = 0, amount = 0, outside = 0
        /// Open past their deadline at the month's end (today, for this month).
        public var overdue = 0
        public init(paid: Int = 0, amount: Int = 0, outside: Int = 0, overdue: Int = 0) {
            self.paid = paid; self.amount = amount; self.outside = outside; self.overdue = overdue
        }
    }

    public var totalAmount: Int { amounts.values.reduce(0, +) }

    struct Approval: Decodable { var region: Int64; var decided_on: String; var first_paid: String? }
    struct Overdue: Decodable { var region: Int64; var n: Int }
    struct Aid: Decodable { var region: Int64; var n: Int; var amount: Int; var outside: Int; var overdue: Int }
    struct InForce: Decodable { var region: Int64; var kind: String; var households: Int; var persons: Int; var amount: Int; var started: Int; var ended: Int }

    /// A region's figures as a whole.
    public static func of(_ db: Database, region: RegionCode, month: YearMonth, by actor: Actor) async throws -> AssistanceFigures {
        try await breakdown(db, region: region, month: month, by: actor).total
    }

    /// A region's figures, and the same for each region one level down (the townships of a county, the villages
    /// of a township) that has any. County and township officers, auditors and administrators, inside their subtree.
    public static func breakdown(_ db: Database, region: RegionCode, month: YearMonth, by actor: Actor) async throws
        -> (total: AssistanceFigures, parts: [AssistanceFigures]) {
        guard [.townshipOfficer, .countyOfficer, .auditor, .admin].contains(actor.role), actor.reaches(region) else { throw StoreError.forbidden }
        let r = region.subtreeRange
        let within: SQLQueryString = "BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))"
        let m = month.description
        let (approvals, inForce, overdue, aid) = try await db.read { sql in
            // The first month each approved application's benefit was on a roll recorded as paid.
            let approvals = try await sql.raw("""
                SELECT a.region, a.decided_on, (SELECT MIN(p.month) FROM payment_lines l JOIN payment_rolls p ON p.id = l.roll_id JOIN benefits b ON b.id = l.benefit_id
                                                WHERE b.application_id = a.id AND p.status = 'paid') AS first_paid
                FROM assistance_applications a
                WHERE a.status = 'approved' AND a.region \(within) AND a.decided_on BETWEEN \(bind: month.firstDay.description) AND \(bind: month.lastDay.description)
                """).all(decoding: Approval.self)
            let inForce = try await sql.raw("""
                SELECT b.region, b.kind, COUNT(DISTINCT b.household_id) AS households, CAST(COALESCE(SUM(COALESCE(x.persons, b.persons)), 0) AS BIGINT) AS persons,
                       CAST(COALESCE(SUM(COALESCE(x.amount, b.monthly_amount)), 0) AS BIGINT) AS amount,
                       CAST(SUM(CASE WHEN b.start_month = \(bind: m) THEN 1 ELSE 0 END) AS BIGINT) AS started,
                       CAST(SUM(CASE WHEN b.end_month = \(bind: m) THEN 1 ELSE 0 END) AS BIGINT) AS ended
                FROM benefits b \(BenefitChangeStore.amountIn(month))
                WHERE b.region \(within) AND b.start_month <= \(bind: m) AND (b.end_month IS NULL OR b.end_month >= \(bind: m))
                GROUP BY b.region, b.kind
                """).all(decoding: InForce.self)
            let overdue = try await sql.raw("""
                SELECT region, COUNT(*) AS n FROM benefits WHERE region \(within) AND review_due < \(bind: m)
                AND start_month <= \(bind: m) AND (end_month IS NULL OR end_month >= \(bind: m)) GROUP BY region
                """).all(decoding: Overdue.self)
            let asOf = min(month.lastDay, db.clock.today()).description
            let aid = try await sql.raw("""
                SELECT region, CAST(SUM(CASE WHEN paid_on >= \(bind: month.firstDay.description) THEN 1 ELSE 0 END) AS BIGINT) AS n,
                       CAST(COALESCE(SUM(CASE WHEN paid_on >= \(bind: month.firstDay.description) THEN amount ELSE 0 END), 0) AS BIGINT) AS amount,
                       CAST(SUM(CASE WHEN paid_on >= \(bind: month.firstDay.description) AND household_id IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS outside,
                       CAST(SUM(CASE WHEN due_on < \(bind: asOf) AND (completed_on IS NULL OR completed_on > \(bind: asOf)) THEN 1 ELSE 0 END) AS BIGINT) AS overdue
                FROM aid_first WHERE region \(within) AND paid_on <= \(bind: month.lastDay.description) GROUP BY region
                """).all(decoding: Aid.self)
            return (approvals, inForce, overdue, aid)
        }
        // A household lives in one village, so households counted per village and kind add up (a household with
        // two kinds of benefit counts once for each).
        let child = region.isCountry ? RegionCode.Level.province : RegionCode.Level(rawValue: min(region.level.rawValue + 1, RegionCode.Level.village.rawValue))!
        func part(_ code: Int64) -> RegionCode { RegionCode(value: UInt64(code)).map { $0.truncated(to: child) } ?? region }
        var parts: [RegionCode: AssistanceFigures] = [:]
        func empty(_ p: RegionCode) -> AssistanceFigures {
            AssistanceFigures(region: p, month: month, sameMonth: SameMonthShare(month: month, approvals: []), households: 0, persons: 0, amounts: [:], started: 0, ended: 0,
                               reviewsOverdue: 0, aidFirst: AidFirstFigures())
        }
        for f in inForce {
            let p = part(f.region)
            var x = parts[p] ?? empty(p)
            x.households += f.households; x.persons += f.persons; x.started += f.started; x.ended += f.ended
            if let k = BenefitKind(rawValue: f.kind) { x.amounts[k, default: 0] += f.amount }
            parts[p] = x
        }
        for o in overdue {
            let p = part(o.region)
            var x = parts[p] ?? empty(p)
            x.reviewsOverdue += o.n
            parts[p] = x
        }
        for a in aid {
            let p = part(a.region)
            var x = parts[p] ?? empty(p)
            x.aidFirst.paid += a.n; x.aidFirst.amount += a.amount; x.aidFirst.outside += a.outside; x.aidFirst.overdue += a.overdue
            parts[p] = x
        }
        let byPart = Dictionary(grouping: approvals, by: { part($0.region) })
        for (p, list) in byPart {
            var x = parts[p] ?? empty(p)
            x.sameMonth = SameMonthShare(month: month, approvals: list.compactMap(Self.approval))
            parts[p] = x
        }
        var total = empty(region)
        total.sameMonth = SameMonthShare(month: month, approvals: approvals.compactMap(Self.approval))
        for x in parts.values {
            total.households += x.households; total.persons += x.persons; total.started += x.started; total.ended += x.ended
            total.reviewsOverdue += x.reviewsOverdue
            total.aidFirst.paid += x.aidFirst.paid; total.aidFirst.amount += x.aidFirst.amount
            total.aidFirst.outside += x.aidFirst.outside; total.aidFirst.overdue += x.aidFirst.overdue
            total.amounts.merge(x.amounts, uniquingKeysWith: +)
        }
        return (total, parts.values.sorted { $0.region < $1.region })
    }

    static func approval(_ a: Approval) -> SameMonthShare.Approval? {
        CivilDate(a.decided_on).map { SameMonthShare.Approval(approvedOn: $0, firstPaid: a.first_paid.flatMap { YearMonth($0) }) }
    }
}
