/// A household as a form or a JSON body gives it, before any check. Both faces fill one in and call `check`,
/// so a page and the API refuse the same input with the same words (field names as the API spells them).
public struct HouseholdInput: Sendable, Hashable {
    public var id: String
    public var regionCode: String
    public var povertyStatus: String?
    public var dibao: Bool
    public var nearDibao: Bool
    public var extremeHardship: Bool
    /// nil: not given (0); a value that is not a whole number arrives as `incomeText`.
    public var incomePerCapita: Int?
    public var incomeText: String?
    public var address: String

    public init(id: String, regionCode: String, povertyStatus: String? = nil, dibao: Bool = false, nearDibao: Bool = false,
                extremeHardship: Bool = false, incomePerCapita: Int? = nil, incomeText: String? = nil, address: String = "") {
        self.id = id; self.regionCode = regionCode; self.povertyStatus = povertyStatus; self.dibao = dibao; self.nearDibao = nearDibao
        self.extremeHardship = extremeHardship; self.incomePerCapita = incomePerCapita; self.incomeText = incomeText; self.address = address
    }

    /// Every problem at once.
    public func check() -> Result<Household, ProblemList> {
        var problems: [FieldProblem] = []
        if let p = Household.idProblem(id) { problems.append(FieldProblem("householdId", p.message)) }
        var income = incomePerCapita ?? 0
        if let text = incomeText {
            let trimmed = text.trimmingSpaces()
            if trimmed.isEmpty { income = 0 } else if let n = Int(trimmed), n >= 0 { income = n } else {
                problems.append(FieldProblem("incomePerCapita", Message("人均纯收入应为不小于0的整数", "income per capita is a whole number of yuan, 0 or more")))
            }
        }
        guard let code = RegionCode(regionCode.trimmingSpaces()) else {
            problems.append(FieldProblem("regionCode", Message("请选择村（社区）：区划代码应为12位数字", "choose a village: a region code has 12 digits")))
            return .failure(ProblemList(problems))
        }
        let status = InputValue.pick(PovertyStatus.self, povertyStatus, field: "povertyStatus", default: .none, &problems)
        let h = Household(id: id, regionCode: code, povertyStatus: status, dibao: dibao, nearDibao: nearDibao,
                          extremeHardship: extremeHardship, incomePerCapita: income, address: address)
        problems += h.problems().filter { $0.field != "household_id" }.map(InputValue.camel)
        return problems.isEmpty ? .success(h) : .failure(ProblemList(problems))
    }
}

/// A member as a form or a JSON body gives it, before any check.
public struct MemberInput: Sendable, Hashable {
    public var residentID: String
    public var name: String?
    public var relation: String?
    public var laborAbility: String?
    public var health: String?
    public var disabilityGrade: Int?
    public var schooling: String?
    public var employment: String?
    public var phone: String?
    public var childCategory: String?

    public init(residentID: String, name: String? = nil, relation: String? = nil, laborAbility: String? = nil, health: String? = nil,
                disabilityGrade: Int? = nil, schooling: String? = nil, employment: String? = nil, phone: String? = nil, childCategory: String? = nil) {
        self.residentID = residentID; self.name = name; self.relation = relation; self.laborAbility = laborAbility; self.health = health
        self.disabilityGrade = disabilityGrade; self.schooling = schooling; self.employment = employment; self.phone = phone
        self.childCategory = childCategory
    }

    /// Every problem at once, each field named after `prefix` (`members[2].`); `today` bounds the birth date and ages.
    public func check(householdID: String, today: CivilDate, prefix: String = "") -> Result<Member, ProblemList> {
        let rid: ResidentID
        do { rid = try ResidentID(residentID, today: today) } catch {
            return .failure(ProblemList([FieldProblem(prefix + "residentId", error.message)]))
        }
        var local: [FieldProblem] = []
        func nonEmpty(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
        let member = Member(
            residentID: rid, householdID: householdID, name: name ?? "",
            relation: InputValue.pick(Relation.self, relation, field: "relation", default: .other, &local),
            laborAbility: InputValue.pick(LaborAbility.self, laborAbility, field: "laborAbility", default: .none, &local),
            health: InputValue.pick(HealthStatus.self, health, field: "health", default: disabilityGrade != nil ? .disabled : .healthy, &local),
            disabilityGrade: disabilityGrade,
            schooling: InputValue.pick(Schooling.self, schooling, field: "schooling", default: .notInSchool, &local),
            employment: InputValue.pick(Employment.self, employment, field: "employment", default: .notApplicable, &local),
            phone: nonEmpty(phone?.typedNumber),
            childCategory: nonEmpty(childCategory).map { InputValue.pick(ChildCategory.self, $0, field: "childCategory", default: .childInDifficulty, &local) })
        local += member.problems(today: today).map(InputValue.camel)
        return local.isEmpty ? .success(member) : .failure(ProblemList(local.map { FieldProblem(prefix + $0.field, $0.message) }))
    }
}

/// How typed-in text becomes a value, for every input of the register.
enum InputValue {
    /// The named case, or the default with a problem when the name is unknown; the default when none is given.
    static func pick<E: CodeNamed>(_: E.Type, _ text: String?, field: String, default d: E, _ problems: inout [FieldProblem]) -> E {
        guard let text else { return d }
        if let v = E(text: text) { return v }
        problems.append(E.problem(field: field, text: text))
        return d
    }

    /// A rule's field name (a file's column, `income_per_capita`) as the API and the forms spell it (`incomePerCapita`).
    static func camel(_ p: FieldProblem) -> FieldProblem {
        let parts = p.field.split(separator: "_")
        return FieldProblem(parts.enumerated().map { i, s in i == 0 ? String(s) : s.prefix(1).uppercased() + s.dropFirst() }.joined(), p.message)
    }
}

extension Result where Failure == ProblemList {
    /// The value, or nil with its problems added to `list`: for checking several inputs and reporting all at once.
    public func problems(into list: inout [FieldProblem]) -> Success? {
        switch self {
        case .success(let v): return v
        case .failure(let p): list += p.problems; return nil
        }
    }
}
