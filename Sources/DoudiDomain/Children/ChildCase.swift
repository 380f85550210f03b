/// How a child's case came in (R-CH-2): a child director or supervisor, a hotline call, a hospital asking an
/// admitted or isolated patient about children in their care, or a guardian on the public page.
public enum ChildChannel: String, CodeNamed {
    case director, hotline, hospital, guardian
    public var chinese: String {
        switch self { case .director: "儿童主任（督导员）发现"; case .hotline: "热线来电"; case .hospital: "医疗机构报告"; case .guardian: "监护人自报" }
    }
    public var english: String {
        switch self { case .director: "Found by a child director"; case .hotline: "Hotline call"; case .hospital: "Reported by a hospital"; case .guardian: "Reported by a guardian" }
    }
}

/// Where a child's case stands: reported and waiting for the township, acknowledged (care arranged from then on),
/// closed (a guardian is back, or the child is placed for good).
public enum ChildCaseStatus: String, CodeNamed {
    case reported, acknowledged, closed
    public var chinese: String {
        switch self { case .reported: "待确认"; case .acknowledged: "跟进中"; case .closed: "已结案" }
    }
    public var english: String {
        switch self { case .reported: "Waiting for acknowledgement"; case .acknowledged: "In care"; case .closed: "Closed" }
    }

    /// What the guardian who reported is told next, on the public look-up.
    public var guardianNextStep: Message {
        switch self {
        case .reported: Message("乡镇（街道）儿童督导员将尽快与您联系并安排照料，请保持手机畅通", "the township's child supervisor will call you soon to arrange care; keep your phone on")
        case .acknowledged: Message("已安排照料，儿童督导员会定期回访；情况有变请拨打下方电话", "care is arranged and the child supervisor follows up; if anything changes, call the number below")
        case .closed: Message("已结案：孩子已回到监护人身边或得到长期安置", "closed: the child is back with a guardian or placed for good")
        }
    }
}

/// Why the guardian cannot care for the child now (R-CH-1).
public enum GuardianAbsence: String, CodeNamed {
    case infected, suspected, isolated, onDuty, other
    public var chinese: String {
        switch self { case .infected: "确诊感染"; case .suspected: "疑似感染"; case .isolated: "隔离观察"; case .onDuty: "参与疫情防控一线工作"; case .other: "其他疫情原因" }
    }
    public var english: String {
        switch self {
        case .infected: "Confirmed infected"; case .suspected: "Suspected infected"; case .isolated: "In isolation or observation"
        case .onDuty: "On epidemic duty"; case .other: "Another epidemic reason"
        }
    }
}

/// A report of a child left without a guardian (R-CH-1): who the child is, where, and why no one cares for them.
/// A resident ID is asked for but not required: a child outside the register is still protected.
public struct ChildReport: Sendable, Hashable {
    public var childName: String
    public var residentID: String
    public var birthDate: String
    public var regionCode: String
    public var situation: String
    /// The parent or guardian who cannot care for the child: the patient, when a hospital reports.
    public var guardianName: String = ""
    public var guardianResidentID: String = ""
    public var guardianAbsence: String = ""

    public init(childName: String, residentID: String = "", birthDate: String = "", regionCode: String, situation: String,
                guardianName: String = "", guardianResidentID: String = "", guardianAbsence: String = "") {
        self.childName = childName; self.residentID = residentID; self.birthDate = birthDate; self.regionCode = regionCode; self.situation = situation
        self.guardianName = guardianName; self.guardianResidentID = guardianResidentID; self.guardianAbsence = guardianAbsence
    }

    public struct Checked: Sendable, Hashable {
        public var childName: String
        public var residentID: ResidentID?
        public var birthDate: CivilDate?
        public var village: RegionCode
        public var situation: String
        public var guardianName: String?
        public var guardianResidentID: ResidentID?
        public var guardianAbsence: GuardianAbsence?
    }

    /// `guardianRequired` (a hospital: the patient is the guardian; a guardian reporting): the guardian's name and why
    /// they are away are asked for.
    public func check(today: CivilDate, guardianRequired: Bool = false) -> Result<Checked, ProblemList> {
        var problems: [FieldProblem] = []
        let name = childName.trimmingSpaces()
        if name.isEmpty || name.count > 50 { problems.append(FieldProblem("childName", Message("请填写儿童姓名（不超过50个字）", "enter the child's name, at most 50 characters"))) }
        var rid: ResidentID?
        let typed = residentID.trimmingSpaces()
        if !typed.isEmpty { do { rid = try ResidentID(typed, today: today) } catch { problems.append(FieldProblem("residentId", error.message)) } }
        var birth = rid?.birthDate
        let day = birthDate.trimmingSpaces()
        if !day.isEmpty {
            if let d = CivilDate(day), d <= today { birth = birth ?? d } else { problems.append(FieldProblem("birthDate", .realDay)) }
        }
        if let birth, !ChildSupport.isMinor(birth: birth, today: today) {
            problems.append(FieldProblem(typed.isEmpty ? "birthDate" : "residentId", Message("儿童应未满18周岁", "a child is under 18")))
        }
        let village = RegionCode(regionCode.trimmingSpaces())
        if village?.level != .village { problems.append(FieldProblem("regionCode", .chooseVillage)) }
        let text = situation.trimmingSpaces()
        if text.isEmpty || text.count > 1_000 {
            problems.append(FieldProblem("situation", Message("请说明监护缺失的情况（不超过1000个字）", "say why no one cares for the child, at most 1000 characters")))
        }
        let guardian = guardianName.trimmingSpaces()
        if guardian.count > 50 || guardianRequired && guardian.isEmpty {
            problems.append(FieldProblem("guardianName", Message("请填写监护人（患者）姓名（不超过50个字）", "enter the guardian's (the patient's) name, at most 50 characters")))
        }
        var guardianID: ResidentID?
        let typedGuardian = guardianResidentID.trimmingSpaces()
        if !typedGuardian.isEmpty {
            do { guardianID = try ResidentID(typedGuardian, today: today) } catch { problems.append(FieldProblem("guardianResidentId", error.message)) }
        }
        let absence = GuardianAbsence(rawValue: guardianAbsence.trimmingSpaces())
        if absence == nil && (guardianRequired || !guardianAbsence.trimmingSpaces().isEmpty) {
            problems.append(FieldProblem("guardianAbsence", Message("请选择监护人无法照料的原因", "choose why the guardian cannot care for the child")))
        }
        guard problems.isEmpty, let village else { return .failure(ProblemList(problems)) }
        return .success(Checked(childName: name, residentID: rid, birthDate: birth, village: village, situation: text, guardianName: guardian.isEmpty ? nil : guardian,
                                guardianResidentID: guardianID, guardianAbsence: absence))
    }
}

/// Who sees a child's case (issue 15 item 6): narrower than the register. Child directors and supervisors of its
/// region and auditors there; whoever reported it (a hotline operator, a health worker) their own reports
/// only; a hospital or a school the case is referred to while it has not declined; no village cadre, township or
/// county officer as such.
public enum ChildAccess {
    /// `referredTo`: the units the case is referred to and that have not declined it (a hospital and a school
    /// then see it too).
    public static func maySee(_ actor: Actor, region: RegionCode, reportedBy: String, referredTo: Set<ReferralUnit> = []) -> Bool {
        guard actor.region.contains(region) else { return false }
        if let unit = ReferralUnit.receivedBy(actor), referredTo.contains(unit) { return true }
        switch actor.role {
        case .childDirector, .auditor: return true
        case .hotlineOperator, .healthWorker: return actor.username == reportedBy
        default: return false
        }
    }

    /// Who has the children's pages at all (each then sees only the cases `maySee` allows).
    public static func mayOpen(_ role: Role) -> Bool { [.childDirector, .auditor, .hotlineOperator, .healthWorker, .departmentOfficer].contains(role) }

    /// Reporting a child: the child directors, the hotline and the hospitals, in their region.
    public static func mayReport(_ role: Role) -> Bool { [.childDirector, .hotlineOperator, .healthWorker].contains(role) }

    /// Acknowledging, setting the risk, arranging care: a child supervisor of a township (or the county's), not a
    /// village's director (who reports and follows up).
    public static func mayAcknowledge(_ actor: Actor) -> Bool { actor.role == .childDirector && actor.region.level <= .township }

    /// Arranging care and recording follow-ups: the child directors of the case's region.
    public static func mayAct(_ actor: Actor, region: RegionCode) -> Bool { actor.role == .childDirector && actor.region.contains(region) }

    /// The basic living allowance (R-CH-4): approved, and its papers marked complete, by the county's child
    /// protection officers, who answer for the county's children's money.
    public static func mayGrantAllowance(_ actor: Actor) -> Bool { actor.role == .childDirector && actor.region.level <= .county }

    /// A follow-up contact: the child directors, and the hotline operator who took the call (a later call about the
    /// child is a note on the case).
    public static func mayFollowUp(_ actor: Actor, region: RegionCode) -> Bool { mayAct(actor, region: region) || actor.role == .hotlineOperator }
}
