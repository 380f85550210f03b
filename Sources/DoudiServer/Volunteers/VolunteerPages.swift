import DoudiDomain
import DoudiSheets
import DoudiStore
import HTTPTypes
import Hummingbird

/// 志愿服务 (issue 16): the organizations' and cadres' page — tasks from today, posts, forms to publish both; the
/// administrator registers organizations and switches response levels there. Each form calls the store function its
/// API twin calls (`VolunteerAPI`), after the same domain check.
struct VolunteerPages: Sendable {
    let web: WebShell
    let store: VolunteerStore
    let regions: RegionStore
    let choices: Choices
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/volunteers") { req, _ in try await web.withUser(req) { w in try await hub(w) } }
        router.post("/volunteers/orgs") { req, _ in try await web.withUser(req, post: true) { w, form in try await registerOrg(w, form) } }
        router.post("/volunteers/levels") { req, _ in try await web.withUser(req, post: true) { w, form in try await setLevel(w, form) } }
        router.post("/volunteers/posts") { req, _ in try await web.withUser(req, post: true) { w, form in try await addPost(w, form) } }
        router.downloads("/volunteers/tasks") { req, format in try await web.withUser(req) { w in try await sheet(w, format) } }
        router.post("/volunteers/tasks") { req, _ in try await web.withUser(req, post: true) { w, form in try await addTask(w, form) } }
    }

    static func options<T: CodeNamed>(_ all: [T], _ t: Strings.Table, selected: [String]) -> [[String: Any]] {
        all.map { ["value": $0.rawValue, "label": t.code == "en" ? $0.english : $0.chinese, "selected": selected.contains($0.rawValue)] as [String: Any] }
    }

    /// The words a page shows for a task, shared with the task's and the volunteer's pages.
    static func task(_ t: VolunteerTask, _ tr: Strings.Table) -> [String: Any] {
        let en = tr.code == "en"
        return ["id": t.id, "post": t.post.name, "kind": en ? t.post.kind.english : t.post.kind.chinese, "day": t.day.description,
                "hours": Hours.text(t.minutes), "mode": en ? t.mode.english : t.mode.chinese, "risk": en ? t.risk.english : t.risk.chinese,
                "personal": t.risk.isPersonal, "needed": t.needed, "taken": t.taken, "full": t.isFull, "note": t.note,
                "served": t.served.map { ["name": $0.name, "address": $0.address] } as Any, "region": t.region.description]
    }

    func hub(_ w: Web, form: Form = [:], problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard VolunteerAccess.mayReadTasks(w.role) else { return w.role == .volunteer ? .redirect(to: "/me") : try w.forbidden() }
        let today = clock.today()
        let (from, openOnly, query) = filter(w)
        let all = try await store.tasks(from: from, openOnly: openOnly, by: w.actor)
        let pageNo = w.pageNumber, size = 30
        let tasks = Array(all.dropFirst(pageNo * size).prefix(size))
        func link(_ p: Int) -> String { "/volunteers?\(query)&page=\(p)" }
        let posts = try await store.posts(by: w.actor)
        let orgs = try await store.orgs(by: w.actor)
        let isAdmin = VolunteerAccess.mayRegisterOrgs(w.role)
        let names = try await regionNames(tasks.map(\.region) + posts.map(\.region) + orgs.map(\.region))
        let levels = isAdmin || w.role == .countyOfficer ? try await store.levelHistory(by: w.actor) : []
        let inForce = try await store.level(at: w.region)
        let done = w.req.uri.queryParameters["done"].map(String.init)
        return try w.page(status: status, template: "volunteers/hub", title: t.t("volTitle"), [
            "message": done.flatMap { t.values["volDone." + $0] } as Any, "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
            "inForce": label(inForce, t),
            "mayPublish": VolunteerAccess.mayPublish(w.role), "isAdmin": isAdmin, "isOrg": w.role == .volunteerOrgAdmin,
            "mayFigures": VolunteerAccess.mayReadFigures(w.role),
            "picker": try await choices.regionPicker(in: w.region, selected: RegionCode(form["regionCode"] ?? ""), t: t),
            "tasks": tasks.map { var d = Self.task($0, t); d["place"] = names[$0.region] ?? ""; return d }, "noTasks": tasks.isEmpty,
            "from": from.description, "openOnly": openOnly, "csv": "/volunteers/tasks.csv?\(query)", "xlsx": "/volunteers/tasks.xlsx?\(query)",
            "prev": (pageNo > 0 ? link(pageNo - 1) : nil) as Any, "next": (all.count > (pageNo + 1) * size ? link(pageNo + 1) : nil) as Any,
            "posts": posts.map { p in ["id": p.id, "name": p.name, "kind": t.code == "en" ? p.kind.english : p.kind.chinese, "place": names[p.region] ?? "",
                                       "daily": Hours.text(p.dailyLimit), "weekly": Hours.text(p.weeklyLimit), "selected": form["postId"] == String(p.id)] as [String: Any] },
            "hasPosts": !posts.isEmpty,
            "orgs": orgs.map { ["name": $0.name, "place": names[$0.region] ?? "", "admin": $0.admin, "volunteers": $0.volunteers,
                                  "hours": Hours.text($0.minutesThisMonth)] as [String: Any] },
            "levels": levels.map { ["region": $0.regionName, "level": t.code == "en" ? $0.level.english : $0.level.chinese, "since": $0.since.description,
                                    "note": $0.note, "by": $0.setBy] as [String: Any] },
            "hasLevels": !levels.isEmpty, "levelOptions": Self.options(ResponseLevel.allCases, t, selected: [form["level"] ?? ""]),
            "kinds": Self.options(PostKind.allCases, t, selected: [form["kind"] ?? ""]),
            "skills": Self.options(VolunteerSkill.allCases, t, selected: form.all["skills"] ?? []),
            "modes": Self.options(ServiceMode.allCases, t, selected: [form["mode"] ?? "offline"]),
            "risks": Self.options(TaskRisk.allCases, t, selected: [form["risk"] ?? "low"]),
            "canServe": w.role.may(.readRegister), "isChildDirector": w.role == .childDirector,
            "f": ["name": form["name"] ?? "", "adminUsername": form["adminUsername"] ?? "", "day": form["day"] ?? today.adding(days: 1).description,
                  "hours": form["hours"] ?? "2", "needed": form["needed"] ?? "1", "note": form["note"] ?? "", "dailyHours": form["dailyHours"] ?? "4",
                  "weeklyHours": form["weeklyHours"] ?? "12", "householdId": form["householdId"] ?? "", "childCaseId": form["childCaseId"] ?? "",
                  "since": form["since"] ?? today.description, "levelNote": form["levelNote"] ?? ""],
        ])
    }

    /// The task list's filter: from a day (today unless given), only those with places left; and the query that keeps it.
    func filter(_ w: Web) -> (from: CivilDate, openOnly: Bool, query: String) {
        let q = w.req.uri.queryParameters
        let from = q["from"].flatMap { CivilDate(String($0)) } ?? clock.today()
        let openOnly = q["open"] == "1"
        return (from, openOnly, "from=\(from)" + (openOnly ? "&open=1" : ""))
    }

    /// The task list as a sheet, with the page's filter.
    func sheet(_ w: Web, _ format: DownloadFormat) async throws -> Response {
        let t = w.t
        guard VolunteerAccess.mayReadTasks(w.role) || w.role == .volunteer else { return try w.forbidden() }
        let (from, openOnly, _) = filter(w)
        let tasks = try await store.tasks(from: from, openOnly: openOnly, by: w.actor)
        let names = try await regionNames(tasks.map(\.region))
        let rows = tasks.map { k in
            let d = Self.task(k, t)
            return [Sheet.Cell.text(k.day.description), .text(k.post.name), .text(d["kind"] as? String ?? ""), .text(k.region.description), .text(names[k.region] ?? ""),
                    .text(d["mode"] as? String ?? ""), .text(d["risk"] as? String ?? ""), .text(Hours.text(k.minutes)), .number(k.taken), .number(k.needed)]
        }
        return try download(Sheet(name: t.t("volTasks"), headers: [t.t("volDay"), t.t("volPost"), t.t("volKind"), t.t("regionCodeColumn"), t.t("region"),
                                                                     t.t("volMode"), t.t("volRisk"), t.t("volHours"), t.t("volTakenCount"), t.t("volNeeded")], rows: rows),
                            format, name: "volunteer-tasks-\(from)")
    }

    func regionNames(_ codes: [RegionCode]) async throws -> [RegionCode: String] { try await regions.placeNames(codes) }

    /// Runs a form's store call: on success back to the page with the message `volDone.<done>` (so a reload sends
    /// nothing twice), else the page again with the problems.
    func submit(_ w: Web, _ form: Form, done: String, _ body: () async throws -> Void) async throws -> Response {
        do {
            try await body()
            return .redirect(to: "/volunteers?done=\(done)", type: .normal)
        } catch let p as ProblemList {
            return try await hub(w, form: form, problems: p.problems, status: .unprocessableContent)
        } catch {
            return try await w.refused(error) { try await hub(w, form: form, problems: $0, status: .unprocessableContent) }
        }
    }

    func registerOrg(_ w: Web, _ form: Form) async throws -> Response {
        guard VolunteerAccess.mayRegisterOrgs(w.role) else { return try w.forbidden() }
        return try await submit(w, form, done: "org") {
            let d = try OrgDraft.check(name: form["name"] ?? "", region: form["regionCode"] ?? "", adminUsername: form["adminUsername"] ?? "",
                                       adminPassword: form["adminPassword"] ?? "").get()
            try await store.registerOrg(d, by: w.actor)
        }
    }

    /// A switch changes the rules for every volunteer of the region at once: asked again on a second page first.
    func setLevel(_ w: Web, _ form: Form) async throws -> Response {
        guard VolunteerAccess.mayRegisterOrgs(w.role) else { return try w.forbidden() }
        var asked: Response?
        let r = try await submit(w, form, done: "level") {
            var problems: [FieldProblem] = []
            let region = RegionCode((form["regionCode"] ?? "").trimmingSpaces()), level = ResponseLevel(rawValue: form["level"] ?? "")
            let since = CivilDate((form["since"] ?? "").trimmingSpaces())
            if region == nil { problems.append(FieldProblem("regionCode", .regionCodeDigits)) }
            if level == nil { problems.append(FieldProblem("level", Message("请选择响应级别", "choose the response level"))) }
            if since == nil { problems.append(FieldProblem("since", .realDay)) }
            guard let region, let level, let since else { throw ProblemList(problems) }
            guard Web.confirmed(form) else {
                let t = w.t
                asked = try w.confirm(form, action: "/volunteers/levels", back: "/volunteers", title: t.t("volLevel"), question: t.t("volLevelConfirm"),
                                      summary: [(t.t("region"), try await regionNames([region])[region] ?? region.description), (t.t("volLevelName"), label(level, t)),
                                                (t.t("volSince"), since.description), (t.t("volGrounds"), form["levelNote"] ?? "")], button: t.t("confirmRecord"))
                return
            }
            try await store.setLevel(level, region: region, since: since, note: form["levelNote"] ?? "", by: w.actor)
        }
        return asked ?? r
    }

    func addPost(_ w: Web, _ form: Form) async throws -> Response {
        guard VolunteerAccess.mayPublish(w.role) else { return try w.forbidden() }
        return try await submit(w, form, done: "post") {
            let d = try PostDraft.check(name: form["name"] ?? "", kind: form["kind"] ?? "", region: form["regionCode"] ?? "", skills: form.all["skills"] ?? [],
                                        dailyHours: form["dailyHours"] ?? "", weeklyHours: form["weeklyHours"] ?? "").get()
            try await store.addPost(d, by: w.actor)
        }
    }

    func addTask(_ w: Web, _ form: Form) async throws -> Response {
        guard VolunteerAccess.mayPublish(w.role) else { return try w.forbidden() }
        var made: Int64?
        let r = try await submit(w, form, done: "task") {
            let d = try TaskDraft.check(postID: form["postId"] ?? "", region: form["regionCode"] ?? "", day: form["day"] ?? "", hours: form["hours"] ?? "",
                                        mode: form["mode"] ?? "", risk: form["risk"] ?? "", needed: form["needed"] ?? "", note: form["note"] ?? "",
                                        household: form["householdId"] ?? "", childCase: form["childCaseId"] ?? "", today: clock.today()).get()
            made = try await store.addTask(d, by: w.actor)
        }
        return made.map { .redirect(to: "/volunteers/tasks/\($0)?done=task", type: .normal) } ?? r
    }
}
