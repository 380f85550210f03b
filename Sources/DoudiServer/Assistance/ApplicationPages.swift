import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// 救助申请: the list, the form that hands one in for a household, and the application's page where each step's
/// actor acts; a refusal has a printable letter. The API twin (`ApplicationAPI`) calls the same store functions.
struct ApplicationPages: Sendable {
    let web: WebShell
    let applications: ApplicationStore
    let households: HouseholdStore
    let regions: RegionStore
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/assistance") { req, _ in try await web.withUser(req) { w in try await list(w) } }
        router.get("/assistance/new") { req, _ in try await web.withUser(req) { w in try await newForm(w, form: [:]) } }
        router.post("/assistance/new") { req, _ in try await web.withUser(req, post: true) { w, form in try await create(w, form) } }
        router.get("/assistance/{id}") { req, ctx in
            try await web.withUser(req) { w in try await ctx.parameters.get("id", as: Int64.self).asyncMap { try await page(w, id: $0) } ?? w.notFound() }
        }
        router.post("/assistance/{id}") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await ctx.parameters.get("id", as: Int64.self).asyncMap { try await act(w, $0, form) } ?? w.notFound() }
        }
        router.get("/assistance/{id}/letter") { req, ctx in
            try await web.withUser(req) { w in try await ctx.parameters.get("id", as: Int64.self).asyncMap { try await letter(w, id: $0) } ?? w.notFound() }
        }
        router.get("/assistance/{id}/notice") { req, ctx in
            try await web.withUser(req) { w in try await ctx.parameters.get("id", as: Int64.self).asyncMap { try await notice(w, id: $0) } ?? w.notFound() }
        }
    }

    func list(_ w: Web) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let q = w.req.uri.queryParameters
        let status = q["status"].flatMap { ApplicationStatus(rawValue: String($0)) }
        let page = w.pageNumber
        let items = try await applications.applications(by: w.actor, status: status, limit: 51, offset: page * 50)
        let names = try await regions.villageLabels(items.map(\.region))
        let today = clock.today()
        return try w.page(template: "assistance/applications", title: t.t("applications"), [
            "statuses": options(ApplicationStatus.self, selected: status?.rawValue, t: t), "canApply": w.role.may(.handleApplications), "canLoadChecks": w.role.may(.loadChecks), "canReadFigures": FiguresPages.readers.contains(w.role),
            "items": items.prefix(50).map { a in
                ["id": a.id, "head": a.headName, "household": a.householdID, "region": names[a.region] ?? a.region.description, "kind": label(a.kind, t),
                 "status": label(a.status, t), "step": a.status == .running ? label(a.step, t) : "—", "submitted": a.state.submittedOn.description,
                 "due": a.status == .running ? a.stepDue.description : "—", "late": a.status == .running && today > a.stepDue] as [String: Any]
            },
            "prev": page > 0 ? "/assistance?page=\(page - 1)" + (status.map { "&status=\($0.rawValue)" } ?? "") : "",
            "next": items.count > 50 ? "/assistance?page=\(page + 1)" + (status.map { "&status=\($0.rawValue)" } ?? "") : "",
        ])
    }

    func newForm(_ w: Web, form: Form, problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.handleApplications) else { return try w.forbidden() }
        let hid = form["household"] ?? w.req.uri.queryParameters["household"].map(String.init) ?? ""
        // An application is for a household: without one, the register is where to find it.
        if hid.isEmpty { return Response(status: .found, headers: [.location: "/households"]) }
        guard let h = try await households.get(hid, by: w.actor) else { return try w.notFound() }
        let posted = form["household"] != nil
        let chosen = Set(posted ? form.all["covered"] ?? [] : h.members.map { String($0.id) })
        return try w.page(status: status, template: "assistance/new", title: t.t("newApplication"), [
            "household": h.household.id, "head": h.members.first { $0.member.relation == .head }?.member.name ?? h.household.id,
            "kinds": options(BenefitKind.self, selected: form["kind"] ?? BenefitKind.dibao.rawValue, t: t),
            "members": h.members.map { m in ["id": m.id, "name": m.member.name, "relation": label(m.member.relation, t), "checked": chosen.contains(String(m.id))] as [String: Any] },
            "income": IncomeCategory.allCases.map { c in ["key": c.rawValue, "label": label(c, t), "value": form["income." + c.rawValue] ?? ""] as [String: Any] },
            "months": form["incomeMonths"] ?? "12", "assets": (0..<3).map { i in ["i": i, "item": form["asset\(i)"] ?? "", "value": form["assetValue\(i)"] ?? ""] as [String: Any] },
            "authorised": form["authorised"] == "1", "bankAccount": form["bankAccount"] ?? "", "episode": form["episode"] ?? w.req.uri.queryParameters["episode"].map(String.init) ?? "",
            "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
        ])
    }

    /// The form's fields into an application; a number typed wrongly is named rather than taken as none.
    func input(_ form: Form) -> Result<ApplicationInput, ProblemList> {
        var problems: [FieldProblem] = []
        let number = { (key: String, field: String) in Self.number(form, key, field: field, &problems) }
        let income = Self.income(form, &problems)
        var assets: [String: Int] = [:]
        for i in 0..<3 {
            let item = (form["asset\(i)"] ?? "").trimmingSpaces()
            if let v = number("assetValue\(i)", "assets"), !item.isEmpty { assets[item] = v }
        }
        let bankText = (form["bankAccount"] ?? "").trimmingSpaces()
        let bank = BankAccount(bankText)
        if !bankText.isEmpty && bank == nil { problems.append(BankAccount.problem) }
        guard let kind = BenefitKind(rawValue: form["kind"] ?? "") else { return .failure(ProblemList(problems + [BenefitKind.problem(field: "kind", text: form["kind"] ?? "")])) }
        if !problems.isEmpty { return .failure(ProblemList(problems)) }
        return .success(ApplicationInput(householdID: form["household"] ?? "", kind: kind, covered: (form.all["covered"] ?? []).compactMap { Int64($0) },
                                         income: income, assets: assets, authorised: form["authorised"] == "1",
                                         episodeID: form["episode"].flatMap { Int64($0) }, bankAccount: bank))
    }

    /// A number the form may leave empty; one typed wrongly is named rather than taken as none.
    static func number(_ form: Form, _ key: String, field: String, _ problems: inout [FieldProblem]) -> Int? {
        let text = (form[key] ?? "").typedNumber
        if text.isEmpty { return nil }
        guard let n = Int(text), n >= 0 else { problems.append(FieldProblem(field, Message("“\(text)”不是不带符号的整数", "“\(text)” is not a whole number"))); return nil }
        return n
    }

    /// The income fields (`income.<category>`, `incomeMonths`) of the application's and the change's forms.
    static func income(_ form: Form, _ problems: inout [FieldProblem]) -> IncomeStatement {
        let items = IncomeCategory.allCases.compactMap { c in number(form, "income." + c.rawValue, field: "income", &problems).map { IncomeItem(c, $0) } }
        return IncomeStatement(items, months: number(form, "incomeMonths", field: "incomeMonths", &problems) ?? 12)
    }

    func create(_ w: Web, _ form: Form) async throws -> Response {
        switch input(form) {
        case .failure(let p): return try await newForm(w, form: form, problems: p.problems, status: .unprocessableContent)
        case .success(let app):
            do {
                let id = try await applications.apply(app, by: w.actor, today: clock.today(), draw: Int.random(in: 0..<100))
                return Response(status: .seeOther, headers: [.location: "/assistance/\(id)"])
            } catch {
                return try await w.refused(error) { try await newForm(w, form: form, problems: $0, status: .unprocessableContent) }
            }
        }
    }
}
