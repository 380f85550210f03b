/// 城市 / 农村: each has its own dibao standard (R-DB-4).
public enum AreaKind: String, CodeNamed {
    case urban, rural
    public var chinese: String { self == .urban ? "城市" : "农村" }
}

/// R-DB-4: a standard in yuan per person per month for a region's towns or countryside, from a month on.
public struct DibaoStandard: Sendable, Hashable {
    public var region: RegionCode
    public var area: AreaKind
    public var from: YearMonth
    public var yuanPerMonth: Int
    public init(region: RegionCode, area: AreaKind, from: YearMonth, yuanPerMonth: Int) {
        self.region = region; self.area = area; self.from = from; self.yuanPerMonth = yuanPerMonth
    }

    /// The standard in force for `region` in `month`: the latest one from before, then the nearest region
    /// (a county's own standard over its province's of the same month).
    public static func inForce(region: RegionCode, area: AreaKind, month: YearMonth, among all: [DibaoStandard]) -> DibaoStandard? {
        all.filter { $0.area == area && $0.from <= month && $0.region.contains(region) }
            .max { ($0.from, $0.region.depth) < ($1.from, $1.region.depth) }
    }
}

/// Extra money for members whose needs the standard does not meet (R-DB-3: 获得低保后生活仍有困难的…).
public enum AllowanceKind: String, CodeNamed {
    case elderly, minor, severeDisability, seriousIllness
    public var chinese: String {
        switch self { case .elderly: "老年人"; case .minor: "未成年人"; case .severeDisability: "重度残疾人"; case .seriousIllness: "重病患者" }
    }
}

/// A person the benefit covers, as far as the amount depends on them.
public struct CoveredPerson: Sendable, Hashable {
    public var birthDate: CivilDate
    /// 1 (most severe) to 4; nil without a disability certificate.
    public var disabilityGrade: Int?
    public var seriouslyIll: Bool
    public init(birthDate: CivilDate, disabilityGrade: Int? = nil, seriouslyIll: Bool = false) {
        self.birthDate = birthDate; self.disabilityGrade = disabilityGrade; self.seriouslyIll = seriouslyIll
    }

    /// The allowances the person draws on `day`: each kind once.
    public func allowances(on day: CivilDate, elderlyAge: Int) -> [AllowanceKind] {
        let age = birthDate.age(on: day)
        var out: [AllowanceKind] = []
        if age >= elderlyAge { out.append(.elderly) }
        if age < 18 { out.append(.minor) }
        if let g = disabilityGrade, g <= 2 { out.append(.severeDisability) }
        if seriouslyIll { out.append(.seriousIllness) }
        return out
    }
}

/// One grade (分档) where a region pays by grade instead of the difference: a share of the standard per person.
public struct DibaoGrade: Sendable, Hashable {
    public var name: String
    public var percentOfStandard: Int
    public init(name: String, percentOfStandard: Int) { self.name = name; self.percentOfStandard = percentOfStandard }
}

/// The region's way of computing the amount, as its policy sets it.
public struct DibaoRules: Sendable, Hashable {
    public var standard: Int
    /// Empty: the difference method (差额补助, R-DB-3).
    public var grades: [DibaoGrade]
    /// Yuan per month for each person in the kind.
    public var allowances: [AllowanceKind: Int]
    public var elderlyAge: Int
    public init(standard: Int, grades: [DibaoGrade] = [], allowances: [AllowanceKind: Int] = [:], elderlyAge: Int = 60) {
        self.standard = standard; self.grades = grades; self.allowances = allowances; self.elderlyAge = elderlyAge
    }
}

/// The outcome of R-DB-1 and R-DB-3 for one household in one month: whether it qualifies, why not, and the
/// monthly amount (base and allowances) in whole yuan.
public struct DibaoAssessment: Sendable, Hashable {
    public var eligible: Bool
    public var reasons: [Message]
    public var perCapitaMonthly: Fen
    /// The standard compared with, yuan per person a month.
    public var standard: Int
    /// Income per person at or above the standard (one of the reasons, when there are others).
    public var overStandard: Bool
    public var base: Int
    public var allowances: Int
    public var monthly: Int { base + allowances }

    /// `grade`: the grade the township assigned where the region pays by grade (ignored otherwise).
    public static func assess(income: IncomeStatement, persons: [CoveredPerson], assets: AssetCheck, rules: DibaoRules,
                              grade: String? = nil, on day: CivilDate) -> DibaoAssessment {
        let n = max(1, persons.count)
        let perCapita = income.perCapitaMonthly(persons: n)
        var reasons: [Message] = []
        let over = perCapita >= .yuan(rules.standard)
        if over {
            reasons.append(Message("家庭月人均收入\(perCapita)元，不低于低保标准\(rules.standard)元", "monthly income per person \(perCapita) yuan is not below the standard of \(rules.standard)"))
        }
        for o in assets.over {
            reasons.append(Message("财产“\(o.item)”为\(o.value)，超过限额\(o.limit)", "asset “\(o.item)” is \(o.value), over the limit of \(o.limit)"))
        }
        let chosen = rules.grades.first { $0.name == grade }
        if !rules.grades.isEmpty && chosen == nil {
            reasons.append(Message("本地按档次发放，请确定保障档次（\(rules.grades.map(\.name).joined(separator: "、"))）",
                                   "this region pays by grade: choose one of \(rules.grades.map(\.name).joined(separator: ", "))"))
        }
        guard reasons.isEmpty else { return DibaoAssessment(eligible: false, reasons: reasons, perCapitaMonthly: perCapita, standard: rules.standard, overStandard: over, base: 0, allowances: 0) }
        let base: Int
        if let g = chosen {
            base = Fen(rules.standard * g.percentOfStandard * n).roundedYuan
        } else {
            // (standard − per-capita income) × persons, taken as the household's shortfall so nothing is lost to rounding per head.
            base = Fen(max(0, rules.standard * 100 * n - income.monthly.value)).roundedYuan
        }
        let extra = persons.flatMap { $0.allowances(on: day, elderlyAge: rules.elderlyAge) }.reduce(0) { $0 + (rules.allowances[$1] ?? 0) }
        return DibaoAssessment(eligible: true, reasons: [], perCapitaMonthly: perCapita, standard: rules.standard, overStandard: false, base: base, allowances: extra)
    }
}

/// R-DB-7: how often a household's situation is checked again.
public enum ReviewClass: String, CodeNamed {
    /// Income hardly changes (三无人员, the elderly, the severely disabled): once a year.
    case yearly
    /// Unstable income, members able to work: every six months.
    case halfYearly
    /// Households with labour capacity where the region asks it: every quarter.
    case quarterly
    public var chinese: String { switch self { case .yearly: "每年"; case .halfYearly: "每半年"; case .quarterly: "每季度" } }
    public var months: Int { switch self { case .yearly: 12; case .halfYearly: 6; case .quarterly: 3 } }
    /// The month the next review is due after one done (or the benefit starting) in `month`.
    public func due(after month: YearMonth) -> YearMonth { month.adding(months: months) }

    /// Where the township has not classed the household: 特困 (no income, no one to rely on) yearly, a dibao
    /// household half-yearly (R-DB-7), temporary aid, paid once, never.
    public static func initial(for kind: BenefitKind) -> ReviewClass? {
        switch kind {
        case .extremeHardship: .yearly
        case .dibao, .singlePersonDibao: .halfYearly
        case .temporaryAid: nil
        }
    }
}

/// A benefit's next review: due in the month after its class's interval from the last review (or the start);
/// overdue once that month has passed without one.
public struct ReviewDue: Sendable, Hashable {
    public var reviewClass: ReviewClass
    public var last: YearMonth
    public init(reviewClass: ReviewClass, last: YearMonth) { self.reviewClass = reviewClass; self.last = last }
    public var due: YearMonth { reviewClass.due(after: last) }
    public func overdue(in month: YearMonth) -> Bool { month > due }
}

/// R-DB-8: 渐退 — when income rises above the standard, the benefit goes on for a while, stepping down.
public struct PhasedExit: Sendable, Hashable {
    /// The first month paid under the schedule.
    public var start: YearMonth
    /// Percent of the amount paid before, month by month (e.g. 100, 100, 100, 50, 50, 50); nothing after.
    public var schedule: [Int]
    public init(start: YearMonth, schedule: [Int]) { self.start = start; self.schedule = schedule }

    /// The amount for `month` given the monthly amount before the exit; nil before the start and after the end.
    public func amount(in month: YearMonth, before full: Int) -> Int? {
        let k = month.index - start.index
        guard schedule.indices.contains(k) else { return nil }
        return Fen(full * schedule[k]).roundedYuan
    }
    public var lastMonth: YearMonth { start.adding(months: max(0, schedule.count - 1)) }
}
