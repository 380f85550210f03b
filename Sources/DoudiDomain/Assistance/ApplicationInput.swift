/// An application as the township (or the village on the household's behalf) records it (issue 13, item 1).
public struct ApplicationInput: Sendable, Hashable {
    public var householdID: String
    public var kind: BenefitKind
    /// The members the benefit would cover, by their record's number; one for 单人保 (R-DB-6).
    public var covered: [Int64]
    public var income: IncomeStatement
    /// The asset checklist's values as declared (item → value).
    public var assets: [String: Int]
    /// The household's written authorisation for the checks of its finances (授权核对).
    public var authorised: Bool
    /// The monitoring case file the application starts from, if any.
    public var episodeID: Int64?
    /// Where the benefit is paid; it may be given later, before the first roll.
    public var bankAccount: BankAccount?

    public init(householdID: String, kind: BenefitKind, covered: [Int64], income: IncomeStatement, assets: [String: Int] = [:],
                authorised: Bool, episodeID: Int64? = nil, bankAccount: BankAccount? = nil) {
        self.householdID = householdID; self.kind = kind; self.covered = covered; self.income = income
        self.assets = assets; self.authorised = authorised; self.episodeID = episodeID; self.bankAccount = bankAccount
    }

    /// Every problem at once, by field.
    public func problems() -> [FieldProblem] {
        var out: [FieldProblem] = []
        if covered.isEmpty { out.append(FieldProblem("covered", Message("请选择申请保障的家庭成员", "choose the members the benefit covers"))) }
        if kind == .singlePersonDibao && covered.count > 1 {
            out.append(FieldProblem("covered", Message("单人保只为一名成员申请", "a single-person dibao covers one member")))
        }
        if Set(covered).count != covered.count { out.append(FieldProblem("covered", Message("成员重复", "a member is chosen twice"))) }
        if !(1...12).contains(income.months) {
            out.append(FieldProblem("incomeMonths", Message("收入计算期应为1到12个月", "the income period is 1 to 12 months")))
        }
        if income.items.contains(where: { $0.yuan < 0 || $0.yuan > 100_000_000 }) {
            out.append(FieldProblem("income", Message("收入和支出金额应为0到1亿元的整数", "amounts are whole yuan from 0 to 100 million")))
        }
        if assets.values.contains(where: { $0 < 0 }) || assets.keys.contains(where: { $0.trimmingSpaces().isEmpty || $0.count > 40 }) {
            out.append(FieldProblem("assets", Message("财产项目应有名称（不超过40字），数值不能为负", "each asset has a name of at most 40 characters and no negative value")))
        }
        if !authorised {
            out.append(FieldProblem("authorised", Message("须有申请人签字的家庭经济状况核对授权书", "the applicant's signed authorisation for the checks is required")))
        }
        return out
    }
}

extension ApplicationAction {
    /// The action names the API and the forms send.
    public static let names = ["accept", "homeVisit", "countyVisit", "extend", "opinion", "startNotice", "objection", "resolveObjection",
                               "closeNotice", "approve", "refuse"]

    /// Reads an action from its parts as the API and the forms send them.
    public static func parse(action: String, note: String?, approve: Bool?, amount: Int?, from: String?, to: String?, upheld: Bool?) -> Result<ApplicationAction, ProblemList> {
        func fail(_ field: String, _ zh: String, _ en: String) -> Result<ApplicationAction, ProblemList> { .failure(ProblemList([FieldProblem(field, Message(zh, en))])) }
        let text = (note ?? "").trimmingSpaces()
        switch action {
        case "accept": return .success(.accept)
        case "homeVisit": return .success(.recordHomeVisit(note: text))
        case "countyVisit": return .success(.recordCountyVisit(note: text))
        case "extend": return .success(.extend(reason: text))
        case "opinion":
            guard let approve else { return fail("approve", "请选择拟同意或不予通过", "say whether the township proposes the benefit") }
            return .success(.opinion(approve: approve, amount: amount ?? 0, reasons: text))
        case "startNotice":
            guard let f = from.flatMap({ CivilDate($0.trimmingSpaces()) }) else { return fail("from", "请填写公示开始日期（YYYY-MM-DD）", "give the notice's first day, YYYY-MM-DD") }
            guard let t = to.flatMap({ CivilDate($0.trimmingSpaces()) }) else { return fail("to", "请填写公示结束日期（YYYY-MM-DD）", "give the notice's last day, YYYY-MM-DD") }
            return .success(.startNotice(from: f, to: t))
        case "objection": return .success(.objection(text: text))
        case "resolveObjection":
            guard let upheld else { return fail("upheld", "请选择异议成立或不成立", "say whether the objection is upheld") }
            return .success(.resolveObjection(upheld: upheld, text: text))
        case "closeNotice": return .success(.closeNotice)
        case "approve": return .success(.approve(amount: amount ?? 0))
        case "refuse": return .success(.refuse(reasons: text))
        default:
            return fail("action", "“\(action)”不是允许的操作（\(names.joined(separator: "、"))）", "“\(action)” is not one of \(names.joined(separator: ", "))")
        }
    }
}
