/// What keeps a parent from supporting a child (R-CH-6), as the papers prove it.
public enum ParentSituation: String, CodeNamed {
    /// Able to support the child (none of the situations below).
    case none
    /// 死亡 and 失踪 (declared missing by a court): with the other parent in a situation, the child is de-facto
    /// unsupported; with both, an orphan.
    case dead, missing
    case severeDisability, seriousIllness
    /// Each at least six months, by the term of the court, police or justice papers.
    case imprisoned, compulsoryDrugRehab, otherDetention
    /// No contact and no support for six months, counted from the day the police accepted the report.
    case lostContact
    /// Since 2020 (民发〔2020〕125号).
    case guardianshipRevoked, deported

    public var chinese: String {
        switch self {
        case .none: "能履行抚养义务"; case .dead: "死亡"; case .missing: "宣告失踪"; case .severeDisability: "重残"; case .seriousIllness: "重病"
        case .imprisoned: "服刑在押"; case .compulsoryDrugRehab: "强制隔离戒毒"; case .otherDetention: "被执行其他限制人身自由的措施"
        case .lostContact: "失联"; case .guardianshipRevoked: "被撤销监护资格"; case .deported: "被遣送（驱逐）出境"
        }
    }
    public var english: String {
        switch self {
        case .none: "Able to support"; case .dead: "Dead"; case .missing: "Declared missing"; case .severeDisability: "Severe disability"
        case .seriousIllness: "Serious illness"; case .imprisoned: "Imprisoned"; case .compulsoryDrugRehab: "Compulsory drug rehabilitation"
        case .otherDetention: "Other detention"; case .lostContact: "Lost contact"; case .guardianshipRevoked: "Guardianship revoked"; case .deported: "Deported"
        }
    }

    /// Dead or declared missing.
    public var isGone: Bool { self == .dead || self == .missing }
    /// Situations that count only for six months or more.
    public var needsSixMonths: Bool { [.imprisoned, .compulsoryDrugRehab, .otherDetention, .lostContact].contains(self) }
}

/// One parent as the case records them: the situation, and for the situations that count by time, when it began
/// (the measure's start, or the day the police accepted the report of lost contact) and, for a measure, its end.
public struct ParentStatus: Sendable, Hashable {
    public var situation: ParentSituation
    public var since: CivilDate?
    public var until: CivilDate?

    public init(_ situation: ParentSituation, since: CivilDate? = nil, until: CivilDate? = nil) {
        self.situation = situation; self.since = since; self.until = until
    }

    /// Whether this parent is in one of R-CH-6's situations on `today` (dead or missing are not: they count apart).
    /// A measure counts when its term is at least six months and it has begun and not ended; lost contact when six
    /// months have passed since the report was accepted.
    public func inSituation(on today: CivilDate) -> Bool {
        switch situation {
        case .none, .dead, .missing: return false
        case .severeDisability, .seriousIllness, .guardianshipRevoked, .deported: return true
        case .lostContact:
            guard let since else { return false }
            return since.addingMonths(6) <= today
        case .imprisoned, .compulsoryDrugRehab, .otherDetention:
            guard let since, let until else { return false }
            return since.addingMonths(6) <= until && since <= today && today <= until
        }
    }
}

/// R-CH-6 and the orphan's definition as pure functions over both parents' situations.
public enum ChildSupport {
    /// 孤儿: both parents dead or declared missing, the child under 18.
    public static func isOrphan(_ a: ParentStatus, _ b: ParentStatus, birth: CivilDate, today: CivilDate) -> Bool {
        isMinor(birth: birth, today: today) && a.situation.isGone && b.situation.isGone
    }

    /// 事实无人抚养儿童: under 18, and both parents each in a situation, or one dead or declared missing and the
    /// other in a situation.
    public static func isDefactoUnsupported(_ a: ParentStatus, _ b: ParentStatus, birth: CivilDate, today: CivilDate) -> Bool {
        guard isMinor(birth: birth, today: today) else { return false }
        let inA = a.inSituation(on: today), inB = b.inSituation(on: today)
        return (inA && inB) || (a.situation.isGone && inB) || (inA && b.situation.isGone)
    }

    /// The category the parents' situations give, if any (a child in difficulty or left behind is the director's
    /// judgement, not the parents' papers).
    public static func category(_ a: ParentStatus, _ b: ParentStatus, birth: CivilDate, today: CivilDate) -> ChildCategory? {
        if isOrphan(a, b, birth: birth, today: today) { return .orphan }
        if isDefactoUnsupported(a, b, birth: birth, today: today) { return .defactoUnsupportedChild }
        return nil
    }

    /// Under 18 on `today`: the eighteenth birthday ends it (29 February's child turns 18 on 1 March).
    public static func isMinor(birth: CivilDate, today: CivilDate) -> Bool {
        birth <= today && today < eighteenthBirthday(birth)
    }

    /// The day a child born on `birth` turns 18.
    public static func eighteenthBirthday(_ birth: CivilDate) -> CivilDate { birth.addingMonths(12 * 18).adjustedForLeapBirthday(of: birth) }
}

extension CivilDate {
    /// The same day `n` months on, or that month's last day where it has no such day (31 August + 6 → 28 February).
    public func addingMonths(_ n: Int) -> CivilDate {
        let m = YearMonth(self).adding(months: n)
        return CivilDate(year: m.year, month: m.month, day: min(day, CivilDate.daysIn(month: m.month, year: m.year)))!
    }

    /// A birthday of 29 February falls on 1 March in a common year.
    func adjustedForLeapBirthday(of birth: CivilDate) -> CivilDate {
        birth.month == 2 && birth.day == 29 && day == 28 && month == 2 ? adding(days: 1) : self
    }
}

/// The township's assessment of a child's category (R-CH-4, R-CH-6): both parents' situations as the papers
/// prove them decide orphan and de-facto unsupported; where they decide neither, the director may judge the child
/// in difficulty or left behind.
public struct ChildAssessment: Sendable, Hashable {
    public var parentA: ParentStatus
    public var parentB: ParentStatus
    public var category: ChildCategory?

    /// One parent as a form sends it: the situation's code name and, where it counts by time, its dates.
    public static func parent(_ field: String, situation: String?, since: String?, until: String?, _ problems: inout [FieldProblem]) -> ParentStatus? {
        guard let s = situation.flatMap(ParentSituation.init(rawValue:)) else {
            problems.append(FieldProblem(field, Message("请选择父母双方各自的情况", "choose each parent's situation")))
            return nil
        }
        func day(_ text: String?, _ name: String) -> CivilDate? {
            let t = (text ?? "").trimmingSpaces()
            guard !t.isEmpty else { return nil }
            guard let d = CivilDate(t) else { problems.append(FieldProblem(field + name, .realDay)); return nil }
            return d
        }
        let from = day(since, "Since"), to = day(until, "Until")
        if s.needsSixMonths && (since ?? "").trimmingSpaces().isEmpty {
            problems.append(FieldProblem(field + "Since", Message("该情形按时间认定，请填写起始日期", "this situation counts by time: give the day it began")))
        }
        if [.imprisoned, .compulsoryDrugRehab, .otherDetention].contains(s) && (until ?? "").trimmingSpaces().isEmpty {
            problems.append(FieldProblem(field + "Until", Message("请填写刑期或措施的截止日期", "give the day the term or measure ends")))
        }
        return ParentStatus(s, since: from, until: to)
    }

    /// The category the parents give, else the one judged (in difficulty, left behind, or none).
    public static func assess(_ a: ParentStatus, _ b: ParentStatus, judged: String?, birth: CivilDate?, today: CivilDate) -> Result<ChildAssessment, ProblemList> {
        guard let birth else {
            return .failure(ProblemList([FieldProblem("birthDate", Message("儿童出生日期未知，无法认定类别", "the child's birth date is not known: the category cannot be assessed"))]))
        }
        let typed = (judged ?? "").trimmingSpaces()
        let judgement = ChildCategory(rawValue: typed)
        guard typed.isEmpty || judgement == .childInDifficulty || judgement == .leftBehindChild else {
            return .failure(ProblemList([FieldProblem("judged", Message("孤儿和事实无人抚养儿童由父母情况认定", "orphans and de-facto unsupported children follow from the parents' situations"))]))
        }
        let proven = ChildSupport.category(a, b, birth: birth, today: today)
        return .success(ChildAssessment(parentA: a, parentB: b, category: proven ?? (ChildSupport.isMinor(birth: birth, today: today) ? judgement : nil)))
    }
}

extension ParentStatus {
    /// Stored as `situation|since|until`.
    public var stored: String { [situation.rawValue, since?.description ?? "", until?.description ?? ""].joined(separator: "|") }
    public init?(stored: String) {
        let p = stored.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard p.count == 3, let s = ParentSituation(rawValue: p[0]) else { return nil }
        self.init(s, since: CivilDate(p[1]), until: CivilDate(p[2]))
    }
}
