import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// 一键报贫: the public self-report and its status, without an account.
struct SelfReportPages: Sendable {
    let web: WebShell
    let leads: LeadStore
    let regions: RegionStore
    let limits: PublicLimits
    let choices: Choices
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/report") { req, _ in try await reportPage(req, form: [:], problems: []) }
        router.post("/report") { req, ctx in try await submitReport(req, ctx) }
        router.get("/report/status") { req, ctx in try await reportStatus(req, ctx) }
    }

    func reportPage(_ req: Request, form: Form, problems: [FieldProblem], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = web.lang(req)
        let pre = req.cookies[WebShell.preCookie]?.value ?? UUID().uuidString
        var data: [String: Any] = ["preCsrf": pre, "problems": problems.map { say($0.message, t) }, "hasProblems": !problems.isEmpty,
                                   "form": form.values]
        if let tw = RegionCode(form["township"] ?? req.uri.queryParameters["township"].map(String.init) ?? ""), tw.level == .township {
            let villages = try await regions.children(of: tw)
            data["township"] = tw.description
            data["villages"] = villages.map { ["code": $0.code.description, "name": $0.name, "selected": $0.code.description == form["regionCode"]] as [String: Any] }
            data["kinds"] = try await choices.kinds(t, selected: form.all["riskKinds"] ?? [], region: tw)
        } else {
            data["townships"] = try await regions.townshipsWithVillages().map { ["code": $0.code.description, "name": $0.name] }
        }
        var r = try web.page(req, nil, "", status: status, template: "monitoring/report", title: t.t("selfReport"), data)
        r.setCookie(Cookie(name: WebShell.preCookie, value: pre, path: "/report", secure: web.secure(req), httpOnly: true, sameSite: .strict))
        return r
    }

    func submitReport(_ req: Request, _ ctx: DoudiContext) async throws -> Response {
        let t = web.lang(req)
        let form = try await Form.read(req)
        guard let pre = req.cookies[WebShell.preCookie]?.value, !pre.isEmpty, form["_csrf"] == pre else {
            return try await reportPage(req, form: form, problems: [FieldProblem("", Message("表单已过期，请重试", "the form has expired; try again"))], status: .forbidden)
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

    func reportStatus(_ req: Request, _ ctx: DoudiContext) async throws -> Response {
        let t = web.lang(req)
        let q = req.uri.queryParameters
        let code = (q["code"].map(String.init) ?? "").uppercased(), mobile = q["mobile"].map(String.init) ?? ""
        var data: [String: Any] = ["code": code]
        if !code.isEmpty {
            switch try await limits.lookUp(code: code, mobile: mobile, from: ctx.clientAddress, leads: leads) {
            case .found(let status): data["status"] = t.code == "en" ? status.rawValue : status.chinese
            case .notFound: data["error"] = t.t("notFoundCode")
            case .tooMany:
                return try web.page(req, nil, "", status: .tooManyRequests, template: "monitoring/reportstatus", title: t.t("checkStatus"), ["error": t.t("tooMany")])
            }
        }
        return try web.page(req, nil, "", template: "monitoring/reportstatus", title: t.t("checkStatus"), data)
    }
}
