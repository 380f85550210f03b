import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// What every page shares: templates and strings, the stylesheet, the language, sessions and their CSRF
/// tokens, and the layout a page is rendered in. Each capability's pages are given one.
struct WebShell: Sendable {
    let library: MustacheLibrary
    let strings: Strings
    let css: ByteBuffer
    /// The scripts, each served by Doudi: an upload's progress, the helper's visits offline, and their service worker.
    let scripts: [String: ByteBuffer]
    let secureCookies: Bool
    let users: UserStore
    let clock: Clock

    static let sessionCookie = "doudi_session"
    static let preCookie = "doudi_pre"
    static let langCookie = "doudi_lang"

    init(users: UserStore, clock: Clock, secureCookies: Bool) async throws {
        guard let base = Bundle.module.url(forResource: "Resources", withExtension: nil) else { throw StoreError.badLocation("resources") }
        self.users = users
        self.clock = clock
        self.secureCookies = secureCookies
        library = try await MustacheLibrary(directory: base.appendingPathComponent("templates").path)
        strings = try Strings(directory: base.appendingPathComponent("strings"))
        css = ByteBuffer(bytes: try Data(contentsOf: base.appendingPathComponent("static/app.css")))
        scripts = try Dictionary(uniqueKeysWithValues: ["upload.js", "visits.js", "sw.js"].map { name in
            (name, ByteBuffer(bytes: try Data(contentsOf: base.appendingPathComponent("static/\(name)"))))
        })
    }

    /// The stylesheet and the language switch.
    func register(on router: Router<DoudiContext>) {
        router.get("/static/app.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=86400"], body: .init(byteBuffer: css))
        }
        // Scripts: an upload's progress, and the helper's visits kept and sent when the network returns. Every page
        // works without them.
        for name in ["upload.js", "visits.js"] {
            router.get("/static/\(name)") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=86400"], body: .init(byteBuffer: scripts[name]!))
            }
        }
        // The service worker sits at the root (its scope is /visits) and is checked for a new version at every visit.
        router.get("/sw.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-cache"], body: .init(byteBuffer: scripts["sw.js"]!))
        }
        router.get("/lang") { req, _ -> Response in
            let to = req.uri.queryParameters["to"].map(String.init) == "en" ? "en" : "zh"
            var r = Response.redirect(to: "/", type: .found)
            r.setCookie(Cookie(name: WebShell.langCookie, value: to, maxAge: 31_536_000, path: "/", secure: secure(req), httpOnly: true, sameSite: .lax))
            // Back to the same page, on this site only ("//host" would leave it).
            if let back = req.headers[.referer], let u = URL(string: back), u.path.hasPrefix("/"), !u.path.hasPrefix("//") {
                r.headers[.location] = u.path + (u.query.map { "?" + $0 } ?? "")
            }
            return r
        }
    }

    /// A template that is not there is an error (a 500 and a log line), never an empty page.
    struct MissingTemplate: Error, CustomStringConvertible {
        let name: String
        var description: String { "no template \(name).mustache" }
    }

    func secure(_ req: Request) -> Bool { secureCookies || req.headers[.init("X-Forwarded-Proto")!] == "https" }

    func sessionWithToken(_ req: Request) async throws -> (UserStore.Account, String, String)? {
        guard let token = req.cookies[WebShell.sessionCookie]?.value, !token.isEmpty,
              let (a, csrf) = try await users.session(token: token, kind: .web) else { return nil }
        return (a, csrf, token)
    }

    func account(_ req: Request) async throws -> UserStore.Account? { try await sessionWithToken(req)?.0 }

    /// A page for a logged-in user; others go to the login page.
    func withUser(_ req: Request, _ body: (Web) async throws -> Response) async throws -> Response {
        guard let (a, csrf, _) = try await sessionWithToken(req) else { return .redirect(to: "/login", type: .found) }
        return try await body(Web(req: req, account: a, csrf: csrf, t: lang(req), shell: self))
    }

    /// A form post: the session's CSRF token must come back with it. `upTo`: the largest body (a form with photos).
    func withUser(_ req: Request, post: Bool, upTo limit: Int = 1 << 20, _ body: (Web, Form) async throws -> Response) async throws -> Response {
        try await withUser(req) { w in
            let form = try await Form.read(req, upTo: limit)
            guard form["_csrf"] == w.csrf else {
                return try w.message(status: .forbidden, title: "CSRF", text: "表单已过期，请返回重试 / The form has expired; go back and try again")
            }
            return try await body(w, form)
        }
    }

    func render(_ context: [String: Any], _ template: String) throws -> String {
        guard let html = library.render(context, withTemplate: template) else { throw MissingTemplate(name: template) }
        return html
    }

    func lang(_ req: Request) -> Strings.Table { strings.table(req.cookies[WebShell.langCookie]?.value == "en" ? "en" : "zh") }

    func page(_ req: Request, _ a: UserStore.Account?, _ csrf: String, status: HTTPResponse.Status = .ok, template: String, title: String,
              _ data: [String: Any]) throws -> Response {
        let t = lang(req)
        var context = Self.withoutNils(data)
        context["t"] = t.values
        context["csrf"] = csrf
        // Whether links into the register lead anywhere for this reader (not for the hotline: one person by ID).
        context["canBrowse"] = a?.role.may(.browseRegister) ?? false
        let content = try render(context, template)
        var layout: [String: Any] = ["t": t.values, "title": title, "content": content, "lang": t.code == "en" ? "en" : "zh-Hans",
                                     "otherLang": t.code == "en" ? "zh" : "en"]
        if let a {
            layout["user"] = ["username": a.username, "roleName": t.code == "en" ? a.role.english : a.role.chinese, "csrf": csrf,
                              "canWrite": a.role.may(.writeRegister), "canAudit": a.role.may(.readAudit),
                              "canRegions": a.role.may(.manageRegions), "canUsers": a.role.may(.manageUsers), "canLeads": a.role.may(.readRegister),
                              "canEpisodes": a.role.may(.browseRegister),
                              "isHotline": a.role == .hotlineOperator, "canChildren": ChildAccess.mayOpen(a.role), "isAdmin": a.role == .admin, "isDepartment": a.role == .departmentOfficer,
                              "canVolunteers": VolunteerAccess.mayReadTasks(a.role), "isVolunteer": a.role == .volunteer] as [String: Any]
        }
        let html = try render(layout, "layout")
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Mustache would print an absent optional as "nil": drop them, so `{{#error}}` sections stay closed.
    static func withoutNils(_ d: [String: Any]) -> [String: Any] {
        var out: [String: Any] = [:]
        for (k, v) in d {
            let m = Mirror(reflecting: v)
            if m.displayStyle == .optional {
                guard let inner = m.children.first?.value else { continue }
                out[k] = (inner as? [String: Any]).map(withoutNils) ?? inner
            } else if let nested = v as? [String: Any] {
                out[k] = withoutNils(nested)
            } else if let list = v as? [[String: Any]] {
                out[k] = list.map(withoutNils)
            } else {
                out[k] = v
            }
        }
        return out
    }
}
