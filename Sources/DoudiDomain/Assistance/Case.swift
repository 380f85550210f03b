/// Seed 002's 3866 mechanism: a household in difficulty carried through six steps until it is stable.
public enum CaseStep: String, CodeNamed, Comparable {
    case survey, file, approve, aid, serve, monitor
    public var chinese: String {
        switch self { case .survey: "摸底"; case .file: "建档"; case .approve: "审批"; case .aid: "救助"; case .serve: "服务"; case .monitor: "监测" }
    }
    public var english: String {
        switch self { case .survey: "Survey"; case .file: "File"; case .approve: "Approval"; case .aid: "Aid"; case .serve: "Services"; case .monitor: "Monitoring" }
    }
    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }

    public var next: CaseStep? { Self.allCases.drop { $0 != self }.dropFirst().first }

    /// Who finishes the step: the village finds and files, the township (or the county) approves and aids, the
    /// village serves, and only the township or the county may say a household is stable.
    public var actors: Set<Role> {
        switch self {
        case .survey, .file, .serve: [.villageCadre, .townshipOfficer]
        case .approve, .aid, .monitor: [.townshipOfficer, .countyOfficer]
        }
    }

    /// The steps a case may be sent back to from this one: the file when the approval finds it incomplete, aid
    /// again when services or monitoring find new hardship.
    public var returns: [CaseStep] {
        switch self {
        case .approve: [.file]
        case .serve: [.aid]
        case .monitor: [.aid, .serve]
        default: []
        }
    }
}

public enum CaseStatus: String, CodeNamed {
    case open, closed
    public var chinese: String { switch self { case .open: "帮扶中"; case .closed: "已结案" } }
    public var english: String { switch self { case .open: "Open"; case .closed: "Closed" } }
}

/// Where a case came from.
public enum CaseOrigin: String, CodeNamed {
    case monitoring, application, cadre
    public var chinese: String { switch self { case .monitoring: "监测对象"; case .application: "救助申请"; case .cadre: "干部发现" } }
    public var english: String { switch self { case .monitoring: "Monitored household"; case .application: "Benefit application"; case .cadre: "Found by a cadre" } }
}

/// Each step's time limit in working days, from the day the case entered it (per-region policy).
public struct CaseTimeLimits: Sendable, Hashable {
    public var days: [CaseStep: Int]
    public static let shipped: [CaseStep: Int] = [.survey: 5, .file: 5, .approve: 10, .aid: 10, .serve: 20, .monitor: 60]
    public init(_ days: [CaseStep: Int] = shipped) { self.days = days }
    public func days(_ step: CaseStep) -> Int { days[step] ?? Self.shipped[step]! }
}

extension CaseStep {
    /// The policy key of the step's time limit.
    public var limitKey: PolicyKey {
        switch self {
        case .survey: .caseSurveyDays; case .file: .caseFileDays; case .approve: .caseApproveDays
        case .aid: .caseAidDays; case .serve: .caseServeDays; case .monitor: .caseMonitorDays
        }
    }
}

extension Policy {
    public var caseLimits: CaseTimeLimits {
        CaseTimeLimits(Dictionary(uniqueKeysWithValues: CaseStep.allCases.map { ($0, int($0.limitKey) ?? CaseTimeLimits.shipped[$0]!) }))
    }
}

/// What an actor does with a case. Every move carries a note: it is the case's record of why.
public enum CaseMove: Sendable, Hashable {
    /// The step is done: on to the next one.
    case advance(note: String)
    /// Back to an earlier step the current one allows.
    case sendBack(to: CaseStep, reason: String)
    /// Stable: the case ends (at monitoring), or no help is needed (at survey or file).
    case close(reason: String)
}

/// Where a case stands.
public struct CaseState: Sendable, Hashable {
    public var step: CaseStep
    public var status: CaseStatus
    /// The day the case entered its step: the step's time limit runs from it.
    public var since: CivilDate
    public init(step: CaseStep = .survey, status: CaseStatus = .open, since: CivilDate) {
        self.step = step; self.status = status; self.since = since
    }

    /// The last day of the current step (nil once closed).
    public func due(_ limits: CaseTimeLimits, _ calendar: WorkingDayCalendar) -> CivilDate? {
        status == .open ? TimeLimit(days: limits.days(step), count: .workingDays).due(from: since, calendar: calendar) : nil
    }

    /// Applies `move` by `role` on `today`: the new state, or why it cannot be done.
    public func applying(_ move: CaseMove, by role: Role, today: CivilDate) -> Result<CaseState, FieldProblem> {
        guard status == .open else { return .failure(FieldProblem("step", .caseClosed)) }
        guard step.actors.contains(role) else {
            let who = step.actors.sorted { $0.rawValue < $1.rawValue }
            return .failure(FieldProblem("step", Message("“\(step.chinese)”环节由\(who.map(\.chinese).joined(separator: "或"))办理",
                                                         "the \(step.english.lowercased()) step is done by \(who.map { $0.english.lowercased() }.joined(separator: " or "))")))
        }
        let text: String
        switch move { case .advance(let n): text = n; case .sendBack(_, let r), .close(let r): text = r }
        let t = text.trimmingSpaces()
        guard !t.isEmpty, t.count <= 2000 else {
            return .failure(FieldProblem("note", .moveNote))
        }
        var next = self
        next.since = today
        switch move {
        case .advance:
            guard let s = step.next else {
                return .failure(FieldProblem("step", Message("监测是最后一个环节：户情稳定请结案，出现新困难请退回救助", "monitoring is the last step: close a stable case, or send it back to aid")))
            }
            next.step = s
        case .sendBack(let to, _):
            guard step.returns.contains(to) else {
                let allowed = step.returns
                return .failure(FieldProblem("to", allowed.isEmpty
                    ? Message("“\(step.chinese)”环节不能退回", "the \(step.english.lowercased()) step cannot be sent back")
                    : Message("“\(step.chinese)”只能退回到\(allowed.map { "“\($0.chinese)”" }.joined(separator: "或"))",
                              "the \(step.english.lowercased()) step goes back only to \(allowed.map { $0.english.lowercased() }.joined(separator: " or "))")))
            }
            next.step = to
        case .close:
            guard [.survey, .file, .monitor].contains(step) else {
                return .failure(FieldProblem("step", Message("只有摸底、建档（无需帮扶）或监测（户情稳定）环节可以结案",
                                                             "a case is closed at survey or file (no help needed) or at monitoring (stable)")))
            }
            next.status = .closed
        }
        return .success(next)
    }
}

extension Message {
    /// A return without the step it goes back to.
    public static let caseReturnStep = Message("请选择退回到哪个环节", "choose the step to go back to")
    public static let caseClosed = Message("此个案已结案", "this case is closed")
    /// Every move of a case or a measure says what was done or why.
    public static let moveNote = Message("请写明办理情况或理由（不超过2000字）", "write what was done or why, at most 2000 characters")
    /// A form sent without the move it makes.
    public static let chooseMove = Message("请选择办理方式", "choose what to do")
}
