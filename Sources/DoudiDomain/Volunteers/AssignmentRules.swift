/// R-VOL-1 as the rules an assignment must pass, and the ranking of volunteers proposed for a task (就近就便, 线上优先).

/// 人身意外伤害保险: bought by the organization before any assignment with personal risk.
public struct Insurance: Sendable, Hashable {
    public var insurer: String
    public var policyNumber: String
    public var from: CivilDate
    public var to: CivilDate
    public init(insurer: String, policyNumber: String, from: CivilDate, to: CivilDate) {
        self.insurer = insurer; self.policyNumber = policyNumber; self.from = from; self.to = to
    }
    public func covers(_ day: CivilDate) -> Bool { from <= day && day <= to }
}

/// The day's health declaration (不带病上岗): fit when no symptom is declared and the temperature, if taken, is
/// below 37.3 °C.
public struct HealthDeclaration: Sendable, Hashable {
    public var day: CivilDate
    public var temperature: Double?
    public var symptoms: Set<Symptom>
    public init(day: CivilDate, temperature: Double?, symptoms: Set<Symptom>) { self.day = day; self.temperature = temperature; self.symptoms = symptoms }
    public static let feverFrom = 37.3
    public var fit: Bool { symptoms.isEmpty && (temperature ?? 36.5) < Self.feverFrom }
}

/// Why an assignment is refused: the contract's `rule`.
public enum AssignmentRule: String, CodeNamed, Error {
    case crossRegion, noInsurance, notFitToday, hourLimit
    public var chinese: String { message.zh }
    public var english: String { message.en }
    public var message: Message {
        switch self {
        case .crossRegion:
            Message("疫情应急响应期间，不跨区域开展非必要的线下服务：该任务在志愿者所在县（市、区）以外",
                    "while an epidemic response level is in force, no offline service across regions: the task is outside the volunteer's county")
        case .noInsurance:
            Message("该任务可能发生人身危险，志愿者在任务当日没有有效的人身意外伤害保险",
                    "the task carries personal risk and the volunteer has no accident insurance valid on its day")
        case .notFitToday:
            Message("不带病上岗：志愿者今天尚未申报健康，或申报了症状", "no shift while unwell: the volunteer has not declared themselves fit today, or declared symptoms")
        case .hourLimit:
            Message("超过岗位的每日或每周服务时长上限，不安排长时间高负荷服务",
                    "it would pass the post's daily or weekly hour limit: no long high-load service")
        }
    }
}

/// A task as the rules see it. Durations are in minutes.
public struct TaskFacts: Sendable, Hashable {
    public var region: RegionCode
    public var day: CivilDate
    public var mode: ServiceMode
    public var risk: TaskRisk
    public var minutes: Int
    public var dailyLimit: Int
    public var weeklyLimit: Int
    public var skills: Set<VolunteerSkill>
    public init(region: RegionCode, day: CivilDate, mode: ServiceMode, risk: TaskRisk, minutes: Int, dailyLimit: Int, weeklyLimit: Int, skills: Set<VolunteerSkill>) {
        self.region = region; self.day = day; self.mode = mode; self.risk = risk; self.minutes = minutes
        self.dailyLimit = dailyLimit; self.weeklyLimit = weeklyLimit; self.skills = skills
    }
}

/// A volunteer as the rules and the ranking see them, with what they already hold.
public struct VolunteerFacts: Sendable, Hashable {
    public var id: Int64
    public var home: RegionCode
    public var reach: [RegionCode]
    public var skills: Set<VolunteerSkill>
    public var online: Bool
    public var insurance: Insurance?
    /// The latest health declaration, whatever its day.
    public var health: HealthDeclaration?
    /// Minutes already held (planned or served) on the task's day and in its week, this task's excluded.
    public var minutesOnDay = 0
    public var minutesInWeek = 0
    public init(id: Int64, home: RegionCode, reach: [RegionCode] = [], skills: Set<VolunteerSkill>, online: Bool, insurance: Insurance?, health: HealthDeclaration?,
                minutesOnDay: Int = 0, minutesInWeek: Int = 0) {
        self.id = id; self.home = home; self.reach = reach; self.skills = skills; self.online = online; self.insurance = insurance
        self.health = health; self.minutesOnDay = minutesOnDay; self.minutesInWeek = minutesInWeek
    }
}

public enum AssignmentRules {
    /// Every rule the assignment breaks, in the contract's order (empty: it may go ahead). `level` is the strictest
    /// response level in force where the task is or in the volunteer's county; `today` is the day of assigning.
    public static func refusals(_ task: TaskFacts, _ v: VolunteerFacts, level: ResponseLevel, today: CivilDate) -> [AssignmentRule] {
        var out: [AssignmentRule] = []
        if task.mode == .offline, level.forbidsCrossRegion, v.home.truncated(to: .county) != task.region.truncated(to: .county) { out.append(.crossRegion) }
        if task.risk.isPersonal, !(v.insurance?.covers(task.day) ?? false) { out.append(.noInsurance) }
        if !(v.health.map { $0.day == today && $0.fit } ?? false) { out.append(.notFitToday) }
        if v.minutesOnDay + task.minutes > task.dailyLimit || v.minutesInWeek + task.minutes > task.weeklyLimit { out.append(.hourLimit) }
        return out
    }

    /// The Monday that starts the week of `day` (the weekly limit counts Monday to Sunday).
    public static func weekStart(_ day: CivilDate) -> CivilDate {
        let d = day.daysSinceEpoch
        // 1970-01-01 was a Thursday, three days after a Monday.
        return CivilDate(daysSinceEpoch: d - ((d % 7) + 7 + 3) % 7)
    }
}

/// How near a volunteer is to a task, by the region tree: the deepest region both share.
public enum Nearness: String, CodeNamed, Comparable {
    case village, township, county, farther
    public var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Nearness, b: Nearness) -> Bool { a.rank < b.rank }
    public var chinese: String {
        switch self { case .village: "同村（社区）"; case .township: "同乡镇（街道）"; case .county: "同县（市、区）"; case .farther: "县外" }
    }
    public var english: String {
        switch self { case .village: "Same village"; case .township: "Same township"; case .county: "Same county"; case .farther: "Outside the county" }
    }

    /// From one place to the task's: the deepest level at which both are the same region (a volunteer of a township
    /// is in the same township as a task of that township, not the same village).
    public static func between(_ a: RegionCode, _ task: RegionCode) -> Nearness {
        for (level, n) in [(RegionCode.Level.village, Nearness.village), (.township, .township), (.county, .county)]
        where a.level >= level && task.level >= level && a.truncated(to: level) == task.truncated(to: level) { return n }
        return .farther
    }
}

/// One volunteer proposed for a task.
public struct Proposal: Sendable, Hashable {
    public var volunteer: VolunteerFacts
    public var nearness: Nearness
    public var refusals: [AssignmentRule]
    public var hasSkill: Bool
    /// Minutes left this week under the post's weekly limit, this task's excluded.
    public var minutesLeft: Int
}

public enum Matching {
    /// Proposals, best first: those the rules allow, then (for an online task) those who serve online, then the
    /// nearest (same village, township, county, by home or a region they reach), those with a skill the task
    /// needs, the most hours left this week, and the volunteer's number for a stable order.
    public static func rank(_ task: TaskFacts, _ volunteers: [VolunteerFacts], level: (VolunteerFacts) -> ResponseLevel, today: CivilDate) -> [Proposal] {
        volunteers.map { v in
            Proposal(volunteer: v, nearness: ([v.home] + v.reach).map { Nearness.between($0, task.region) }.min() ?? .farther,
                     refusals: AssignmentRules.refusals(task, v, level: level(v), today: today),
                     hasSkill: task.skills.isEmpty || !task.skills.isDisjoint(with: v.skills), minutesLeft: task.weeklyLimit - v.minutesInWeek)
        }.sorted { a, b in
            let online = task.mode == .online
            return (a.refusals.isEmpty ? 0 : 1, online && !a.volunteer.online ? 1 : 0, a.nearness.rank, a.hasSkill ? 0 : 1, -a.minutesLeft, a.volunteer.id)
                < (b.refusals.isEmpty ? 0 : 1, online && !b.volunteer.online ? 1 : 0, b.nearness.rank, b.hasSkill ? 0 : 1, -b.minutesLeft, b.volunteer.id)
        }
    }
}

/// An assignment the rules refuse: every rule broken, the first one the contract's `rule`.
public struct AssignmentRefused: Error, Sendable, Hashable {
    public var rules: [AssignmentRule]
    public init(_ rules: [AssignmentRule]) { self.rules = rules }
}
