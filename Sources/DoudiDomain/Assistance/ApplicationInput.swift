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

    public init(householdID: String, kind: BenefitKind, covered: [Int64], income: IncomeStatement, assets: [String: Int] = [:],
                authorised: Bool, episodeID: Int64? = nil) {
        self.householdID = householdID; self.kind = kind; self.covered = covered; self.income = income
        self.assets = assets; self.authorised = authorised; self.episodeID = episodeID
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
