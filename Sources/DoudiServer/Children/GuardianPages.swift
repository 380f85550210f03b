import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// 监护人报告 (issue 15 item 1): a guardian who cannot care for their child reports it from a phone, without an
/// account, under the self-report's limits (the same counters); the answer is a tracking code and nothing about
/// any child. Under `/report` so that it shares the public forms' token cookie.
struct GuardianPages: Sendable {
    let web: WebShell
    let children: ChildCaseStore
    let limits: PublicLimits
    let selfReport: SelfReportPages
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/report/child") { req, _ in try await page(req, form: [:], problems: []) }
        router.post("/report/child") { req, ctx in try await submit(req, ctx) }
    }

    func page(_ req: Request, form: Form, problems: [FieldProblem], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = web.lang(req)
        var (data, _, pre) = try await selfReport.publicForm(req, form: form, problems: problems, villagesRequired: true)
        data["absences"] = options(GuardianAbsence.self, selected: form["guardianAbsence"], t: t)
        return selfReport.withPreCookie(try web.page(req, nil, "", status: status, template: "children/guardian", title: t.t("guardianTitle"), data), pre, req)
    }

    func submit(_ req: Request, _ ctx: DoudiContext) async throws -> Response {
        let t = web.lang(req)
        let form = try await Form.read(req)
        guard let pre = req.cookies[WebShell.preCookie]?.value, !pre.isEmpty, form["_csrf"] == pre else {
            return try await page(req, form: form, problems: [FieldProblem("", SelfReportPages.expired)], status: .forbidden)
        }
        let report = GuardianReport(guardianName: form["guardianName"] ?? "", mobile: form["mobile"] ?? "", guardianAbsence: form["guardianAbsence"] ?? "",
                                    childName: form["childName"] ?? "", birthDate: form["birthDate"] ?? "", regionCode: form["regionCode"] ?? "",
                                    situation: form["situation"] ?? "", consent: form["consent"] == "1")
        switch try await limits.submit(report, from: ctx.clientAddress, children: children, today: clock.today()) {
        case .created(let code):
            return try web.page(req, nil, "", status: .created, template: "children/guardiandone", title: t.t("guardianReceived"), ["code": code])
        case .invalid(let p): return try await page(req, form: form, problems: p, status: .unprocessableContent)
        case .tooMany: return try await page(req, form: form, problems: [FieldProblem("", PublicLimits.tooMany)], status: .tooManyRequests)
        }
    }
}

extension PublicLimits {
    /// A guardian's report: the self-report's counters, per client address and (for the person) per mobile number.
    func submit(_ report: GuardianReport, from address: String, children: ChildCaseStore, today: CivilDate) async throws -> ReportOutcome {
        guard perAddress.take(address) else { return .tooMany }
        let checked: GuardianReport.Checked
        switch report.check(today: today) {
        case .failure(let p):
            perAddress.refund(address)
            return .invalid(p.problems)
        case .success(let c): checked = c
        }
        guard perPerson.take("mobile:" + checked.mobile) else {
            perAddress.refund(address)
            return .tooMany
        }
        do {
            return .created(trackingCode: try await children.reportFromGuardian(checked))
        } catch StoreError.invalid(let p) { return .invalid(p) }
    }
}

/// The guardian's report through the API: the same check, limits and store call as the page.
struct GuardianAPI: APIPart {
    let children: ChildCaseStore
    let limits: PublicLimits
    let clock: Clock

    func submitGuardianReport(_ input: Operations.SubmitGuardianReport.Input) async throws -> Operations.SubmitGuardianReport.Output {
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let report = GuardianReport(guardianName: b.guardianName, mobile: b.mobile, guardianAbsence: b.guardianAbsence, childName: b.childName,
                                    birthDate: b.birthDate ?? "", regionCode: b.regionCode, situation: b.situation, consent: b.consent)
        switch try await limits.submit(report, from: ClientAddress.current, children: children, today: clock.today()) {
        case .created(let code): return .created(.init(body: .json(.init(trackingCode: code))))
        case .invalid(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p))))
        case .tooMany: return .tooManyRequests(.init(body: .json(Self.tooMany)))
        }
    }
}

extension APIHandlers {
    func submitGuardianReport(_ input: Operations.SubmitGuardianReport.Input) async throws -> Operations.SubmitGuardianReport.Output {
        try await guardians.submitGuardianReport(input)
    }
}
