import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The web pages: server-rendered HTML, one small stylesheet, no script needed, Chinese first.
struct Pages: Sendable {
    let services: Services
    let library: MustacheLibrary
    let strings: Strings
    let css: ByteBuffer
    let secureCookies: Bool
    let limits: PublicLimits

    static let sessionCookie = "doudi_session"
    static let preCookie = "doudi_pre"
    static let langCookie = "doudi_lang"

    init(services: Services, secureCookies: Bool, limits: PublicLimits) async throws {
        self.limits = limits
        guard let base = Bundle.module.url(forResource: "Resources", withExtension: nil) else { throw StoreError.badLocation("resources") }
        self.services = services
        self.secureCookies = secureCookies
        library = try await MustacheLibrary(directory: base.appendingPathComponent("templates").path)
        strings = try Strings(Data(contentsOf: base.appendingPathComponent("strings.json")))
        css = ByteBuffer(bytes: try Data(contentsOf: base.appendingPathComponent("static/app.css")))
    }

    func register(on router: Router<DoudiContext>) {
        router.get("/static/app.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=86400"], body: .init(byteBuffer: css))
        }
        router.get("/lang") { req, _ -> Response in
            let to = req.uri.queryParameters["to"].map(String.init) == "en" ? "en" : "zh"
            var r = Response.redirect(to: "/", type: .found)
            r.setCookie(Cookie(name: Self.langCookie, value: to, maxAge: 31_536_000, path: "/", secure: secure(req), httpOnly: true, sameSite: .lax))
            // Back to the same page, on this site only ("//host" would leave it).
            if let back = req.headers[.referer], let u = URL(string: back), u.path.hasPrefix("/"), !u.path.hasPrefix("//") {
                r.headers[.location] = u.path + (u.query.map { "?" + $0 } ?? "")
            }
            return r
        }
        router.get("/") { req, ctx -> Response in
            (try await account(req) != nil) ? .redirect(to: "/households", type: .found) : .redirect(to: "/login", type: .found)
        }
        router.get("/login") { req, _ in try await loginPage(req, error: nil, username: "") }
        router.post("/login") { req, ctx in try await login(req, ctx) }
        router.post("/logout") { req, ctx -> Response in
            let form = try await Form.read(req)
            if let (_, csrf, token) = try await sessionWithToken(req), form["_csrf"] == csrf { try await services.users.endSession(token: token) }
            var r = Response.redirect(to: "/login", type: .found)
            r.setCookie(Cookie(name: Self.sessionCookie, value: "", maxAge: 0, path: "/", secure: secure(req), httpOnly: true, sameSite: .lax))
            return r
        }
        router.get("/households") { req, _ in try await withUser(req) { w in try await householdList(w) } }
        router.get("/households/new") { req, _ in
            try await withUser(req) { w in try await householdForm(w, existing: nil, form: [:], problems: []) }
        }
        router.post("/households/new") { req, _ in try await withUser(req, post: true) { w, form in try await createHousehold(w, form) } }
        router.get("/households/{id}") { req, ctx in
            try await withUser(req) { w in try await householdPage(w, id: ctx.parameters.get("id") ?? "") }
        }
        router.get("/households/{id}/edit") { req, ctx in
            try await withUser(req) { w in
                guard let h = try await services.households.get(ctx.parameters.get("id") ?? "", by: w.actor) else { return try w.notFound() }
                return try await householdForm(w, existing: h, form: Self.form(h.household), problems: [])
            }
        }
        router.post("/households/{id}/edit") { req, ctx in
            try await withUser(req, post: true) { w, form in try await updateHousehold(w, id: ctx.parameters.get("id") ?? "", form) }
        }
        router.post("/households/{id}/members") { req, ctx in
            try await withUser(req, post: true) { w, form in try await addMember(w, id: ctx.parameters.get("id") ?? "", form) }
        }
        router.post("/members/{id}/reveal") { req, ctx in
            try await withUser(req, post: true) { w, _ in
                guard let id = ctx.parameters.get("id", as: Int64.self) else { return try w.notFound() }
                do {
                    let m = try await services.households.reveal(memberID: id, by: w.actor)
                    return try await householdPage(w, id: m.member.householdID, revealed: m.id)
                } catch StoreError.notFound { return try w.notFound() } catch StoreError.forbidden { return try w.forbidden() }
            }
        }
        // Reloading a revealed page, or switching language on it, shows the household masked again.
        router.get("/members/{id}/reveal") { req, ctx in
            try await withUser(req) { w in
                guard let id = ctx.parameters.get("id", as: Int64.self),
                      let hid = try await services.households.householdOf(member: id, by: w.actor) else { return try w.notFound() }
                return .redirect(to: "/households/\(hid)", type: .found)
            }
        }
        router.get("/import") { req, _ in try await withUser(req) { w in try importPage(w, error: nil, report: nil) } }
        router.post("/import") { req, ctx in try await withUser(req) { w in try await importUpload(w, ctx) } }
        router.get("/report") { req, _ in try await reportPage(req, form: [:], problems: []) }
        router.post("/report") { req, ctx in try await submitReport(req, ctx) }
        router.get("/report/status") { req, ctx in try await reportStatus(req, ctx) }
        router.get("/leads") { req, _ in try await withUser(req) { w in try await leadsPage(w) } }
        router.get("/hotline") { req, _ in try await withUser(req) { w in try await hotlinePage(w, form: [:], problems: [], code: nil) } }
        router.post("/hotline") { req, _ in try await withUser(req, post: true) { w, form in try await recordCall(w, form) } }
        router.post("/households/{id}/visits") { req, ctx in
            try await withUser(req, post: true) { w, form in try await recordVisit(w, id: ctx.parameters.get("id") ?? "", form) }
        }
        router.get("/regions") { req, _ in try await withUser(req) { w in try await regionsPage(w) } }
        router.post("/regions") { req, _ in
            try await withUser(req, post: true) { w, form in
                let t = w.t
                guard let code = RegionCode(form["code"] ?? ""), code.level == .village else {
                    return try await regionsPage(w, error: say(Message("请填写12位村级区划代码", "enter a 12-digit village code"), t), status: .unprocessableContent)
                }
                do {
                    try await services.regions.upsert(Region(code: code, name: form["name"] ?? ""), by: w.actor)
                    return try await regionsPage(w, message: "\(t.t("saved")): \(code) \(form["name"] ?? "")")
                } catch StoreError.forbidden { return try w.forbidden() } catch StoreError.invalid(let p) {
                    return try await regionsPage(w, error: p.map { say($0.message, t) }.joined(separator: "；"), status: .unprocessableContent)
                }
            }
        }
        router.get("/audit") { req, _ in try await withUser(req) { w in try await auditPage(w) } }
        registerMonitoring(on: router)
    }

    // MARK: - Sessions

    func secure(_ req: Request) -> Bool { secureCookies || req.headers[.init("X-Forwarded-Proto")!] == "https" }

    func sessionWithToken(_ req: Request) async throws -> (UserStore.Account, String, String)? {
        guard let token = req.cookies[Self.sessionCookie]?.value, !token.isEmpty,
              let (a, csrf) = try await services.users.session(token: token, kind: .web) else { return nil }
        return (a, csrf, token)
    }

    func account(_ req: Request) async throws -> UserStore.Account? { try await sessionWithToken(req)?.0 }

    /// A page for a logged-in user; others go to the login page.
    func withUser(_ req: Request, _ body: (Web) async throws -> Response) async throws -> Response {
        guard let (a, csrf, _) = try await sessionWithToken(req) else { return .redirect(to: "/login", type: .found) }
        return try await body(Web(req: req, account: a, csrf: csrf, t: lang(req), pages: self))
    }

    /// A form post: the session's CSRF token must come back with it.
    func withUser(_ req: Request, post: Bool, _ body: (Web, Form) async throws -> Response) async throws -> Response {
        try await withUser(req) { w in
            let form = try await Form.read(req)
            guard form["_csrf"] == w.csrf else {
                return try w.message(status: .forbidden, title: "CSRF", text: "表单已过期，请返回重试 / The form has expired; go back and try again")
            }
            return try await body(w, form)
        }
    }

    func login(_ req: Request, _ ctx: DoudiContext) async throws -> Response {
        let form = try await Form.read(req)
        let username = form["username"] ?? ""
        guard let pre = req.cookies[Self.preCookie]?.value, !pre.isEmpty, form["_csrf"] == pre else {
            return try await loginPage(req, error: "表单已过期，请重试 / The form has expired; try again", username: username)
        }
        let account: UserStore.Account
        switch try await limits.logIn(username: username, password: form["password"] ?? "", from: ctx.clientAddress, users: services.users) {
        case .account(let a): account = a
        case .wrong: return try await loginPage(req, error: lang(req).t("wrongLogin"), username: username, status: .unauthorized)
        case .tooMany: return try await loginPage(req, error: lang(req).t("tooMany"), username: username, status: .tooManyRequests)
        }
        let session = try await services.users.startSession(for: account, kind: .web)
        var r = Response.redirect(to: "/households", type: .found)
        r.setCookie(Cookie(name: Self.sessionCookie, value: session.token, maxAge: Int(UserStore.sessionHours * 3600), path: "/", secure: secure(req), httpOnly: true, sameSite: .lax))
        return r
    }

    func loginPage(_ req: Request, error: String?, username: String, status: HTTPResponse.Status = .ok) async throws -> Response {
        let pre = req.cookies[Self.preCookie]?.value ?? UUID().uuidString
        var r = try page(req, nil, "", status: status, template: "login", title: lang(req).t("login"), ["error": error as Any, "username": username, "preCsrf": pre])
        r.setCookie(Cookie(name: Self.preCookie, value: pre, path: "/login", secure: secure(req), httpOnly: true, sameSite: .strict))
        return r
    }
}
