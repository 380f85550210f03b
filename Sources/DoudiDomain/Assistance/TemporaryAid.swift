/// 临时救助 (R-LS-1): sudden hardship, or expenses beyond a household's means.
public enum TemporaryAidKind: String, CodeNamed {
    /// 急难型: fire, traffic accident, other accident, a member's sudden serious illness.
    case emergency
    /// 支出型: necessary expenses (medical, schooling) beyond what the household can bear.
    case expense
    public var chinese: String { self == .emergency ? "急难型" : "支出型" }
}

/// Who approves an amount.
public enum AidApprover: String, CodeNamed {
    case township, county, jointMeeting
    public var chinese: String { switch self { case .township: "乡镇人民政府（街道办事处）"; case .county: "县级民政部门"; case .jointMeeting: "县级困难群众基本生活保障工作协调机制（联席会议）" } }
}

/// One tier of a region's temporary aid: amounts up to so many times the monthly dibao standard, approved by whom.
public struct TemporaryAidTier: Sendable, Hashable {
    public var maxMultiple: Int
    public var approver: AidApprover
    public init(maxMultiple: Int, approver: AidApprover) { self.maxMultiple = maxMultiple; self.approver = approver }

    /// Typical ceilings of R-LS-1 where a region has set none: township up to 3 ×, county up to 12 ×, the joint
    /// meeting up to 36 ×.
    public static let typical = [TemporaryAidTier(maxMultiple: 3, approver: .township), TemporaryAidTier(maxMultiple: 12, approver: .county),
                                 TemporaryAidTier(maxMultiple: 36, approver: .jointMeeting)]

    /// The lowest tier whose ceiling covers `amount`, or nil when it is above the highest ceiling.
    public static func approver(for amount: Int, monthlyStandard: Int, tiers: [TemporaryAidTier]) -> AidApprover? {
        tiers.sorted { $0.maxMultiple < $1.maxMultiple }.first { amount <= $0.maxMultiple * monthlyStandard }?.approver
    }
}

/// 先行救助: the township pays at once; the paperwork (application, checks, approval) follows within a time
/// limit in working days from the payment, and is flagged when it is missed.
public struct AidFirst: Sendable, Hashable {
    public var paidOn: CivilDate
    public var limit: TimeLimit
    public var completedOn: CivilDate?
    public init(paidOn: CivilDate, limit: TimeLimit, completedOn: CivilDate? = nil) { self.paidOn = paidOn; self.limit = limit; self.completedOn = completedOn }

    public func due(_ calendar: WorkingDayCalendar) -> CivilDate { limit.due(from: paidOn, calendar: calendar) }
    /// Still open past its deadline on `today`, or completed after it.
    public func late(today: CivilDate, _ calendar: WorkingDayCalendar) -> Bool { (completedOn ?? today) > due(calendar) }
}

/// 乡镇临时救助备用金: money put in by the county, paid out as aid first.
public struct ReserveFund: Sendable, Hashable {
    public var deposits: [Int]
    public var payments: [Int]
    public init(deposits: [Int] = [], payments: [Int] = []) { self.deposits = deposits; self.payments = payments }
    public var balance: Int { deposits.reduce(0, +) - payments.reduce(0, +) }
    /// An aid-first payment the fund cannot cover is refused rather than leaving the fund below nothing.
    public func canPay(_ amount: Int) -> Bool { amount > 0 && amount <= balance }
}
