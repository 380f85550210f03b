/// Volunteers' organizations, volunteers, posts, tasks and health declarations as forms and the API send them:
/// each check returns every problem at once.

/// Hours as typed (`2`, `1.5`): half-hour steps, in minutes.
public enum Hours {
    public static func minutes(_ text: String, max: Int = 24) -> Int? {
        guard let h = Double(text.trimmingSpaces()), h.isFinite, h > 0, h <= Double(max), (h * 2).rounded() == h * 2 else { return nil }
        return Int(h * 60)
    }
    public static func text(_ minutes: Int) -> String { minutes % 60 == 0 ? "\(minutes / 60)" : "\(minutes / 60).\(minutes % 60 * 10 / 60)" }
    public static let servedProblem = Message("服务时长为0.5至12小时（半小时为单位）", "hours served: 0.5 to 12, in half hours")
}

public struct OrgDraft: Sendable, Hashable {
    public var name: String
    public var region: RegionCode
    public var adminUsername: String
    public var adminPassword: String

    public static func check(name: String, region: String, adminUsername: String, adminPassword: String) -> Result<OrgDraft, ProblemList> {
        var problems: [FieldProblem] = []
        let n = name.trimmingSpaces()
        if !(2...60).contains(n.count) { problems.append(FieldProblem("name", Message("组织名称为2至60个字", "an organization's name has 2 to 60 characters"))) }
        let code = RegionCode(region.trimmingSpaces())
        if code == nil || code!.level > .township { problems.append(FieldProblem("regionCode", Message("请选择组织所在的县或乡镇", "choose the organization's county or township"))) }
        guard problems.isEmpty, let code else { return .failure(ProblemList(problems)) }
        return .success(OrgDraft(name: n, region: code, adminUsername: adminUsername.trimmingSpaces(), adminPassword: adminPassword))
    }
}

/// A volunteer as their organization registers them; a username and password give them their own phone page.
public struct VolunteerDraft: Sendable, Hashable {
    public var name: String
    public var mobile: String
    public var joinedThrough: JoinedThrough
    /// The workplace's or community's name when they came through one.
    public var joinedVia: String
    public var home: RegionCode
    public var reach: [RegionCode]
    public var skills: Set<VolunteerSkill>
    public var languages: String
    public var online: Bool
    public var availability: String
    public var insurance: Insurance?
    public var username: String?
    public var password: String?

    public static func check(name: String, mobile: String, joinedThrough: String, joinedVia: String, home: String, reach: [String], skills: [String],
                             languages: String, online: Bool, availability: String, insurer: String, policyNumber: String, insuredFrom: String,
                             insuredTo: String, username: String, password: String) -> Result<VolunteerDraft, ProblemList> {
        var problems: [FieldProblem] = []
        let n = name.trimmingSpaces()
        if !(2...40).contains(n.count) { problems.append(FieldProblem("name", Message("姓名为2至40个字", "a name has 2 to 40 characters"))) }
        let phone = mobile.typedNumber
        if !phone.isMobileNumber { problems.append(FieldProblem("mobile", .mobileDigits)) }
        let through = JoinedThrough(rawValue: joinedThrough.trimmingSpaces())
        if through == nil { problems.append(FieldProblem("joinedThrough", Message("请选择报名途径", "choose how the volunteer joined"))) }
        let via = joinedVia.trimmingSpaces()
        if through != nil, through != .organization, via.isEmpty || via.count > 60 {
            problems.append(FieldProblem("joinedVia", Message("请填写所在单位或社区的名称（不超过60字）", "name the workplace or community (at most 60 characters)")))
        }
        let homeCode = RegionCode(home.trimmingSpaces())
        if homeCode == nil || homeCode!.level < .county {
            problems.append(FieldProblem("homeRegion", Message("请选择志愿者居住的县、乡镇或村", "choose the county, township or village the volunteer lives in")))
        }
        var places: [RegionCode] = []
        for r in reach.map({ $0.trimmingSpaces() }) where !r.isEmpty {
            if let c = RegionCode(r), c.level >= .county { if !places.contains(c) { places.append(c) } } else {
                problems.append(FieldProblem("reachRegions", Message("可服务区域“\(r)”不是县、乡镇或村的区划代码", "“\(r)” is not a county, township or village code")))
            }
        }
        if places.count > 20 { problems.append(FieldProblem("reachRegions", Message("可服务区域最多20个", "at most 20 regions the volunteer can reach"))) }
        var skillSet: Set<VolunteerSkill> = []
        for s in skills.map({ $0.trimmingSpaces() }) where !s.isEmpty {
            if let k = VolunteerSkill(rawValue: s) { skillSet.insert(k) } else {
                problems.append(FieldProblem("skills", VolunteerSkill.unknown(s)))
            }
        }
        let langs = languages.trimmingSpaces(), avail = availability.trimmingSpaces()
        if langs.count > 60 { problems.append(FieldProblem("languages", Message("语言不超过60个字", "languages: at most 60 characters"))) }
        if avail.count > 200 { problems.append(FieldProblem("availability", Message("可服务时间不超过200个字", "availability: at most 200 characters"))) }
        var insurance: Insurance?
        let ins = insurer.trimmingSpaces(), policy = policyNumber.trimmingSpaces()
        if !(ins.isEmpty && policy.isEmpty && insuredFrom.trimmingSpaces().isEmpty && insuredTo.trimmingSpaces().isEmpty) {
            let from = CivilDate(insuredFrom.trimmingSpaces()), to = CivilDate(insuredTo.trimmingSpaces())
            if ins.isEmpty || ins.count > 60 || policy.isEmpty || policy.count > 60 {
                problems.append(FieldProblem("insurer", Message("保险须填写保险公司和保单号（各不超过60字）", "insurance needs the insurer and the policy number (60 characters each at most)")))
            }
            if let from, let to, from <= to { insurance = Insurance(insurer: ins, policyNumber: policy, from: from, to: to) } else {
                problems.append(FieldProblem("insuredTo", Message("保险起止日期应为真实日期，且止期不早于起期", "the insurance's first and last days are real days, the last not before the first")))
            }
        }
        let user = username.trimmingSpaces()
        if user.isEmpty != password.isEmpty {
            problems.append(FieldProblem("username", Message("开通登录须同时填写用户名和初始密码", "a login needs both a username and a first password")))
        }
        guard problems.isEmpty, let through, let homeCode else { return .failure(ProblemList(problems)) }
        return .success(VolunteerDraft(name: n, mobile: phone, joinedThrough: through, joinedVia: through == .organization ? "" : via, home: homeCode, reach: places,
                                       skills: skillSet, languages: langs, online: online, availability: avail, insurance: insurance,
                                       username: user.isEmpty ? nil : user, password: user.isEmpty ? nil : password))
    }
}

/// 服务岗位: what is done, the skills it needs and its hour limits (合理设置志愿服务岗位和服务时长).
public struct PostDraft: Sendable, Hashable {
    public var name: String
    public var kind: PostKind
    public var region: RegionCode
    public var skills: Set<VolunteerSkill>
    public var dailyLimit: Int
    public var weeklyLimit: Int

    public static func check(name: String, kind: String, region: String, skills: [String], dailyHours: String, weeklyHours: String) -> Result<PostDraft, ProblemList> {
        var problems: [FieldProblem] = []
        let k = PostKind(rawValue: kind.trimmingSpaces())
        if k == nil { problems.append(FieldProblem("kind", Message("请选择服务类别", "choose what the post does"))) }
        let n = name.trimmingSpaces()
        if n.count > 60 { problems.append(FieldProblem("name", Message("岗位名称不超过60个字", "a post's name has at most 60 characters"))) }
        let code = RegionCode(region.trimmingSpaces())
        if code == nil || code!.level < .county { problems.append(FieldProblem("regionCode", Message("请选择岗位所在的县、乡镇或村", "choose the post's county, township or village"))) }
        var set: Set<VolunteerSkill> = []
        for s in skills.map({ $0.trimmingSpaces() }) where !s.isEmpty {
            if let v = VolunteerSkill(rawValue: s) { set.insert(v) } else { problems.append(FieldProblem("skills", VolunteerSkill.unknown(s))) }
        }
        let daily = Hours.minutes(dailyHours, max: 12), weekly = Hours.minutes(weeklyHours, max: 60)
        if daily == nil { problems.append(FieldProblem("dailyHours", Message("每日时长上限为0.5至12小时（半小时为单位）", "the daily limit is 0.5 to 12 hours, in half hours"))) }
        if weekly == nil || (daily.map { weekly! < $0 } ?? false) {
            problems.append(FieldProblem("weeklyHours", Message("每周时长上限为0.5至60小时，且不少于每日上限", "the weekly limit is 0.5 to 60 hours, not below the daily one")))
        }
        guard problems.isEmpty, let k, let code, let daily, let weekly else { return .failure(ProblemList(problems)) }
        return .success(PostDraft(name: n.isEmpty ? k.chinese : n, kind: k, region: code, skills: set.isEmpty ? [k.skill] : set, dailyLimit: daily, weeklyLimit: weekly))
    }
}

/// Whom a task serves: a household of the register or a child's case (the volunteer sees a name and an address).
public enum Served: Sendable, Hashable {
    case household(String), childCase(Int64)
}

/// 任务: one shift of a post, on a day, at a place, for some hours, needing some volunteers.
public struct TaskDraft: Sendable, Hashable {
    public var postID: Int64
    public var region: RegionCode
    public var day: CivilDate
    public var minutes: Int
    public var mode: ServiceMode
    public var risk: TaskRisk
    public var needed: Int
    public var note: String
    public var served: Served?

    public static func check(postID: String, region: String, day: String, hours: String, mode: String, risk: String, needed: String, note: String,
                             household: String, childCase: String, today: CivilDate) -> Result<TaskDraft, ProblemList> {
        var problems: [FieldProblem] = []
        let post = Int64(postID.trimmingSpaces())
        if post == nil { problems.append(FieldProblem("postId", Message("请选择岗位", "choose the post"))) }
        let code = RegionCode(region.trimmingSpaces())
        if code == nil || code!.level < .county { problems.append(FieldProblem("regionCode", Message("请选择任务地点所在的县、乡镇或村", "choose the task's county, township or village"))) }
        let d = CivilDate(day.trimmingSpaces())
        if d == nil || d! < today || d! > today.adding(days: 90) {
            problems.append(FieldProblem("day", Message("任务日期应为今天起90天内的真实日期", "the task's day is a real day from today to 90 days ahead")))
        }
        let m = Hours.minutes(hours, max: 12)
        if m == nil { problems.append(FieldProblem("hours", Message("任务时长为0.5至12小时（半小时为单位）", "a task lasts 0.5 to 12 hours, in half hours"))) }
        let md = ServiceMode(rawValue: mode.trimmingSpaces()), rk = TaskRisk(rawValue: risk.trimmingSpaces())
        if md == nil { problems.append(FieldProblem("mode", Message("请选择线上或线下", "choose online or on site"))) }
        if rk == nil { problems.append(FieldProblem("risk", Message("请选择任务的风险等级", "choose the task's risk level"))) }
        let n = Int(needed.trimmingSpaces())
        if n == nil || !(1...50).contains(n!) { problems.append(FieldProblem("needed", Message("需要人数为1至50", "volunteers needed: 1 to 50"))) }
        let text = note.trimmingSpaces()
        if text.count > 500 { problems.append(FieldProblem("note", Message("任务说明不超过500个字", "a task's note has at most 500 characters"))) }
        var served: Served?
        let h = household.trimmingSpaces(), c = childCase.trimmingSpaces()
        if !h.isEmpty && !c.isEmpty { problems.append(FieldProblem("householdId", Message("一个任务只服务一户家庭或一名儿童", "a task serves one household or one child"))) }
        if !h.isEmpty { if h.count <= 40 { served = .household(h) } else { problems.append(FieldProblem("householdId", Message("户编号不超过40个字符", "a household's number has at most 40 characters"))) } }
        if !c.isEmpty { if let i = Int64(c) { served = .childCase(i) } else { problems.append(FieldProblem("childCaseId", Message("儿童个案编号应为数字", "a child case's number is digits"))) } }
        guard problems.isEmpty, let post, let code, let d, let m, let md, let rk, let n else { return .failure(ProblemList(problems)) }
        return .success(TaskDraft(postID: post, region: code, day: d, minutes: m, mode: md, risk: rk, needed: n, note: text, served: served))
    }
}

extension HealthDeclaration {
    /// The day's declaration as typed: a temperature (optional, 34 to 43 °C) and the symptoms ticked.
    public static func check(temperature: String, symptoms: [String], today: CivilDate) -> Result<HealthDeclaration, ProblemList> {
        var problems: [FieldProblem] = []
        let t = temperature.trimmingSpaces()
        let value = t.isEmpty ? nil : Double(t)
        if !t.isEmpty, value == nil || !(34...43).contains(value!) {
            problems.append(FieldProblem("temperature", Message("体温应为34至43之间的数字（摄氏度）", "a temperature is a number from 34 to 43 (°C)")))
        }
        var set: Set<Symptom> = []
        for s in symptoms.map({ $0.trimmingSpaces() }) where !s.isEmpty {
            if let v = Symptom(rawValue: s) { set.insert(v) } else { problems.append(FieldProblem("symptoms", Message("症状“\(s)”不在列表中", "“\(s)” is not a symptom on the list"))) }
        }
        guard problems.isEmpty else { return .failure(ProblemList(problems)) }
        return .success(HealthDeclaration(day: today, temperature: value, symptoms: set))
    }
}

extension VolunteerSkill {
    static func unknown(_ s: String) -> Message { Message("技能“\(s)”不在列表中", "“\(s)” is not a skill on the list") }
}
