import DoudiDomain
import DoudiSheets
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// 帮扶责任人与走访: the households a helper must visit (a phone page: what is due first), the township's and the
/// county's list of who is overdue or has no helper, and a household's helpers with the form that names one.
/// The API twin (`HelperAPI`) calls the same store functions.
struct HelperPages: Sendable {
    let web: WebShell
    let helpers: HelperStore
    let regions: RegionStore
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/helpers") { req, _ in try await web.withUser(req) { w in try await list(w) } }
        router.downloads("/helpers") { req, format in try await web.withUser(req) { w in try await sheet(w, format) } }
        router.get("/households/{id}/helper") { req, ctx in try await web.withUser(req) { w in try await page(w, household: ctx.parameters.get("id") ?? "") } }
        router.post("/households/{id}/helper") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await assign(w, household: ctx.parameters.get("id") ?? "", form) }
        }
    }

    /// What a list asks for: the caller's own households, only those overdue, only those with no helper.
    struct Filter { var mine: Bool; var overdue: Bool; var unassigned: Bool }

    static func filter(_ w: Web) -> (Filter, String) {
        let q = w.req.uri.queryParameters
        let f = Filter(mine: q["mine"] == "1", overdue: q["overdue"] == "1", unassigned: q["unassigned"] == "1")
        return (f, (f.mine ? "&mine=1" : "") + (f.overdue ? "&overdue=1" : "") + (f.unassigned ? "&unassigned=1" : ""))
    }

    func duties(_ actor: Actor, _ f: Filter, today: CivilDate) async throws -> [HelperStore.Duty] {
        try await helpers.duties(by: actor, mine: f.mine, overdue: f.overdue, unassigned: f.unassigned, today: today)
    }

    func rows(_ duties: ArraySlice<HelperStore.Duty>, _ t: Strings.Table, today: CivilDate) async throws -> [[String: Any]] {
        let names = try await regions.villageLabels(duties.map(\.region))
        return duties.map { d in
            ["household": d.householdID, "head": d.headName, "region": names[d.region] ?? d.region.description, "helper": d.helper ?? t.t("noHelper"),
             "unassigned": d.helper == nil, "last": d.lastVisit?.description ?? "—", "due": d.due.description, "late": d.overdue(today: today),
             "case": d.caseID as Any, "step": label(d.caseStep, t)] as [String: Any]
        }
    }

    func list(_ w: Web) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let (f, kept) = Self.filter(w)
        let today = clock.today()
        let all = try await duties(w.actor, f, today: today)
        let n = w.pageNumber
        let page = all.dropFirst(n * 50).prefix(50)
        let query = kept.isEmpty ? "" : "?" + kept.dropFirst()
        return try w.page(template: "assistance/helpers", title: t.t(f.mine ? "myHouseholds" : "helpersTitle"), [
            "mine": f.mine, "overdue": f.overdue, "unassigned": f.unassigned, "total": all.count,
            "lateCount": all.count { $0.overdue(today: today) }, "items": try await rows(page, t, today: today),
            "csv": "/helpers.csv\(query)", "xlsx": "/helpers.xlsx\(query)",
            "prev": (n > 0 ? "/helpers?page=\(n - 1)\(kept)" : nil) as Any, "next": (all.count > (n + 1) * 50 ? "/helpers?page=\(n + 1)\(kept)" : nil) as Any,
        ])
    }

    func sheet(_ w: Web, _ format: DownloadFormat) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let today = clock.today()
        let all = try await duties(w.actor, Self.filter(w).0, today: today)
        let columns = [("household", "householdId"), ("head", "head"), ("region", "region"), ("helper", "helper"), ("last", "lastVisit"), ("due", "visitDue"), ("step", "akey.caseStep")]
        let rows = try await rows(all[...], t, today: today).map { r in
            columns.map { Sheet.Cell.text("\(r[$0.0] ?? "")") } + [.text(r["late"] as? Bool == true ? t.t("overdue") : "")]
        }
        return try download(Sheet(name: t.t("helpersTitle"), headers: columns.map { t.t($0.1) } + [t.t("overdue")], rows: rows), format, name: "helpers-\(today)")
    }

    func page(_ w: Web, household: String, form: Form = [:], problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        guard let region = try await helpers.region(of: household, by: w.actor) else { return try w.notFound() }
        let history = try await helpers.history(household: household, by: w.actor)
        let may = w.role.may(.assignHelpers)
        let candidates = may ? try await helpers.candidates(household: region) : []
        return try w.page(status: status, template: "assistance/helper", title: "\(t.t("helper")) · \(household)", [
            "household": household, "region": try await regions.villageLabels([region])[region] ?? region.description,
            "history": history.map { ["name": $0.username, "from": $0.from.description, "to": $0.to?.description ?? t.t("untilNow"), "current": $0.to == nil] as [String: Any] },
            "mayAssign": may, "candidates": candidates.map { ["name": $0, "selected": form["helper"] == $0] as [String: Any] }, "hasCandidates": !candidates.isEmpty,
            "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
        ])
    }

    func assign(_ w: Web, household: String, _ form: Form) async throws -> Response {
        guard w.role.may(.assignHelpers) else { return try w.forbidden() }
        do {
            try await helpers.assign(household: household, username: (form["helper"] ?? "").trimmingSpaces(), by: w.actor, today: clock.today())
            return Response(status: .seeOther, headers: [.location: "/households/\(household)/helper"])
        } catch {
            return try await w.refused(error) { try await page(w, household: household, form: form, problems: $0, status: .unprocessableContent) }
        }
    }
}
