/// Where a child's case is referred (R-CH-5 转介): the unit takes on a part of the work (a place, treatment,
/// schooling) while the case keeps its one owner, the township that acknowledged it.
public enum ReferralUnit: String, CodeNamed {
    case protectionAgency, welfareInstitution, hospital, school
    public var chinese: String {
        switch self { case .protectionAgency: "未成年人救助保护机构"; case .welfareInstitution: "儿童福利机构"; case .hospital: "医疗机构"; case .school: "学校" }
    }
    public var english: String {
        switch self {
        case .protectionAgency: "Minors' protection agency"; case .welfareInstitution: "Children's welfare institution"; case .hospital: "Hospital"; case .school: "School"
        }
    }

    /// Who answers for the unit: the agencies are civil affairs' own (the county's child protection officers); a
    /// hospital's health workers; a school through the education department.
    public func isAnsweredBy(_ actor: Actor) -> Bool {
        switch self {
        case .protectionAgency, .welfareInstitution: actor.role == .childDirector && actor.region.level <= .county
        case .hospital: actor.role == .healthWorker
        case .school: actor.role == .departmentOfficer && actor.department == .education
        }
    }

    /// The unit a reader answers for among those they do not already see every case of (nil for the others).
    public static func receivedBy(_ actor: Actor) -> ReferralUnit? {
        switch actor.role {
        case .healthWorker: .hospital
        case .departmentOfficer where actor.department == .education: .school
        default: nil
        }
    }
}

public enum ReferralStatus: String, CodeNamed {
    case pending, accepted, declined
    public var chinese: String {
        switch self { case .pending: "待接收"; case .accepted: "已接收"; case .declined: "已拒绝" }
    }
    public var english: String {
        switch self { case .pending: "Waiting for the unit"; case .accepted: "Accepted"; case .declined: "Declined" }
    }
}

/// One hand-over of a case, as the timeline shows it.
public struct ChildReferral: Sendable, Hashable {
    public var id: Int64
    public var unit: ReferralUnit
    public var unitName: String
    public var note: String
    public var status: ReferralStatus
    public var referredBy: String
    public var referredAt: Int64
    public var answeredBy: String?
    public var answeredAt: Int64?
    public var answer: String?

    public init(id: Int64, unit: ReferralUnit, unitName: String, note: String, status: ReferralStatus, referredBy: String, referredAt: Int64,
                answeredBy: String? = nil, answeredAt: Int64? = nil, answer: String? = nil) {
        self.id = id; self.unit = unit; self.unitName = unitName; self.note = note; self.status = status; self.referredBy = referredBy
        self.referredAt = referredAt; self.answeredBy = answeredBy; self.answeredAt = answeredAt; self.answer = answer
    }

    /// A referral as typed: the unit's kind and name, and what is asked of it.
    public static func check(unit: String?, unitName: String?, note: String?) -> Result<(ReferralUnit, String, String), ProblemList> {
        var problems: [FieldProblem] = []
        let kind = unit.flatMap(ReferralUnit.init(rawValue:))
        if kind == nil { problems.append(FieldProblem("unit", Message("请选择转介单位类型", "choose the kind of unit"))) }
        let name = (unitName ?? "").trimmingSpaces()
        if name.isEmpty || name.count > 100 { problems.append(FieldProblem("unitName", Message("请填写接收单位名称（不超过100个字）", "enter the receiving unit's name, at most 100 characters"))) }
        let ask = (note ?? "").trimmingSpaces()
        if ask.isEmpty || ask.count > 1_000 { problems.append(FieldProblem("note", Message("请说明转介事由（不超过1000个字）", "say what the unit is asked to do, at most 1000 characters"))) }
        guard problems.isEmpty, let kind else { return .failure(ProblemList(problems)) }
        return .success((kind, name, ask))
    }
}
