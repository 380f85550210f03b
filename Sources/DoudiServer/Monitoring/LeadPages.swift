import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// The lead queue, verification, the hotline and visits.
struct LeadPages: Sendable {
    let web: WebShell
    let leads: LeadStore
    let regions: RegionStore
    let episodes: EpisodeStore
    let choices: Choices
    let registry: RegisterPages
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/leads") { req, _ in try await web.withUser(req) { w in try await leadsPage(w) } }
        router.get("/hotline") { req, _ in try await web.withUser(req) { w in try await hotlinePage(w, form: [:], problems: [], code: nil) } }
        router.post("/hotline") { req, _ in try await web.withUser(req, post: true) { w, form in try await recordCall(w, form) } }
        router.post("/households/{id}/visits") { req, ctx in
            try await web.withUser(req, post: true, upTo: VisitIntake.bodyLimit) { w, form in try await recordVisit(w, id: ctx.parameters.get("id") ?? "", form) }
        }
        router.get("/leads/{id}") { req, ctx in
            try await web.withUser(req) { w in try await leadPage(w, id: ctx.parameters.get("id", as: Int64.self)) }
        }
        router.post("/leads/{id}/reveal") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await revealLead(w, id: ctx.parameters.get("id", as: Int64.self), form) }
        }
        router.post("/leads/{id}") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await verifyLead(w, id: ctx.parameters.get("id", as: Int64.self), form) }
        }
    }

    /// The queue as a cadre works it: open leads by default, filters and sort in the address (a list can be
    /// bookmarked), 50 a page with the total.
    func leadsPage(_ w: Web) async throws -> Response {
        let t = w.t
        guard w.role.may(.readRegister) else { return try w.forbidden() }
        let q = w.req.uri.queryParameters
        func param(_ k: String) -> String { q[Substring(k)].map(String.init) ?? "" }
        let statusText = q["status"] == nil ? LeadStatus.open.rawValue : param("status")
        let pageNo = w.pageNumber
        let query = LeadQuery(status: LeadStatus(rawValue: statusText), channel: LeadChannel(rawValue: param("channel")), region: RegionCode(param("region")),
                              text: String(param("q").prefix(50)), overdue: param("overdue") == "1", sort: LeadQuery.Sort(rawValue: param("sort")) ?? .newest,
                              limit: 50, offset: pageNo * 50)
        let page = try await leads.queue(by: w.actor, query, today: clock.today())
        let names = try await regions.villageLabels(page.items.map(\.region))
        let today = clock.today()
        let regionChoices = try await registry.scopeRegions(w.account, selected: query.region)
        func link(_ p: Int) -> String {
            var c = URLComponents()
            c.queryItems = ["status", "channel", "region", "q", "overdue", "sort"].map { URLQueryItem(name: $0, value: $0 == "status" ? statusText : param($0)) }
                + [URLQueryItem(name: "page", value: String(p))]
            return "/leads?" + (c.percentEncodedQuery ?? "")
        }
        return try w.page(template: "monitoring/leads", title: t.t("leads"), [
            "leads": page.items.map { l in
                let due = l.verification.due(createdOn: l.createdOn)
                return ["id": l.id, "at": l.createdOn.description, "channel": label(l.channel, t), "name": l.name, "household": l.householdID as Any,
                        "rid": Masking.residentID(l.residentID), "region": names[l.region] ?? "", "kinds": kindsText(l.riskKinds, t),
                        "status": label(l.status, t), "due": l.isOpen ? due.description : "—", "overdue": l.isOpen && today > due] as [String: Any]
            },
            "total": page.total, "q": param("q"), "overdueOnly": query.overdue,
            "statuses": [["value": "", "label": t.t("allStatuses"), "selected": statusText.isEmpty]]
                + LeadStatus.allCases.map { ["value": $0.rawValue, "label": label($0, t), "selected": $0.rawValue == statusText] },
            "channels": LeadChannel.allCases.map { ["value": $0.rawValue, "label": label($0, t), "selected": $0 == query.channel] },
            "sorts": LeadQuery.Sort.allCases.map { ["value": $0.rawValue, "label": t.t("sort_" + $0.rawValue), "selected": $0 == query.sort] },
            "regions": regionChoices, "hasRegions": !regionChoices.isEmpty,
            "prev": pageNo > 0 ? link(pageNo - 1) : false, "next": (pageNo + 1) * 50 < page.total ? link(pageNo + 1) : false])
    }

    func hotlinePage(_ w: Web, form: Form, problems: [FieldProblem], code: String?,
                     status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.recordCalls) else { return try w.forbidden() }
        return try w.page(status: status, template: "monitoring/hotline", title: t.t("hotline"), [
            "code": code as Any, "form": code == nil ? form.values : [:], "problems": w.lines(problems),
            "hasProblems": !problems.isEmpty, "villages": try await choices.leadPlaces(w.account, selected: RegionCode(form["regionCode"] ?? ""), t: t),
            "kinds": try await choices.kinds(t, selected: code == nil ? form.all["riskKinds"] ?? [] : [], region: w.region)])
    }

    func recordCall(_ w: Web, _ form: Form) async throws -> Response {
        let call = HotlineCall(caller: form["caller"] ?? "", callbackNumber: form["callbackNumber"] ?? "", residentID: form["residentId"] ?? "",
                               name: form["name"] ?? "", regionCode: form["regionCode"] ?? "", riskKinds: form.all["riskKinds"] ?? [], notes: form["notes"] ?? "")
        switch call.check(today: clock.today()) {
        case .failure(let p): return try await hotlinePage(w, form: form, problems: p.problems, code: nil, status: .unprocessableContent)
        case .success(let checked):
            do {
                let code = try await leads.recordCall(checked, by: w.actor)
                return try await hotlinePage(w, form: [:], problems: [], code: code, status: .created)
            } catch let e as StoreError {
                return try await hotlinePage(w, form: form, problems: RegisterPages.problems(e), code: nil, status: .unprocessableContent)
            }
        }
    }

    func recordVisit(_ w: Web, id: String, _ form: Form) async throws -> Response {
        let t = w.t
        do {
            let code = try await VisitIntake.record(VisitIntake.visit(form), uploads: form.files["photos"] ?? [], household: id, by: w.actor, leads: leads, today: clock.today())
            return try await registry.householdPage(w, id: id, visitMessage: code.map { "\(t.t("visitLead")) \($0)" } ?? t.t("visitSaved"))
        } catch let p as ProblemList {
            return try await refusedVisit(w, id: id, p.problems)
        } catch {
            return try await w.refused(error) { try await refusedVisit(w, id: id, $0) }
        }
    }

    private func refusedVisit(_ w: Web, id: String, _ problems: [FieldProblem]) async throws -> Response {
        var r = try await registry.householdPage(w, id: id, error: w.lines(problems).joined(separator: "；"))
        r.status = .unprocessableContent
        return r
    }

    /// The reporter's or caller's number in full (a call back), or the family's household form filled from the lead.
    func revealLead(_ w: Web, id: Int64?, _ form: Form) async throws -> Response {
        guard let id else { return try w.notFound() }
        let purpose = LeadStore.RevealPurpose(rawValue: form["purpose"] ?? "") ?? .contact
        do {
            let l = try await leads.reveal(id, for: purpose, by: w.actor)
            guard purpose == .register else { return try await leadPage(w, id: id, revealed: l) }
            let prefill: Form = ["regionCode": l.region.description, "name": l.name, "residentId": l.residentID, "phone": l.mobile, "relation": "head"]
            return try await registry.householdForm(w, existing: nil, form: prefill, problems: [], fromLead: l.id)
        } catch {
            return try await w.refused(error) { _ in try w.notFound() }
        }
    }

    func leadPage(_ w: Web, id: Int64?, revealed: LeadSummary? = nil, problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.readRegister) else { return try w.forbidden() }
        guard let id, let l = try await leads.lead(id, by: w.actor) else { return try w.notFound() }
        let today = clock.today(), due = l.verification.due(createdOn: l.createdOn)
        let region = l.region
        let name = try await regions.villageLabels([region])[region] ?? region.description
        let open = l.isOpen
        let escalation = l.verification.escalation(createdOn: l.createdOn, today: today)
        let kinds = l.riskKinds
        let episode = open || !w.role.may(.browseRegister) ? nil : try await episodes.episodes(by: w.actor, statuses: [], householdID: l.householdID ?? "-").first(where: { $0.leadID == l.id })?.id
        return try w.page(status: status, template: "monitoring/lead", title: t.t("verifyLead"), [
            "l": ["id": l.id, "channel": label(l.channel, t), "name": l.name, "household": l.householdID as Any,
                  "rid": Masking.residentID(l.residentID), "region": name, "kinds": kindsText(kinds, t), "description": l.description,
                  "status": label(l.status, t), "open": open, "note": l.note as Any,
                  "mobile": revealed.map { $0.mobile } ?? Masking.phone(l.mobile), "revealed": revealed != nil,
                  "mobileLabel": t.t(l.channel == .hotline ? "callbackNumber" : "contactNumber"), "due": due.description, "overdue": today > due,
                  "escalation": escalation == .county ? t.t("county") : t.t("townshipLevel")] as [String: Any],
            "canVerify": open && l.verification.mayVerify(w.role, createdOn: l.createdOn, today: today, level: l.region.level), "types": options(MonitoringType.self, selected: nil, t: t),
            "kinds": try await choices.kinds(t, selected: kinds.map(\.rawValue), region: region),
            "canReveal": w.role.may(.revealPersonalData) && !l.mobile.isEmpty, "canRegister": l.householdID == nil && w.role.may(.writeRegister) && w.role.may(.revealPersonalData),
            "problems": w.lines(problems), "hasProblems": !problems.isEmpty, "episode": episode as Any])
    }

    func verifyLead(_ w: Web, id: Int64?, _ form: Form) async throws -> Response {
        guard let id else { return try w.notFound() }
        let merge = form["mergeInto"].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        switch LeadDecision.parse(decision: form["decision"] ?? "", monitoringType: form["monitoringType"], riskKinds: form.all["riskKinds"] ?? [],
                                  reason: form["reason"], mergeInto: merge) {
        case .failure(let p): return try await leadPage(w, id: id, problems: p.problems, status: .unprocessableContent)
        case .success(let decision):
            guard Web.confirmed(form) else { return try await confirmDecision(w, id: id, decision, form) }
            do {
                try await leads.verify(leadID: id, decision: decision, note: form["reason"], by: w.actor)
                return .redirect(to: "/leads/\(id)", type: .normal)
            } catch {
                return try await w.refused(error) { try await leadPage(w, id: id, problems: $0, status: .unprocessableContent) }
            }
        }
    }

    /// A verification closes the lead for good (and a confirmation opens the identification): said back once more.
    func confirmDecision(_ w: Web, id: Int64, _ decision: LeadDecision, _ form: Form) async throws -> Response {
        let t = w.t
        guard w.role.may(.writeRegister) else { return try w.forbidden() }
        guard let l = try await leads.lead(id, by: w.actor) else { return try w.notFound() }
        var summary: [(label: String, value: String)] = [(t.t("name"), l.name), (t.t("decision"), label(decision.status, t))]
        switch decision {
        case .confirmed(let type, let kinds): summary += [(t.t("monitoringType"), label(type, t)), (t.t("riskKinds"), kindsText(kinds, t))]
        case .notConfirmed: break
        case .merged(let into): summary.append((t.t("mergeInto"), "\(t.t("lead")) \(into)"))
        }
        summary.append((t.t("verifyNote"), (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)))
        return try w.confirm(form, action: "/leads/\(id)", back: "/leads/\(id)", title: t.t("verifyLead"), question: t.t("confirmDecision"),
                             summary: summary, button: t.t("confirmRecord"))
    }
}
