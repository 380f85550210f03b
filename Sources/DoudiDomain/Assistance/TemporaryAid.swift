/// 临时救助 (R-LS-1): sudden hardship, or expenses beyond a household's means.
public enum TemporaryAidKind: String, CodeNamed {
    /// 急难型: fire, traffic accident, other accident, a member's sudden serious illness.
    case emergency
    /// 支出型: necessary expenses (medical, schooling) beyond what the household can bear.
    case expense
    public var chinese: String { self == .emergency ? "急难型" : "支出型" }
}

/// Who approves an amount.
public enum AidApprover: String, CodeNamed {
    case township, county, jointMeeting
    public var chinese: String { switch self { case .township: "乡镇人民政府（街道办事处）"; case .county: "县级民政部门"; case .jointMeeting: "县级困难群众基本生活保障工作协调机制（联席会议）" } }
}

/// One tier of a region's temporary aid: amounts up to so many times the monthly dibao standard, approved by whom.
public struct TemporaryAidTier: Sendable, Hashable {
    public var maxMultiple: Int
    public var approver: AidApprover
    public init(maxMultiple: Int, approver: AidApprover) { self.maxMultiple = maxMultiple; self.approver = approver }

    /// Typical ceilings of R-LS-1 where a region has set none: township up to 3 ×, county up to 12 ×, the joint
    /// meeting up to 36 ×.
    public static let typical = [TemporaryAidTier(maxMultiple: 3, approver: .township), TemporaryAidTier(maxMultiple: 12, approver: .county),
                                 TemporaryAidTier(maxMultiple: 36, approver: .jointMeeting)]

    /// The lowest tier whose ceiling covers `amount`, or nil when it is above the highest ceiling.
    public static func approver(for amount: Int, monthlyStandard: Int, tiers: [TemporaryAidTier]) -> AidApprover? {
        tiers.sorted { $0.maxMultiple < $1.maxMultiple }.first { amount <= $0.maxMultiple * monthlyStandard }?.approver
    }
}

/// 先行救助: the township pays at once; the paperwork (application, checks, approval) follows within a time
/// limit in working days from the payment, and is flagged when it is missed.
public struct AidFirst: Sendable, Hashable {
    public var paidOn: CivilDate
    public var limit: TimeLimit
    public var completedOn: CivilDate?
    public init(paidOn: CivilDate, limit: TimeLimit, completedOn: CivilDate? = nil) { self.paidOn = paidOn; self.limit = limit; self.completedOn = completedOn }

    public func due(_ calendar: WorkingDayCalendar) -> CivilDate { limit.due(from: paidOn, calendar: calendar) }
    /// Still open past its deadline on `today`, or completed after it.
    public func late(today: CivilDate, _ calendar: WorkingDayCalendar) -> Bool { (completedOn ?? today) > due(calendar) }
}

/// 乡镇临时救助备用金: money put in by the county, paid out as aid first.
public struct ReserveFund: Sendable, Hashable {
    public var deposits: [Int]
    public var payments: [Int]
    public init(deposits: [Int] = [], payments: [Int] = []) { self.deposits = deposits; self.payments = payments }
    public var balance: Int { deposits.reduce(0, +) - payments.reduce(0, +) }
    /// An aid-first payment the fund cannot cover is refused rather than leaving the fund below nothing.
    public func canPay(_ amount: Int) -> Bool { amount > 0 && amount <= balance }
}

extension Policy {
    /// The region's tiers (R-LS-1); the typical ones where a key is not set.
    public var aidTiers: [TemporaryAidTier] {
        zip([PolicyKey.aidTownshipMultiple, .aidCountyMultiple, .aidJointMultiple], TemporaryAidTier.typical).map { key, typical in
            TemporaryAidTier(maxMultiple: int(key) ?? typical.maxMultiple, approver: typical.approver)
        }
    }

    /// The most a township may pay as aid first in a region of `area`: its tier's multiple of the monthly standard.
    public func aidFirstCeiling(_ area: AreaKind) -> Int? {
        dibaoRules(area).map { $0.standard * (aidTiers.first { $0.approver == .township }?.maxMultiple ?? 0) }
    }

    /// The paperwork's time limit of aid first, in working days (10 where none is set).
    public var aidFirstLimit: TimeLimit { TimeLimit(days: int(.aidFirstDays) ?? 10, count: .workingDays) }
}

/// Who is helped by aid first: a household of the register, or a person the register does not hold (living or
/// working here, registered elsewhere), known by name and resident ID.
public enum AidRecipient: Sendable, Hashable {
    case household(String)
    case outside(name: String, residentID: ResidentID, registeredAt: String)
}

/// 先行救助 as the township records it: whom, where the person lives or works, the kind, the amount, why.
public struct AidFirstInput: Sendable, Hashable {
    public var recipient: AidRecipient
    /// The village (or the township itself) where the person lives or works.
    public var place: RegionCode
    public var kind: TemporaryAidKind
    public var amount: Int
    public var reason: String
    public init(recipient: AidRecipient, place: RegionCode, kind: TemporaryAidKind, amount: Int, reason: String) {
        self.recipient = recipient; self.place = place; self.kind = kind; self.amount = amount; self.reason = reason.trimmingSpaces()
    }

    /// Every problem at once, by field, against the township's ceiling (nil: no standard to count it from).
    public func problems(ceiling: Int?) -> [FieldProblem] {
        var out: [FieldProblem] = []
        if reason.isEmpty || reason.count > 2000 {
            out.append(FieldProblem("reason", Message("请填写困难情况（不超过2000字）", "describe the hardship, at most 2000 characters")))
        }
        if amount <= 0 {
            out.append(FieldProblem("amount", Message("救助金额应大于0元", "the amount is more than 0 yuan")))
        } else if let c = ceiling, amount > c {
            out.append(FieldProblem("amount", Message("先行救助不超过乡镇审批上限\(c)元，更多的请按程序申请临时救助", "aid first is at most the township's ceiling of \(c) yuan; apply for more")))
        } else if ceiling == nil {
            out.append(FieldProblem("amount", Message("本地区未设置低保标准，无法确定先行救助上限", "no dibao standard is set here to count the ceiling from")))
        }
        if case .outside(let name, _, let at) = recipient {
            if name.trimmingSpaces().isEmpty || name.count > 50 { out.append(FieldProblem("name", Message("请填写受助人姓名（不超过50字）", "give the person's name, at most 50 characters"))) }
            if at.count > 100 { out.append(FieldProblem("registeredAt", Message("户籍地不超过100字", "the place of registration is at most 100 characters"))) }
        }
        return out
    }
}

extension AidRecipient {
    /// The page and the API send the same choice: a household's number, or a person outside the register with a
    /// resident ID that must check; `householdField` names the number's field as each face calls it.
    public static func read(household: String?, outside: (name: String, residentID: String, registeredAt: String)?,
                            householdField: String) -> Result<AidRecipient, FieldProblem> {
        if let o = outside {
            do { return .success(.outside(name: o.name, residentID: try ResidentID(o.residentID.trimmingSpaces()), registeredAt: o.registeredAt)) }
            catch { return .failure(FieldProblem("residentId", error.message)) }
        }
        let id = (household ?? "").trimmingSpaces()
        guard !id.isEmpty else {
            return .failure(FieldProblem(householdField, Message("请填写户编号，或选择外来人员", "give the household number, or choose a person outside the register")))
        }
        return .success(.household(id))
    }
}
