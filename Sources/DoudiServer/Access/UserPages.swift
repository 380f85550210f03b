import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// Accounts of the administrator's region: who is signed in, who is locked out; sessions ended, accounts
/// disabled, enabled or unlocked.
struct UserPages: Sendable {
    let web: WebShell
    let users: UserStore
    let regions: RegionStore

    func register(on router: Router<DoudiContext>) {
        router.get("/users") { req, _ in try await web.withUser(req) { w in try await usersPage(w) } }
        router.post("/users/{id}") { req, ctx in
            try await web.withUser(req, post: true) { w, form in
                guard w.role.may(.manageUsers) else { return try w.forbidden() }
                guard let id = ctx.parameters.get("id", as: Int64.self), let change = UserStore.AccountChange(rawValue: form["change"] ?? "") else {
                    return try await usersPage(w, error: say(Message("请选择一项操作", "choose what to do"), w.t), status: .badRequest)
                }
                do {
                    try await users.change(id, change, by: w.actor)
                    return try await usersPage(w, message: w.t.t("changed_" + change.rawValue))
                } catch StoreError.notFound { return try w.notFound() } catch StoreError.invalid(let p) {
                    return try await usersPage(w, error: p.map { say($0.message, w.t) }.joined(separator: "；"), status: .unprocessableContent)
                }
            }
        }
    }

    func usersPage(_ w: Web, message: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.manageUsers) else { return try w.forbidden() }
        // A county has an account per village cadre: found by part of a name and by role, 200 at most shown.
        let q = w.req.uri.queryParameters
        let text = (q["q"].map(String.init) ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let role = q["role"].flatMap { Role(rawValue: String($0)) }
        let all = try await users.accounts(by: w.actor)
        let matching = all.filter { (text.isEmpty || $0.account.username.lowercased().contains(text)) && (role == nil || $0.account.role == role) }
        let list = Array(matching.prefix(200))
        let names = try await regions.villageLabels(list.map(\.account.region))
        let fmt = ISO8601DateFormatter()
        fmt.timeZone = TimeZone(identifier: "Asia/Shanghai")
        fmt.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        var rows: [[String: Any]] = []
        for l in list {
            let a = l.account
            var place = names[a.region]
            if place == nil { place = try await regions.region(a.region)?.name }
            var actions: [[String: Any]] = []
            if l.sessions > 0 { actions.append(["change": "endSessions", "label": t.t("do_endSessions")]) }
            if l.lockedUntil != nil { actions.append(["change": "unlock", "label": t.t("do_unlock")]) }
            if a.id != w.actor.userID { actions.append(a.active ? ["change": "disable", "label": t.t("do_disable")] : ["change": "enable", "label": t.t("do_enable")]) }
            rows.append(["id": a.id, "username": a.username, "role": t.code == "en" ? a.role.english : a.role.chinese, "region": place ?? a.region.description,
                         "state": !a.active ? t.t("state_disabled") : l.lockedUntil.map { "\(t.t("state_locked")) \(fmt.string(from: Date(timeIntervalSince1970: Double($0) / 1000)))" } ?? t.t("state_active"),
                         "sessions": l.sessions, "actions": actions])
        }
        let roles = Role.allCases.map { ["code": $0.rawValue, "name": t.code == "en" ? $0.english : $0.chinese, "selected": $0 == role] as [String: Any] }
        return try w.page(status: status, template: "access/users", title: t.t("users"), [
            "rows": rows, "message": message as Any, "error": error as Any, "q": q["q"].map(String.init) ?? "", "roles": roles,
            "total": matching.count, "more": matching.count > list.count])
    }
}
