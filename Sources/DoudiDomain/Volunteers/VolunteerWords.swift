/// The volunteers' words (glossary, Volunteers; R-VOL-1), as the forms and the API send them.

/// How a volunteer came: through an organization, their workplace or their community (坚持组织化原则).
public enum JoinedThrough: String, CodeNamed {
    case organization, workplace, community
    public var chinese: String {
        switch self { case .organization: "志愿服务组织"; case .workplace: "所在单位"; case .community: "所在社区（村）" }
    }
}

/// What a volunteer can do; a post names the skills it needs.
public enum VolunteerSkill: String, CodeNamed {
    case delivery, driving, elderlyCare, childCare, counselling, medical, epidemicDuty, publicity, signLanguage
    public var chinese: String {
        switch self {
        case .delivery: "配送跑腿"; case .driving: "驾驶"; case .elderlyCare: "照料老人"; case .childCare: "陪伴儿童"
        case .counselling: "心理疏导"; case .medical: "医疗护理"; case .epidemicDuty: "防疫值守"; case .publicity: "宣传"
        case .signLanguage: "手语"
        }
    }
}

/// The services the guideline puts first (重点开展…志愿服务).
public enum PostKind: String, CodeNamed {
    case necessities, elderlyCheck, childCheck, phoneCompanion, psychological, communityDuty, publicity
    public var chinese: String {
        switch self {
        case .necessities: "生活用品配送"; case .elderlyCheck: "独居老人探访"; case .childCheck: "儿童关爱探访"
        case .phoneCompanion: "电话陪伴"; case .psychological: "心理援助"; case .communityDuty: "社区防疫值守"; case .publicity: "防疫宣传"
        }
    }
    public var english: String {
        switch self {
        case .necessities: "Delivering daily necessities"; case .elderlyCheck: "Checking on elderly people living alone"
        case .childCheck: "Checking on children"; case .phoneCompanion: "Phone companionship"; case .psychological: "Psychological support"
        case .communityDuty: "Community epidemic duty"; case .publicity: "Publicity"
        }
    }
    /// The skill a post of this kind needs unless it names others.
    public var skill: VolunteerSkill {
        switch self {
        case .necessities: .delivery; case .elderlyCheck: .elderlyCare; case .childCheck: .childCare; case .phoneCompanion: .elderlyCare
        case .psychological: .counselling; case .communityDuty: .epidemicDuty; case .publicity: .publicity
        }
    }
}

/// 线上 / 线下: where a task is done.
public enum ServiceMode: String, CodeNamed {
    case online, offline
    public var chinese: String { self == .online ? "线上（电话、网络）" : "线下（到场）" }
    public var english: String { self == .online ? "Online (phone, internet)" : "On site" }
}

/// A task's risk to the volunteer: anything above low counts as personal risk (可能发生人身危险).
public enum TaskRisk: String, CodeNamed {
    case low, moderate, high
    public var chinese: String {
        switch self { case .low: "低（无人身风险）"; case .moderate: "中（有人身风险）"; case .high: "高（接触隔离、确诊人员等）" }
    }
    public var english: String {
        switch self { case .low: "Low (no personal risk)"; case .moderate: "Moderate (personal risk)"; case .high: "High (contact with isolated or ill people)" }
    }
    public var isPersonal: Bool { self != .low }
}

/// 突发公共卫生事件应急响应级别, set per region; while any is in force, no non-essential cross-region offline
/// service (在疫情应急响应终止前，不跨区域开展非必要的线下服务).
public enum ResponseLevel: String, CodeNamed {
    case none, level4, level3, level2, level1
    public var chinese: String {
        switch self { case .none: "无（应急响应已终止）"; case .level4: "四级响应"; case .level3: "三级响应"; case .level2: "二级响应"; case .level1: "一级响应" }
    }
    public var english: String {
        switch self { case .none: "None (response ended)"; case .level4: "Level IV"; case .level3: "Level III"; case .level2: "Level II"; case .level1: "Level I" }
    }
    public var forbidsCrossRegion: Bool { self != .none }
}

/// A symptom a volunteer may declare on the day's health declaration (不带病上岗).
public enum Symptom: String, CodeNamed {
    case fever, cough, soreThroat, fatigue, tasteOrSmell, breathing, diarrhoea, closeContact
    public var chinese: String {
        switch self {
        case .fever: "发热"; case .cough: "咳嗽"; case .soreThroat: "咽痛"; case .fatigue: "乏力"; case .tasteOrSmell: "嗅觉味觉减退"
        case .breathing: "呼吸困难"; case .diarrhoea: "腹泻"; case .closeContact: "密切接触者或正在隔离"
        }
    }
    public var english: String {
        switch self {
        case .fever: "Fever"; case .cough: "Cough"; case .soreThroat: "Sore throat"; case .fatigue: "Fatigue"; case .tasteOrSmell: "Loss of taste or smell"
        case .breathing: "Short of breath"; case .diarrhoea: "Diarrhoea"; case .closeContact: "Close contact or in isolation"
        }
    }
}

/// Where an assignment stands. Assigned by an organization or a cadre, a volunteer accepts or declines; taken by the
/// volunteer, it starts accepted. The volunteer reports the hours served, the organization confirms them.
public enum AssignmentStatus: String, CodeNamed {
    case assigned, accepted, declined, withdrawn, served, confirmed
    public var chinese: String {
        switch self {
        case .assigned: "待志愿者接受"; case .accepted: "已接受"; case .declined: "已谢绝"; case .withdrawn: "已撤回（健康申报未通过）"
        case .served: "已服务，待组织确认"; case .confirmed: "组织已确认时长"
        }
    }
    public var english: String {
        switch self {
        case .assigned: "Waiting for the volunteer"; case .accepted: "Accepted"; case .declined: "Declined"; case .withdrawn: "Withdrawn (not fit)"
        case .served: "Served, waiting for confirmation"; case .confirmed: "Hours confirmed"
        }
    }
    /// Counts towards the hour limits: planned or done.
    public var holdsHours: Bool { ![.declined, .withdrawn].contains(self) }
}
