/// 八项帮扶服务 (seed 002): the services a case's measures (帮扶措施) are drawn from. Each region offers a
/// catalogue of them (PolicyKey.services), all eight where it sets none.
public enum ServiceKind: String, CodeNamed {
    case living, emergency, medical, education, housing, employment, disasterRelief, care
    public var chinese: String {
        switch self {
        case .living: "生活救助"; case .emergency: "急难救助"; case .medical: "医疗救助"; case .education: "教育救助"
        case .housing: "住房救助"; case .employment: "就业救助"; case .disasterRelief: "受灾人员救助"; case .care: "心理与照护服务"
        }
    }
    public var english: String {
        switch self {
        case .living: "Living aid"; case .emergency: "Emergency aid"; case .medical: "Medical aid"; case .education: "Education aid"
        case .housing: "Housing aid"; case .employment: "Employment aid"; case .disasterRelief: "Disaster relief"; case .care: "Psychological and care services"
        }
    }

    /// The risk kinds (R-MON-4) the service answers: a case's form offers these first for a household that has them.
    public var risks: Set<RiskKind> {
        switch self {
        case .living: [.lackOfLabour, .other]
        case .emergency: [.accident, .epidemic]
        case .medical: [.illness, .disability, .epidemic]
        case .education: [.educationCost]
        case .housing: [.disaster]
        case .employment: [.unstableEmployment, .failedBusiness, .epidemic]
        case .disasterRelief: [.disaster]
        case .care: [.disability, .illness, .lackOfLabour]
        }
    }

    /// The department that usually gives the service when civil affairs refers it.
    public var department: Department {
        switch self {
        case .living, .emergency, .care: .civilAffairs
        case .medical: .health
        case .education: .education
        case .housing: .housing
        case .employment: .humanResources
        case .disasterRelief: .emergencyManagement
        }
    }

    /// The offered services, those answering one of `risks` first (each group in catalogue order).
    public static func ordered(_ offered: [ServiceKind], for risks: [RiskKind]) -> [ServiceKind] {
        let r = Set(risks)
        return offered.filter { !$0.risks.isDisjoint(with: r) } + offered.filter { $0.risks.isDisjoint(with: r) }
    }
}

extension ServiceKind {
    /// The problem when the case's region does not offer the service.
    public func notOffered(_ offered: [ServiceKind]) -> FieldProblem? {
        offered.contains(self) ? nil : FieldProblem("service", Message("本地帮扶服务目录中没有“\(chinese)”", "“\(english)” is not in this region's catalogue of services"))
    }
}

/// A unit that gives a measure: civil affairs, which owns the case, or a department it refers a measure to.
public enum Department: String, CodeNamed {
    case civilAffairs, education, health, housing, humanResources, emergencyManagement
    public var chinese: String {
        switch self {
        case .civilAffairs: "民政部门"; case .education: "教育部门"; case .health: "卫生健康与医疗保障部门"
        case .housing: "住房和城乡建设部门"; case .humanResources: "人力资源和社会保障部门"; case .emergencyManagement: "应急管理部门"
        }
    }
    public var english: String {
        switch self {
        case .civilAffairs: "Civil affairs"; case .education: "Education"; case .health: "Health and medical insurance"
        case .housing: "Housing"; case .humanResources: "Human resources and social security"; case .emergencyManagement: "Emergency management"
        }
    }
    /// The departments a measure can be referred to.
    public static var receivers: [Department] { allCases.filter { $0 != .civilAffairs } }
}

/// Where a measure stands.
public enum MeasureStatus: String, CodeNamed {
    case inProgress, referred, declined, done, withdrawn
    public var chinese: String {
        switch self { case .inProgress: "落实中"; case .referred: "转介待接收"; case .declined: "转介被退回"; case .done: "已落实"; case .withdrawn: "已撤回" }
    }
    public var english: String {
        switch self { case .inProgress: "In progress"; case .referred: "Referred, awaiting"; case .declined: "Referral declined"; case .done: "Done"; case .withdrawn: "Withdrawn" }
    }
    /// A measure that counts as taken (落实) for R-MON-8's one-month rule.
    public var counts: Bool { self == .inProgress || self == .done }
}

/// What is done with a measure. Every move carries a note: it is the timeline's record of why.
public enum MeasureMove: Sendable, Hashable {
    /// The case's owner hands the measure to a department.
    case refer(to: Department, note: String)
    /// The department takes it on.
    case accept(note: String)
    /// The department gives it back, saying why.
    case decline(reason: String)
    /// Given: what came of it.
    case finish(result: String)
    /// The owner takes it back (not needed any more, or given another way).
    case withdraw(reason: String)

    public var code: String {
        switch self { case .refer: "refer"; case .accept: "accept"; case .decline: "decline"; case .finish: "finish"; case .withdraw: "withdraw" }
    }
    public var text: String {
        switch self { case .refer(_, let t), .accept(let t), .decline(let t), .finish(let t), .withdraw(let t): t }
    }
}

extension MeasureMove {
    /// A move as a form or a request names it (`refer` with the department `to`).
    public static func parse(_ code: String, to: String?, note: String) -> Result<MeasureMove, FieldProblem> {
        switch code {
        case "refer":
            guard let d = to.flatMap(Department.init(rawValue:)), d != .civilAffairs else { return .failure(.measureReceiver) }
            return .success(.refer(to: d, note: note))
        case "accept": return .success(.accept(note: note))
        case "decline": return .success(.decline(reason: note))
        case "finish": return .success(.finish(result: note))
        case "withdraw": return .success(.withdraw(reason: note))
        default: return .failure(FieldProblem("move", .chooseMove))
        }
    }
}

/// Who acts on a measure: the case's owner (the village, the township or the county that handle cases) or a
/// department's officer.
public enum MeasureParty: Sendable, Hashable {
    case owner
    case department(Department)
}

/// A measure's status and the unit that holds it now (while referred: the department asked to take it).
public struct MeasureState: Sendable, Hashable {
    public var status: MeasureStatus
    public var unit: Department
    public init(status: MeasureStatus = .inProgress, unit: Department = .civilAffairs) { self.status = status; self.unit = unit }

    /// Applies `move` by `party`: the new state, or why it cannot be done. The case keeps one owner throughout:
    /// a department holds the measure it accepted, never the case.
    public func applying(_ move: MeasureMove, by party: MeasureParty) -> Result<MeasureState, FieldProblem> {
        let t = move.text.trimmingSpaces()
        guard !t.isEmpty, t.count <= 2000 else {
            return .failure(FieldProblem("note", .moveNote))
        }
        // Civil affairs is the owner, never a receiver: only a department answers for the measure it holds.
        let receiver: Bool = if case .department(let d) = party { d == unit && d != .civilAffairs } else { false }
        var next = self
        switch move {
        case .refer(let to, _):
            guard party == .owner else { return .failure(.measureOwnerOnly) }
            guard [.inProgress, .declined].contains(status) else { return .failure(notNow(move)) }
            guard to != .civilAffairs else { return .failure(.measureReceiver) }
            next.status = .referred; next.unit = to
        case .accept, .decline:
            guard status == .referred else { return .failure(notNow(move)) }
            guard receiver else {
                return .failure(FieldProblem("unit", Message("此措施转介给\(unit.chinese)，由其接收或退回", "this measure is referred to \(unit.english.lowercased()), who accept or decline it")))
            }
            if case .accept = move { next.status = .inProgress } else { next.status = .declined; next.unit = .civilAffairs }
        case .finish:
            guard status == .inProgress else { return .failure(notNow(move)) }
            guard party == .owner || receiver else {
                return .failure(FieldProblem("unit", Message("此措施由\(unit.chinese)落实", "this measure is held by \(unit.english.lowercased())")))
            }
            next.status = .done
        case .withdraw:
            guard party == .owner else { return .failure(.measureOwnerOnly) }
            guard [.inProgress, .referred, .declined].contains(status) else { return .failure(notNow(move)) }
            next.status = .withdrawn; next.unit = status == .referred ? .civilAffairs : unit
        }
        return .success(next)
    }

    private func notNow(_ move: MeasureMove) -> FieldProblem {
        let what: (String, String) = switch move {
        case .refer: ("转介", "referred"); case .accept: ("接收", "accepted"); case .decline: ("退回", "declined")
        case .finish: ("登记落实结果", "finished"); case .withdraw: ("撤回", "withdrawn")
        }
        return FieldProblem("status", Message("措施“\(status.chinese)”，不能\(what.0)", "a measure \(status.english.lowercased()) cannot be \(what.1)"))
    }
}

extension FieldProblem {
    static let measureReceiver = FieldProblem("to", Message("请选择接收的行业部门", "choose the department to refer to"))
    static let measureOwnerOnly = FieldProblem("unit", Message("只有个案所在地的经办人员可以转介或撤回措施", "only the case's own staff refer or withdraw a measure"))
}

/// A measure as recorded on a case: the service, when, what is given, and the note of what it is for.
public struct MeasureInput: Sendable, Hashable {
    public var service: ServiceKind
    public var startOn: CivilDate
    public var endOn: CivilDate?
    /// Whole yuan, where money is given.
    public var amount: Int?
    /// Goods or services given in kind (米面油, 助学, 护理…).
    public var goods: String
    public var note: String

    public init(service: ServiceKind, startOn: CivilDate, endOn: CivilDate? = nil, amount: Int? = nil, goods: String = "", note: String) {
        self.service = service; self.startOn = startOn; self.endOn = endOn; self.amount = amount; self.goods = goods; self.note = note
    }

    /// Checks a form's or a request's fields: a known service, the dates real and in order, a note of what is given
    /// (the region's catalogue is checked where the case's region is known: `ServiceKind.notOffered`).
    public static func parse(service: String, startOn: String, endOn: String?, amount: String?, goods: String?, note: String) -> Result<MeasureInput, ProblemList> {
        var problems: [FieldProblem] = []
        let kind = ServiceKind(text: service)
        if kind == nil { problems.append(ServiceKind.problem(field: "service", text: service)) }
        let start = CivilDate(startOn.trimmingSpaces())
        if start == nil { problems.append(FieldProblem("startOn", Message("开始日期应为YYYY-MM-DD", "the start date is YYYY-MM-DD"))) }
        var end: CivilDate?
        if let e = endOn?.trimmingSpaces(), !e.isEmpty {
            end = CivilDate(e)
            if end == nil { problems.append(FieldProblem("endOn", Message("结束日期应为YYYY-MM-DD", "the end date is YYYY-MM-DD"))) }
            else if let s = start, end! < s { problems.append(FieldProblem("endOn", Message("结束日期不能早于开始日期", "the end date cannot be before the start"))) }
        }
        var yuan: Int?
        if let a = amount?.trimmingSpaces(), !a.isEmpty {
            yuan = Int(a)
            if yuan == nil || !(0...10_000_000).contains(yuan!) {
                problems.append(FieldProblem("amount", Message("金额应为0至10000000的整数（元）", "the amount is whole yuan from 0 to 10000000")))
            }
        }
        let g = (goods ?? "").trimmingSpaces(), n = note.trimmingSpaces()
        if g.count > 200 { problems.append(FieldProblem("goods", Message("实物或服务内容不超过200字", "goods or services in kind: at most 200 characters"))) }
        if n.isEmpty || n.count > 2000 {
            problems.append(FieldProblem("note", Message("请写明措施内容（不超过2000字）", "say what the measure is, at most 2000 characters")))
        }
        guard problems.isEmpty, let kind, let start else { return .failure(ProblemList(problems)) }
        return .success(MeasureInput(service: kind, startOn: start, endOn: end, amount: yuan, goods: g, note: n))
    }
}

/// R-MON-8: a household identified for monitoring gets at least one measure within a month. The public data-check
/// scripts flag one with none "1 month or more" after identification: from the same day of the next month on.
public enum MeasureDeadline {
    public static func due(identifiedOn: CivilDate) -> CivilDate { MonthlyVisit.due(after: identifiedOn) }
    /// Whether a household identified on `identifiedOn` and with no measure taken is listed on `today`.
    public static func missing(identifiedOn: CivilDate, today: CivilDate) -> Bool { today >= due(identifiedOn: identifiedOn) }
}
