import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// 一键报贫: the public self-report and its status, without an account.
struct SelfReportPages: Sendable {
    let web: WebShell
    let leads: LeadStore
    /// A guardian's report on a child is looked up on the same page.
    let children: ChildCaseStore
    let regions: RegionStore
    let limits: PublicLimits
    let choices: Choices
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/report") { req, _ in try await reportPage(req, form: [:], problems: []) }
        router.post("/report") { req, ctx in try await submitReport(req, ctx) }
        router.get("/report/status") { req, _ in try statusPage(req) }
        router.post("/report/status") { req, ctx in try await reportStatus(req, ctx) }
    }

    func reportPage(_ req: Request, form: Form, problems: [FieldProblem], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = web.lang(req)
        var (data, township, pre) = try await publicForm(req, form: form, problems: problems, villagesRequired: false)
        if let township { data["kinds"] = try await choices.kinds(t, selected: form.all["riskKinds"] ?? [], region: township) }
        return withPreCookie(try web.page(req, nil, "", status: status, template: "monitoring/report", title: t.t("selfReport"), data), pre, req)
    }

    /// What the public forms share (this one and the guardian's): their token, the problems, what was typed, and the
    /// place — first a township of those served (`villagesRequired`: only those with villages), then its villages.
    /// Returns the township chosen, if any.
    func publicForm(_ req: Request, form: Form, problems: [FieldProblem], villagesRequired: Bool) async throws -> (data: [String: Any], township: RegionCode?, pre: String) {
        let t = web.lang(req)
        let pre = req.cookies[WebShell.preCookie]?.value ?? UUID().uuidString
        var data: [String: Any] = ["preCsrf": pre, "problems": problems.map { say($0.message, t) }, "hasProblems": !problems.isEmpty,
                                   "form": form.values, "consented": form["consent"] == "1"]
        guard let tw = RegionCode(form["township"] ?? req.uri.queryParameters["township"].map(String.init) ?? ""), tw.level == .township else {
            let townships = try await regions.townshipsServed().filter { !villagesRequired || $0.hasVillages }.map(\.township)
            data["townships"] = townships.map { ["code": $0.code.description, "name": $0.name] }
            // The county (or counties) this page serves, named at its head: a reporter should know where it goes.
            var counties: [String] = []
            for c in Set(townships.map { $0.code.truncated(to: .county) }).sorted(by: { $0.value < $1.value }) {
                if let name = try await regions.region(c)?.name { counties.append(name) }
            }
            data["place"] = counties.joined(separator: "、")
            return (data, nil, pre)
        }
        let villages = try await regions.children(of: tw)
        data["township"] = tw.description
        data["noVillages"] = villages.isEmpty
        data["townshipName"] = try await regions.region(tw)?.name ?? ""
        data["chosen"] = villages.contains { $0.code.description == form["regionCode"] }
        data["villages"] = villages.map { ["code": $0.code.description, "name": $0.name, "selected": $0.code.description == form["regionCode"]] as [String: Any] }
        data["place"] = try await regions.path(tw).filter { $0.code.level >= .county }.map(\.name).joined(separator: " ")
        return (data, tw, pre)
    }

    func submitReport(_ req: Request, _ ctx: DoudiContext) async throws -> Response {
        let t = web.lang(req)
        let form = try await Form.read(req)
        guard let pre = req.cookies[WebShell.preCookie]?.value, !pre.isEmpty, form["_csrf"] == pre else {
            return try await reportPage(req, form: form, problems: [FieldProblem("", Self.expired)], status: .forbidden)
        }
        let report = SelfReport(name: form["name"] ?? "", residentID: form["residentId"] ?? "", mobile: form["mobile"] ?? "",
                                regionCode: form["regionCode"] ?? "", riskKinds: form.all["riskKinds"] ?? [], description: form["description"] ?? "",
                                consent: form["consent"] == "1")
        switch try await limits.submit(report, from: ctx.clientAddress, leads: leads, today: clock.today()) {
        case .created(let code):
            return try web.page(req, nil, "", status: .created, template: "monitoring/reportdone", title: t.t("reportReceived"), ["code": code])
        case .invalid(let p):
            return try await reportPage(req, form: form, problems: p, status: .unprocessableContent)
        case .tooMany:
            return try await reportPage(req, form: form, problems: [FieldProblem("", PublicLimits.tooMany)], status: .tooManyRequests)
        }
    }

    /// The look-up form; the code may come in the link, the mobile number only in the form's body (a URL ends
    /// up in histories and logs).
    func statusPage(_ req: Request, code: String = "", data extra: [String: Any] = [:], status: HTTPResponse.Status = .ok) throws -> Response {
        let t = web.lang(req)
        let pre = req.cookies[WebShell.preCookie]?.value ?? UUID().uuidString
        var data: [String: Any] = ["preCsrf": pre, "code": code.isEmpty ? (req.uri.queryParameters["code"].map(String.init) ?? "").uppercased() : code]
        data.merge(extra) { $1 }
        return withPreCookie(try web.page(req, nil, "", status: status, template: "monitoring/reportstatus", title: t.t("checkStatus"), data), pre, req)
    }

    /// The public forms' token, in a cookie of their own (there is no session to hold it).
    func withPreCookie(_ page: Response, _ pre: String, _ req: Request) -> Response {
        var r = page
        r.setCookie(Cookie(name: WebShell.preCookie, value: pre, path: "/report", secure: web.secure(req), httpOnly: true, sameSite: .strict))
        return r
    }

    static let expired = Message("表单已过期，请重试", "the form has expired; try again")

    func reportStatus(_ req: Request, _ ctx: DoudiContext) async throws -> Response {
        let t = web.lang(req)
        let form = try await Form.read(req)
        let code = (form["code"] ?? "").trimmingCharacters(in: .whitespaces).uppercased(), mobile = form["mobile"] ?? ""
        guard let pre = req.cookies[WebShell.preCookie]?.value, !pre.isEmpty, form["_csrf"] == pre else {
            return try statusPage(req, code: code, data: ["error": say(Self.expired, t)], status: .forbidden)
        }
        switch try await limits.lookUp(code: code, mobile: mobile, from: ctx.clientAddress, leads: leads, children: children) {
        case .found(let found):
            return try statusPage(req, code: code, data: ["status": say(found.words, t), "receivedOn": found.receivedOn.description,
                                                          "place": found.place, "contact": found.contact as Any, "nextStep": say(found.nextStep, t)])
        case .notFound: return try statusPage(req, code: code, data: ["error": t.t("notFoundCode")])
        case .tooMany: return try statusPage(req, code: code, data: ["error": t.t("tooMany")], status: .tooManyRequests)
        }
    }
}
