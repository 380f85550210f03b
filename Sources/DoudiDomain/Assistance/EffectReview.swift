/// A calendar quarter (`2026-Q4`): the period of R-MON-8's review of the effect of the help (每季度分析帮扶成效).
public struct Quarter: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let number: Int

    public init?(year: Int, number: Int) {
        guard (2000...9999).contains(year), (1...4).contains(number) else { return nil }
        self.year = year; self.number = number
    }

    /// Exactly `YYYY-Qn`.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-")
        guard text.utf8.count == 7, parts.count == 2, parts[1].first == "Q", let y = Int(parts[0]), let n = Int(parts[1].dropFirst()) else { return nil }
        self.init(year: y, number: n)
    }

    public init(_ day: CivilDate) { year = day.year; number = (day.month - 1) / 3 + 1 }

    public var firstDay: CivilDate { CivilDate(year: year, month: number * 3 - 2, day: 1)! }
    public var lastDay: CivilDate { YearMonth(year: year, month: number * 3)!.lastDay }
    public var previous: Quarter { number == 1 ? Quarter(year: year - 1, number: 4)! : Quarter(year: year, number: number - 1)! }
    public var description: String { "\(year)-Q\(number)" }
    public var chinese: String { "\(year)年第\(["一", "二", "三", "四"][number - 1])季度" }
    public static func < (a: Quarter, b: Quarter) -> Bool { (a.year, a.number) < (b.year, b.number) }
}

/// 两不愁三保障 and safe drinking water: what a review checks for the household (R-MON-9's own checks).
public enum Guarantee: String, CodeNamed {
    case food, clothing, education, medical, housing, drinkingWater
    public var chinese: String {
        switch self {
        case .food: "不愁吃"; case .clothing: "不愁穿"; case .education: "义务教育有保障"; case .medical: "基本医疗有保障"
        case .housing: "住房安全有保障"; case .drinkingWater: "饮水安全有保障"
        }
    }
    public var english: String {
        switch self {
        case .food: "Enough food"; case .clothing: "Enough clothing"; case .education: "Compulsory schooling assured"; case .medical: "Basic medical care assured"
        case .housing: "Safe housing"; case .drinkingWater: "Safe drinking water"
        }
    }
}

/// Where a quarter's review stands: recorded by the helper, confirmed by the township, or returned to the helper.
public enum EffectReviewStatus: String, CodeNamed {
    case recorded, confirmed, returned
    public var chinese: String { switch self { case .recorded: "待乡镇确认"; case .confirmed: "乡镇已确认"; case .returned: "退回补充" } }
    public var english: String { switch self { case .recorded: "Awaiting the township"; case .confirmed: "Confirmed by the township"; case .returned: "Returned to the helper" } }
}

/// 帮扶成效季度分析 as the helper records it (issue 14 item 5).
public struct EffectReviewInput: Sendable, Hashable {
    public var quarter: Quarter
    /// Income per person per year, yuan: now, and a year before (the change is what the review reads).
    public var incomeNow: Int
    public var incomeBefore: Int
    /// The guarantees that hold; those missing are the problems still open.
    public var guarantees: Set<Guarantee>
    public var measuresTaken: String
    public var nextSteps: String

    public var incomeChange: Int { incomeNow - incomeBefore }

    public init(quarter: Quarter, incomeNow: Int, incomeBefore: Int, guarantees: Set<Guarantee>, measuresTaken: String, nextSteps: String) {
        self.quarter = quarter; self.incomeNow = incomeNow; self.incomeBefore = incomeBefore; self.guarantees = guarantees
        self.measuresTaken = measuresTaken.trimmingSpaces(); self.nextSteps = nextSteps.trimmingSpaces()
    }

    /// A form's or a request's fields; a quarter that has not begun cannot be reviewed.
    public static func parse(quarter: String, incomeNow: String, incomeBefore: String, guarantees: [String], measuresTaken: String, nextSteps: String,
                             today: CivilDate) -> Result<EffectReviewInput, ProblemList> {
        var problems: [FieldProblem] = []
        let q = Quarter(quarter.trimmingSpaces())
        if q == nil { problems.append(FieldProblem("quarter", .quarterFormat)) }
        else if q! > Quarter(today) { problems.append(FieldProblem("quarter", Message("该季度尚未开始", "that quarter has not begun"))) }
        func yuan(_ text: String, _ field: String) -> Int? {
            guard let n = Int(text.trimmingSpaces()), (0...10_000_000).contains(n) else {
                problems.append(FieldProblem(field, Message("人均年收入应为0至10000000的整数（元）", "income per person per year: whole yuan from 0 to 10000000")))
                return nil
            }
            return n
        }
        let now = yuan(incomeNow, "incomeNow"), before = yuan(incomeBefore, "incomeBefore")
        var held = Set<Guarantee>()
        for g in guarantees {
            guard let v = Guarantee(text: g) else { problems.append(Guarantee.problem(field: "guarantees", text: g)); continue }
            held.insert(v)
        }
        let taken = measuresTaken.trimmingSpaces(), next = nextSteps.trimmingSpaces()
        if taken.isEmpty || taken.count > 2000 {
            problems.append(FieldProblem("measuresTaken", Message("请写明本季度落实的帮扶措施（不超过2000字）", "write the measures taken this quarter, at most 2000 characters")))
        }
        if next.isEmpty || next.count > 2000 {
            problems.append(FieldProblem("nextSteps", Message("请写明下一步打算（不超过2000字）", "write the next steps, at most 2000 characters")))
        }
        guard problems.isEmpty, let q, let now, let before else { return .failure(ProblemList(problems)) }
        return .success(EffectReviewInput(quarter: q, incomeNow: now, incomeBefore: before, guarantees: held, measuresTaken: taken, nextSteps: next))
    }
}

/// The township's answer to a review.
public enum EffectReviewDecision: Sendable, Hashable {
    case confirm
    case returnToHelper(reason: String)

    /// The status after the decision, or why it cannot be made: only a review awaiting the township is decided,
    /// and a return says what to add.
    public func applied(to status: EffectReviewStatus) -> Result<EffectReviewStatus, FieldProblem> {
        guard status == .recorded else {
            return .failure(FieldProblem("status", Message("此季度分析“\(status.chinese)”，不能再确认或退回", "a review \(status.english.lowercased()) cannot be decided again")))
        }
        switch self {
        case .confirm: return .success(.confirmed)
        case .returnToHelper(let reason):
            let r = reason.trimmingSpaces()
            guard !r.isEmpty, r.count <= 2000 else {
                return .failure(FieldProblem("reason", Message("请写明退回原因（不超过2000字）", "say why it is returned, at most 2000 characters")))
            }
            return .success(.returned)
        }
    }
}

extension Message {
    public static let quarterFormat = Message("季度应写作YYYY-Qn，如2026-Q4", "a quarter is YYYY-Qn, such as 2026-Q4")
}
