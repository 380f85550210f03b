/// A monitoring episode (监测对象, R-MON-1/7/9/10): from the confirmed lead through identification, the time on
/// the roster (单独造册), and risk clearing. A cleared household can be identified again as a new episode.
public enum EpisodeStatus: String, CodeNamed {
    case identifying, notIdentified, monitored, clearing, cleared
    public var chinese: String {
        switch self {
        case .identifying: "识别中"; case .notIdentified: "未纳入监测"; case .monitored: "监测中"
        case .clearing: "风险消除审核中"; case .cleared: "风险已消除"
        }
    }
    /// Open episodes keep a household from getting a second one.
    public var isOpen: Bool { self == .identifying || self == .monitored || self == .clearing }
    /// On the roster of monitored households: identified and not yet cleared.
    public var onRoster: Bool { self == .monitored || self == .clearing }
}

/// Identification (R-MON-7) or risk clearing (R-MON-10): the same chain, clearing without the pledge.
public enum ProcedureKind: String, CodeNamed {
    case identification, clearing
    public var chinese: String { self == .identification ? "识别纳入" : "风险消除" }
    public var steps: [ProcedureStep] {
        switch self {
        case .identification: [.pledge, .democraticReview, .publicNotice, .townshipReview, .countyConfirmation]
        case .clearing: [.democraticReview, .publicNotice, .townshipReview, .countyConfirmation]
        }
    }
}

public enum ProcedureStep: String, CodeNamed {
    case pledge, democraticReview, publicNotice, townshipReview, countyConfirmation
    public var chinese: String {
        switch self {
        case .pledge: "农户承诺授权"; case .democraticReview: "村民主评议"; case .publicNotice: "村级公示"
        case .townshipReview: "乡镇审核"; case .countyConfirmation: "县级审定"
        }
    }

    /// Who acts at this step: the village for its own steps, then the township, then the county.
    public var actor: Role {
        switch self {
        case .pledge, .democraticReview, .publicNotice: .villageCadre
        case .townshipReview: .townshipOfficer
        case .countyConfirmation: .countyOfficer
        }
    }

    /// The step's deadline, counted from the lead (identification) or the clearing proposal, in calendar or
    /// working days as the region counts them; the notice itself always lasts calendar days.
    public func due(startedOn: CivilDate, policy: Policy) throws(PolicyMissing) -> CivilDate {
        let key: PolicyKey = switch self {
        case .pledge: .pledgeDays
        case .democraticReview, .publicNotice: .reviewDays
        case .townshipReview: .townshipDays
        case .countyConfirmation: .decisionDays
        }
        let due = try policy.limit(key).due(from: startedOn, calendar: policy.calendar)
        return self == .publicNotice ? due.adding(days: try policy.required(.noticeDays)) : due
    }
}

/// What the actor of a step does.
public enum ProcedureAction: Sendable, Hashable {
    /// The step is done: pledge signed, review passed, notice over, township approves, county confirms.
    case complete(note: String)
    /// The review fails or the township or county turns the proposal down: the procedure ends.
    case reject(reason: String)
    /// The notice is posted in the village from one day to another.
    case startNotice(from: CivilDate, to: CivilDate)
    /// Someone objects during the notice.
    case objection(text: String)
    /// An objection is settled: upheld ends the procedure, dismissed lets it go on.
    case resolveObjection(id: Int64, upheld: Bool, text: String)
}

extension ProcedureAction {
    /// Reads an action from its parts as the API and the forms send them.
    public static func parse(action: String, note: String?, reason: String?, from: String?, to: String?, text: String?,
                             objectionID: Int64?, upheld: Bool?) -> Result<ProcedureAction, ProblemList> {
        func fail(_ field: String, _ zh: String, _ en: String) -> Result<ProcedureAction, ProblemList> {
            .failure(ProblemList([FieldProblem(field, Message(zh, en))]))
        }
        switch action {
        case "complete": return .success(.complete(note: (note ?? "").trimmingSpaces()))
        case "reject": return .success(.reject(reason: (reason ?? "").trimmingSpaces()))
        case "startNotice":
            guard let f = from.flatMap({ CivilDate($0.trimmingSpaces()) }) else { return fail("from", "请填写公示开始日期（YYYY-MM-DD）", "give the notice's first day, YYYY-MM-DD") }
            guard let t = to.flatMap({ CivilDate($0.trimmingSpaces()) }) else { return fail("to", "请填写公示结束日期（YYYY-MM-DD）", "give the notice's last day, YYYY-MM-DD") }
            return .success(.startNotice(from: f, to: t))
        case "objection": return .success(.objection(text: (text ?? "").trimmingSpaces()))
        case "resolveObjection":
            guard let objectionID else { return fail("objectionId", "请指明处理哪条异议", "say which objection") }
            guard let upheld else { return fail("upheld", "请选择异议成立或不成立", "say whether the objection is upheld") }
            return .success(.resolveObjection(id: objectionID, upheld: upheld, text: (text ?? "").trimmingSpaces()))
        default:
            return fail("action", "“\(action)”不是允许的操作（complete、reject、startNotice、objection、resolveObjection）",
                        "“\(action)” is not one of complete, reject, startNotice, objection, resolveObjection")
        }
    }
}

/// Where one procedure stands.
public struct ProcedureState: Sendable, Hashable {
    public var kind: ProcedureKind
    public var step: ProcedureStep
    public var startedOn: CivilDate
    public var noticeFrom: CivilDate?
    public var noticeTo: CivilDate?
    public var unresolvedObjections: Int

    public init(kind: ProcedureKind, step: ProcedureStep? = nil, startedOn: CivilDate, noticeFrom: CivilDate? = nil, noticeTo: CivilDate? = nil,
                unresolvedObjections: Int = 0) {
        self.kind = kind; self.step = step ?? kind.steps[0]; self.startedOn = startedOn
        self.noticeFrom = noticeFrom; self.noticeTo = noticeTo; self.unresolvedObjections = unresolvedObjections
    }

    public enum Outcome: Sendable, Hashable {
        /// Still running, maybe at the next step.
        case running
        /// The county confirmed: identified (on the roster) or cleared.
        case approved
        /// Turned down or an objection upheld: not identified, or (clearing) still monitored.
        case turnedDown
    }

    /// The episode's status once the procedure ends this way.
    public func status(after outcome: Outcome) -> EpisodeStatus {
        switch (kind, outcome) {
        case (.identification, .running): .identifying
        case (.identification, .approved): .monitored
        case (.identification, .turnedDown): .notIdentified
        case (.clearing, .running): .clearing
        case (.clearing, .approved): .cleared
        case (.clearing, .turnedDown): .monitored
        }
    }

    /// Applies what `role` does on `today`; the new state and how the procedure stands, or why it cannot be done.
    public func applying(_ action: ProcedureAction, by role: Role, today: CivilDate, noticeDays: Int) -> Result<(ProcedureState, Outcome), FieldProblem> {
        guard role == step.actor else {
            let who = step.actor
            return .failure(FieldProblem("step", Message("“\(step.chinese)”由\(who.chinese)办理", "“\(step.rawValue)” is done by a \(who.english.lowercased())")))
        }
        var next = self
        switch action {
        case .complete:
            if step == .publicNotice {
                guard let from = noticeFrom, let to = noticeTo else {
                    return .failure(FieldProblem("notice", Message("请先登记公示起止日期", "record the notice's first and last day first")))
                }
                guard today >= to, to.daysSinceEpoch - from.daysSinceEpoch >= noticeDays else {
                    return .failure(FieldProblem("notice", Message("公示期（\(from)至\(to)）未满，不能结束", "the notice (\(from) to \(to)) is not over yet")))
                }
                guard unresolvedObjections == 0 else {
                    return .failure(FieldProblem("notice", Message.objectionsOpen(unresolvedObjections)))
                }
            }
            let steps = kind.steps
            guard let i = steps.firstIndex(of: step), i + 1 < steps.count else { return .success((next, .approved)) }
            next.step = steps[i + 1]
            return .success((next, .running))
        case .reject(let reason):
            guard step != .publicNotice else {
                return .failure(FieldProblem("step", Message("公示期间请登记异议并处理", "during the notice, record and settle objections")))
            }
            guard !reason.trimmingSpaces().isEmpty else { return .failure(FieldProblem("reason", Message("请填写不通过的理由", "give the reason"))) }
            return .success((next, .turnedDown))
        case .startNotice(let from, let to):
            guard step == .publicNotice else { return .failure(notNow) }
            guard noticeFrom == nil else {
                return .failure(FieldProblem("notice", Message("公示只在村级进行一次", "the notice is posted once, in the village only")))
            }
            guard from >= startedOn, from <= today.adding(days: 30) else {
                return .failure(FieldProblem("from", Message.noticeStartOutside))
            }
            guard to.daysSinceEpoch - from.daysSinceEpoch >= noticeDays else {
                return .failure(FieldProblem("to", Message("公示期不少于\(noticeDays)天", "the notice lasts at least \(noticeDays) days")))
            }
            next.noticeFrom = from; next.noticeTo = to
            return .success((next, .running))
        case .objection(let text):
            guard step == .publicNotice, noticeFrom != nil else { return .failure(notNow) }
            guard !text.trimmingSpaces().isEmpty, text.count <= 1000 else {
                return .failure(FieldProblem("text", Message("请填写异议内容（不超过1000字）", "write the objection, at most 1000 characters")))
            }
            next.unresolvedObjections += 1
            return .success((next, .running))
        case .resolveObjection(_, let upheld, let text):
            guard step == .publicNotice, unresolvedObjections > 0 else { return .failure(notNow) }
            guard !text.trimmingSpaces().isEmpty else { return .failure(FieldProblem("text", Message("请填写处理意见", "write how it was settled"))) }
            next.unresolvedObjections -= 1
            return .success((next, upheld ? .turnedDown : .running))
        }
    }

    var notNow: FieldProblem {
        FieldProblem("step", Message.notAtStep(step.chinese, step.english.lowercased()))
    }
}

/// 风险消除 criteria (R-MON-9) as the cadre checked them on the spot.
public struct ClearingCriteria: Sendable, Hashable, Codable {
    /// The household's per-capita yearly income as reckoned at the end of each of the last months, oldest first.
    public var monthlyIncome: [Int]
    /// 两不愁三保障 and drinking water.
    public var food: Bool, clothing: Bool, education: Bool, medical: Bool, housing: Bool, drinkingWater: Bool
    public var rigidExpensesResolved: Bool
    public var risksRemoved: Bool
    public var noNewRisk: Bool

    public init(monthlyIncome: [Int], food: Bool, clothing: Bool, education: Bool, medical: Bool, housing: Bool, drinkingWater: Bool,
                rigidExpensesResolved: Bool, risksRemoved: Bool, noNewRisk: Bool) {
        self.monthlyIncome = monthlyIncome; self.food = food; self.clothing = clothing; self.education = education
        self.medical = medical; self.housing = housing; self.drinkingWater = drinkingWater
        self.rigidExpensesResolved = rigidExpensesResolved; self.risksRemoved = risksRemoved; self.noNewRisk = noNewRisk
    }

    /// Every criterion that does not hold; clearing may be proposed only when there is none.
    public func problems(monitoringLine line: Int, months: Int, labour: [LaborAbility]) -> [FieldProblem] {
        var out: [FieldProblem] = []
        if !labour.contains(where: { $0 != .none }) {
            out.append(FieldProblem("laborAbility", Message("无劳动能力的家庭落实保障措施后不标注风险消除，继续监测",
                                                            "a household without labour capacity stays monitored once its social-security measures are in place")))
        }
        let recent = monthlyIncome.suffix(months)
        if recent.count < months {
            out.append(FieldProblem("monthlyIncome", Message("需要最近\(months)个月的人均收入，只有\(recent.count)个月", "the last \(months) months of income are needed, \(recent.count) given")))
        } else if let low = recent.first(where: { $0 < line }) {
            out.append(FieldProblem("monthlyIncome", Message("近\(months)个月中有月份人均收入\(low)元低于监测标准\(line)元，收入不稳定",
                                                             "income of \(low) yuan in the last \(months) months is below the monitoring line of \(line) yuan")))
        }
        let secured: [(Bool, String, String, String)] = [
            (food, "food", "吃", "food"), (clothing, "clothing", "穿", "clothing"), (education, "education", "义务教育", "compulsory education"),
            (medical, "medical", "基本医疗", "basic medical care"), (housing, "housing", "住房安全", "safe housing"),
            (drinkingWater, "drinkingWater", "饮水安全", "drinking water"),
        ]
        for (ok, field, zh, en) in secured where !ok {
            out.append(FieldProblem(field, Message("“\(zh)”尚未稳定保障", "\(en) is not stably secured")))
        }
        if !rigidExpensesResolved { out.append(FieldProblem("rigidExpensesResolved", Message("大额刚性支出尚未稳定解决", "large rigid expenses are not resolved"))) }
        if !risksRemoved { out.append(FieldProblem("risksRemoved", Message("识别时的风险尚未消除", "the risks found at identification remain"))) }
        if !noNewRisk { out.append(FieldProblem("noNewRisk", Message("出现了新的风险", "a new risk has appeared"))) }
        return out
    }
}

/// 村级公示: what the village notice may show, and nothing more (R-MON-7): no resident ID, phone, bank account or
/// health detail can reach it, because this type has no field for them.
public struct PublicNotice: Sendable, Hashable {
    public var kind: ProcedureKind
    public var headName: String
    public var village: String
    public var monitoringType: MonitoringType
    public var riskKinds: [RiskKind]
    public var from: CivilDate
    public var to: CivilDate
    public init(kind: ProcedureKind, headName: String, village: String, monitoringType: MonitoringType, riskKinds: [RiskKind], from: CivilDate, to: CivilDate) {
        self.kind = kind; self.headName = headName; self.village = village; self.monitoringType = monitoringType
        self.riskKinds = riskKinds; self.from = from; self.to = to
    }
}
