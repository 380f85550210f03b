/// Roles of `doudi user add --role` (glossary, Roles).
public enum Role: String, CodeNamed {
    case villageCadre, townshipOfficer, countyOfficer, hotlineOperator, childDirector, volunteerOrgAdmin, auditor, admin
    /// 行业部门: an officer of a department (education, health, housing …) who receives the measures civil affairs refers.
    case departmentOfficer
    /// 医疗机构: a hospital's worker who asks every admitted or isolated patient about children in their care and
    /// reports the children left alone (R-CH-2); sees their own reports and nothing else.
    case healthWorker
    /// 志愿者: its own tasks, health declaration and hours (R-VOL-1); never the register.
    case volunteer

    public var chinese: String {
        switch self {
        case .villageCadre: "村干部"
        case .townshipOfficer: "乡镇干部"
        case .countyOfficer: "县级审批人员"
        case .hotlineOperator: "热线接线员"
        case .childDirector: "儿童主任/儿童督导员"
        case .volunteerOrgAdmin: "志愿服务组织管理员"
        case .auditor: "审计员"
        case .admin: "系统管理员"
        case .departmentOfficer: "行业部门工作人员"
        case .healthWorker: "医疗机构工作人员"
        case .volunteer: "志愿者"
        }
    }

    public var english: String {
        switch self {
        case .villageCadre: "Village cadre"
        case .townshipOfficer: "Township officer"
        case .countyOfficer: "County officer"
        case .hotlineOperator: "Hotline operator"
        case .childDirector: "Child director"
        case .volunteerOrgAdmin: "Volunteer organization admin"
        case .auditor: "Auditor"
        case .admin: "Administrator"
        case .departmentOfficer: "Department officer"
        case .healthWorker: "Health worker"
        case .volunteer: "Volunteer"
        }
    }
}

/// What a role may do. The region subtree limits every one of these further.
public enum Permission: Sendable, Hashable {
    case readRegister, writeRegister, importRegister, revealPersonalData, readAudit, manageUsers, manageRegions
    /// Lists and records of the register: a region's households, a household's page, case files. A hotline
    /// operator finds one person by full resident ID instead: what a call needs, and no browsing.
    case browseRegister
    /// Recording a hotline call as a lead.
    case recordCalls
    /// Setting policy parameters (monitoring line, deadlines …) for a region and year.
    case setPolicy
    /// Proposing that a monitored household's risk is cleared (R-MON-10): the village, which holds the review.
    case proposeClearing
    /// Handing in a benefit application (the village on the household's behalf, the township, the county) and
    /// acting on it at the steps the procedure gives the role (ApplicationStep.actors).
    case handleApplications
    /// Keeping the county's list of cadres' and civil-affairs workers' close relatives (备案近亲属).
    case keepStaffRelatives
    /// Loading the other departments' answers for the economic-status checks (家庭经济状况核对): the county.
    case loadChecks
    /// Recording a benefit's review and its changes (amount, phased exit, stop): the township and the county.
    case manageBenefits
    /// 先行救助 from the township's reserve fund, and completing its paperwork: the township.
    case payAidFirst
    /// Putting money into a township's reserve fund (备用金): the county.
    case fundReserves
    /// Open 3866 cases and move them through their steps (the step says who may make each move).
    case handleCases
    /// Name a household's helper (帮扶责任人), or another one in their place.
    case assignHelpers
    /// Accept or decline the measures referred to one's department, and record what came of them.
    case answerReferrals
    /// Confirm a helper's quarterly review of the effect of the help, or return it (R-MON-8): the township.
    case confirmEffectReviews
}

extension Role {
    public func may(_ p: Permission) -> Bool {
        switch p {
        case .readRegister:
            // Volunteer organizations see their volunteers, departments the measures referred to them and health
            // workers the children they reported, not the household register.
            ![.volunteerOrgAdmin, .volunteer, .departmentOfficer, .healthWorker].contains(self)
        case .browseRegister:
            may(.readRegister) && self != .hotlineOperator
        case .writeRegister, .importRegister:
            [.villageCadre, .townshipOfficer, .countyOfficer, .admin].contains(self)
        case .revealPersonalData:
            [.villageCadre, .townshipOfficer, .countyOfficer, .childDirector, .admin].contains(self)
        case .readAudit:
            self == .auditor || self == .admin
        case .manageUsers, .manageRegions, .setPolicy:
            self == .admin
        case .recordCalls:
            self == .hotlineOperator || may(.writeRegister)
        case .proposeClearing:
            self == ProcedureStep.democraticReview.actor
        case .handleApplications:
            [.villageCadre, .townshipOfficer, .countyOfficer].contains(self)
        case .keepStaffRelatives:
            self == .countyOfficer || self == .admin
        case .loadChecks:
            self == .countyOfficer
        case .manageBenefits:
            self == .townshipOfficer || self == .countyOfficer
        case .payAidFirst:
            self == .townshipOfficer
        case .fundReserves:
            self == .countyOfficer
        case .handleCases:
            [.villageCadre, .townshipOfficer, .countyOfficer].contains(self)
        case .assignHelpers:
            self == .townshipOfficer || self == .countyOfficer
        case .answerReferrals:
            self == .departmentOfficer
        case .confirmEffectReviews:
            self == .townshipOfficer
        }
    }
}

/// The one who acts: a user with a role and a region subtree. Every storage call takes one.
public struct Actor: Sendable, Hashable {
    public var userID: Int64
    public var username: String
    public var role: Role
    public var region: RegionCode
    /// A department officer's department (nil for every other role).
    public var department: Department?

    public init(userID: Int64, username: String, role: Role, region: RegionCode, department: Department? = nil) {
        self.userID = userID; self.username = username; self.role = role; self.region = region; self.department = department
    }

    public func reaches(_ code: RegionCode) -> Bool { region.contains(code) }

    /// The command line and the demo loader act as this; it reaches the whole country.
    public static func system(_ name: String = "system") -> Actor {
        Actor(userID: 0, username: name, role: .admin, region: .country)
    }
}

extension Message {
    /// A role that may not browse the register (the hotline) asked for a list.
    public static let oneByResidentID = Message("您的角色只能按完整身份证号码查找一人", "your role finds one person by full resident ID only")
}
