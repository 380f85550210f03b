/// A bank account benefits are paid into (社保卡 or a passbook): 12 to 30 digits, shown masked everywhere but
/// the county's file for the bank.
public struct BankAccount: Sendable, Hashable {
    public let digits: String
    public init?(_ text: String) {
        let d = text.typedNumber.filter { $0 != "-" }
        guard (12...30).contains(d.count), d.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        digits = d
    }
    /// `6217 **** **** 1234`: the first 4 and the last 4.
    public var masked: String { Self.mask(digits) }
    public static func mask(_ d: String) -> String {
        guard d.count > 8 else { return String(repeating: "*", count: d.count) }
        return String(d.prefix(4)) + String(repeating: "*", count: d.count - 8) + String(d.suffix(4))
    }
    public static let problem = FieldProblem("bankAccount", Message("银行账号应为12到30位数字", "a bank account has 12 to 30 digits"))
}

/// 发放花名册: where a county's roll for a month stands.
public enum RollStatus: String, CodeNamed {
    /// Built from the benefits in force; can be built again until approved.
    case draft
    /// Approved by the county: the file for the bank can be exported.
    case approved
    /// Recorded as paid by the bank.
    case paid
    public var chinese: String { switch self { case .draft: "待审核"; case .approved: "已审核，待发放"; case .paid: "已发放" } }
}

/// A benefit in force: from its first month to its last (open while it lasts).
public struct BenefitPeriod: Sendable, Hashable {
    public var start: YearMonth
    public var end: YearMonth?
    public init(start: YearMonth, end: YearMonth? = nil) { self.start = start; self.end = end }
    public func covers(_ month: YearMonth) -> Bool { start <= month && (end.map { month <= $0 } ?? true) }
}

/// What a line of the roll pays: a household's benefit, or a child's basic living allowance (issue 15), which is
/// paid to the carer through the same roll but is not a household's application.
public enum RollBenefit: Sendable, Hashable {
    case household(BenefitKind)
    case child(ChildCategory)

    public var rawValue: String {
        switch self {
        case .household(let k): k.rawValue
        case .child(let c): c == .orphan ? "orphanAllowance" : "defactoUnsupportedChildAllowance"
        }
    }

    public var name: Message {
        switch self {
        case .household(let k): Message(k.chinese, k.english)
        case .child(let c): ChildAllowance.name(c)
        }
    }
}
