import DoudiDomain
import DoudiSheets
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// The roster of monitored households, the case file with its procedure, and the village notice.
struct EpisodePages: Sendable {
    let web: WebShell
    let episodes: EpisodeStore
    let regions: RegionStore
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/episodes") { req, _ in try await web.withUser(req) { w in try await episodesPage(w) } }
        router.downloads("/episodes") { req, format in try await web.withUser(req) { w in try await episodesSheet(w, format) } }
        router.post("/episodes/batch") { req, _ in try await web.withUser(req, post: true) { w, form in try await batch(w, form) } }
        router.get("/episodes/{id}") { req, ctx in
            try await web.withUser(req) { w in try await episodePage(w, id: ctx.parameters.get("id", as: Int64.self)) }
        }
        router.post("/episodes/{id}") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await actOnEpisode(w, id: ctx.parameters.get("id", as: Int64.self), form) }
        }
        router.post("/episodes/{id}/clearing") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await proposeClearing(w, id: ctx.parameters.get("id", as: Int64.self), form) }
        }
        router.get("/episodes/{id}/notice") { req, ctx in
            try await web.withUser(req) { w in try await noticePage(w, id: ctx.parameters.get("id", as: Int64.self)) }
        }
    }

    static let rosterStatuses: [EpisodeStatus] = [.identifying, .monitored, .clearing]

    /// The list's filters as the address gives them (so a list can be bookmarked), and the address again.
    struct Asked {
        static let keys = ["status", "step", "type", "region", "q", "overdue", "sort"]
        var status: String
        var query: EpisodeQuery
        var params: [String: String]
        init(_ req: Request) {
            let q = req.uri.queryParameters
            var p: [String: String] = [:]
            for k in Self.keys { p[k] = q[Substring(k)].map(String.init) ?? "" }
            func v(_ k: String) -> String { p[k] ?? "" }
            let s = v("status").isEmpty ? "open" : v("status")
            let statuses: [EpisodeStatus] = EpisodeStatus(rawValue: s).map { [$0] } ?? (s == "all" ? [] : EpisodePages.rosterStatuses)
            status = EpisodeStatus(rawValue: s) != nil || s == "all" ? s : "open"
            p["status"] = status
            query = EpisodeQuery(statuses: statuses, step: ProcedureStep(rawValue: v("step")), type: MonitoringType(rawValue: v("type")),
                                 region: RegionCode(v("region")), text: String(v("q").prefix(50)), overdue: v("overdue") == "1",
                                 sort: EpisodeQuery.Sort(rawValue: v("sort")) ?? .newest)
            params = p
        }
        func link(_ path: String, page: Int? = nil) -> String {
            var c = URLComponents()
            c.queryItems = Self.keys.compactMap { k in params[k].flatMap { $0.isEmpty ? nil : URLQueryItem(name: k, value: $0) } }
                + (page.map { [URLQueryItem(name: "page", value: String($0))] } ?? [])
            return path + "?" + (c.percentEncodedQuery ?? "")
        }
    }

    func episodeRows(_ list: [EpisodeSummary], _ t: Strings.Table, today: CivilDate) async throws -> [[String: Any]] {
        let names = try await regions.villageLabels(list.map(\.regionCode))
        return list.map { e in
            ["id": e.id, "head": e.headName ?? e.householdID, "household": e.householdID, "region": names[e.regionCode] ?? e.regionCode.description,
             "type": label(e.monitoringType, t), "kinds": kindsText(e.riskKinds, t), "status": label(e.status, t),
             "step": label(e.step, t), "due": e.stepDue?.description ?? "", "overdue": e.overdue(today: today),
             "identifiedOn": e.identifiedOn?.description ?? "", "regionCode": e.regionCode.description]
        }
    }

    func episodesPage(_ w: Web, message: String? = nil, problems: [String] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        var asked = Asked(w.req)
        let pageNo = w.pageNumber
        asked.query.offset = pageNo * 50
        let page = try await episodes.list(by: w.actor, asked.query, today: clock.today())
        // The township's and the county's own steps may be done for many households at once.
        let batchable = Set(page.items.filter { e in e.step.map { $0.actor == w.role && $0.actor != .villageCadre } ?? false }.map(\.id))
        var rows = try await episodeRows(page.items, t, today: clock.today())
        for i in rows.indices { rows[i]["batch"] = (rows[i]["id"] as? Int64).map(batchable.contains) ?? false }
        let chosen = asked.status, q = asked.query
        let options: [[String: Any]] = [["value": "open", "label": "\(label(EpisodeStatus.identifying, t)) + \(label(EpisodeStatus.monitored, t)) + \(label(EpisodeStatus.clearing, t))", "selected": chosen == "open"]]
            + EpisodeStatus.allCases.map { ["value": $0.rawValue, "label": label($0, t), "selected": chosen == $0.rawValue] }
            + [["value": "all", "label": t.t("all"), "selected": chosen == "all"]]
        let regionChoices = try await regions.scopeChoices(w.account, selected: q.region)
        return try w.page(status: status, template: "monitoring/episodes", title: t.t("episodes"), [
            "episodes": rows, "statuses": options, "canBatch": !batchable.isEmpty, "total": page.total, "q": q.text, "overdueOnly": q.overdue,
            "steps": ProcedureStep.allCases.map { ["value": $0.rawValue, "label": label($0, t), "selected": $0 == q.step] },
            "types": MonitoringType.allCases.map { ["value": $0.rawValue, "label": label($0, t), "selected": $0 == q.type] },
            "sorts": EpisodeQuery.Sort.allCases.map { ["value": $0.rawValue, "label": t.t("episodeSort_" + $0.rawValue), "selected": $0 == q.sort] },
            "regions": regionChoices, "hasRegions": !regionChoices.isEmpty,
            "csv": asked.link("/episodes.csv"), "xlsx": asked.link("/episodes.xlsx"),
            "prev": pageNo > 0 ? asked.link("/episodes", page: pageNo - 1) : false,
            "next": (pageNo + 1) * 50 < page.total ? asked.link("/episodes", page: pageNo + 1) : false,
            "message": message as Any, "problems": problems, "hasProblems": !problems.isEmpty])
    }

    func episodesSheet(_ w: Web, _ format: DownloadFormat) async throws -> Response {
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let t = w.t
        var asked = Asked(w.req)
        asked.query.limit = 100_000
        let rows = try await episodeRows(try await episodes.list(by: w.actor, asked.query, today: clock.today()).items, t, today: clock.today())
        let columns = [("household", "householdId"), ("head", "head"), ("regionCode", "regionCodeColumn"), ("region", "region"), ("type", "monitoringType"),
                       ("kinds", "riskKinds"), ("status", "status"), ("step", "step"), ("due", "due"), ("identifiedOn", "identifiedOn")]
        let sheet = Sheet(name: t.t("episodes"), headers: columns.map { t.t($0.1) },
                          rows: rows.map { r in columns.map { .text("\(r[$0.0] ?? "")") } })
        return try download(sheet, format, name: "episodes-\(asked.status)-\(clock.today())")
    }

    func episodePage(_ w: Web, id: Int64?, problems: [FieldProblem] = [], form: Form = [:],
                     status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        guard let id, let d = try await episodes.detail(id, by: w.actor) else { return try w.notFound() }
        let e = d.episode, today = clock.today()
        let step = e.step, running = e.running
        let canAct = running && step?.actor == w.role
        let village = try await regions.villageLabels([e.regionCode])[e.regionCode] ?? e.regionCode.description
        let criteria = ["food", "clothing", "education", "medical", "housing", "drinkingWater", "rigidExpensesResolved", "risksRemoved", "noNewRisk"]
        return try w.page(status: status, template: "monitoring/episode", title: t.t("caseFile"), [
            "e": ["id": e.id, "head": e.headName ?? e.householdID, "household": e.householdID, "region": village,
                  "type": label(e.monitoringType, t), "kinds": kindsText(e.riskKinds, t), "status": label(e.status, t),
                  "foundOn": e.foundOn.description, "identifiedOn": e.identifiedOn?.description as Any, "clearedOn": e.clearedOn?.description as Any,
                  "step": (running ? label(e.step, t) : nil) as Any, "procedure": label(e.procedureKind, t),
                  "actor": step.map { t.code == "en" ? $0.actor.english : $0.actor.chinese } ?? "", "due": e.stepDue?.description ?? "",
                  "overdue": e.overdue(today: today), "noticeFrom": (running ? e.noticeFrom?.description : nil) as Any,
                  "noticeTo": e.noticeTo?.description ?? "", "previous": e.previousID as Any] as [String: Any],
            "canAct": canAct, "isNotice": step == .publicNotice, "today": today.description, "noticeEnd": today.adding(days: d.noticeDays).description,
            "canSettle": canAct && step == .publicNotice,
            "canPropose": e.status == .monitored && w.role.may(.proposeClearing),
            "criteria": criteria.map { ["key": $0, "label": t.t($0), "checked": form[$0] == "1"] as [String: Any] }, "form": form.values,
            "objections": d.objections.map { ["id": $0.id, "raisedOn": $0.raisedOn.description, "text": $0.text, "status": t.t("obj." + $0.status.rawValue),
                                              "resolution": $0.resolution as Any, "canSettle": canAct && step == .publicNotice && $0.status == .open] as [String: Any] },
            "events": d.events.map { ev in
                // The lead an event names is a link; the criteria of a clearing proposal are shown as the form had them.
                let note = ev.action == .opened || ev.action == .leadAttached ? "\(t.t("lead")) \(ev.note)" : ev.action == .clearingProposed ? "" : ev.note
                return ["day": ev.onDay.description, "step": label(ev.step, t), "action": t.t("ev." + ev.action.rawValue), "note": note, "actor": ev.actor] as [String: Any]
            },
            "problems": w.lines(problems), "hasProblems": !problems.isEmpty])
    }

    func actOnEpisode(_ w: Web, id: Int64?, _ form: Form) async throws -> Response {
        guard let id else { return try w.notFound() }
        let upheld: Bool? = form["upheld"].map { $0 == "1" }
        switch ProcedureAction.parse(action: form["action"] ?? "", note: form["note"], reason: form["reason"], from: form["from"], to: form["to"],
                                     text: form["text"], objectionID: form["objectionId"].flatMap { Int64($0) }, upheld: upheld) {
        case .failure(let p): return try await episodePage(w, id: id, problems: p.problems, status: .unprocessableContent)
        case .success(let action):
            if !Web.confirmed(form), let question = Self.ends(action, w.t) {
                guard let d = try await episodes.detail(id, by: w.actor) else { return try w.notFound() }
                let t = w.t
                return try w.confirm(form, action: "/episodes/\(id)", back: "/episodes/\(id)", title: "\(t.t("caseFile")) · \(d.episode.headName ?? d.episode.householdID)", question: question,
                                     summary: [(t.t("step"), d.episode.step.map { label($0, t) } ?? ""), (t.t("reason"), form["reason"] ?? form["text"] ?? "")],
                                     button: t.t("confirmRecord"))
            }
            do {
                try await episodes.act(id, action, by: w.actor)
                return .redirect(to: "/episodes/\(id)", type: .normal)
            } catch {
                return try await w.refused(error) { try await episodePage(w, id: id, problems: $0, status: .unprocessableContent) }
            }
        }
    }

    /// What asks again: an action that ends the procedure, or settles an objection for good.
    static func ends(_ action: ProcedureAction, _ t: Strings.Table) -> String? {
        switch action {
        case .reject: t.t("confirmReject")
        case .resolveObjection(_, let upheld, _): t.t(upheld ? "confirmUphold" : "confirmDismiss")
        case .complete, .startNotice, .objection: nil
        }
    }

    func proposeClearing(_ w: Web, id: Int64?, _ form: Form) async throws -> Response {
        guard w.role.may(.proposeClearing) else { return try w.forbidden() }
        guard let id else { return try w.notFound() }
        let parts = (form["monthlyIncome"] ?? "").split(whereSeparator: { ",，、 ".contains($0) })
        let income = parts.compactMap { Int($0) }
        guard income.count == parts.count, !income.isEmpty, income.allSatisfy({ $0 >= 0 }) else {
            return try await episodePage(w, id: id, problems: [FieldProblem("monthlyIncome", Message("请按月份填写整数金额，用逗号分隔", "give whole yuan amounts per month, separated by commas"))],
                                         form: form, status: .unprocessableContent)
        }
        let c = ClearingCriteria(monthlyIncome: income, food: form["food"] == "1", clothing: form["clothing"] == "1", education: form["education"] == "1",
                                 medical: form["medical"] == "1", housing: form["housing"] == "1", drinkingWater: form["drinkingWater"] == "1",
                                 rigidExpensesResolved: form["rigidExpensesResolved"] == "1", risksRemoved: form["risksRemoved"] == "1", noNewRisk: form["noNewRisk"] == "1")
        do {
            try await episodes.proposeClearing(id, criteria: c, by: w.actor)
            return .redirect(to: "/episodes/\(id)", type: .normal)
        } catch {
            return try await w.refused(error) { try await episodePage(w, id: id, problems: $0, form: form, status: .unprocessableContent) }
        }
    }

    /// The village notice the episode is on: the village's sheet for that period, every household entering it,
    /// rendered from PublicNotice only (no field for an ID, phone, bank account or health detail), for A4.
    func noticePage(_ w: Web, id: Int64?) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        guard let id, let one = try await episodes.notice(id, by: w.actor),
              let d = try await episodes.detail(id, by: w.actor),
              let n = try await episodes.villageNotice(village: d.episode.regionCode, from: one.from, kind: one.kind, by: w.actor) else { return try w.notFound() }
        let identification = n.sheet.kind == .monitoringIdentification
        return try noticeSheet(w, n, body: t.t(identification ? "noticeBody" : "noticeClearBody"), back: "/episodes/\(id)", backLabel: t.t("caseFile"))
    }

}
