/// 当月审批、当月发放 (R-DB-5, seeds 001/002/004): of the applications approved in a month, the share whose
/// first payment was made in that same month.
public struct SameMonthShare: Sendable, Hashable {
    public var approved: Int
    public var approvedAndPaidSameMonth: Int
    /// Nil when nothing was approved in the month: no share to show, not 0 %.
    public var share: Double? { approved == 0 ? nil : Double(approvedAndPaidSameMonth) / Double(approved) }

    public struct Approval: Sendable, Hashable {
        public var approvedOn: CivilDate
        public var firstPaid: YearMonth?
        public init(approvedOn: CivilDate, firstPaid: YearMonth?) { self.approvedOn = approvedOn; self.firstPaid = firstPaid }
    }

    public init(month: YearMonth, approvals: [Approval]) {
        let inMonth = approvals.filter { month.contains($0.approvedOn) }
        approved = inMonth.count
        approvedAndPaidSameMonth = inMonth.count(where: { $0.firstPaid == month })
    }
}
