/// 孤儿基本生活费 / 事实无人抚养儿童基本生活补贴 (R-CH-4, R-CH-6): a monthly allowance by reference to the region's
/// orphan standard, approved by the county on the carer's personal pledge (个人承诺) with the papers completed
/// later, and paid through the county's payment roll from the month it is approved (当月审批、当月发放).
public enum ChildAllowance {
    /// Orphans and de-facto unsupported children draw it; a child in difficulty or left behind is helped otherwise.
    public static func qualifies(_ category: ChildCategory?) -> Bool { category == .orphan || category == .defactoUnsupportedChild }

    /// What the allowance is called on the roll and the bank's file.
    public static func name(_ category: ChildCategory) -> Message {
        category == .orphan ? Message("孤儿基本生活费", "Orphan's basic living allowance")
            : Message("事实无人抚养儿童基本生活补贴", "Basic living allowance of a de-facto unsupported child")
    }

    /// The last month paid: the month of the eighteenth birthday (it stops from the next month); nil without a
    /// birth date.
    public static func lastMonth(birth: CivilDate?) -> YearMonth? {
        birth.map { YearMonth(ChildSupport.eighteenthBirthday($0)) }
    }

    /// Months owed through `month`: those from `start` to `month` (or the allowance's `end`, if earlier) less the
    /// months other rolls already paid. A month missed (approved after its roll was approved) is paid with the next.
    public static func monthsDue(start: YearMonth, end: YearMonth?, through month: YearMonth, paidMonths: Int) -> Int {
        let last = min(month, end ?? month)
        guard start <= last else { return 0 }
        return max(0, last.index - start.index + 1 - paidMonths)
    }

    public static let notQualified = Message("只有经认定为孤儿或事实无人抚养儿童的儿童才能发放基本生活费",
                                             "only a child assessed as an orphan or a de-facto unsupported child draws the basic living allowance")
    public static let noStandard = Message("本地区尚未设定孤儿基本生活费标准，请先在参数设置中设定", "the region has no orphan allowance standard yet: set it in the policy first")
}

/// The county's approval as typed: who receives the money (the carer or the guardian), into which account, and
/// whether the papers are in hand or the carer pledged to complete them.
public struct AllowanceGrant: Sendable, Hashable {
    public var payee: String
    public var bankAccount: BankAccount
    /// 个人承诺: approved on the pledge, the papers completed within the region's days.
    public var pledged: Bool
    public init(payee: String, bankAccount: BankAccount, pledged: Bool) { self.payee = payee; self.bankAccount = bankAccount; self.pledged = pledged }

    public static func check(payee: String?, bankAccount: String?, papers: String?) -> Result<AllowanceGrant, ProblemList> {
        var problems: [FieldProblem] = []
        let name = (payee ?? "").trimmingSpaces()
        if name.isEmpty || name.count > 50 {
            problems.append(FieldProblem("payee", Message("请填写领取人（照料人或监护人）姓名（不超过50个字）", "enter the payee's (the carer's or guardian's) name, at most 50 characters")))
        }
        let account = BankAccount(bankAccount ?? "")
        if account == nil { problems.append(BankAccount.problem) }
        let pledged: Bool? = switch papers { case "pledge": true; case "complete": false; default: nil }
        if pledged == nil {
            problems.append(FieldProblem("papers", Message("请选择：材料齐全，或凭个人承诺先行发放", "choose: the papers are complete, or pay first on the personal pledge")))
        }
        guard problems.isEmpty, let account, let pledged else { return .failure(ProblemList(problems)) }
        return .success(AllowanceGrant(payee: name, bankAccount: account, pledged: pledged))
    }
}

/// A child's allowance as the case page shows it.
public struct ChildAllowanceRecord: Sendable, Hashable {
    public var category: ChildCategory
    public var monthlyAmount: Int
    public var start: YearMonth
    public var end: YearMonth?
    public var approvedOn: CivilDate
    public var approvedBy: String
    public var payee: String
    /// Masked.
    public var bankAccount: String
    public var pledged: Bool
    public var papersDue: CivilDate?
    public var papersOn: CivilDate?
    public var payments: [Payment]

    public struct Payment: Sendable, Hashable {
        public var month: YearMonth
        public var months: Int
        public var amount: Int
        public var status: RollStatus
        public init(month: YearMonth, months: Int, amount: Int, status: RollStatus) { self.month = month; self.months = months; self.amount = amount; self.status = status }
    }

    public init(category: ChildCategory, monthlyAmount: Int, start: YearMonth, end: YearMonth?, approvedOn: CivilDate, approvedBy: String, payee: String,
                bankAccount: String, pledged: Bool, papersDue: CivilDate?, papersOn: CivilDate?, payments: [Payment]) {
        self.category = category; self.monthlyAmount = monthlyAmount; self.start = start; self.end = end; self.approvedOn = approvedOn; self.approvedBy = approvedBy
        self.payee = payee; self.bankAccount = bankAccount; self.pledged = pledged; self.papersDue = papersDue; self.papersOn = papersOn; self.payments = payments
    }

    /// The pledge's papers not in by their day.
    public func papersOverdue(today: CivilDate) -> Bool { papersOn == nil && (papersDue.map { today > $0 } ?? false) }
}
