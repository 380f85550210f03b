import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The lead queue, the hotline and visits, and the public self-report pages (no login).
extension Pages {
    /// The risk kinds a form offers: the catalogue of the region's policy this year, plus any already chosen.
    func kinds(_ t: Strings.Table, selected: [String] = [], region: RegionCode) async throws -> [[String: Any]] {
        let offered = try await services.policy.policy(region: region, year: services.clock.today().year).riskKinds
        return RiskKind.allCases.filter { offered.contains($0) || selected.contains($0.rawValue) }
            .map { ["value": $0.rawValue, "label": t.code == "en" ? $0.rawValue : $0.chinese, "selected": selected.contains($0.rawValue)] }
    }

    func leadsPage(_ w: Web) async throws -> Response {
        let t = w.t
        guard w.role.may(.readRegister) else { return try w.forbidden() }
        let leads = try await services.leads.leads(by: w.actor, status: nil, limit: 200)
        let names = try await services.regions.villageLabels(leads.compactMap { RegionCode(value: UInt64($0.region)) })
        let fmt = ISO8601DateFormatter()
        fmt.timeZone = TimeZone(identifier: "Asia/Shanghai")
        fmt.formatOptions = [.withFullDate]
        let en = t.code == "en"
        return try w.page(template: "leads", title: t.t("leads"), ["leads": leads.map { l in
            ["id": l.id, "at": fmt.string(from: Date(timeIntervalSince1970: Double(l.createdAt) / 1000)),
             "channel": LeadChannel(rawValue: l.channel).map { en ? $0.rawValue : $0.chinese } ?? l.channel,
             "name": l.name, "household": l.householdID as Any, "rid": Masking.residentID(l.residentID),
             "region": RegionCode(value: UInt64(l.region)).flatMap { names[$0] } ?? "",
             "kinds": l.riskKinds.split(separator: ",").map { k in RiskKind(rawValue: String(k)).map { en ? $0.rawValue : $0.chinese } ?? String(k) }.joined(separator: "、"),
             "status": LeadStatus(rawValue: l.status).map { en ? $0.rawValue : $0.chinese } ?? l.status,
             "due": l.status == LeadStatus.open.rawValue ? l.verification.due(createdOn: l.createdOn).description : "",
             "overdue": l.status == LeadStatus.open.rawValue && services.clock.today() > l.verification.due(createdOn: l.createdOn)] as [String: Any]
        }])
    }

    func hotlinePage(_ w: Web, form: Form, problems: [FieldProblem], code: String?,
                     status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role == .hotlineOperator || w.role.may(.writeRegister) else { return try w.forbidden() }
        return try w.page(status: status, template: "hotline", title: t.t("hotline"), [
            "code": code as Any, "form": code == nil ? form.values : [:], "problems": w.lines(problems),
            "hasProblems": !problems.isEmpty, "villages": try await villages(w.account, selected: RegionCode(form["regionCode"] ?? "")),
            "kinds": try await kinds(t, selected: code == nil ? form.all["riskKinds"] ?? [] : [], region: w.region)])
    }

    func recordCall(_ w: Web, _ form: Form) async throws -> Response {
        let call = HotlineCall(caller: form["caller"] ?? "", callbackNumber: form["callbackNumber"] ?? "", residentID: form["residentId"] ?? "",
                               name: form["name"] ?? "", regionCode: form["regionCode"] ?? "", riskKinds: form.all["riskKinds"] ?? [], notes: form["notes"] ?? "")
        switch call.check(today: services.clock.today()) {
        case .failure(let p): return try await hotlinePage(w, form: form, problems: p.problems, code: nil, status: .unprocessableContent)
        case .success(let checked):
            do {
                let code = try await services.leads.recordCall(checked, by: w.actor)
                return try await hotlinePage(w, form: [:], problems: [], code: code, status: .created)
            } catch let e as StoreError {
                return try await hotlinePage(w, form: form, problems: Self.problems(e), code: nil, status: .unprocessableContent)
            }
        }
    }

    func recordVisit(_ w: Web, id: String, _ form: Form) async throws -> Response {
        let t = w.t
        let visit = Visit(date: form["date"] ?? "", findings: form["findings"] ?? "", riskKinds: form.all["riskKinds"] ?? [], hardship: form["hardship"] == "1")
        switch visit.check(today: services.clock.today()) {
        case .failure(let p):
            var r = try await householdPage(w, id: id, error: w.lines(p.problems).joined(separator: "；"))
            r.status = .unprocessableContent
            return r
        case .success(let checked):
            do {
                let code = try await services.leads.recordVisit(checked, householdID: id, by: w.actor)
                return try await householdPage(w, id: id, visitMessage: code.map { "\(t.t("visitLead")) \($0)" } ?? t.t("visitSaved"))
            } catch StoreError.notFound { return try w.notFound() } catch StoreError.forbidden { return try w.forbidden() }
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
        switch try await limits.submit(report, from: ctx.clientAddress, leads: services.leads, today: services.clock.today()) {
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
}
