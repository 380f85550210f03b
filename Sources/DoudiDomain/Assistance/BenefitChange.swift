extension AreaKind {
    /// Which standard a household's region takes (R-DB-4): a residents' committee (or one like it) and a street
    /// are towns; a villagers' committee, a town's or a township's own households are the countryside.
    public static func of(_ region: RegionCode) -> AreaKind {
        switch region.displayType {
        case .residentsCommittee, .residentsLike, .subdistrict: .urban
        default: .rural
        }
    }
}

extension PolicyKey {
    /// A schedule of percents as typed (commas, Chinese commas, spaces): 1 to 24 of them, each 0 to 100.
    static func percents(_ text: String) -> [Int]? {
        let parts = text.split(whereSeparator: { ",，、 ;；".contains($0) }).map { Int($0.typedNumber) }
        guard (1...24).contains(parts.count) else { return nil }
        let values = parts.compactMap { $0 }
        return values.count == parts.count && values.allSatisfy({ (0...100).contains($0) }) ? values : nil
    }
}

extension Policy {
    /// The rules dibao is computed by in a region of `area` (R-DB-1/3): nil where no standard is set.
    public func dibaoRules(_ area: AreaKind) -> DibaoRules? {
        guard let standard = int(area == .urban ? .dibaoUrban : .dibaoRural), standard > 0 else { return nil }
        let keys: [(AllowanceKind, PolicyKey)] = [(.elderly, .allowanceElderly), (.minor, .allowanceMinor),
                                                  (.severeDisability, .allowanceSevereDisability), (.seriousIllness, .allowanceSeriousIllness)]
        return DibaoRules(standard: standard, allowances: Dictionary(uniqueKeysWithValues: keys.compactMap { k in int(k.1).map { (k.0, $0) } }))
    }

    /// The region's phased exit (R-DB-8); empty (or all zeros) where a benefit stops at once.
    public var phasedExitSchedule: [Int] {
        let s = values[.phasedExitSchedule].flatMap(PolicyKey.percents) ?? []
        return s.contains { $0 > 0 } ? s : []
    }
}

/// A change of a household's income or members while it draws dibao (R-DB-3, R-DB-8), recorded by the township:
/// the amount is computed again and applies from the month after the change.
public enum BenefitChangeOutcome: Sendable, Hashable {
    /// Still below the standard: the new monthly amount.
    case amount(Int)
    /// Income now at or above the standard, and nothing else against it: paid down on the region's schedule
    /// (percents of the amount before), then ended.
    case phasedExit(PhasedExit)
    /// No longer eligible for another reason (assets, a grade to choose), or the region has no phased exit: the
    /// month of the change is the last one paid.
    case stop(reasons: [Message])

    /// What a new assessment means for a benefit paying `before` a month, from `from` on.
    public static func decide(_ a: DibaoAssessment, before: Int, schedule: [Int], from: YearMonth) -> BenefitChangeOutcome {
        if a.eligible { return .amount(a.monthly) }
        if a.overStandard && a.reasons.count == 1 && schedule.contains(where: { $0 > 0 }) && before > 0 {
            return .phasedExit(PhasedExit(start: from, schedule: schedule))
        }
        return .stop(reasons: a.reasons)
    }

    /// The amounts paid month by month from `from`, given the amount before: one month for a new amount (it
    /// holds from then on), one per month of a phased exit, none after a stop.
    public func amounts(from: YearMonth, before: Int) -> [(month: YearMonth, amount: Int)] {
        switch self {
        case .amount(let n): [(from, n)]
        case .phasedExit(let p): p.schedule.indices.map { k in (from.adding(months: k), p.amount(in: from.adding(months: k), before: before) ?? 0) }
        case .stop: []
        }
    }

    /// The last month paid: none for a new amount (it goes on), the schedule's last month, or the month before `from`.
    public func lastMonth(from: YearMonth) -> YearMonth? {
        switch self {
        case .amount: nil
        case .phasedExit(let p): p.lastMonth
        case .stop: from.adding(months: -1)
        }
    }

    public var code: String {
        switch self { case .amount: "amount"; case .phasedExit: "phasedExit"; case .stop: "stop" }
    }
    public var chinese: String {
        switch self { case .amount: "调整金额"; case .phasedExit: "渐退"; case .stop: "停发" }
    }
}

/// What the township records for a change: the members covered now, the household's income now, why; or that
/// the benefit stops for another reason (death, moving away, assets found), the reason saying which.
public struct BenefitChangeInput: Sendable, Hashable {
    public var covered: [Int64]
    public var income: IncomeStatement
    public var reason: String
    public var stop: Bool
    public init(covered: [Int64], income: IncomeStatement, reason: String, stop: Bool = false) {
        self.covered = covered; self.income = income; self.reason = reason.trimmingSpaces(); self.stop = stop
    }

    /// Every problem at once, by field, for a benefit of `kind`.
    public func problems(kind: BenefitKind) -> [FieldProblem] {
        var out: [FieldProblem] = []
        if reason.isEmpty || reason.count > 2000 {
            out.append(FieldProblem("reason", Message("请填写变更原因（不超过2000字）", "give the reason for the change, at most 2000 characters")))
        }
        if stop { return out }
        // The same rules as an application's, for the same fields.
        let asApplied = ApplicationInput(householdID: "", kind: kind, covered: covered, income: income, authorised: true)
        return out + asApplied.problems()
    }
}
