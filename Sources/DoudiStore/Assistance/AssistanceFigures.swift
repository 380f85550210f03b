import DoudiDomain
import SQLKit

/// The county's and township's figures of a month, from the records (issue 13, item 9): approvals and the
/// same-month share (当月审批、当月发放), benefits in force by kind.
public struct AssistanceFigures: Sendable, Hashable {
    public var region: RegionCode
    public var month: YearMonth
    public var sameMonth: SameMonthShare
    public var households: Int
    public var persons: Int
    /// Yuan a month of the benefits in force, by kind.
    public var amounts: [BenefitKind: Int]
    /// Benefits that started in the month.
    public var started: Int

    struct Approval: Decodable { var decided_on: String; var first_paid: String? }
    struct InForce: Decodable { var kind: String; var households: Int; var persons: Int; var amount: Int; var started: Int }

    /// County and township officers (and auditors and administrators, who read), for a region they reach.
    public static func of(_ db: Database, region: RegionCode, month: YearMonth, by actor: Actor) async throws -> AssistanceFigures {
        guard [.townshipOfficer, .countyOfficer, .auditor, .admin].contains(actor.role), actor.reaches(region) else { throw StoreError.forbidden }
        let r = region.subtreeRange
        let within: SQLQueryString = "BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))"
        return try await db.read { sql in
            // The first month each approved application's benefit was on a roll recorded as paid.
            let approvals = try await sql.raw("""
                SELECT a.decided_on, (SELECT MIN(p.month) FROM payment_lines l JOIN payment_rolls p ON p.id = l.roll_id JOIN benefits b ON b.id = l.benefit_id
                                      WHERE b.application_id = a.id AND p.status = 'paid') AS first_paid
                FROM assistance_applications a
                WHERE a.status = 'approved' AND a.region \(within) AND a.decided_on BETWEEN \(bind: month.firstDay.description) AND \(bind: month.lastDay.description)
                """).all(decoding: Approval.self).compactMap { a in
                CivilDate(a.decided_on).map { SameMonthShare.Approval(approvedOn: $0, firstPaid: a.first_paid.flatMap { YearMonth($0) }) }
            }
            let inForce = try await sql.raw("""
                SELECT kind, COUNT(DISTINCT household_id) AS households, CAST(COALESCE(SUM(persons), 0) AS BIGINT) AS persons, CAST(COALESCE(SUM(monthly_amount), 0) AS BIGINT) AS amount,
                       CAST(SUM(CASE WHEN start_month = \(bind: month.description) THEN 1 ELSE 0 END) AS BIGINT) AS started
                FROM benefits WHERE region \(within) AND start_month <= \(bind: month.description) AND (end_month IS NULL OR end_month >= \(bind: month.description))
                GROUP BY kind
                """).all(decoding: InForce.self)
            var amounts: [BenefitKind: Int] = [:]
            for f in inForce { if let k = BenefitKind(rawValue: f.kind) { amounts[k] = f.amount } }
            return AssistanceFigures(region: region, month: month, sameMonth: SameMonthShare(month: month, approvals: approvals),
                                     households: inForce.reduce(0) { $0 + $1.households }, persons: inForce.reduce(0) { $0 + $1.persons },
                                     amounts: amounts, started: inForce.reduce(0) { $0 + $1.started })
        }
    }
}
