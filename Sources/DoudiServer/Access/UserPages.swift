import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// Accounts of the administrator's region: created with a role and a region picked from the tree, changed,
/// given a new password; sessions ended, accounts disabled, enabled or unlocked. The store audits each.
struct UserPages: Sendable {
    let web: WebShell
    let users: UserStore
    let regions: RegionStore
    let choices: Choices

    func register(on router: Router<DoudiContext>) {
        router.get("/users") { req, _ in try await web.withUser(req) { w in try await usersPage(w) } }
        router.post("/users") { req, _ in try await web.withUser(req, post: true) { w, form in try await create(w, form) } }
        router.get("/users/{id}") { req, ctx in
            try await web.withUser(req) { w in
                guard let id = ctx.parameters.get("id", as: Int64.self) else { return try w.notFound() }
                return try await accountPage(w, id)
            }
        }
        router.post("/users/{id}") { req, ctx in
            try await web.withUser(req, post: true) { w, form in
                guard let id = ctx.parameters.get("id", as: Int64.self) else { return try w.notFound() }
                return try await change(w, id, form)
            }
        }
    }

    func create(_ w: Web, _ form: Form) async throws -> Response {
        guard w.role.may(.manageUsers) else { return try w.forbidden() }
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let role = Role(rawValue: form["role"] ?? "") else {
            return try await usersPage(w, form: form, problems: [FieldProblem("role", Message("请选择角色", "choose a role"))], status: .unprocessableContent)
        }
        guard let region = RegionCode(form["region"] ?? "") else {
            return try await usersPage(w, form: form, problems: [FieldProblem("region", Message("请选择地区", "choose a region"))], status: .unprocessableContent)
        }
        guard w.region.contains(region) else { return try await w.outsideRegion(region, regions) }
        do {
            let a = try await users.add(username: username, password: form["password"] ?? "", role: role, region: region,
                                        department: Self.department(form), by: w.actor)
            return try await accountPage(w, a.id, message: w.t.t("accountCreated"))
        } catch {
            return try await w.refused(error) { try await usersPage(w, form: form, problems: $0, status: .unprocessableContent) }
        }
    }

    func change(_ w: Web, _ id: Int64, _ form: Form) async throws -> Response {
        let t = w.t
        guard w.role.may(.manageUsers) else { return try w.forbidden() }
        let choice = form["change"] ?? ""
        do {
            switch choice {
            case "update":
                guard let role = Role(rawValue: form["role"] ?? ""), let region = RegionCode(form["region"] ?? "") else {
                    return try await accountPage(w, id, problems: [FieldProblem("region", Message("请选择角色和地区", "choose a role and a region"))], status: .unprocessableContent)
                }
                guard w.region.contains(region) else { return try await w.outsideRegion(region, regions) }
                try await users.update(id, role: role, region: region, department: Self.department(form), by: w.actor)
                return try await accountPage(w, id, message: t.t("saved"))
            case "password":
                guard form["password"] == form["password2"] else {
                    return try await accountPage(w, id, problems: [FieldProblem("password", Message("两次输入的密码不一致", "the two passwords differ"))], status: .unprocessableContent)
                }
                try await users.resetPassword(id, to: form["password"] ?? "", by: w.actor)
                return try await accountPage(w, id, message: t.t("passwordReset"))
            default:
                guard let change = UserStore.AccountChange(rawValue: choice) else {
                    return try await accountPage(w, id, problems: [FieldProblem("change", Message("请选择一项操作", "choose what to do"))], status: .badRequest)
                }
                try await users.change(id, change, by: w.actor)
                return try await accountPage(w, id, message: t.t("changed_" + change.rawValue))
            }
        } catch {
            return try await w.refused(error) { try await accountPage(w, id, problems: $0, status: .unprocessableContent) }
        }
    }

    func usersPage(_ w: Web, form: Form = [:], problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.manageUsers) else { return try w.forbidden() }
        // A county has an account per village cadre: found by part of a name and by role, 200 at most shown.
        let q = w.req.uri.queryParameters
        let text = (q["q"].map(String.init) ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let role = q["role"].flatMap { Role(rawValue: String($0)) }
        let all = try await users.accounts(by: w.actor)
        let matching = all.filter { (text.isEmpty || $0.account.username.lowercased().contains(text)) && (role == nil || $0.account.role == role) }
        let list = Array(matching.prefix(200))
        var rows: [[String: Any]] = []
        for l in list { rows.append(try await row(l, w)) }
        return try w.page(status: status, template: "access/users", title: t.t("users"), [
            "rows": rows, "problems": w.lines(problems), "hasProblems": !problems.isEmpty, "q": q["q"].map(String.init) ?? "",
            "roles": roleOptions(t, selected: role), "newRoles": roleOptions(t, selected: form["role"].flatMap(Role.init(rawValue:))),
            "departments": departmentOptions(t, selected: Self.department(form)),
            "picker": try await choices.regionPicker(in: w.region, selected: form["region"].flatMap { RegionCode($0) }, t: t),
            "form": form.values, "total": matching.count, "more": matching.count > list.count])
    }

    func accountPage(_ w: Web, _ id: Int64, message: String? = nil, problems: [FieldProblem] = [],
                     status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.manageUsers) else { return try w.forbidden() }
        guard let l = try await users.account(id, by: w.actor) else { return try w.notFound() }
        return try w.page(status: status, template: "access/user", title: "\(t.t("account")) \(l.account.username)", [
            "a": try await row(l, w), "message": message as Any, "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
            "self": l.account.id == w.actor.userID, "roles": roleOptions(t, selected: l.account.role),
            "departments": departmentOptions(t, selected: l.account.department),
            "picker": try await choices.regionPicker(in: w.region, selected: l.account.region, t: t)])
    }

    func roleOptions(_ t: Strings.Table, selected: Role?) -> [[String: Any]] {
        Role.allCases.map { ["code": $0.rawValue, "name": t.code == "en" ? $0.english : $0.chinese, "selected": $0 == selected] }
    }

    /// The department a form names: a department officer's (the role checks it has one, and only it).
    static func department(_ form: Form) -> Department? { form["department"].flatMap(Department.init(rawValue:)) }

    func departmentOptions(_ t: Strings.Table, selected: Department?) -> [[String: Any]] {
        Department.receivers.map { ["code": $0.rawValue, "name": label($0, t), "selected": $0 == selected] }
    }

    /// An account as the list and its page show it: names, never codes; the buttons its state allows.
    func row(_ l: UserStore.Listing, _ w: Web) async throws -> [String: Any] {
        let t = w.t, a = l.account
        let place = try await regions.path(a.region).filter { $0.level >= min(.township, a.region.level) }.map(\.name).joined(separator: " ")
        var actions: [[String: Any]] = []
        if l.sessions > 0 { actions.append(["change": "endSessions", "label": t.t("do_endSessions")]) }
        if l.lockedUntil != nil { actions.append(["change": "unlock", "label": t.t("do_unlock")]) }
        if a.id != w.actor.userID { actions.append(a.active ? ["change": "disable", "label": t.t("do_disable")] : ["change": "enable", "label": t.t("do_enable")]) }
        let state = !a.active ? t.t("state_disabled") : l.lockedUntil.map { "\(t.t("state_locked")) \(beijingTime($0))" } ?? t.t("state_active")
        let role = (t.code == "en" ? a.role.english : a.role.chinese) + (a.department.map { " · " + label($0, t) } ?? "")
        return ["id": a.id, "username": a.username, "role": role, "region": place.isEmpty ? a.region.description : place,
                "state": state, "sessions": l.sessions, "actions": actions, "csrf": w.csrf]
    }
}
