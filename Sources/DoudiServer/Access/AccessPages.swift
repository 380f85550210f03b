import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// Signing in and out.
struct AccessPages: Sendable {
    let web: WebShell
    let users: UserStore
    let limits: PublicLimits

    func register(on router: Router<DoudiContext>) {
        router.get("/") { req, ctx -> Response in
            try await web.account(req).map { .redirect(to: Self.home($0.role), type: .found) } ?? .redirect(to: "/login", type: .found)
        }
        router.get("/login") { req, _ in try await loginPage(req, error: nil, username: "") }
        router.post("/login") { req, ctx in try await login(req, ctx) }
        router.post("/logout") { req, ctx -> Response in
            let form = try await Form.read(req)
            if let (_, csrf, token) = try await web.sessionWithToken(req), form["_csrf"] == csrf { try await users.endSession(token: token) }
            var r = Response.redirect(to: "/login", type: .found)
            r.setCookie(Cookie(name: WebShell.sessionCookie, value: "", maxAge: 0, path: "/", secure: web.secure(req), httpOnly: true, sameSite: .lax))
            return r
        }
    }

    /// Where a role starts: a department officer at the measures referred to their department, a child director and
    /// a health worker at the children's cases, everyone else at the register.
    static func home(_ role: Role) -> String {
        switch role {
        case .departmentOfficer: "/measures"
        case .childDirector, .healthWorker: "/children"
        case .volunteerOrgAdmin: "/volunteers"
        case .volunteer: "/me"
        default: "/households"
        }
    }

    func login(_ req: Request, _ ctx: DoudiContext) async throws -> Response {
        let form = try await Form.read(req)
        let username = form["username"] ?? ""
        guard let pre = req.cookies[WebShell.preCookie]?.value, !pre.isEmpty, form["_csrf"] == pre else {
            return try await loginPage(req, error: "表单已过期，请重试 / The form has expired; try again", username: username)
        }
        let account: UserStore.Account
        switch try await limits.logIn(username: username, password: form["password"] ?? "", from: ctx.clientAddress, users: users) {
        case .account(let a): account = a
        case .wrong: return try await loginPage(req, error: web.lang(req).t("wrongLogin"), username: username, status: .unauthorized)
        case .tooMany: return try await loginPage(req, error: web.lang(req).t("tooMany"), username: username, status: .tooManyRequests)
        }
        let session = try await users.startSession(for: account, kind: .web)
        var r = Response.redirect(to: Self.home(account.role), type: .found)
        r.setCookie(Cookie(name: WebShell.sessionCookie, value: session.token, maxAge: Int(UserStore.sessionHours * 3600), path: "/", secure: web.secure(req), httpOnly: true, sameSite: .lax))
        return r
    }

    func loginPage(_ req: Request, error: String?, username: String, status: HTTPResponse.Status = .ok) async throws -> Response {
        let pre = req.cookies[WebShell.preCookie]?.value ?? UUID().uuidString
        var r = try web.page(req, nil, "", status: status, template: "access/login", title: web.lang(req).t("login"), ["error": error as Any, "username": username, "preCsrf": pre])
        r.setCookie(Cookie(name: WebShell.preCookie, value: pre, path: "/login", secure: web.secure(req), httpOnly: true, sameSite: .strict))
        return r
    }
}
