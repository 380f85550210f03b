/// 致贫返贫风险 (R-MON-4): the risk kinds a lead or a monitored household records.
public enum RiskKind: String, CodeNamed {
    case illness, disaster, disability, lackOfLabour, accident, failedBusiness, unstableEmployment, educationCost, epidemic, other
    public var chinese: String {
        switch self {
        case .illness: "因病"; case .disaster: "因灾"; case .disability: "因残"; case .lackOfLabour: "缺劳动力"
        case .accident: "因意外事故"; case .failedBusiness: "因产业失败"; case .unstableEmployment: "因务工就业不稳"
        case .educationCost: "因学"; case .epidemic: "因疫情"; case .other: "其他"
        }
    }
}

extension RiskKind {
    /// The kinds named, each once, in the order given; problems for unknown names (and for none, when required).
    public static func parse(_ names: [String], required: Bool, _ problems: inout [FieldProblem]) -> [RiskKind] {
        var kinds: [RiskKind] = []
        for k in names {
            guard let kind = RiskKind(text: k) else { problems.append(problem(field: "riskKinds", text: k)); continue }
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        if required && names.isEmpty {
            problems.append(FieldProblem("riskKinds", Message("请至少选择一种困难类型", "choose at least one kind of hardship")))
        }
        return kinds
    }
}

/// 监测方式 (R-MON-5): the four channels into one lead queue.
public enum LeadChannel: String, CodeNamed {
    case selfReport, hotline, visit, screening
    public var chinese: String {
        switch self { case .selfReport: "农户自主申报"; case .hotline: "扶贫服务热线"; case .visit: "干部走访排查"; case .screening: "部门筛查预警" }
    }
}

/// Where a lead stands in the weekly verification (R-MON-6).
public enum LeadStatus: String, CodeNamed {
    case open, confirmed, notConfirmed, merged
    public var chinese: String {
        switch self { case .open: "待核实"; case .confirmed: "已核实确认"; case .notConfirmed: "核实不符"; case .merged: "已合并" }
    }

    /// What happens next, told to the person who reported.
    public var nextStep: Message {
        switch self {
        case .open: Message("村（社区）干部将上门核实您家的情况，请保持手机畅通", "a village cadre will visit to check your situation; keep your phone on")
        case .confirmed: Message("已确认，将按程序开展监测帮扶，村（社区）干部会与您联系", "confirmed: monitoring and assistance follow, and a village cadre will contact you")
        case .notConfirmed: Message("经核实与所报情况不符；如有异议，可向所在村（社区）或乡镇（街道）反映",
                                    "the check did not confirm the report; if you disagree, tell your village or township")
        case .merged: Message("与同一人的其他报告合并办理", "handled together with another report about the same person")
        }
    }
}

/// 一键报贫 (R-MON-11): a household reports its own hardship, with the minimal fields, from a public page.
public struct SelfReport: Sendable, Hashable {
    public var name: String
    public var residentID: String
    public var mobile: String
    public var regionCode: String
    public var riskKinds: [String]
    public var description: String
    public var consent: Bool

    public init(name: String, residentID: String, mobile: String, regionCode: String, riskKinds: [String], description: String, consent: Bool) {
        self.name = name; self.residentID = residentID; self.mobile = mobile; self.regionCode = regionCode
        self.riskKinds = riskKinds; self.description = description; self.consent = consent
    }

    /// A checked report: the values storage keeps.
    public struct Checked: Sendable, Hashable {
        public var name: String
        public var residentID: ResidentID
        public var mobile: String
        public var village: RegionCode
        public var riskKinds: [RiskKind]
        public var description: String
    }

    public static let maxDescription = 500

    /// Every problem, by the API's field names; `today` bounds the birth date in the ID.
    public func check(today: CivilDate) -> Result<Checked, ProblemList> {
        var problems: [FieldProblem] = []
        let trimmedName = name.trimmingSpaces()
        if trimmedName.isEmpty || trimmedName.count > 50 {
            problems.append(FieldProblem("name", Message("请填写姓名（不超过50个字）", "enter a name of at most 50 characters")))
        }
        var rid: ResidentID?
        do { rid = try ResidentID(residentID, today: today) } catch {
            problems.append(FieldProblem("residentId", error.message))
        }
        let mobile = mobile.typedNumber
        if !mobile.isMobileNumber { problems.append(FieldProblem("mobile", .mobileDigits)) }
        // A township whose villages are not in the division table takes reports itself.
        let village = RegionCode(regionCode)
        if village?.level != .village && village?.level != .township {
            problems.append(FieldProblem("regionCode", .chooseYourVillage))
        }
        let kinds = RiskKind.parse(riskKinds, required: true, &problems)
        if description.count > Self.maxDescription {
            problems.append(FieldProblem("description", Message("情况说明不能超过\(Self.maxDescription)个字", "the description is longer than \(Self.maxDescription) characters")))
        }
        if !consent {
            problems.append(FieldProblem("consent", Message("需要同意核查您的信息后才能提交", "agree to the checks of your data to submit")))
        }
        guard problems.isEmpty, let rid, let village else { return .failure(ProblemList(problems)) }
        return .success(Checked(name: trimmedName, residentID: rid, mobile: mobile, village: village, riskKinds: kinds, description: description))
    }
}

/// Several problems as one error.
public struct ProblemList: Error, Sendable, Hashable {
    public var problems: [FieldProblem]
    public init(_ p: [FieldProblem]) { problems = p }
}

/// A code the reporter keeps to follow a self-report: no 0/O or 1/I, so it survives being read out on the phone.
public enum TrackingCode {
    static let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
    /// Ten symbols from one 64-bit draw: the alphabet has 32 symbols, 5 bits each, so every symbol is equally likely
    /// (a draw per symbol made screening's tens of thousands of leads wait on the system's random source).
    public static func make<G: RandomNumberGenerator>(using g: inout G) -> String {
        var bits = g.next()
        var out = ""
        for _ in 0..<10 {
            out.append(alphabet[Int(bits & 31)])
            bits >>= 5
        }
        return out
    }
    public static func isWellFormed(_ s: String) -> Bool { s.count == 10 && s.allSatisfy { alphabet.contains($0) } }
}


/// 扶贫服务热线: an operator records a call about a person as a lead.
public struct HotlineCall: Sendable, Hashable {
    public var caller: String
    public var callbackNumber: String
    public var residentID: String
    public var name: String
    public var regionCode: String
    public var riskKinds: [String]
    public var notes: String

    public init(caller: String, callbackNumber: String, residentID: String, name: String, regionCode: String, riskKinds: [String], notes: String) {
        self.caller = caller; self.callbackNumber = callbackNumber; self.residentID = residentID; self.name = name
        self.regionCode = regionCode; self.riskKinds = riskKinds; self.notes = notes
    }

    public struct Checked: Sendable, Hashable {
        public var caller: String
        public var callbackNumber: String
        public var residentID: ResidentID
        public var name: String
        public var village: RegionCode
        public var riskKinds: [RiskKind]
        public var notes: String
    }

    public func check(today: CivilDate) -> Result<Checked, ProblemList> {
        var problems: [FieldProblem] = []
        let callerName = caller.trimmingSpaces()
        if callerName.isEmpty || callerName.count > 50 {
            problems.append(FieldProblem("caller", Message("请填写来电人（不超过50个字）", "enter the caller, at most 50 characters")))
        }
        let callbackNumber = callbackNumber.typedNumber
        if let p = Member.phoneProblem(callbackNumber) { problems.append(FieldProblem("callbackNumber", p.message)) }
        var rid: ResidentID?
        do { rid = try ResidentID(residentID, today: today) } catch { problems.append(FieldProblem("residentId", error.message)) }
        let person = name.trimmingSpaces()
        if person.isEmpty || person.count > 50 {
            problems.append(FieldProblem("name", Message("请填写困难群众姓名（不超过50个字）", "enter the person's name, at most 50 characters")))
        }
        let village = RegionCode(regionCode)
        if village?.level != .village && village?.level != .township { problems.append(FieldProblem("regionCode", .chooseVillage)) }
        let kinds = RiskKind.parse(riskKinds, required: true, &problems)
        if notes.count > 1_000 { problems.append(FieldProblem("notes", Message("记录不能超过1000个字", "the notes are longer than 1000 characters"))) }
        guard problems.isEmpty, let rid, let village else { return .failure(ProblemList(problems)) }
        return .success(Checked(caller: callerName, callbackNumber: callbackNumber, residentID: rid, name: person, village: village,
                                riskKinds: kinds, notes: notes))
    }
}

/// 干部走访排查: a cadre's visit to a household. A finding of hardship makes a lead.
public struct Visit: Sendable, Hashable {
    public var date: String
    public var findings: String
    public var riskKinds: [String]
    public var hardship: Bool
    /// Who was met (户主本人, 配偶…) and what the household needs: the helper's monthly visit (R-MON-8).
    public var met: String
    public var needs: String
    /// A key the phone gives a visit made offline, so that a visit sent twice is stored once.
    public var key: String?
    /// Up to three photos, already made smaller on the server (`DoudiPhotos`).
    public var photos: [VisitPhoto]

    public init(date: String, findings: String, riskKinds: [String], hardship: Bool, met: String = "", needs: String = "", key: String? = nil,
                photos: [VisitPhoto] = []) {
        self.date = date; self.findings = findings; self.riskKinds = riskKinds; self.hardship = hardship
        self.met = met; self.needs = needs; self.key = key; self.photos = photos
    }

    public struct Checked: Sendable, Hashable {
        public var date: CivilDate
        public var findings: String
        public var riskKinds: [RiskKind]
        public var hardship: Bool
        public var met: String = ""
        public var needs: String = ""
        public var key: String? = nil
        public var photos: [VisitPhoto] = []
    }

    public func check(today: CivilDate) -> Result<Checked, ProblemList> {
        var problems: [FieldProblem] = []
        let day = CivilDate(date)
        if day == nil { problems.append(FieldProblem("date", .realDay)) }
        else if day! > today { problems.append(FieldProblem("date", Message("走访日期不能晚于今天", "a visit cannot be dated after today"))) }
        let text = findings.trimmingSpaces()
        if text.isEmpty || text.count > 1_000 {
            problems.append(FieldProblem("findings", Message("请填写走访情况（不超过1000个字）", "enter what the visit found, at most 1000 characters")))
        }
        let met = met.trimmingSpaces(), needs = needs.trimmingSpaces()
        if met.count > 100 { problems.append(FieldProblem("met", Message("见到的人不超过100字", "who was met: at most 100 characters"))) }
        if needs.count > 1_000 { problems.append(FieldProblem("needs", Message("需求不超过1000字", "needs: at most 1000 characters"))) }
        let key = key?.trimmingSpaces()
        if let key, !key.isEmpty, !(8...64).contains(key.utf8.count) || !key.utf8.allSatisfy({ $0 == 45 || ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }) {
            problems.append(FieldProblem("key", Message("走访记录的唯一码应为8至64位字母、数字或-", "a visit's key is 8 to 64 letters, digits or -")))
        }
        if photos.count > VisitPhoto.most { problems.append(FieldProblem("photos", VisitPhoto.tooMany)) }
        // A finding of hardship names its kinds; a visit without one may still note risks seen.
        let kinds = RiskKind.parse(riskKinds, required: hardship, &problems)
        guard problems.isEmpty, let day else { return .failure(ProblemList(problems)) }
        return .success(Checked(date: day, findings: text, riskKinds: kinds, hardship: hardship, met: met, needs: needs, key: key?.isEmpty == true ? nil : key,
                                photos: photos))
    }
}
