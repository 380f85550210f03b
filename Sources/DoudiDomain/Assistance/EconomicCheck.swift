import Foundation

/// 家庭经济状况核对 (issue 13, item 2): what another department answers about an applicant, by resident ID.
public enum CheckSource: String, CodeNamed {
    case deposits, vehicles, housing, business, socialInsurance, tax

    public var chinese: String {
        switch self {
        case .deposits: "银行存款"; case .vehicles: "机动车辆"; case .housing: "房产"; case .business: "工商登记"
        case .socialInsurance: "社会保险"; case .tax: "纳税"
        }
    }
    public var english: String {
        switch self {
        case .deposits: "Bank deposits"; case .vehicles: "Motor vehicles"; case .housing: "Housing"; case .business: "Business registration"
        case .socialInsurance: "Social insurance"; case .tax: "Tax"
        }
    }
    /// What the value column holds for this source.
    public var unit: Message {
        switch self {
        case .deposits: Message("余额（元）", "balance (yuan)")
        case .vehicles: Message("评估价值（元）", "value (yuan)")
        case .housing: Message("建筑面积（平方米）", "floor area (m²)")
        case .business: Message("注册资本（元）", "registered capital (yuan)")
        case .socialInsurance: Message("年缴费工资（元）", "yearly insured wage (yuan)")
        case .tax: Message("年应税收入（元）", "yearly taxable income (yuan)")
        }
    }
    /// Income found elsewhere, compared with what the household declared; the others are assets.
    public var isIncome: Bool { self == .socialInsurance || self == .tax }
}

/// One department's answer about one covered member.
public struct CheckAnswer: Sendable, Hashable {
    public var memberID: Int64
    public var source: CheckSource
    public var item: String
    public var value: Int
    public var asOf: CivilDate
    public init(memberID: Int64, source: CheckSource, item: String, value: Int, asOf: CivilDate) {
        self.memberID = memberID; self.source = source; self.item = item; self.value = value; self.asOf = asOf
    }
}

/// The region's asset limits for the checks (R-DB-1: a configurable checklist): deposits per covered person,
/// and how many vehicles, houses and registered businesses a household may have.
public struct CheckLimits: Sendable, Hashable {
    public var depositsPerPerson: Int
    public var vehicles: Int
    public var housing: Int
    public var business: Int
    public init(depositsPerPerson: Int, vehicles: Int, housing: Int, business: Int) {
        self.depositsPerPerson = depositsPerPerson; self.vehicles = vehicles; self.housing = housing; self.business = business
    }
}

/// What the reviewer sees of one source: the total found against its limit.
public struct CheckFinding: Sendable, Hashable {
    public var source: CheckSource
    public var found: Int
    public var limit: Int
    public var answers: Int
    public var over: Bool { found > limit }

    public var message: Message {
        let s = source
        switch s {
        case .deposits:
            return over ? Message("银行存款合计\(found)元，超过限额\(limit)元", "bank deposits total \(found) yuan, over the limit of \(limit)")
                        : Message("银行存款合计\(found)元，未超过限额\(limit)元", "bank deposits total \(found) yuan, within the limit of \(limit)")
        case .vehicles, .housing, .business:
            return over ? Message("\(s.chinese)\(found)项，超过允许的\(limit)项", "\(s.english): \(found), more than the \(limit) allowed")
                        : Message("\(s.chinese)\(found)项，未超过允许的\(limit)项", "\(s.english): \(found), within the \(limit) allowed")
        case .socialInsurance, .tax:
            return over ? Message("\(s.chinese)显示收入\(found)元，高于申报的\(limit)元", "\(s.english) shows \(found) yuan of income, more than the \(limit) declared")
                        : Message("\(s.chinese)显示收入\(found)元，未高于申报的\(limit)元", "\(s.english) shows \(found) yuan of income, not more than the \(limit) declared")
        }
    }
}

public enum EconomicCheck {
    /// Every source answered, in the order of `CheckSource`. Deposits add up against the limit per person times the
    /// persons covered; vehicles, houses and businesses are counted; a yearly income found is taken over the
    /// application's reference period and compared with the counted income declared (R-DB-2).
    public static func findings(_ answers: [CheckAnswer], persons: Int, declared: IncomeStatement, limits: CheckLimits) -> [CheckFinding] {
        let by = Dictionary(grouping: answers, by: \.source)
        return CheckSource.allCases.compactMap { s in
            guard let a = by[s] else { return nil }
            let total = a.reduce(0) { $0 + $1.value }
            let (found, limit): (Int, Int) = switch s {
            case .deposits: (total, limits.depositsPerPerson * max(1, persons))
            case .vehicles: (a.count, limits.vehicles)
            case .housing: (a.count, limits.housing)
            case .business: (a.count, limits.business)
            case .socialInsurance, .tax: (total * declared.months / 12, declared.counted)
            }
            return CheckFinding(source: s, found: found, limit: limit, answers: a.count)
        }
    }
}
