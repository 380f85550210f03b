import DoudiDomain
import SQLKit

/// Issue 15 item 8: the open children's cases of a region, per child region (a county's townships, a township's
/// villages), counted from the records when asked: waiting for the township and late, by risk, follow-ups overdue,
/// care ending with nothing after; the region's cases by category and by the arrangement in force.
public struct ChildFigures: Sendable, Hashable {
    public struct Row: Sendable, Hashable {
        public var region: RegionCode
        public var name: String
        public var open = 0
        public var waiting = 0
        public var lateAcknowledgements = 0
        public var byRisk: [ChildRisk: Int] = [:]
        public var followUpsOverdue = 0
        public var careEnding = 0
    }
    public var region: RegionCode
    /// One row per child region, then the region's own total (`region` as its code).
    public var rows: [Row]
    /// Open cases by category (nil: not assessed yet) and by the arrangement in force now (nil: none yet).
    public var byCategory: [ChildCategory?: Int]
    public var byCare: [CareArrangementKind?: Int]
    public var allowances: Allowances

    /// The basic living allowances of the region's cases (R-CH-4): those paying this month and what they cost, the
    /// pledges whose papers are still to come (and those late), and of those approved this month and last, how
    /// many were on their own month's roll (当月审批、当月发放).
    public struct Allowances: Sendable, Hashable {
        public var inForce = 0
        public var monthlyTotal = 0
        public var papersWaiting = 0
        public var papersOverdue = 0
        public var sameMonth: [YearMonth: SameMonthShare] = [:]
    }

    /// The figures of `region` (inside the caller's subtree), from the cases the caller may see there.
    public static func compute(_ db: Database, region: RegionCode, by actor: Actor) async throws -> ChildFigures? {
        guard ChildAccess.mayOpen(actor.role) else { throw StoreError.forbidden }
        guard actor.region.contains(region) else { return nil }
        var scoped = actor
        scoped.region = region
        let store = ChildCaseStore(db), now = db.clock.nowMillis()
        let open = try await store.cases(by: scoped, limit: ChildCaseStore.everyCase).filter { $0.status != .closed }
        let attention = try await store.attention(by: scoped)
        let children = try await RegionStore(db).children(of: region)
        let level = children.first?.level
        let names = Dictionary(uniqueKeysWithValues: children.map { ($0.code, $0.name) })
        var rows: [RegionCode: Row] = [:]
        func bump(_ code: RegionCode, _ change: (inout Row) -> Void) {
            for key in Set([level.map { code.truncated(to: $0) } ?? region, region]) {
                var r = rows[key] ?? Row(region: key, name: names[key] ?? "")
                change(&r)
                rows[key] = r
            }
        }
        var byCategory: [ChildCategory?: Int] = [:], byCare: [CareArrangementKind?: Int] = [:]
        for c in open {
            bump(c.region) { r in
                r.open += 1
                if c.status == .reported { r.waiting += 1 }
                if let risk = c.risk { r.byRisk[risk, default: 0] += 1 }
            }
            byCategory[c.category, default: 0] += 1
            byCare[c.care.last { $0.from <= now && ($0.to ?? .max) > now }?.kind, default: 0] += 1
        }
        for c in attention.unacknowledged { bump(c.region) { $0.lateAcknowledgements += 1 } }
        for c in attention.followUpsOverdue { bump(c.region) { $0.followUpsOverdue += 1 } }
        for e in attention.careEnding { bump(e.childCase.region) { $0.careEnding += 1 } }
        let ordered = children.map { c in rows[c.code] ?? Row(region: c.code, name: c.name) }
        return ChildFigures(region: region, rows: ordered + [rows[region] ?? Row(region: region, name: "")], byCategory: byCategory, byCare: byCare,
                            allowances: try await allowances(db, by: scoped))
    }

    static func allowances(_ db: Database, by actor: Actor) async throws -> Allowances {
        struct A: Decodable {
            var approved_on: String; var start_month: String; var end_month: String?; var monthly_amount: Int; var papers_due: String?; var papers_on: String?
            var first_paid: String?
        }
        let found = try await db.read { sql in
            try await sql.raw("""
                SELECT a.approved_on, a.start_month, a.end_month, a.monthly_amount, a.papers_due, a.papers_on,
                  (SELECT MIN(p.month) FROM child_payment_lines l JOIN payment_rolls p ON p.id = l.roll_id WHERE l.allowance_id = a.id) AS first_paid
                FROM child_allowances a JOIN child_cases c ON c.id = a.case_id WHERE \(ChildCaseStore.visible(actor))
                """).all(decoding: A.self)
        }
        let today = db.clock.today(), month = YearMonth(today)
        var f = Allowances()
        var approvals: [SameMonthShare.Approval] = []
        for a in found {
            guard let start = YearMonth(a.start_month), let approved = CivilDate(a.approved_on) else { continue }
            if BenefitPeriod(start: start, end: a.end_month.flatMap { YearMonth($0) }).covers(month) {
                f.inForce += 1
                f.monthlyTotal += a.monthly_amount
            }
            if a.papers_on == nil, let due = a.papers_due.flatMap({ CivilDate($0) }) {
                f.papersWaiting += 1
                if today > due { f.papersOverdue += 1 }
            }
            approvals.append(.init(approvedOn: approved, firstPaid: a.first_paid.flatMap { YearMonth($0) }))
        }
        for m in [month.adding(months: -1), month] { f.sameMonth[m] = SameMonthShare(month: m, approvals: approvals) }
        return f
    }
}

extension ChildCaseStore {
    public func figures(region: RegionCode, by actor: Actor) async throws -> ChildFigures? { try await ChildFigures.compute(db, region: region, by: actor) }
}
