import DoudiDomain
import SQLKit

/// Issue 14 item 6: the figures of the 3866 work in a region, per child region (a county's townships, a
/// township's villages), counted from the records when asked: open cases by step and those past their step's
/// deadline, measures by service and by unit, the helpers' visits due and overdue and those done this month, the
/// quarter's reviews still missing.
public struct CaseFigures: Sendable, Hashable {
    public struct Row: Sendable, Hashable {
        public var region: RegionCode
        public var name: String
        public var casesByStep: [CaseStep: Int]
        public var overdueCases: Int
        public var measures: Int
        public var toVisit: Int
        public var visitsOverdue: Int
        public var visitedThisMonth: Int
        public var reviewsMissing: Int

        static func empty(_ region: RegionCode, _ name: String) -> Row {
            Row(region: region, name: name, casesByStep: [:], overdueCases: 0, measures: 0, toVisit: 0, visitsOverdue: 0, visitedThisMonth: 0, reviewsMissing: 0)
        }
    }
    public var region: RegionCode
    public var quarter: Quarter
    /// One row per child region, then the region's own total (`region` as its code).
    public var rows: [Row]
    /// Measures of the region by service and by responsible unit.
    public var measuresByService: [ServiceKind: Int]
    public var measuresByUnit: [Department: Int]

    /// The figures of `region` (inside the caller's subtree) on `today`.
    public static func compute(_ db: Database, region: RegionCode, by actor: Actor, today: CivilDate) async throws -> CaseFigures? {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        guard actor.region.contains(region) else { return nil }
        let scoped = Actor(userID: actor.userID, username: actor.username, role: actor.role, region: region)
        let children = try await RegionStore(db).children(of: region)
        let level = children.first?.level
        func child(_ code: RegionCode) -> RegionCode { level.map { code.truncated(to: $0) } ?? region }
        struct CaseRow: Decodable { var region: Int64; var step: String; var step_due: String? }
        struct MeasureRow: Decodable { var region: Int64; var service: String; var unit: String }
        let (cases, measures) = try await db.read { sql in
            (try await sql.raw("SELECT region, step, step_due FROM cases WHERE status = 'open' AND \(HouseholdStore.scope(scoped))").all(decoding: CaseRow.self),
             try await sql.raw("""
                SELECT region, service, unit FROM measures WHERE status IN ('inProgress', 'done', 'referred') AND \(HouseholdStore.scope(scoped))
                """).all(decoding: MeasureRow.self))
        }
        let duties = try await HelperStore(db).duties(by: scoped, mine: false, today: today)
        let quarter = Quarter(today)
        let missing = try await EffectReviewStore(db).missing(by: scoped, quarter: quarter)
        var rows: [RegionCode: Row] = [:]
        let names = Dictionary(uniqueKeysWithValues: children.map { ($0.code, $0.name) })
        func bump(_ code: RegionCode, _ change: (inout Row) -> Void) {
            for key in Set([child(code), region]) {
                var r = rows[key] ?? .empty(key, names[key] ?? "")
                change(&r)
                rows[key] = r
            }
        }
        for c in cases {
            guard let code = RegionCode(value: UInt64(c.region)), let step = CaseStep(rawValue: c.step) else { continue }
            let late = c.step_due.flatMap(CivilDate.init).map { today > $0 } ?? false
            bump(code) { $0.casesByStep[step, default: 0] += 1; if late { $0.overdueCases += 1 } }
        }
        var byService: [ServiceKind: Int] = [:], byUnit: [Department: Int] = [:]
        for m in measures {
            guard let code = RegionCode(value: UInt64(m.region)) else { continue }
            if let s = ServiceKind(rawValue: m.service) { byService[s, default: 0] += 1 }
            if let u = Department(rawValue: m.unit) { byUnit[u, default: 0] += 1 }
            bump(code) { $0.measures += 1 }
        }
        let month = YearMonth(today)
        for d in duties {
            bump(d.region) {
                $0.toVisit += 1
                if d.overdue(today: today) { $0.visitsOverdue += 1 }
                if d.lastVisit.map(month.contains) ?? false { $0.visitedThisMonth += 1 }
            }
        }
        for m in missing { bump(m.region) { $0.reviewsMissing += 1 } }
        // Every child region is a row, with or without work; the region's total last.
        let ordered = children.map { c in rows[c.code] ?? .empty(c.code, c.name) }
        return CaseFigures(region: region, quarter: quarter, rows: ordered + [rows[region] ?? .empty(region, "")], measuresByService: byService, measuresByUnit: byUnit)
    }
}
