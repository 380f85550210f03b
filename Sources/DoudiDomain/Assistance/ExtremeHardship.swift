/// 生活自理能力 (R-TK-1): sets the care allowance.
public enum CareCapacity: String, CodeNamed {
    case full, partlyLost, lost
    public var chinese: String { switch self { case .full: "具备生活自理能力"; case .partlyLost: "部分丧失生活自理能力"; case .lost: "完全丧失生活自理能力" } }
}

/// 分散供养 / 集中供养.
public enum SupportMode: String, CodeNamed {
    case atHome, inInstitution
    public var chinese: String { self == .atHome ? "分散供养" : "集中供养" }
}

/// A disability as the certificate states it, for the "no ability to work" test of R-TK-1 (2021).
public enum DisabilityKind: String, CodeNamed {
    case physical, visual, hearing, speech, intellectual, mental, multiple
    public var chinese: String {
        switch self {
        case .physical: "肢体残疾"; case .visual: "视力残疾"; case .hearing: "听力残疾"; case .speech: "言语残疾"
        case .intellectual: "智力残疾"; case .mental: "精神残疾"; case .multiple: "多重残疾"
        }
    }
}

public struct Disability: Sendable, Hashable {
    public var kind: DisabilityKind
    /// 1 (most severe) to 4.
    public var grade: Int
    public init(_ kind: DisabilityKind, grade: Int) { self.kind = kind; self.grade = grade }
}

/// One person asking to be recognised as 特困 (R-TK-1): an elderly person, a disabled person or a minor who at
/// once (1) cannot work, (2) has no source of living and (3) has no one bound to support them, or only people
/// who cannot.
public struct ExtremeHardshipApplicant: Sendable, Hashable {
    public var birthDate: CivilDate
    public var disability: Disability?
    /// Income per person per month, against the local dibao standard.
    public var perCapitaMonthly: Fen
    public var assetsPass: Bool
    /// A supporter bound by law (spouse, parent, adult child) able to support them.
    public var ableSupporter: Bool
    /// In full-time education: a person who turns 18 there keeps the benefit.
    public var fullTimeEducation: Bool
    public init(birthDate: CivilDate, disability: Disability? = nil, perCapitaMonthly: Fen, assetsPass: Bool = true,
                ableSupporter: Bool = false, fullTimeEducation: Bool = false) {
        self.birthDate = birthDate; self.disability = disability; self.perCapitaMonthly = perCapitaMonthly
        self.assetsPass = assetsPass; self.ableSupporter = ableSupporter; self.fullTimeEducation = fullTimeEducation
    }

    /// Grade 1–3 intellectual or mental, grade 1–2 physical, grade 1 visual, or grade 1–2 multiple (2021 rules).
    public var disabledUnableToWork: Bool {
        guard let d = disability else { return false }
        switch d.kind {
        case .intellectual, .mental: return d.grade <= 3
        case .physical, .multiple: return d.grade <= 2
        case .visual: return d.grade == 1
        case .hearing, .speech: return false
        }
    }

    /// The conditions not met on `day`, in words; empty when the person qualifies. `alreadyReceiving`: a person
    /// recognised before keeps a minor's place past 18 while in full-time education.
    public func unmet(on day: CivilDate, dibaoStandard: Int, alreadyReceiving: Bool = false) -> [Message] {
        let age = birthDate.age(on: day)
        let minor = age < 18 || (alreadyReceiving && fullTimeEducation)
        var out: [Message] = []
        // Since 2021 each of the three groups counts as unable to work: 60 or over, under 18, the disabilities above.
        if !(age >= 60 || minor || disabledUnableToWork) {
            out.append(Message("不属于无劳动能力的老年人（60周岁以上）、未成年人或残疾人", "not an elderly person (60 or over), a minor or a disabled person unable to work"))
        }
        if perCapitaMonthly >= .yuan(dibaoStandard) || !assetsPass {
            out.append(Message("有生活来源（收入不低于当地低保标准或财产超过限额）", "has a source of living (income not below the dibao standard, or assets over the limit)"))
        }
        if ableSupporter { out.append(Message("有具备赡养、抚养、扶养能力的义务人", "has a supporter bound by law who is able to support")) }
        return out
    }
}

/// The region's amounts for 特困: the basic-living standard as a share of the dibao standard (commonly at least
/// 130 %), and a care allowance by care capacity.
public struct ExtremeHardshipRules: Sendable, Hashable {
    public var basicPercentOfDibao: Int
    public var careAllowance: [CareCapacity: Int]
    public init(basicPercentOfDibao: Int = 130, careAllowance: [CareCapacity: Int] = [:]) {
        self.basicPercentOfDibao = basicPercentOfDibao; self.careAllowance = careAllowance
    }

    /// Yuan per month: basic living, then care.
    public func monthly(dibaoStandard: Int, care: CareCapacity) -> (basic: Int, care: Int) {
        (Fen(dibaoStandard * basicPercentOfDibao).roundedYuan, careAllowance[care] ?? 0)
    }
}
