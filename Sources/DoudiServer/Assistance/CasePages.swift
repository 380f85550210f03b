import DoudiDomain
import DoudiSheets
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// 3866 个案: the list of cases by step (overdue ones marked, filters in the URL), a case's page with its six
/// steps, its timeline and the moves its step allows the caller, and the form that opens one for a household.
/// The API twin (`CaseAPI`) calls the same store functions.
struct CasePages: Sendable {
    let web: WebShell
    let cases: CaseStore
    let measures: MeasureStore
    let regions: RegionStore
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/cases") { req, _ in try await web.withUser(req) { w in try await list(w) } }
        router.downloads("/cases") { req, format in try await web.withUser(req) { w in try await sheet(w, format) } }
        router.get("/cases/new") { req, _ in try await web.withUser(req) { w in try await new(w, form: Self.prefill(w)) } }
        router.post("/cases") { req, _ in try await web.withUser(req, post: true) { w, form in try await open(w, form) } }
        router.get("/cases/{id}") { req, ctx in
            try await web.withUser(req) { w in try await ctx.parameters.get("id", as: Int64.self).asyncMap { try await page(w, id: $0) } ?? w.notFound() }
        }
        router.post("/cases/{id}") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await ctx.parameters.get("id", as: Int64.self).asyncMap { try await move(w, $0, form) } ?? w.notFound() }
        }
    }

    /// The list's filters from the address, and the same as a query string to keep in every link (a list can be
    /// bookmarked, paged and exported as it is shown).
    static func filter(_ w: Web) -> (CaseStore.Filter, String) {
        let q = w.req.uri.queryParameters
        let step = q["step"].flatMap { CaseStep(rawValue: String($0)) }
        // A household's own cases: open and closed together.
        let status = q["status"] == "closed" ? CaseStatus.closed : q["status"] == "all" ? nil : .open
        let overdue = q["overdue"] == "1"
        let household = q["household"].map(String.init).flatMap { $0.trimmingSpaces().isEmpty ? nil : $0.trimmingSpaces() }
        var kept = ""
        if let step { kept += "&step=\(step.rawValue)" }
        if status != .open { kept += "&status=\(status?.rawValue ?? "all")" }
        if overdue { kept += "&overdue=1" }
        if let household { kept += "&household=\(household.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
        return (CaseStore.Filter(step: step, status: status, overdue: overdue, householdID: household), kept)
    }

    func list(_ w: Web) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let (filter, kept) = Self.filter(w)
        let n = w.pageNumber
        let today = clock.today()
        let found = try await cases.cases(by: w.actor, filter, today: today, limit: 50, offset: n * 50)
        let rows = try await Self.rows(found.cases, regions, t, today: today)
        let query = kept.isEmpty ? "" : "?" + kept.dropFirst()
        return try w.page(template: "assistance/cases", title: t.t("casesTitle"), [
            "steps": CaseStep.allCases.map { ["value": $0.rawValue, "label": label($0, t), "selected": $0 == filter.step] as [String: Any] },
            "closed": filter.status == .closed, "overdue": filter.overdue, "household": filter.householdID ?? "", "total": found.total,
            "items": rows, "csv": "/cases.csv\(query)", "xlsx": "/cases.xlsx\(query)",
            "mayOpen": w.role.may(.handleCases),
            "prev": (n > 0 ? "/cases?page=\(n - 1)\(kept)" : nil) as Any, "next": (found.total > (n + 1) * 50 ? "/cases?page=\(n + 1)\(kept)" : nil) as Any,
        ])
    }

    /// A list's rows as a page and a spreadsheet show them.
    static func rows(_ cases: [CaseStore.Summary], _ regions: RegionStore, _ t: Strings.Table, today: CivilDate) async throws -> [[String: Any]] {
        let names = try await regions.villageLabels(cases.map(\.region))
        return cases.map { c in
            ["id": c.id, "head": c.headName, "household": c.householdID, "region": names[c.region] ?? c.region.description, "regionCode": c.region.description,
             "step": c.state.status == .open ? label(c.state.step, t) : label(c.state.status, t), "origin": label(c.origin, t),
             "since": c.state.since.description, "due": c.due?.description ?? "—", "late": c.overdue(today: today), "opened": c.openedOn.description] as [String: Any]
        }
    }

    /// The list as it is filtered, every page of it, as CSV or XLSX.
    func sheet(_ w: Web, _ format: DownloadFormat) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let today = clock.today()
        let found = try await cases.cases(by: w.actor, Self.filter(w).0, today: today, limit: 100_000)
        let columns = [("household", "householdId"), ("head", "head"), ("regionCode", "regionCodeColumn"), ("region", "region"), ("step", "step"),
                       ("since", "stepSince"), ("due", "due"), ("origin", "caseOrigin"), ("opened", "openedOn")]
        let rows = try await Self.rows(found.cases, regions, t, today: today).map { r in
            columns.map { Sheet.Cell.text("\(r[$0.0] ?? "")") } + [.text(r["late"] as? Bool == true ? t.t("overdue") : "")]
        }
        return try download(Sheet(name: t.t("casesTitle"), headers: columns.map { t.t($0.1) } + [t.t("overdue")], rows: rows), format, name: "cases-\(today)")
    }

    /// A link from a household's or an application's page fills the form in.
    static func prefill(_ w: Web) -> Form {
        let q = w.req.uri.queryParameters
        var values: [String: String] = [:]
        for k in ["household", "application", "origin"] { if let v = q[Substring(k)] { values[k] = String(v) } }
        return Form(values: values)
    }

    func new(_ w: Web, form: Form, problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.handleCases) else { return try w.forbidden() }
        let origin = form["origin"] ?? (form["application"] != nil ? CaseOrigin.application.rawValue : CaseOrigin.cadre.rawValue)
        return try w.page(status: status, template: "assistance/case-new", title: t.t("openCase"), [
            "household": form["household"] ?? "", "application": form["application"] ?? "", "note": form["note"] ?? "",
            "origins": options(CaseOrigin.self, selected: origin, t: t),
            "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
        ])
    }

    func open(_ w: Web, _ form: Form) async throws -> Response {
        guard w.role.may(.handleCases) else { return try w.forbidden() }
        guard let origin = CaseOrigin(rawValue: form["origin"] ?? "") else {
            return try await new(w, form: form, problems: [CaseOrigin.problem(field: "origin", text: form["origin"] ?? "")], status: .unprocessableContent)
        }
        var application: Int64?
        if origin == .application {
            guard let a = Int64((form["application"] ?? "").trimmingSpaces()) else {
                return try await new(w, form: form, problems: [FieldProblem("application", Message("请填写救助申请编号", "give the application's number"))],
                                     status: .unprocessableContent)
            }
            application = a
        }
        do {
            let id = try await cases.open(household: (form["household"] ?? "").trimmingSpaces(), origin: origin, applicationID: application, note: form["note"] ?? "",
                                          by: w.actor, today: clock.today())
            return Response(status: .seeOther, headers: [.location: "/cases/\(id)"])
        } catch {
            return try await w.refused(error) { try await new(w, form: form, problems: $0, status: .unprocessableContent) }
        }
    }

    func page(_ w: Web, id: Int64, form: Form = [:], problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        guard let d = try await cases.detail(id, by: w.actor) else { return try w.notFound() }
        let c = d.summary
        let names = try await regions.villageLabels([c.region])
        let today = clock.today()
        let acts = c.state.status == .open && w.role.may(.handleCases) && c.state.step.actors.contains(w.role)
        let mayRecord = c.state.status == .open && w.role.may(.handleCases)
        let offered = mayRecord ? try await measures.services(case: id, by: w.actor, today: today) ?? [] : []
        let taken = try await measures.measures(case: id, by: w.actor)
        return try w.page(status: status, template: "assistance/case", title: "\(t.t("caseTitle")) · \(c.headName)", [
            "c": ["id": c.id, "head": c.headName, "household": c.householdID, "region": names[c.region] ?? c.region.description, "origin": label(c.origin, t),
                  "episode": c.episodeID as Any, "application": c.applicationID as Any, "status": label(c.state.status, t), "open": c.state.status == .open,
                  "since": c.state.since.description, "due": c.due?.description as Any, "late": c.overdue(today: today), "opened": c.openedOn.description,
                  "closed": c.closedOn?.description as Any] as [String: Any],
            // The six steps in order, the current one marked: where the case is and what is left.
            "steps": CaseStep.allCases.map { s in
                ["label": label(s, t), "current": c.state.status == .open && s == c.state.step, "done": c.state.status == .closed || s < c.state.step] as [String: Any]
            },
            "events": d.events.map { e in
                ["day": e.onDay.description, "action": t.values["caseAction." + e.action] ?? e.action, "from": label(e.from, t), "to": label(e.to, t),
                 "note": e.note, "by": e.actor] as [String: Any]
            },
            "acts": acts,
            "waitsFor": (acts || c.state.status == .closed ? nil : c.state.step.actors.sorted { $0.rawValue < $1.rawValue }.map { label($0, t) }.joined(separator: t.t("or"))) as Any,
            "next": c.state.step.next.map { label($0, t) } as Any,
            "returns": c.state.step.returns.map { ["value": $0.rawValue, "label": label($0, t), "selected": form["to"] == $0.rawValue] as [String: Any] },
            "mayReturn": !c.state.step.returns.isEmpty, "mayClose": [.survey, .file, .monitor].contains(c.state.step),
            "note": form["note"] ?? "", "move": form["move"] ?? "",
            "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
        ].merging(Self.measureData(taken, offered: offered, mayRecord: mayRecord, form: form, t: t, today: today)) { a, _ in a })
    }

    /// The case's measures and the form that records one: the region's services, those answering the household's
    /// risks first; civil affairs gives it, or a department it is referred to.
    static func measureData(_ taken: [MeasureStore.Measure], offered: [ServiceKind], mayRecord: Bool, form: Form, t: Strings.Table, today: CivilDate) -> [String: Any] {
        ["measures": taken.map { m in
            ["id": m.id, "service": label(m.service, t), "unit": label(m.state.unit, t), "status": label(m.state.status, t), "waiting": m.state.status == .referred,
             "mStart": m.startOn.description, "mEnd": m.endOn?.description as Any, "mAmount": m.amount as Any, "mGoods": (m.goods.isEmpty ? nil : m.goods) as Any,
             "mNote": m.note] as [String: Any]
        },
         "mayRecord": mayRecord,
         "services": offered.map { ["value": $0.rawValue, "label": label($0, t), "selected": form["service"] == $0.rawValue] as [String: Any] },
         "referTo": Department.allCases.map { d in
             ["value": d.rawValue, "label": d == .civilAffairs ? t.t("givenByCivilAffairs") : label(d, t), "selected": form["referTo"] == d.rawValue] as [String: Any]
         },
         "startOn": form["startOn"] ?? today.description, "endOn": form["endOn"] ?? "", "amount": form["amount"] ?? "", "goods": form["goods"] ?? "",
         "measureNote": form["measureNote"] ?? ""]
    }

    func move(_ w: Web, _ id: Int64, _ form: Form) async throws -> Response {
        let t = w.t
        guard w.role.may(.handleCases) else { return try w.forbidden() }
        let note = form["note"] ?? ""
        let move: CaseMove
        switch form["move"] {
        case "advance": move = .advance(note: note)
        case "close": move = .close(reason: note)
        case "sendBack":
            guard let to = CaseStep(rawValue: form["to"] ?? "") else {
                return try await page(w, id: id, form: form, problems: [FieldProblem("to", .caseReturnStep)],
                                      status: .unprocessableContent)
            }
            move = .sendBack(to: to, reason: note)
        default:
            return try await page(w, id: id, form: form, problems: [FieldProblem("move", .chooseMove)], status: .unprocessableContent)
        }
        // Closing ends the household's help: a second page asks again.
        if case .close = move, !Web.confirmed(form) {
            return try w.confirm(form, action: "/cases/\(id)", back: "/cases/\(id)", title: t.t("caseTitle"), question: t.t("confirmCloseCase"),
                                 summary: [(t.t("reason"), note)], button: t.t("closeCase"))
        }
        do {
            try await cases.move(id, move, by: w.actor, today: clock.today())
            return Response(status: .seeOther, headers: [.location: "/cases/\(id)"])
        } catch {
            return try await w.refused(error) { try await page(w, id: id, form: form, problems: $0, status: .unprocessableContent) }
        }
    }
}
