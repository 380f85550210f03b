/// Volunteers' organizations, volunteers, posts, tasks and assignments as the store returns them.

public struct VolunteerOrg: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var region: RegionCode
    public var admin: String
    public var volunteers: Int
    /// Hours its volunteers served on this month's days, confirmed by it.
    public var minutesThisMonth: Int
    public init(id: Int64, name: String, region: RegionCode, admin: String, volunteers: Int, minutesThisMonth: Int = 0) {
        self.id = id; self.name = name; self.region = region; self.admin = admin; self.volunteers = volunteers; self.minutesThisMonth = minutesThisMonth
    }
}

public struct Volunteer: Sendable, Hashable {
    public var id: Int64
    public var orgID: Int64
    public var orgName: String
    public var name: String
    /// `138****5678`: the whole number only for the one who calls (a task's page, audited).
    public var maskedMobile: String
    public var joinedThrough: JoinedThrough
    public var joinedVia: String
    public var skills: Set<VolunteerSkill>
    public var languages: String
    public var availability: String
    public var username: String?
    public var facts: VolunteerFacts
    public init(id: Int64, orgID: Int64, orgName: String, name: String, maskedMobile: String, joinedThrough: JoinedThrough, joinedVia: String,
                skills: Set<VolunteerSkill>, languages: String, availability: String, username: String?, facts: VolunteerFacts) {
        self.id = id; self.orgID = orgID; self.orgName = orgName; self.name = name; self.maskedMobile = maskedMobile; self.joinedThrough = joinedThrough
        self.joinedVia = joinedVia; self.skills = skills; self.languages = languages; self.availability = availability; self.username = username; self.facts = facts
    }
}

public struct Post: Sendable, Hashable {
    public var id: Int64
    public var orgID: Int64?
    public var name: String
    public var kind: PostKind
    public var region: RegionCode
    public var skills: Set<VolunteerSkill>
    public var dailyLimit: Int
    public var weeklyLimit: Int
    public init(id: Int64, orgID: Int64?, name: String, kind: PostKind, region: RegionCode, skills: Set<VolunteerSkill>, dailyLimit: Int, weeklyLimit: Int) {
        self.id = id; self.orgID = orgID; self.name = name; self.kind = kind; self.region = region; self.skills = skills
        self.dailyLimit = dailyLimit; self.weeklyLimit = weeklyLimit
    }
}

/// What a volunteer learns of the one a task serves: a name and an address, nothing of the record.
public struct ServedPerson: Sendable, Hashable {
    public var name: String
    public var address: String
    public init(name: String, address: String) { self.name = name; self.address = address }
}

public struct VolunteerTask: Sendable, Hashable {
    public var id: Int64
    public var post: Post
    public var region: RegionCode
    public var day: CivilDate
    public var minutes: Int
    public var mode: ServiceMode
    public var risk: TaskRisk
    public var needed: Int
    public var note: String
    public var served: ServedPerson?
    /// Assignments that hold a place (not declined or withdrawn).
    public var taken: Int
    public var createdBy: String
    public init(id: Int64, post: Post, region: RegionCode, day: CivilDate, minutes: Int, mode: ServiceMode, risk: TaskRisk, needed: Int, note: String,
                served: ServedPerson?, taken: Int, createdBy: String) {
        self.id = id; self.post = post; self.region = region; self.day = day; self.minutes = minutes; self.mode = mode; self.risk = risk
        self.needed = needed; self.note = note; self.served = served; self.taken = taken; self.createdBy = createdBy
    }
    public var facts: TaskFacts {
        TaskFacts(region: region, day: day, mode: mode, risk: risk, minutes: minutes, dailyLimit: post.dailyLimit, weeklyLimit: post.weeklyLimit, skills: post.skills)
    }
    public var isFull: Bool { taken >= needed }
}

public struct Assignment: Sendable, Hashable {
    public var id: Int64
    public var taskID: Int64
    public var volunteerID: Int64
    public var volunteerName: String
    public var orgName: String
    public var day: CivilDate
    public var kind: PostKind
    public var status: AssignmentStatus
    public var plannedMinutes: Int
    public var servedMinutes: Int?
    public var confirmedMinutes: Int?
    public var confirmedBy: String?
    public var confirmedOn: CivilDate?
    public init(id: Int64, taskID: Int64, volunteerID: Int64, volunteerName: String, orgName: String, day: CivilDate, kind: PostKind, status: AssignmentStatus,
                plannedMinutes: Int, servedMinutes: Int?, confirmedMinutes: Int?, confirmedBy: String?, confirmedOn: CivilDate?) {
        self.id = id; self.taskID = taskID; self.volunteerID = volunteerID; self.volunteerName = volunteerName; self.orgName = orgName; self.day = day
        self.kind = kind; self.status = status; self.plannedMinutes = plannedMinutes; self.servedMinutes = servedMinutes
        self.confirmedMinutes = confirmedMinutes; self.confirmedBy = confirmedBy; self.confirmedOn = confirmedOn
    }
}

/// What one may do with an assignment, and who (the store asks; a page only shows the buttons it allows).
public enum AssignmentAction: String, CodeNamed {
    case accept, decline, serve, confirm
    public var chinese: String {
        switch self { case .accept: "接受"; case .decline: "谢绝"; case .serve: "填报服务时长"; case .confirm: "确认时长" }
    }

    /// The status an action moves from.
    public var from: [AssignmentStatus] {
        switch self { case .accept, .decline: [.assigned]; case .serve: [.accepted]; case .confirm: [.served] }
    }
    public var to: AssignmentStatus {
        switch self { case .accept: .accepted; case .decline: .declined; case .serve: .served; case .confirm: .confirmed }
    }
}

/// Who does what with volunteers (R-VOL-1; glossary, Roles). The region subtree limits each further.
public enum VolunteerAccess {
    /// Registers organizations (and their administrators' accounts) and switches response levels: the administrator.
    public static func mayRegisterOrgs(_ role: Role) -> Bool { role == .admin }
    /// Publishes posts and tasks: an organization (its own) and the cadres and child directors of a region.
    public static func mayPublish(_ role: Role) -> Bool { [.volunteerOrgAdmin, .villageCadre, .townshipOfficer, .countyOfficer, .childDirector].contains(role) }
    /// Reads tasks and proposes volunteers for them: the publishers, and the auditors and the administrator to read.
    public static func mayReadTasks(_ role: Role) -> Bool { mayPublish(role) || role == .auditor || role == .admin }
    /// Reads the figures by region.
    public static func mayReadFigures(_ role: Role) -> Bool { [.volunteerOrgAdmin, .villageCadre, .townshipOfficer, .countyOfficer, .auditor, .admin].contains(role) }
    /// Who moves an assignment: the volunteer accepts, declines and reports hours; their organization confirms.
    public static func mayAct(_ role: Role, _ action: AssignmentAction) -> Bool {
        action == .confirm ? role == .volunteerOrgAdmin : role == .volunteer
    }
}
