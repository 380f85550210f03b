/// What a household (or one person, R-DB-6) applies for.
public enum BenefitKind: String, CodeNamed {
    case dibao, singlePersonDibao, extremeHardship, temporaryAid
    public var chinese: String {
        switch self { case .dibao: "最低生活保障"; case .singlePersonDibao: "单人保"; case .extremeHardship: "特困人员救助供养"; case .temporaryAid: "临时救助" }
    }
}

/// Where an application stands as a whole.
public enum ApplicationStatus: String, CodeNamed {
    case running, approved, refused
    public var chinese: String { switch self { case .running: "办理中"; case .approved: "已批准"; case .refused: "不予批准" } }
}

/// R-DB-5: the steps of an application, from the township's acceptance to the approval.
public enum ApplicationStep: String, CodeNamed {
    case acceptance, investigation, townshipOpinion, publicNotice, approval
    public var chinese: String {
        switch self {
        case .acceptance: "受理"; case .investigation: "入户调查与信息核对"; case .townshipOpinion: "乡镇审核意见"
        case .publicNotice: "村（居）公示"; case .approval: "审批"
        }
    }

    /// Who acts: the township throughout, the village (or the township) posts the notice, the county approves
    /// unless it has delegated approval to the township.
    public func actors(delegated: Bool) -> Set<Role> {
        switch self {
        case .acceptance, .investigation, .townshipOpinion: [.townshipOfficer]
        case .publicNotice: [.villageCadre, .townshipOfficer]
        case .approval: delegated ? [.townshipOfficer] : [.countyOfficer]
        }
    }
}

/// A region's time limits for applications (R-DB-5, provincial example): working days except the notice.
public struct ApplicationTimeLimits: Sendable, Hashable {
    /// From the application to its acceptance.
    public var acceptance: Int
    /// From acceptance to the township's opinion, the investigation included, the notice not.
    public var opinion: Int
    /// Added to `opinion` once for a complicated case (延长).
    public var extension_: Int
    /// The notice's days (calendar days: it is posted for people to read).
    public var notice: Int
    /// From the end of the notice to the approval.
    public var approval: Int
    public init(acceptance: Int = 5, opinion: Int = 15, extension_: Int = 15, notice: Int = 7, approval: Int = 10) {
        self.acceptance = acceptance; self.opinion = opinion; self.extension_ = extension_; self.notice = notice; self.approval = approval
    }
}

extension Policy {
    /// The region's time limits of applications; R-DB-5's provincial example where a key is not set.
    public var applicationLimits: ApplicationTimeLimits {
        let d = ApplicationTimeLimits()
        return ApplicationTimeLimits(acceptance: int(.applicationAcceptDays) ?? d.acceptance, opinion: int(.applicationOpinionDays) ?? d.opinion,
                                     extension_: int(.applicationExtensionDays) ?? d.extension_, notice: int(.applicationNoticeDays) ?? d.notice,
                                     approval: int(.applicationApprovalDays) ?? d.approval)
    }
}

/// R-DB-5: the county visits a share of applications itself (default 30 %), and every one from a relative of
/// a cadre or civil-affairs worker (备案近亲属). `draw`: a number from 0 to 99 drawn at acceptance.
public func spotChecked(percent: Int, draw: Int, relativeOfStaff: Bool) -> Bool { relativeOfStaff || draw < percent }

/// What an actor does with an application.
public enum ApplicationAction: Sendable, Hashable {
    case accept
    /// The township's home visit, neighbour interviews and information checks are on file.
    case recordHomeVisit(note: String)
    /// The county's own visit of a spot-checked application.
    case recordCountyVisit(note: String)
    /// A complicated case: once, with a reason.
    case extend(reason: String)
    /// The township proposes the benefit (amount a month) or refuses with its reasons.
    case opinion(approve: Bool, amount: Int, reasons: String)
    case startNotice(from: CivilDate, to: CivilDate)
    case objection(text: String)
    case resolveObjection(upheld: Bool, text: String)
    case closeNotice
    case approve(amount: Int)
    case refuse(reasons: String)
}

/// Where an application stands.
public struct ApplicationState: Sendable, Hashable {
    public var step: ApplicationStep
    public var submittedOn: CivilDate
    public var acceptedOn: CivilDate?
    public var spotCheck: Bool
    public var homeVisited = false
    public var countyVisited = false
    public var extended = false
    public var proposedAmount: Int?
    public var noticeFrom: CivilDate?
    public var noticeTo: CivilDate?
    public var unresolvedObjections = 0
    /// Approval delegated to the township (a per-region choice).
    public var delegated: Bool
    /// Temporary aid: who approves the amount proposed, by the region's tiers (R-LS-1); set at the township's opinion.
    public var approver: AidApprover?

    /// Who acts at the current step: temporary aid's approval goes by its tier, the rest as the step says.
    public var actors: Set<Role> {
        if step == .approval, let approver { return approver == .township ? [.townshipOfficer] : [.countyOfficer] }
        return step.actors(delegated: delegated)
    }

    public init(submittedOn: CivilDate, spotCheck: Bool, delegated: Bool = false) {
        step = .acceptance; self.submittedOn = submittedOn; self.spotCheck = spotCheck; self.delegated = delegated
    }

    public enum Outcome: Sendable, Hashable {
        case running
        case approved(amount: Int)
        /// A refusal, with the reasons the letter to the applicant gives.
        case refused(reasons: String)
    }

    /// The last day of the current step.
    public func due(_ limits: ApplicationTimeLimits, _ calendar: WorkingDayCalendar) -> CivilDate {
        let wd = { (n: Int, from: CivilDate) in TimeLimit(days: n, count: .workingDays).due(from: from, calendar: calendar) }
        switch step {
        case .acceptance: return wd(limits.acceptance, submittedOn)
        case .investigation, .townshipOpinion: return wd(limits.opinion + (extended ? limits.extension_ : 0), acceptedOn ?? submittedOn)
        case .publicNotice: return noticeTo ?? (acceptedOn ?? submittedOn).adding(days: limits.notice)
        case .approval: return wd(limits.approval, noticeTo ?? acceptedOn ?? submittedOn)
        }
    }

    /// Applies what `role` does on `today`: the new state and the outcome, or why it cannot be done.
    public func applying(_ action: ApplicationAction, by role: Role, today: CivilDate, limits: ApplicationTimeLimits) -> Result<(ApplicationState, Outcome), FieldProblem> {
        let county = action.isCountyVisit
        guard county ? role == .countyOfficer : actors.contains(role) else {
            let who = county ? [Role.countyOfficer] : actors.sorted { $0.rawValue < $1.rawValue }
            return .failure(FieldProblem("step", Message("“\(step.chinese)”由\(who.map(\.chinese).joined(separator: "或"))办理",
                                                         "“\(step.english)” is done by \(who.map { $0.english.lowercased() }.joined(separator: " or "))")))
        }
        var next = self
        func move(to s: ApplicationStep) -> Result<(ApplicationState, Outcome), FieldProblem> { next.step = s; return .success((next, .running)) }
        func need(_ text: String, _ field: String, _ zh: String, _ en: String) -> FieldProblem? {
            text.trimmingSpaces().isEmpty || text.count > 2000 ? FieldProblem(field, Message(zh + "（不超过2000字）", en + ", at most 2000 characters")) : nil
        }
        switch (step, action) {
        case (.acceptance, .accept):
            next.acceptedOn = today
            return move(to: .investigation)
        case (.investigation, .recordHomeVisit(let note)), (.townshipOpinion, .recordHomeVisit(let note)):
            if let p = need(note, "note", "请填写入户调查情况", "write what the home visit found") { return .failure(p) }
            next.homeVisited = true
            return move(to: .townshipOpinion)
        case (.investigation, .recordCountyVisit(let note)), (.townshipOpinion, .recordCountyVisit(let note)), (.publicNotice, .recordCountyVisit(let note)),
             (.approval, .recordCountyVisit(let note)):
            guard spotCheck else { return .failure(FieldProblem("step", Message("本申请未被抽中入户抽查", "this application was not chosen for the county's visit"))) }
            if let p = need(note, "note", "请填写入户抽查情况", "write what the county's visit found") { return .failure(p) }
            next.countyVisited = true
            return .success((next, .running))
        case (.investigation, .extend(let reason)), (.townshipOpinion, .extend(let reason)):
            guard !extended else { return .failure(FieldProblem("step", Message("已延长过一次", "already extended once"))) }
            if let p = need(reason, "reason", "请填写延长理由", "give the reason for more time") { return .failure(p) }
            next.extended = true
            return .success((next, .running))
        case (.townshipOpinion, .opinion(let approve, let amount, let reasons)):
            guard homeVisited else { return .failure(FieldProblem("step", Message("请先登记入户调查", "record the home visit first"))) }
            if !approve {
                if let p = need(reasons, "reasons", "请填写不予通过的理由（将写入告知书）", "give the reasons (they go into the letter)") { return .failure(p) }
                return .success((next, .refused(reasons: reasons.trimmingSpaces())))
            }
            guard amount > 0 else { return .failure(FieldProblem("amount", Message("拟保障金额应大于0元", "the proposed amount is more than 0 yuan"))) }
            next.proposedAmount = amount
            return move(to: .publicNotice)
        case (.publicNotice, .startNotice(let from, let to)):
            guard noticeFrom == nil else { return .failure(FieldProblem("notice", Message("公示已张贴", "the notice is already posted"))) }
            guard from >= (acceptedOn ?? submittedOn), from <= today.adding(days: 30) else {
                return .failure(FieldProblem("from", Message.noticeStartOutside))
            }
            guard to.daysSinceEpoch - from.daysSinceEpoch >= limits.notice else {
                return .failure(FieldProblem("to", Message("公示期不少于\(limits.notice)天", "the notice lasts at least \(limits.notice) days")))
            }
            next.noticeFrom = from; next.noticeTo = to
            return .success((next, .running))
        case (.publicNotice, .objection(let text)):
            guard noticeFrom != nil else { return .failure(notNow) }
            if let p = need(text, "text", "请填写异议内容", "write the objection") { return .failure(p) }
            next.unresolvedObjections += 1
            return .success((next, .running))
        case (.publicNotice, .resolveObjection(let upheld, let text)):
            guard unresolvedObjections > 0 else { return .failure(notNow) }
            if let p = need(text, "text", "请填写复核意见", "write what the re-check found") { return .failure(p) }
            next.unresolvedObjections -= 1
            return .success((next, upheld ? .refused(reasons: text.trimmingSpaces()) : .running))
        case (.publicNotice, .closeNotice):
            guard let to = noticeTo, today > to else {
                return .failure(FieldProblem("notice", Message("公示期未满，不能结束", "the notice is not over yet")))
            }
            guard unresolvedObjections == 0 else {
                return .failure(FieldProblem("notice", Message.objectionsOpen(unresolvedObjections)))
            }
            return move(to: .approval)
        case (.approval, .approve(let amount)):
            guard !spotCheck || countyVisited else {
                return .failure(FieldProblem("step", Message("本申请须经县级入户抽查后才能审批", "the county visits this application before it is approved")))
            }
            guard amount > 0 else { return .failure(FieldProblem("amount", Message("保障金额应大于0元", "the amount is more than 0 yuan"))) }
            return .success((next, .approved(amount: amount)))
        case (.approval, .refuse(let reasons)):
            if let p = need(reasons, "reasons", "请填写不予批准的理由（将写入告知书）", "give the reasons (they go into the letter)") { return .failure(p) }
            return .success((next, .refused(reasons: reasons.trimmingSpaces())))
        default:
            return .failure(notNow)
        }
    }

    var notNow: FieldProblem {
        FieldProblem("step", Message.notAtStep(step.chinese, step.english.lowercased()))
    }
}

extension ApplicationAction {
    var isCountyVisit: Bool { if case .recordCountyVisit = self { true } else { false } }
}
