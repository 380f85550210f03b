/// An enumeration stored and exchanged by its code name, shown by its Chinese label.
public protocol CodeNamed: RawRepresentable, CaseIterable, Sendable, Hashable, Codable where RawValue == String {
    var chinese: String { get }
    /// What English mode shows: words, never the code name.
    var english: String { get }
}

extension CodeNamed {
    public var codeName: String { rawValue }
    /// The code name in words: lackOfLabour is "Lack of labour".
    public var english: String {
        var out = ""
        for c in rawValue {
            if c.isUppercase { out += " " + c.lowercased() } else { out.append(c) }
        }
        return out.prefix(1).uppercased() + out.dropFirst()
    }
    public static var codeNames: [String] { allCases.map(\.rawValue) }
    /// The problem to report when `text` is none of the code names.
    public static func problem(field: String, text: String) -> FieldProblem {
        FieldProblem(field, Message("“\(text)”不是允许的值（可选：\(allCases.map(\.chinese).joined(separator: "、"))）",
                                    "“\(text)” is not one of \(codeNames.joined(separator: ", "))"))
    }
}

public enum Sex: String, CodeNamed {
    case male, female
    public var chinese: String { self == .male ? "男" : "女" }
}

/// 与户主关系, the values of the register's CSV (specs/screening.md).
public enum Relation: String, CodeNamed {
    case head, spouse, child, parent, other
    public var chinese: String {
        switch self { case .head: "户主"; case .spouse: "配偶"; case .child: "子女"; case .parent: "父母"; case .other: "其他" }
    }
}

/// 劳动能力
public enum LaborAbility: String, CodeNamed {
    case full, partial, none
    public var chinese: String {
        switch self { case .full: "有劳动力"; case .partial: "弱劳动力或半劳动力"; case .none: "无劳动力" }
    }
}

/// 健康状况
public enum HealthStatus: String, CodeNamed {
    case healthy, chronicIllness, seriousIllness, disabled
    public var chinese: String {
        switch self { case .healthy: "健康"; case .chronicIllness: "长期慢性病"; case .seriousIllness: "患有大病"; case .disabled: "残疾" }
    }
}

/// 在校生状况
public enum Schooling: String, CodeNamed {
    case notInSchool, preschool, primary, juniorSecondary, seniorSecondary, vocational, tertiary
    public var chinese: String {
        switch self {
        case .notInSchool: "非在校生"; case .preschool: "学前教育"; case .primary: "小学"; case .juniorSecondary: "初中"
        case .seniorSecondary: "高中"; case .vocational: "中职/高职"; case .tertiary: "大专及以上"
        }
    }
}

/// 务工状况 (the four statuses of the employment ledger, R-EMP-1), or not of working age / student.
public enum Employment: String, CodeNamed {
    case inCounty, inProvince, outOfProvince, notWorking, notApplicable
    public var chinese: String {
        switch self {
        case .inCounty: "县内务工"; case .inProvince: "省内县外务工"; case .outOfProvince: "省外务工"
        case .notWorking: "未务工"; case .notApplicable: "不适用"
        }
    }
}

/// 建档立卡贫困户 status: `exited` (已脱贫) or `notExited` (未脱贫), or not on the register at all.
public enum PovertyStatus: String, CodeNamed {
    case none, exited, notExited
    public var chinese: String {
        switch self { case .none: "非建档立卡户"; case .exited: "已脱贫"; case .notExited: "未脱贫" }
    }
}

/// 儿童类别
public enum ChildCategory: String, CodeNamed {
    case orphan, defactoUnsupportedChild, childInDifficulty, leftBehindChild
    public var chinese: String {
        switch self {
        case .orphan: "孤儿"; case .defactoUnsupportedChild: "事实无人抚养儿童"
        case .childInDifficulty: "困境儿童"; case .leftBehindChild: "留守儿童"
        }
    }
}

public struct Household: Sendable, Hashable, Codable {
    /// The identifier given by the county's files (`household_id`), kept as is.
    public var id: String
    public var regionCode: RegionCode
    public var povertyStatus: PovertyStatus
    public var dibao: Bool
    public var nearDibao: Bool
    public var extremeHardship: Bool
    /// Net income of the last 12 months per member, whole yuan.
    public var incomePerCapita: Int
    public var address: String

    public init(id: String, regionCode: RegionCode, povertyStatus: PovertyStatus = .none, dibao: Bool = false,
                nearDibao: Bool = false, extremeHardship: Bool = false, incomePerCapita: Int = 0, address: String = "") {
        self.id = id; self.regionCode = regionCode; self.povertyStatus = povertyStatus; self.dibao = dibao
        self.nearDibao = nearDibao; self.extremeHardship = extremeHardship; self.incomePerCapita = incomePerCapita
        self.address = address
    }

    /// Rules every household must meet before it is stored.
    public func problems() -> [FieldProblem] {
        var out: [FieldProblem] = []
        if let p = Self.idProblem(id) { out.append(p) }
        if regionCode.level != .village {
            out.append(FieldProblem("region_code", Message("户必须挂在村（社区）一级的区划代码上", "a household belongs to a village-level region code")))
        }
        if incomePerCapita < 0 || incomePerCapita > 999_999_999 {
            out.append(FieldProblem("income_per_capita", Message("人均纯收入应为0至999999999之间的整数（元）", "income per capita must be a whole number of yuan from 0 to 999999999")))
        }
        if dibao && nearDibao {
            out.append(FieldProblem("near_dibao", Message("低保户不能同时是低保边缘户", "a dibao household cannot also be near-dibao")))
        }
        if address.count > 200 {
            out.append(FieldProblem("address", Message("地址不能超过200个字", "the address is longer than 200 characters")))
        }
        return out
    }

    public static func idProblem(_ id: String) -> FieldProblem? {
        let ok = !id.isEmpty && id.utf8.count <= 40 && id.utf8.allSatisfy { b in
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
        }
        guard ok else { return FieldProblem("household_id", Message("户编号应为1至40位字母、数字、-或_", "a household id is 1 to 40 letters, digits, - or _")) }
        // The id is shown in full on every page and export: one made of a person's resident ID would undo its mask.
        let b = Array(id.utf8)
        if b.count >= 18, (0...(b.count - 18)).contains(where: { (try? ResidentID(String(decoding: b[$0..<($0 + 18)], as: UTF8.self))) != nil }) {
            return FieldProblem("household_id", Message("户编号不能含身份证号码（户编号在各页面和导出中完整显示）",
                                                        "a household id must not contain a resident ID (the id is shown in full on every page and export)"))
        }
        return nil
    }
}

public struct Member: Sendable, Hashable, Codable {
    public var residentID: ResidentID
    public var householdID: String
    public var name: String
    public var relation: Relation
    public var sex: Sex
    public var birthDate: CivilDate
    public var laborAbility: LaborAbility
    public var health: HealthStatus
    /// 残疾等级 1 (most severe) to 4, nil when not disabled.
    public var disabilityGrade: Int?
    public var schooling: Schooling
    public var employment: Employment
    public var phone: String?
    public var childCategory: ChildCategory?

    /// Sex and birth date default to what the resident ID says.
    public init(residentID: ResidentID, householdID: String, name: String, relation: Relation,
                sex: Sex? = nil, birthDate: CivilDate? = nil, laborAbility: LaborAbility,
                health: HealthStatus = .healthy, disabilityGrade: Int? = nil, schooling: Schooling = .notInSchool,
                employment: Employment = .notApplicable, phone: String? = nil, childCategory: ChildCategory? = nil) {
        self.residentID = residentID; self.householdID = householdID; self.name = name; self.relation = relation
        self.sex = sex ?? residentID.sex; self.birthDate = birthDate ?? residentID.birthDate
        self.laborAbility = laborAbility; self.health = health; self.disabilityGrade = disabilityGrade
        self.schooling = schooling; self.employment = employment; self.phone = phone; self.childCategory = childCategory
    }

    public var maskedPhone: String? { phone.map(Masking.phone) }

    /// Rules every member must meet on its own; `today` bounds ages.
    public func problems(today: CivilDate) -> [FieldProblem] {
        var out: [FieldProblem] = []
        if name.count > 50 {
            out.append(FieldProblem("name", Message("姓名不能超过50个字", "the name is longer than 50 characters")))
        }
        if sex != residentID.sex {
            out.append(FieldProblem("sex", Message("性别与身份证号码不符", "the sex does not match the resident ID")))
        }
        if birthDate != residentID.birthDate {
            out.append(FieldProblem("birth_date", Message("出生日期与身份证号码不符", "the birth date does not match the resident ID")))
        }
        if let g = disabilityGrade, !(1...4).contains(g) {
            out.append(FieldProblem("disability_grade", Message("残疾等级应为1至4级", "the disability grade is 1 to 4")))
        }
        if disabilityGrade != nil && health != .disabled {
            out.append(FieldProblem("health", Message("有残疾等级的成员健康状况应为“残疾”", "a member with a disability grade has health status disabled")))
        }
        if let phone, let p = Self.phoneProblem(phone) { out.append(p) }
        if childCategory != nil && birthDate.age(on: today) >= 18 {
            out.append(FieldProblem("child_category", Message("儿童类别只适用于未满18周岁的成员", "a child category applies to members under 18 only")))
        }
        return out
    }

    /// A mobile number (11 digits starting with 1) or a landline (area code, dash, number).
    public static func phoneProblem(_ s: String) -> FieldProblem? {
        let b = Array(s.utf8)
        let digits = b.allSatisfy { $0 >= 48 && $0 <= 57 }
        let mobile = digits && b.count == 11 && b[0] == UInt8(ascii: "1")
        let dash = b.firstIndex(of: UInt8(ascii: "-"))
        let landline = dash.map { d in
            let (area, number) = (b[..<d], b[(d + 1)...])
            return (3...4).contains(area.count) && area.first == UInt8(ascii: "0") && (7...8).contains(number.count)
                && (area + number).allSatisfy { $0 >= 48 && $0 <= 57 }
        } ?? false
        return mobile || landline ? nil
            : FieldProblem("phone", Message("电话号码应为11位手机号或“区号-号码”形式的固定电话", "a phone number is an 11-digit mobile number or a landline written area-number"))
    }
}

/// A household with its members, as the register shows it.
public struct HouseholdRecord: Sendable, Hashable, Codable {
    public var household: Household
    public var members: [Member]
    public init(household: Household, members: [Member]) { self.household = household; self.members = members }

    public var head: Member? { members.first { $0.relation == .head } }

    /// Rules that concern the household as a whole, and every rule of its household and members.
    public func problems(today: CivilDate) -> [FieldProblem] {
        var out = household.problems()
        for m in members { out += m.problems(today: today) }
        return out + wholeHouseholdProblems()
    }

    /// One head, and no person twice.
    public func wholeHouseholdProblems() -> [FieldProblem] {
        var out: [FieldProblem] = []
        let heads = members.filter { $0.relation == .head }.count
        if !members.isEmpty && heads != 1 {
            out.append(FieldProblem("relation", Message("一户应有且只有一名户主（现有\(heads)名）", "a household has exactly one head (it has \(heads))")))
        }
        var seen = Set<ResidentID>()
        for m in members where !seen.insert(m.residentID).inserted {
            out.append(FieldProblem("resident_id", Message("身份证号码\(m.residentID.masked)在本户中重复", "resident ID \(m.residentID.masked) appears twice in this household")))
        }
        return out
    }
}
