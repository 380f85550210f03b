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
        router.get("/households") { req, _ in try await withUser(req) { a, csrf in try await householdList(req, a, csrf) } }
        router.get("/households/new") { req, _ in
            try await withUser(req) { a, csrf in try await householdForm(req, a, csrf, existing: nil, form: [:], problems: []) }
        }
        router.post("/households/new") { req, _ in try await withUser(req, post: true) { a, csrf, form in try await createHousehold(req, a, csrf, form) } }
        router.get("/households/{id}") { req, ctx in
            try await withUser(req) { a, csrf in try await householdPage(req, a, csrf, id: ctx.parameters.get("id") ?? "") }
        }
        router.get("/households/{id}/edit") { req, ctx in
            try await withUser(req) { a, csrf in
                guard let h = try await services.households.get(ctx.parameters.get("id") ?? "", by: a.actor) else { return try notFound(req, a, csrf) }
                return try await householdForm(req, a, csrf, existing: h, form: Self.form(h.household), problems: [])
            }
        }
        router.post("/households/{id}/edit") { req, ctx in
            try await withUser(req, post: true) { a, csrf, form in try await updateHousehold(req, a, csrf, id: ctx.parameters.get("id") ?? "", form) }
        }
        router.post("/households/{id}/members") { req, ctx in
            try await withUser(req, post: true) { a, csrf, form in try await addMember(req, a, csrf, id: ctx.parameters.get("id") ?? "", form) }
        }
        router.post("/members/{id}/reveal") { req, ctx in
            try await withUser(req, post: true) { a, csrf, _ in
                guard let id = ctx.parameters.get("id", as: Int64.self) else { return try notFound(req, a, csrf) }
                do {
                    let m = try await services.households.reveal(memberID: id, by: a.actor)
                    return try await householdPage(req, a, csrf, id: m.member.householdID, revealed: m.id)
                } catch StoreError.notFound { return try notFound(req, a, csrf) } catch StoreError.forbidden { return try forbidden(req, a, csrf) }
            }
        }
        // Reloading a revealed page, or switching language on it, shows the household masked again.
        router.get("/members/{id}/reveal") { req, ctx in
            try await withUser(req) { a, csrf in
                guard let id = ctx.parameters.get("id", as: Int64.self),
                      let hid = try await services.households.householdOf(member: id, by: a.actor) else { return try notFound(req, a, csrf) }
                return .redirect(to: "/households/\(hid)", type: .found)
            }
        }
        router.get("/import") { req, _ in try await withUser(req) { a, csrf in try importPage(req, a, csrf, error: nil, report: nil) } }
        router.post("/import") { req, ctx in try await importUpload(req, ctx) }
        router.get("/report") { req, _ in try await reportPage(req, form: [:], problems: []) }
        router.post("/report") { req, ctx in try await submitReport(req, ctx) }
        router.get("/report/status") { req, ctx in try await reportStatus(req, ctx) }
        router.get("/leads") { req, _ in try await withUser(req) { a, csrf in try await leadsPage(req, a, csrf) } }
        router.get("/hotline") { req, _ in try await withUser(req) { a, csrf in try await hotlinePage(req, a, csrf, form: [:], problems: [], code: nil) } }
        router.post("/hotline") { req, _ in try await withUser(req, post: true) { a, csrf, form in try await recordCall(req, a, csrf, form) } }
        router.post("/households/{id}/visits") { req, ctx in
            try await withUser(req, post: true) { a, csrf, form in try await recordVisit(req, a, csrf, id: ctx.parameters.get("id") ?? "", form) }
        }
        router.get("/regions") { req, _ in try await withUser(req) { a, csrf in try await regionsPage(req, a, csrf) } }
        router.post("/regions") { req, _ in
            try await withUser(req, post: true) { a, csrf, form in
                let t = lang(req)
                guard let code = RegionCode(form["code"] ?? ""), code.level == .village else {
                    return try await regionsPage(req, a, csrf, error: say(Message("请填写12位村级区划代码", "enter a 12-digit village code"), t), status: .unprocessableContent)
                }
                do {
                    try await services.regions.upsert(Region(code: code, name: form["name"] ?? ""), by: a.actor)
                    return try await regionsPage(req, a, csrf, message: "\(t.t("saved")): \(code) \(form["name"] ?? "")")
                } catch StoreError.forbidden { return try forbidden(req, a, csrf) } catch StoreError.invalid(let p) {
                    return try await regionsPage(req, a, csrf, error: p.map { say($0.message, t) }.joined(separator: "；"), status: .unprocessableContent)
                }
            }
        }
        router.get("/audit") { req, _ in try await withUser(req) { a, csrf in try await auditPage(req, a, csrf) } }
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
    func withUser(_ req: Request, _ body: (UserStore.Account, String) async throws -> Response) async throws -> Response {
        guard let (a, csrf, _) = try await sessionWithToken(req) else { return .redirect(to: "/login", type: .found) }
        return try await body(a, csrf)
    }

    /// A form post: the session's CSRF token must come back with it.
    func withUser(_ req: Request, post: Bool, _ body: (UserStore.Account, String, Form) async throws -> Response) async throws -> Response {
        guard let (a, csrf, _) = try await sessionWithToken(req) else { return .redirect(to: "/login", type: .found) }
        let form = try await Form.read(req)
        guard form["_csrf"] == csrf else { return try page(req, a, csrf, status: .forbidden, template: "message", title: lang(req).t("forbidden"), ["title": "CSRF", "text": "表单已过期，请返回重试 / The form has expired; go back and try again"]) }
        return try await body(a, csrf, form)
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

    // MARK: - Leads, hotline, visits

    /// The risk kinds a form offers: the catalogue of the region's policy this year, plus any already chosen.
    func kinds(_ t: Strings.Table, selected: [String] = [], region: RegionCode) async throws -> [[String: Any]] {
        let offered = try await services.policy.policy(region: region, year: Clock.today().year).riskKinds
        return RiskKind.allCases.filter { offered.contains($0) || selected.contains($0.rawValue) }
            .map { ["value": $0.rawValue, "label": t.code == "en" ? $0.rawValue : $0.chinese, "selected": selected.contains($0.rawValue)] }
    }

    func leadsPage(_ req: Request, _ a: UserStore.Account, _ csrf: String) async throws -> Response {
        let t = lang(req)
        guard a.role.may(.readRegister) else { return try forbidden(req, a, csrf) }
        let leads = try await services.leads.leads(by: a.actor, status: nil, limit: 200)
        let names = try await services.regions.villageLabels(leads.compactMap { RegionCode(value: UInt64($0.region)) })
        let fmt = ISO8601DateFormatter()
        fmt.timeZone = TimeZone(identifier: "Asia/Shanghai")
        fmt.formatOptions = [.withFullDate]
        let en = t.code == "en"
        return try page(req, a, csrf, template: "leads", title: t.t("leads"), ["leads": leads.map { l in
            ["id": l.id, "at": fmt.string(from: Date(timeIntervalSince1970: Double(l.createdAt) / 1000)),
             "channel": LeadChannel(rawValue: l.channel).map { en ? $0.rawValue : $0.chinese } ?? l.channel,
             "name": l.name, "household": l.householdID as Any, "rid": Masking.residentID(l.residentID),
             "region": RegionCode(value: UInt64(l.region)).flatMap { names[$0] } ?? "",
             "kinds": l.riskKinds.split(separator: ",").map { k in RiskKind(rawValue: String(k)).map { en ? $0.rawValue : $0.chinese } ?? String(k) }.joined(separator: "、"),
             "status": LeadStatus(rawValue: l.status).map { en ? $0.rawValue : $0.chinese } ?? l.status,
             "due": l.status == LeadStatus.open.rawValue ? l.verification.due(createdOn: l.createdOn).description : "",
             "overdue": l.status == LeadStatus.open.rawValue && Clock.today() > l.verification.due(createdOn: l.createdOn)] as [String: Any]
        }])
    }

    func hotlinePage(_ req: Request, _ a: UserStore.Account, _ csrf: String, form: Form, problems: [FieldProblem], code: String?,
                     status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = lang(req)
        guard a.role == .hotlineOperator || a.role.may(.writeRegister) else { return try forbidden(req, a, csrf) }
        return try page(req, a, csrf, status: status, template: "hotline", title: t.t("hotline"), [
            "code": code as Any, "form": code == nil ? form.values : [:], "problems": problems.map { "\($0.field): \(say($0.message, t))" },
            "hasProblems": !problems.isEmpty, "villages": try await villages(a, selected: RegionCode(form["regionCode"] ?? "")),
            "kinds": try await kinds(t, selected: code == nil ? form.all["riskKinds"] ?? [] : [], region: a.region)])
    }

    func recordCall(_ req: Request, _ a: UserStore.Account, _ csrf: String, _ form: Form) async throws -> Response {
        let call = HotlineCall(caller: form["caller"] ?? "", callbackNumber: form["callbackNumber"] ?? "", residentID: form["residentId"] ?? "",
                               name: form["name"] ?? "", regionCode: form["regionCode"] ?? "", riskKinds: form.all["riskKinds"] ?? [], notes: form["notes"] ?? "")
        switch call.check(today: Clock.today()) {
        case .failure(let p): return try await hotlinePage(req, a, csrf, form: form, problems: p.problems, code: nil, status: .unprocessableContent)
        case .success(let checked):
            do {
                let code = try await services.leads.recordCall(checked, by: a.actor)
                return try await hotlinePage(req, a, csrf, form: [:], problems: [], code: code, status: .created)
            } catch let e as StoreError {
                return try await hotlinePage(req, a, csrf, form: form, problems: Self.problems(e), code: nil, status: .unprocessableContent)
            }
        }
    }

    func recordVisit(_ req: Request, _ a: UserStore.Account, _ csrf: String, id: String, _ form: Form) async throws -> Response {
        let t = lang(req)
        let visit = Visit(date: form["date"] ?? "", findings: form["findings"] ?? "", riskKinds: form.all["riskKinds"] ?? [], hardship: form["hardship"] == "1")
        switch visit.check(today: Clock.today()) {
        case .failure(let p):
            var r = try await householdPage(req, a, csrf, id: id, error: p.problems.map { "\($0.field): \(say($0.message, t))" }.joined(separator: "；"))
            r.status = .unprocessableContent
            return r
        case .success(let checked):
            do {
                let code = try await services.leads.recordVisit(checked, householdID: id, by: a.actor)
                return try await householdPage(req, a, csrf, id: id, visitMessage: code.map { "\(t.t("visitLead")) \($0)" } ?? t.t("visitSaved"))
            } catch StoreError.notFound { return try notFound(req, a, csrf) } catch StoreError.forbidden { return try forbidden(req, a, csrf) }
        }
    }

    // MARK: - 一键报贫, the public side (no login)

    func reportPage(_ req: Request, form: Form, problems: [FieldProblem], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = lang(req)
        let pre = req.cookies[Self.preCookie]?.value ?? UUID().uuidString
        var data: [String: Any] = ["preCsrf": pre, "problems": problems.map { say($0.message, t) }, "hasProblems": !problems.isEmpty,
                                   "form": form.values]
        if let tw = RegionCode(form["township"] ?? req.uri.queryParameters["township"].map(String.init) ?? ""), tw.level == .township {
            let villages = try await services.regions.children(of: tw)
            data["township"] = tw.description
            data["villages"] = villages.map { ["code": $0.code.description, "name": $0.name, "selected": $0.code.description == form["regionCode"]] as [String: Any] }
            data["kinds"] = try await kinds(t, selected: form.all["riskKinds"] ?? [], region: tw)
        } else {
            data["townships"] = try await services.regions.townshipsWithVillages().map { ["code": $0.code.description, "name": $0.name] }
        }
        var r = try page(req, nil, "", status: status, template: "report", title: t.t("selfReport"), data)
        r.setCookie(Cookie(name: Self.preCookie, value: pre, path: "/report", secure: secure(req), httpOnly: true, sameSite: .strict))
        return r
    }

    func submitReport(_ req: Request, _ ctx: DoudiContext) async throws -> Response {
        let t = lang(req)
        let form = try await Form.read(req)
        guard let pre = req.cookies[Self.preCookie]?.value, !pre.isEmpty, form["_csrf"] == pre else {
            return try await reportPage(req, form: form, problems: [FieldProblem("", Message("表单已过期，请重试", "the form has expired; try again"))], status: .forbidden)
        }
        let report = SelfReport(name: form["name"] ?? "", residentID: form["residentId"] ?? "", mobile: form["mobile"] ?? "",
                                regionCode: form["regionCode"] ?? "", riskKinds: form.all["riskKinds"] ?? [], description: form["description"] ?? "",
                                consent: form["consent"] == "1")
        switch try await limits.submit(report, from: ctx.clientAddress, leads: services.leads, today: Clock.today()) {
        case .created(let code):
            return try page(req, nil, "", status: .created, template: "reportdone", title: t.t("reportReceived"), ["code": code])
        case .invalid(let p):
            return try await reportPage(req, form: form, problems: p, status: .unprocessableContent)
        case .tooMany:
            return try await reportPage(req, form: form, problems: [FieldProblem("", PublicLimits.tooMany)], status: .tooManyRequests)
        }
    }

    func reportStatus(_ req: Request, _ ctx: DoudiContext) async throws -> Response {
        let t = lang(req)
        let q = req.uri.queryParameters
        let code = (q["code"].map(String.init) ?? "").uppercased(), mobile = q["mobile"].map(String.init) ?? ""
        var data: [String: Any] = ["code": code]
        if !code.isEmpty {
            switch try await limits.lookUp(code: code, mobile: mobile, from: ctx.clientAddress, leads: services.leads) {
            case .found(let status): data["status"] = t.code == "en" ? status.rawValue : status.chinese
            case .notFound: data["error"] = t.t("notFoundCode")
            case .tooMany:
                return try page(req, nil, "", status: .tooManyRequests, template: "reportstatus", title: t.t("checkStatus"), ["error": t.t("tooMany")])
            }
        }
        return try page(req, nil, "", template: "reportstatus", title: t.t("checkStatus"), data)
    }

    // MARK: - Rendering

    /// A template that is not there is an error (a 500 and a log line), never an empty page.
    struct MissingTemplate: Error, CustomStringConvertible {
        let name: String
        var description: String { "no template \(name).mustache" }
    }

    func render(_ context: [String: Any], _ template: String) throws -> String {
        guard let html = library.render(context, withTemplate: template) else { throw MissingTemplate(name: template) }
        return html
    }

    func lang(_ req: Request) -> Strings.Table { strings.table(req.cookies[Self.langCookie]?.value == "en" ? "en" : "zh") }

    func page(_ req: Request, _ a: UserStore.Account?, _ csrf: String, status: HTTPResponse.Status = .ok, template: String, title: String,
              _ data: [String: Any]) throws -> Response {
        let t = lang(req)
        var context = Self.withoutNils(data)
        context["t"] = t.values
        context["csrf"] = csrf
        let content = try render(context, template)
        var layout: [String: Any] = ["t": t.values, "title": title, "content": content, "lang": t.code == "en" ? "en" : "zh-Hans",
                                     "otherLang": t.code == "en" ? "zh" : "en"]
        if let a {
            layout["user"] = ["username": a.username, "roleName": t.code == "en" ? a.role.english : a.role.chinese, "csrf": csrf,
                              "canWrite": a.role.may(.writeRegister), "canAudit": a.role.may(.readAudit),
                              "canRegions": a.role.may(.manageRegions), "canLeads": a.role.may(.readRegister),
                              "isHotline": a.role == .hotlineOperator, "isAdmin": a.role == .admin] as [String: Any]
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

    func notFound(_ req: Request, _ a: UserStore.Account, _ csrf: String) throws -> Response {
        let t = lang(req)
        return try page(req, a, csrf, status: .notFound, template: "message", title: t.t("notFound"), ["title": t.t("notFound"), "text": t.t("notFound")])
    }

    func forbidden(_ req: Request, _ a: UserStore.Account, _ csrf: String) throws -> Response {
        let t = lang(req)
        return try page(req, a, csrf, status: .forbidden, template: "message", title: t.t("forbidden"), ["title": t.t("forbidden"), "text": t.t("forbidden")])
    }

    static func options<E: CodeNamed>(_: E.Type, selected: String?, t: Strings.Table) -> [[String: Any]] {
        E.allCases.map { e in ["value": e.rawValue, "label": t.code == "en" ? e.rawValue : e.chinese, "selected": e.rawValue == selected] }
    }

    static func allOptions(_ form: Form, t: Strings.Table) -> [String: Any] {
        ["relation": options(Relation.self, selected: form["relation"] ?? "head", t: t),
         "laborAbility": options(LaborAbility.self, selected: form["laborAbility"] ?? "full", t: t),
         "health": options(HealthStatus.self, selected: form["health"] ?? "healthy", t: t),
         "schooling": options(Schooling.self, selected: form["schooling"] ?? "notInSchool", t: t),
         "employment": options(Employment.self, selected: form["employment"] ?? "notApplicable", t: t),
         "childCategory": options(ChildCategory.self, selected: form["childCategory"], t: t),
         "povertyStatus": options(PovertyStatus.self, selected: form["povertyStatus"] ?? "none", t: t)]
    }

    func say(_ m: Message, _ t: Strings.Table) -> String { t.code == "en" ? m.en : m.zh }

    // MARK: - Register pages

    func householdList(_ req: Request, _ a: UserStore.Account, _ csrf: String) async throws -> Response {
        let t = lang(req)
        guard a.role.may(.readRegister) else { return try forbidden(req, a, csrf) }
        let q = req.uri.queryParameters
        let text = q["q"].map(String.init) ?? ""
        let ridText = (q["rid"].map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
        let regionText = q["region"].map(String.init) ?? ""
        let pageNo = max(0, Int(q["page"].map(String.init) ?? "0") ?? 0)
        var rid: ResidentID?
        var error: String?
        if !ridText.isEmpty {
            do { rid = try ResidentID(ridText) } catch let problem { error = say(problem.message, t) }
        }
        let region = RegionCode(regionText)
        var total = 0
        var items: [[String: Any]] = []
        if error == nil {
            let page = try await services.households.search(by: a.actor, text: text, residentID: rid, region: region, limit: 50, offset: pageNo * 50)
            total = page.total
            let names = try await services.regions.villageLabels(page.items.compactMap { RegionCode(value: UInt64($0.region)) })
            items = page.items.map { s in
                ["id": s.id, "head": s.headName ?? "", "rid": s.headResidentID.map(Masking.residentID) ?? "",
                 "region": RegionCode(value: UInt64(s.region)).flatMap { names[$0] } ?? "", "count": s.memberCount]
            }
        }
        let regions = try await scopeRegions(a, selected: region)
        func link(_ p: Int) -> String {
            var c = URLComponents()
            c.queryItems = [.init(name: "q", value: text), .init(name: "rid", value: ridText), .init(name: "region", value: regionText), .init(name: "page", value: String(p))]
            return "/households?" + (c.percentEncodedQuery ?? "")
        }
        return try page(req, a, csrf, template: "households", title: t.t("households"), [
            "q": text, "rid": ridText, "error": error as Any, "total": total, "items": items, "regions": regions,
            "prev": pageNo > 0 ? link(pageNo - 1) : false, "next": (pageNo + 1) * 50 < total ? link(pageNo + 1) : false])
    }

    /// The townships and villages a user can filter by.
    /// The townships and villages a user can filter by: those of the user's region down to two levels below it.
    func scopeRegions(_ a: UserStore.Account, selected: RegionCode?) async throws -> [[String: Any]] {
        let deepest = RegionCode.Level(rawValue: min(RegionCode.Level.village.rawValue, a.region.level.rawValue + 2))!
        guard !a.region.isCountry, deepest >= .township else { return [] }
        return try await services.regions.regions(in: a.region, levels: RegionCode.Level.township...deepest).map { r in
            ["code": r.code.description, "name": (r.level == .village && r.code != a.region ? "— " : "") + r.name, "selected": r.code == selected]
        }
    }

    func villages(_ a: UserStore.Account, selected: RegionCode?) async throws -> [[String: Any]] {
        try await services.regions.villageLabels(in: a.region).prefix(5_000).map { v in
            ["code": v.code.description, "name": v.label, "selected": v.code == selected] as [String: Any]
        }
    }

    func householdPage(_ req: Request, _ a: UserStore.Account, _ csrf: String, id: String, revealed: Int64? = nil,
                       message: String? = nil, error: String? = nil, form: Form = [:], visitMessage: String? = nil) async throws -> Response {
        let t = lang(req)
        guard let h = try await services.households.get(id, by: a.actor) else { return try notFound(req, a, csrf) }
        let en = t.code == "en"
        func label<E: CodeNamed>(_ e: E) -> String { en ? e.rawValue : e.chinese }
        let path = try await services.regions.path(h.household.regionCode).filter { $0.level >= .township }.map(\.name).joined(separator: " ")
        let members: [[String: Any]] = h.members.map { s in
            let m = s.member
            let show = s.id == revealed
            return ["id": s.id, "name": m.name, "relation": label(m.relation), "rid": show ? m.residentID.text : m.residentID.masked,
                    "sex": label(m.sex), "birth": show ? m.birthDate.description : Masking.birthDate(m.birthDate), "labor": label(m.laborAbility), "health": label(m.health),
                    "grade": m.disabilityGrade.map { String($0) } as Any, "schooling": label(m.schooling), "employment": label(m.employment),
                    "phone": (show ? m.phone : m.maskedPhone) ?? "", "child": m.childCategory.map(label) as Any,
                    "revealed": show, "canReveal": a.role.may(.revealPersonalData), "csrf": csrf]
        }
        let hh = h.household
        return try page(req, a, csrf, template: "household", title: "\(t.t("householdId")) \(hh.id)", [
            "h": ["id": hh.id, "region": path, "regionCode": hh.regionCode.description, "poverty": label(hh.povertyStatus),
                  "dibao": t.t(hh.dibao ? "yes" : "no"), "nearDibao": t.t(hh.nearDibao ? "yes" : "no"),
                  "extremeHardship": t.t(hh.extremeHardship ? "yes" : "no"), "income": hh.incomePerCapita, "address": hh.address],
            "members": members, "canWrite": a.role.may(.writeRegister), "message": message as Any, "error": error as Any,
            "form": form.values, "options": Self.allOptions(form, t: t), "visitMessage": visitMessage as Any,
            "today": Clock.today().description, "kinds": try await kinds(t, region: hh.regionCode),
            "episodes": try await services.episodes.episodes(by: a.actor, statuses: [], householdID: hh.id).map { e in
                ["id": e.id, "status": label(EpisodeStatus(rawValue: e.status) ?? .identifying), "type": MonitoringType(rawValue: e.monitoringType).map(label) ?? e.monitoringType,
                 "foundOn": e.foundOn.description] as [String: Any]
            }])
    }

    static func form(_ h: Household) -> Form {
        Form(values: ["regionCode": h.regionCode.description, "povertyStatus": h.povertyStatus.rawValue, "incomePerCapita": String(h.incomePerCapita),
                      "address": h.address, "dibao": h.dibao ? "1" : "", "nearDibao": h.nearDibao ? "1" : "", "extremeHardship": h.extremeHardship ? "1" : ""])
    }

    func householdForm(_ req: Request, _ a: UserStore.Account, _ csrf: String, existing: StoredHousehold?, form: Form, problems: [FieldProblem],
                       status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = lang(req)
        guard a.role.may(.writeRegister) else { return try forbidden(req, a, csrf) }
        var f = form.values
        for k in ["dibao", "nearDibao", "extremeHardship"] { f[k] = form[k] == "1" ? "1" : nil }
        let title = existing.map { "\(t.t("edit")) \($0.household.id)" } ?? t.t("newHousehold")
        return try page(req, a, csrf, status: status, template: "householdform", title: title, [
            "title": title, "isNew": existing == nil, "action": existing.map { "/households/\($0.household.id)/edit" } ?? "/households/new",
            "villages": try await villages(a, selected: RegionCode(form["regionCode"] ?? "")), "form": f as [String: Any],
            "options": Self.allOptions(form, t: t), "problems": problems.map { "\($0.field): \(say($0.message, t))" }, "hasProblems": !problems.isEmpty])
    }

    /// The household fields of a form, with every problem found: the form's own text turned into the API's
    /// fields, then the API's checks.
    static func household(id: String, _ form: Form, _ problems: inout [FieldProblem]) -> Household? {
        guard RegionCode(form["regionCode"] ?? "") != nil else {
            if let p = Household.idProblem(id) { problems.append(FieldProblem("householdId", p.message)) }
            problems.append(FieldProblem("regionCode", Message("请选择村（社区）", "choose a village")))
            return nil
        }
        let incomeText = (form["incomePerCapita"] ?? "").trimmingCharacters(in: .whitespaces)
        let income = incomeText.isEmpty ? 0 : Int(incomeText)
        guard let income, income >= 0 else {
            if let p = Household.idProblem(id) { problems.append(FieldProblem("householdId", p.message)) }
            problems.append(FieldProblem("incomePerCapita", Message("人均纯收入应为不小于0的整数", "income per capita is a whole number of yuan, 0 or more")))
            return nil
        }
        let fields = Components.Schemas.HouseholdFields(
            regionCode: form["regionCode"] ?? "", povertyStatus: form["povertyStatus"], dibao: form["dibao"] == "1", nearDibao: form["nearDibao"] == "1",
            extremeHardship: form["extremeHardship"] == "1", incomePerCapita: income, address: form["address"] ?? "")
        return APIHandlers.household(id: id, fields, &problems)
    }

    static func memberInput(_ form: Form) -> Components.Schemas.MemberInput {
        .init(residentId: (form["residentId"] ?? "").trimmingCharacters(in: .whitespaces), name: form["name"], relation: form["relation"] ?? "",
              laborAbility: form["laborAbility"] ?? "", health: form["health"], disabilityGrade: form["disabilityGrade"].flatMap { Int($0) },
              schooling: form["schooling"], employment: form["employment"], phone: form["phone"], childCategory: form["childCategory"])
    }

    func createHousehold(_ req: Request, _ a: UserStore.Account, _ csrf: String, _ form: Form) async throws -> Response {
        var problems: [FieldProblem] = []
        let id = (form["householdId"] ?? "").trimmingCharacters(in: .whitespaces)
        let household = Self.household(id: id, form, &problems)
        let head = APIHandlers.member(Self.memberInput(form), householdID: id, index: nil, &problems)
        if let household, let head, problems.isEmpty {
            do {
                let stored = try await services.households.create(HouseholdRecord(household: household, members: [head]), by: a.actor)
                return .redirect(to: "/households/\(stored.household.id)", type: .normal)
            } catch let e as StoreError {
                problems = Self.problems(e)
            }
        }
        return try await householdForm(req, a, csrf, existing: nil, form: form, problems: problems, status: .unprocessableContent)
    }

    static func problems(_ e: StoreError) -> [FieldProblem] {
        switch e {
        case .invalid(let p): p
        case .householdExists(let id): [FieldProblem("householdId", Message("户编号\(id)已存在", "household id \(id) already exists"))]
        case .personInOtherHousehold(let other):
            [FieldProblem("residentId", Message("此人已登记在户\(other)中，一人只能属于一户", "this person is already registered in household \(other); a person belongs to one household only"))]
        case .forbidden: [FieldProblem("regionCode", Message("该村不在您的辖区内或您无权修改", "that village is outside your region, or your role may not change it"))]
        case .notFound: [FieldProblem("householdId", Message("记录不存在或不在您的辖区内", "no such record in your region"))]
        default: [FieldProblem("", Message("保存失败", "could not save"))]
        }
    }

    func updateHousehold(_ req: Request, _ a: UserStore.Account, _ csrf: String, id: String, _ form: Form) async throws -> Response {
        guard let existing = try await services.households.get(id, by: a.actor) else { return try notFound(req, a, csrf) }
        var problems: [FieldProblem] = []
        if let h = Self.household(id: id, form, &problems), problems.isEmpty {
            do {
                _ = try await services.households.update(h, by: a.actor)
                return .redirect(to: "/households/\(id)", type: .normal)
            } catch let e as StoreError { problems = Self.problems(e) }
        }
        return try await householdForm(req, a, csrf, existing: existing, form: form, problems: problems, status: .unprocessableContent)
    }

    func addMember(_ req: Request, _ a: UserStore.Account, _ csrf: String, id: String, _ form: Form) async throws -> Response {
        let t = lang(req)
        var problems: [FieldProblem] = []
        if let m = APIHandlers.member(Self.memberInput(form), householdID: id, index: nil, &problems), problems.isEmpty {
            do {
                _ = try await services.households.addMember(m, by: a.actor)
                return .redirect(to: "/households/\(id)", type: .normal)
            } catch StoreError.notFound { return try notFound(req, a, csrf) } catch let e as StoreError { problems = Self.problems(e) }
        }
        let text = problems.map { "\($0.field): \(say($0.message, t))" }.joined(separator: "；")
        var r = try await householdPage(req, a, csrf, id: id, error: text, form: form)
        r.status = .unprocessableContent
        return r
    }

    // MARK: - Import and audit

    func importPage(_ req: Request, _ a: UserStore.Account, _ csrf: String, error: String?, report: RegisterImporter.Report?,
                    status: HTTPResponse.Status = .ok) throws -> Response {
        let t = lang(req)
        guard a.role.may(.importRegister) else { return try forbidden(req, a, csrf) }
        var data: [String: Any] = ["error": error as Any]
        if let report {
            let shown = report.rejections.prefix(500)
            data["report"] = [
                "summary": say(report.summary, t),
                "rejections": shown.map { ["file": $0.file, "line": $0.line, "field": $0.field, "reason": say($0.message, t)] as [String: Any] },
                "hasRejections": !shown.isEmpty,
                "more": report.rejections.count > shown.count ? "\(report.rejections.count - shown.count)" : false,
            ] as [String: Any]
        }
        return try page(req, a, csrf, status: status, template: "import", title: t.t("import"), data)
    }

    func importUpload(_ req: Request, _ ctx: DoudiContext) async throws -> Response {
        guard let (a, csrf, _) = try await sessionWithToken(req) else { return .redirect(to: "/login", type: .found) }
        let t = lang(req)
        guard a.role.may(.importRegister) else { return try forbidden(req, a, csrf) }
        let body = try await req.body.collect(upTo: ctx.maxUploadSize)
        guard let type = req.headers[.contentType], let parts = Multipart.parse(Array(buffer: body), contentType: type) else {
            return try importPage(req, a, csrf, error: say(Message("请选择两个CSV文件后上传", "choose both CSV files, then upload"), t), report: nil, status: .badRequest)
        }
        guard parts.first(where: { $0.name == "_csrf" }).map({ String(decoding: $0.data, as: UTF8.self) }) == csrf else {
            return try forbidden(req, a, csrf)
        }
        guard let h = parts.first(where: { $0.name == "households" }), let m = parts.first(where: { $0.name == "members" }),
              !h.data.isEmpty, !m.data.isEmpty else {
            return try importPage(req, a, csrf, error: say(Message("请选择两个CSV文件后上传", "choose both CSV files, then upload"), t), report: nil, status: .badRequest)
        }
        do {
            let report = try await services.importer.run(households: h.filename ?? "households.csv", h.data, members: m.filename ?? "members.csv", m.data, by: a.actor)
            return try importPage(req, a, csrf, error: nil, report: report)
        } catch StoreError.invalid(let problems) {
            return try importPage(req, a, csrf, error: problems.map { say($0.message, t) }.joined(separator: "；"), report: nil, status: .unprocessableContent)
        }
    }

    func regionsPage(_ req: Request, _ a: UserStore.Account, _ csrf: String, message: String? = nil, error: String? = nil,
                     status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = lang(req)
        guard a.role.may(.manageRegions) else { return try forbidden(req, a, csrf) }
        // An administrator of a county sees its townships; of a township, that township.
        var townships: [Region] = []
        if a.region.level == .township, let own = try await services.regions.region(a.region) { townships = [own] }
        else if a.region.level == .county { townships = try await services.regions.children(of: a.region) }
        var out: [[String: Any]] = []
        for tw in townships {
            let villages = try await services.regions.children(of: tw.code)
            out.append(["code": tw.code.description, "name": tw.name, "villages": villages.map { ["code": $0.code.description, "name": $0.name] }])
        }
        return try page(req, a, csrf, status: status, template: "regions", title: t.t("regions"),
                        ["townships": out, "message": message as Any, "error": error as Any])
    }

    func auditPage(_ req: Request, _ a: UserStore.Account, _ csrf: String) async throws -> Response {
        let t = lang(req)
        guard a.role.may(.readAudit) else { return try forbidden(req, a, csrf) }
        let q = req.uri.queryParameters
        let actor = q["actor"].map(String.init) ?? "", action = q["action"].map(String.init) ?? "", subject = q["subject"].map(String.init) ?? ""
        let entries = try await services.audit.search(by: a.actor, actorName: actor, action: action, subject: subject, limit: 200)
        let fmt = ISO8601DateFormatter()
        fmt.timeZone = TimeZone(identifier: "Asia/Shanghai")
        return try page(req, a, csrf, template: "audit", title: t.t("audit"), [
            "actor": actor, "action": action, "subject": subject,
            "entries": entries.map { e in
                ["at": fmt.string(from: Date(timeIntervalSince1970: Double(e.at) / 1000)), "actor": e.actor, "action": e.action,
                 "subject": e.subject, "before": e.beforeJSON ?? "", "after": e.afterJSON ?? ""] as [String: Any]
            }])
    }
}

/// The zh / en strings table (Resources/strings.json): each key has its Chinese and its English text.
struct Strings: Sendable {
    let entries: [String: [String]]
    init(_ data: Data) throws { entries = try JSONDecoder().decode([String: [String]].self, from: data) }

    struct Table: Sendable {
        let code: String
        let values: [String: String]
        func t(_ key: String) -> String { values[key] ?? key }
    }

    func table(_ code: String) -> Table {
        let i = code == "en" ? 1 : 0
        return Table(code: code, values: entries.mapValues { $0.count > i ? $0[i] : $0[0] })
    }
}
