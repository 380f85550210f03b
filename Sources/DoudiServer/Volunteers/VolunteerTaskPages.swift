import DoudiDomain
import DoudiStore
import HTTPTypes
import Hummingbird

/// A task's page: what it is, who holds it, and for one who may assign, the volunteers proposed best first with the
/// rule that would refuse each (R-VOL-1); a volunteer takes it here. Assignments move on the same page and on the
/// volunteer's own (`/me`), through the store calls the API makes.
struct VolunteerTaskPages: Sendable {
    let web: WebShell
    let store: VolunteerStore
    let pages: VolunteerPages

    func register(on router: Router<DoudiContext>) {
        router.get("/volunteers/tasks/:id") { req, ctx in try await web.withUser(req) { w in try await page(w, ctx.parameters.get("id", as: Int64.self)) } }
        router.post("/volunteers/tasks/:id/assign") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await assign(w, ctx.parameters.get("id", as: Int64.self), form) }
        }
        router.post("/volunteers/tasks/:id/reveal") { req, ctx in
            try await web.withUser(req, post: true) { w, form in
                guard VolunteerAccess.mayPublish(w.role) || w.role == .volunteerOrgAdmin else { return try w.forbidden() }
                guard let task = ctx.parameters.get("id", as: Int64.self), let volunteer = Int64(form["volunteerId"] ?? "") else { return try w.notFound() }
                do {
                    // Only a volunteer on this task, as the reader sees it: the number is shown where it was asked for.
                    guard try await store.assignments(task: task, by: w.actor).contains(where: { $0.volunteerID == volunteer && $0.status.holdsHours }) else {
                        return try w.notFound()
                    }
                    return try await page(w, task, revealed: (volunteer, try await store.revealMobile(volunteer, by: w.actor)))
                } catch {
                    return try await w.refused(error) { _ in try w.notFound() }
                }
            }
        }
        router.post("/volunteers/assignments/:id") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await act(w, ctx.parameters.get("id", as: Int64.self), form) }
        }
    }

    static func refusalLines(_ r: AssignmentRefused, _ w: Web) -> [String] { r.rules.map { w.say($0.message) } }

    static func assignment(_ a: Assignment, _ w: Web, mine: Bool, revealed: (Int64, String)? = nil) -> [String: Any] {
        let en = w.t.code == "en"
        return ["id": a.id, "volunteerId": a.volunteerID, "mobile": (revealed?.0 == a.volunteerID ? revealed?.1 : nil) as Any,
                "mayReveal": !mine && (VolunteerAccess.mayPublish(w.role) || w.role == .volunteerOrgAdmin) && a.status.holdsHours && revealed?.0 != a.volunteerID, "name": a.volunteerName, "org": a.orgName, "status": en ? a.status.english : a.status.chinese, "day": a.day.description,
                "kind": en ? a.kind.english : a.kind.chinese, "planned": Hours.text(a.plannedMinutes), "served": a.servedMinutes.map(Hours.text) as Any,
                "confirmed": a.confirmedMinutes.map(Hours.text) as Any, "confirmedBy": a.confirmedBy as Any,
                "mayAccept": mine && a.status == .assigned, "mayServe": mine && a.status == .accepted && a.day <= w.shell.clock.today(),
                "mayConfirm": w.role == .volunteerOrgAdmin && a.status == .served]
    }

    func page(_ w: Web, _ id: Int64?, problems: [String] = [], status: HTTPResponse.Status = .ok, revealed: (Int64, String)? = nil) async throws -> Response {
        let t = w.t
        guard let id else { return try w.notFound() }
        guard VolunteerAccess.mayReadTasks(w.role) || w.role == .volunteer else { return try w.forbidden() }
        let task: VolunteerTask
        do { task = try await store.task(id, by: w.actor) } catch StoreError.notFound { return try w.notFound() }
        let assignments = try await store.assignments(task: id, by: w.actor)
        let proposals = VolunteerAccess.mayPublish(w.role) ? try await store.proposals(task: id, by: w.actor) : []
        let held = assignments.contains { $0.status.holdsHours }
        var d = VolunteerPages.task(task, t)
        d["place"] = try await pages.regionNames([task.region])[task.region] ?? ""
        let done = w.req.uri.queryParameters["done"].map(String.init)
        return try w.page(status: status, template: "volunteers/task", title: task.post.name, [
            "task": d, "message": done.flatMap { t.values["volDone." + $0] } as Any, "problems": problems, "hasProblems": !problems.isEmpty,
            "assignments": assignments.map { Self.assignment($0, w, mine: w.role == .volunteer, revealed: revealed) }, "hasAssignments": !assignments.isEmpty,
            "proposals": proposals.map { v, p in
                ["id": v.id, "name": v.name, "org": v.orgName, "mobile": v.maskedMobile, "near": t.code == "en" ? p.nearness.english : p.nearness.chinese,
                 "skill": p.hasSkill, "left": Hours.text(max(0, p.minutesLeft)), "online": v.facts.online, "allowed": p.refusals.isEmpty,
                 "rules": p.refusals.map { w.say($0.message) }] as [String: Any]
            },
            "hasProposals": !proposals.isEmpty, "mayTake": w.role == .volunteer && !held && !task.isFull && task.day >= w.shell.clock.today(),
        ])
    }

    func assign(_ w: Web, _ id: Int64?, _ form: Form) async throws -> Response {
        guard let id else { return try w.notFound() }
        do {
            // A volunteer takes a task for themselves; the others name whom they assign.
            let named = w.role == .volunteer ? try await store.mine(by: w.actor).volunteer.id : Int64(form["volunteerId"] ?? "")
            guard let volunteer = named else { throw StoreError.invalid([FieldProblem("volunteerId", Message("请选择志愿者", "choose a volunteer"))]) }
            try await store.assign(task: id, volunteer: volunteer, by: w.actor)
            return .redirect(to: w.role == .volunteer ? "/me?done=taken" : "/volunteers/tasks/\(id)?done=assigned", type: .normal)
        } catch let r as AssignmentRefused {
            return try await page(w, id, problems: Self.refusalLines(r, w), status: .unprocessableContent)
        } catch {
            return try await w.refused(error) { p in try await page(w, id, problems: w.lines(p), status: .unprocessableContent) }
        }
    }

    /// accept, decline, serve (hours) or confirm (hours); back to the task's page or the volunteer's own.
    func act(_ w: Web, _ id: Int64?, _ form: Form) async throws -> Response {
        guard let id, let action = AssignmentAction(rawValue: form["action"] ?? "") else { return try w.notFound() }
        guard VolunteerAccess.mayAct(w.role, action) else { return try w.forbidden() }
        guard let a = try await store.assignment(id, by: w.actor) else { return try w.notFound() }
        let back = w.role == .volunteer ? "/me" : "/volunteers/tasks/\(a.taskID)"
        func again(_ lines: [String]) async throws -> Response {
            w.role == .volunteer ? try await MePages(web: web, store: store, pages: pages).page(w, problems: lines, status: .unprocessableContent)
                : try await page(w, a.taskID, problems: lines, status: .unprocessableContent)
        }
        var minutes: Int?
        if let h = form["hours"], !h.trimmingSpaces().isEmpty {
            guard let m = Hours.minutes(h, max: 12) else { return try await again([w.say(Hours.servedProblem)]) }
            minutes = m
        }
        do {
            try await store.act(id, action, minutes: minutes, by: w.actor)
            return .redirect(to: "\(back)?done=\(action.rawValue)", type: .normal)
        } catch let r as AssignmentRefused {
            return try await again(Self.refusalLines(r, w))
        } catch {
            return try await w.refused(error) { p in try await again(w.lines(p)) }
        }
    }
}
