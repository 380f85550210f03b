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
        birth <= today && today < birth.addingMonths(12 * 18).adjustedForLeapBirthday(of: birth)
    }
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
