import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// Pages of monitoring: lead verification, the case file with its procedure, the roster, the village notice,
/// policy parameters, the daily roll-up and the dashboard.
extension Pages {
    func registerMonitoring(on router: Router<DoudiContext>) {
        router.get("/leads/{id}") { req, ctx in
            try await withUser(req) { w in try await leadPage(w, id: ctx.parameters.get("id", as: Int64.self)) }
        }
        router.post("/leads/{id}") { req, ctx in
            try await withUser(req, post: true) { w, form in try await verifyLead(w, id: ctx.parameters.get("id", as: Int64.self), form) }
        }
        router.get("/episodes") { req, _ in try await withUser(req) { w in try await episodesPage(w) } }
        router.get("/episodes.csv") { req, _ in try await withUser(req) { w in try await episodesCSV(w) } }
        router.get("/episodes/{id}") { req, ctx in
            try await withUser(req) { w in try await episodePage(w, id: ctx.parameters.get("id", as: Int64.self)) }
        }
        router.post("/episodes/{id}") { req, ctx in
            try await withUser(req, post: true) { w, form in try await actOnEpisode(w, id: ctx.parameters.get("id", as: Int64.self), form) }
        }
        router.post("/episodes/{id}/clearing") { req, ctx in
            try await withUser(req, post: true) { w, form in try await proposeClearing(w, id: ctx.parameters.get("id", as: Int64.self), form) }
        }
        router.get("/episodes/{id}/notice") { req, ctx in
            try await withUser(req) { w in try await noticePage(w, id: ctx.parameters.get("id", as: Int64.self)) }
        }
        router.get("/policy") { req, _ in try await withUser(req) { w in try await policyPage(w, form: [:]) } }
        router.post("/policy") { req, _ in try await withUser(req, post: true) { w, form in try await setPolicy(w, form) } }
        router.get("/dashboard") { req, _ in try await withUser(req) { w in try await dashboardPage(w) } }
        router.get("/dashboard.csv") { req, _ in try await withUser(req) { w in try await dashboardCSV(w) } }
        router.get("/rollup") { req, _ in try await withUser(req) { w in try await rollupPage(w) } }
        router.get("/rollup.csv") { req, _ in try await withUser(req) { w in try await rollupCSV(w) } }
    }

    func label<E: CodeNamed>(_ e: E, _ t: Strings.Table) -> String { t.code == "en" ? e.rawValue : e.chinese }
    func label<E: CodeNamed>(_: E.Type, _ raw: String?, _ t: Strings.Table) -> String {
        guard let raw else { return "" }
        return E(rawValue: raw).map { label($0, t) } ?? raw
    }
    func kindsText(_ kinds: [RiskKind], _ t: Strings.Table) -> String { kinds.map { label($0, t) }.joined(separator: "、") }

    /// A CSV download: UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese right.
    func csv(_ text: String, name: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + text)))
    }

    // MARK: - Lead verification (周核实)

    func leadPage(_ w: Web, id: Int64?, problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.readRegister) else { return try w.forbidden() }
        guard let id, let l = try await services.leads.lead(id, by: w.actor) else { return try w.notFound() }
        let today = services.clock.today(), due = l.verification.due(createdOn: l.createdOn)
        let region = RegionCode(value: UInt64(l.region)) ?? .country
        let name = try await services.regions.villageLabels([region])[region] ?? region.description
        let open = l.status == LeadStatus.open.rawValue
        let escalation = l.verification.escalation(createdOn: l.createdOn, today: today)
        let kinds = l.riskKinds.split(separator: ",").compactMap { RiskKind(rawValue: String($0)) }
        let episode = open ? nil : try await services.episodes.episodes(by: w.actor, statuses: [], householdID: l.householdID ?? "-").first(where: { $0.leadID == l.id })?.id
        return try w.page(status: status, template: "lead", title: t.t("verifyLead"), [
            "l": ["id": l.id, "channel": label(LeadChannel.self, l.channel, t), "name": l.name, "household": l.householdID as Any,
                  "rid": Masking.residentID(l.residentID), "region": name, "kinds": kindsText(kinds, t), "description": l.description,
                  "status": label(LeadStatus.self, l.status, t), "open": open, "due": due.description, "overdue": today > due,
                  "escalation": escalation == .county ? t.t("county") : t.t("townshipLevel")] as [String: Any],
            "canVerify": open && l.verification.mayVerify(w.role, createdOn: l.createdOn, today: today), "types": Self.options(MonitoringType.self, selected: nil, t: t),
            "kinds": try await self.kinds(t, selected: kinds.map(\.rawValue), region: region),
            "problems": w.lines(problems), "hasProblems": !problems.isEmpty, "episode": episode as Any])
    }

    func verifyLead(_ w: Web, id: Int64?, _ form: Form) async throws -> Response {
        guard let id else { return try w.notFound() }
        let merge = form["mergeInto"].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        switch LeadDecision.parse(decision: form["decision"] ?? "", monitoringType: form["monitoringType"], riskKinds: form.all["riskKinds"] ?? [],
                                  reason: form["reason"], mergeInto: merge) {
        case .failure(let p): return try await leadPage(w, id: id, problems: p.problems, status: .unprocessableContent)
        case .success(let decision):
            do {
                try await services.leads.verify(leadID: id, decision: decision, by: w.actor)
                return .redirect(to: "/leads/\(id)", type: .normal)
            } catch {
                return try await w.refused(error) { try await leadPage(w, id: id, problems: $0, status: .unprocessableContent) }
            }
        }
    }

    // MARK: - Roster and case file

    static let rosterStatuses: [EpisodeStatus] = [.identifying, .monitored, .clearing]

    func statuses(_ req: Request) -> (String, [EpisodeStatus]) {
        let s = req.uri.queryParameters["status"].map(String.init) ?? "open"
        if let one = EpisodeStatus(rawValue: s) { return (s, [one]) }
        return s == "all" ? ("all", []) : ("open", Self.rosterStatuses)
    }

    func episodeRows(_ list: [EpisodeSummary], _ t: Strings.Table, today: CivilDate) async throws -> [[String: Any]] {
        let names = try await services.regions.villageLabels(list.map(\.regionCode))
        return list.map { e in
            ["id": e.id, "head": e.headName ?? e.householdID, "household": e.householdID, "region": names[e.regionCode] ?? e.regionCode.description,
             "type": label(MonitoringType.self, e.monitoringType, t), "kinds": kindsText(e.kinds, t), "status": label(EpisodeStatus.self, e.status, t),
             "step": label(ProcedureStep.self, e.step, t), "due": e.stepDue?.description ?? "", "overdue": e.overdue(today: today),
             "identifiedOn": e.identifiedOn?.description ?? "", "regionCode": e.regionCode.description]
        }
    }

    func episodesPage(_ w: Web) async throws -> Response {
        let t = w.t
        guard w.role.may(.readRegister) else { return try w.forbidden() }
        let (chosen, statuses) = statuses(w.req)
        let list = try await services.episodes.episodes(by: w.actor, statuses: statuses)
        let options: [[String: Any]] = [["value": "open", "label": "\(label(EpisodeStatus.identifying, t)) + \(label(EpisodeStatus.monitored, t)) + \(label(EpisodeStatus.clearing, t))", "selected": chosen == "open"]]
            + EpisodeStatus.allCases.map { ["value": $0.rawValue, "label": label($0, t), "selected": chosen == $0.rawValue] }
            + [["value": "all", "label": t.t("all"), "selected": chosen == "all"]]
        return try w.page(template: "episodes", title: t.t("episodes"),
                        ["episodes": try await episodeRows(list, t, today: services.clock.today()), "statuses": options, "status": chosen])
    }

    func episodesCSV(_ w: Web) async throws -> Response {
        guard w.role.may(.readRegister) else { return try w.forbidden() }
        let t = strings.table("zh")
        let (chosen, statuses) = statuses(w.req)
        let rows = try await episodeRows(try await services.episodes.episodes(by: w.actor, statuses: statuses, limit: 100_000), t, today: services.clock.today())
        var out = "episode_id,household_id,head,region_code,village,monitoring_type,risk_kinds,status,step,due,identified_on\n"
        for r in rows {
            out += ["id", "household", "head", "regionCode", "region", "type", "kinds", "status", "step", "due", "identifiedOn"]
                .map { CSVCell.text("\(r[$0] ?? "")") }.joined(separator: ",") + "\n"
        }
        return csv(out, name: "episodes-\(chosen)-\(services.clock.today()).csv")
    }

    func episodePage(_ w: Web, id: Int64?, problems: [FieldProblem] = [], form: Form = [:],
                     status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.readRegister) else { return try w.forbidden() }
        guard let id, let d = try await services.episodes.detail(id, by: w.actor) else { return try w.notFound() }
        let e = d.episode, today = services.clock.today()
        let step = e.step.flatMap(ProcedureStep.init(rawValue:))
        let running = e.status == EpisodeStatus.identifying.rawValue || e.status == EpisodeStatus.clearing.rawValue
        let canAct = running && step?.actor == w.role
        let village = try await services.regions.villageLabels([e.regionCode])[e.regionCode] ?? e.regionCode.description
        let criteria = ["food", "clothing", "education", "medical", "housing", "drinkingWater", "rigidExpensesResolved", "risksRemoved", "noNewRisk"]
        return try w.page(status: status, template: "episode", title: t.t("caseFile"), [
            "e": ["id": e.id, "head": e.headName ?? e.householdID, "household": e.householdID, "region": village,
                  "type": label(MonitoringType.self, e.monitoringType, t), "kinds": kindsText(e.kinds, t), "status": label(EpisodeStatus.self, e.status, t),
                  "foundOn": e.foundOn.description, "identifiedOn": e.identifiedOn?.description as Any, "clearedOn": e.clearedOn?.description as Any,
                  "step": (running ? label(ProcedureStep.self, e.step, t) : nil) as Any, "procedure": label(ProcedureKind.self, e.procedureKind, t),
                  "actor": step.map { t.code == "en" ? $0.actor.english : $0.actor.chinese } ?? "", "due": e.stepDue?.description ?? "",
                  "overdue": e.overdue(today: today), "noticeFrom": (running ? e.noticeFrom?.description : nil) as Any,
                  "noticeTo": e.noticeTo?.description ?? "", "previous": e.previousID as Any] as [String: Any],
            "canAct": canAct, "isNotice": step == .publicNotice, "today": today.description, "noticeEnd": today.adding(days: d.noticeDays).description,
            "canSettle": canAct && step == .publicNotice,
            "canPropose": e.status == EpisodeStatus.monitored.rawValue && w.role == ProcedureStep.democraticReview.actor,
            "criteria": criteria.map { ["key": $0, "label": t.t($0), "checked": form[$0] == "1"] as [String: Any] }, "form": form.values,
            "objections": d.objections.map { ["id": $0.id, "raisedOn": $0.raisedOn.description, "text": $0.text, "status": t.t("obj." + $0.status),
                                              "resolution": $0.resolution as Any, "canSettle": canAct && step == .publicNotice && $0.status == "open"] as [String: Any] },
            "events": d.events.map { ev in
                // The lead an event names is a link; the criteria of a clearing proposal are shown as the form had them.
                let note = ev.action == "opened" || ev.action == "leadAttached" ? "\(t.t("lead")) \(ev.note)" : ev.action == "clearingProposed" ? "" : ev.note
                return ["day": ev.onDay.description, "step": label(ProcedureStep.self, ev.step, t), "action": t.t("ev." + ev.action), "note": note, "actor": ev.actor] as [String: Any]
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
            do {
                try await services.episodes.act(id, action, by: w.actor)
                return .redirect(to: "/episodes/\(id)", type: .normal)
            } catch {
                return try await w.refused(error) { try await episodePage(w, id: id, problems: $0, status: .unprocessableContent) }
            }
        }
    }

    func proposeClearing(_ w: Web, id: Int64?, _ form: Form) async throws -> Response {
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
            try await services.episodes.proposeClearing(id, criteria: c, by: w.actor)
            return .redirect(to: "/episodes/\(id)", type: .normal)
        } catch {
            return try await w.refused(error) { try await episodePage(w, id: id, problems: $0, form: form, status: .unprocessableContent) }
        }
    }

    /// The village notice: rendered from PublicNotice only, which has no field for an ID, phone, bank account or health detail.
    func noticePage(_ w: Web, id: Int64?) async throws -> Response {
        let t = w.t
        guard w.role.may(.readRegister) else { return try w.forbidden() }
        guard let id, let n = try await services.episodes.notice(id, by: w.actor) else { return try w.notFound() }
        let identification = n.kind == .identification
        return try w.page(template: "notice", title: t.t(identification ? "noticeTitle" : "noticeClearTitle"), [
            "title": t.t(identification ? "noticeTitle" : "noticeClearTitle"), "body": t.t(identification ? "noticeBody" : "noticeClearBody"),
            "n": ["village": n.village, "headName": n.headName, "type": label(n.monitoringType, t), "kinds": kindsText(n.riskKinds, t),
                  "from": n.from.description, "to": n.to.description] as [String: Any]])
    }

    // MARK: - Policy parameters

    func policyPage(_ w: Web, form: Form, message: String? = nil, problems: [FieldProblem] = [],
                    status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.readRegister) || w.role.may(.manageRegions) else { return try w.forbidden() }
        let q = w.req.uri.queryParameters
        let regionText = form["region"] ?? q["region"].map(String.init) ?? w.region.description
        let region = regionText == RegionCode.country.description ? RegionCode.country : RegionCode(regionText) ?? w.region
        let year = Int(form["year"] ?? q["year"].map(String.init) ?? "") ?? services.clock.today().year
        guard w.region.contains(region) else { return try w.forbidden() }
        let settings = try await services.policy.settings(by: w.actor)
        let policy = Policy.resolve(region: region, year: year, settings: settings)
        let sources = policy.sources
        let sourceNames = try await services.regions.villageLabels(sources.values.map(\.region).filter { !$0.isCountry })
        let regionName = region.isCountry ? "全国 / China" : try await services.regions.region(region)?.name ?? region.description
        return try w.page(status: status, template: "policy", title: t.t("policy"), [
            "region": region.description, "year": year, "regionName": regionName, "message": message as Any,
            "values": PolicyKey.allCases.map { k in
                let s = sources[k]
                let from = s.map { ($0.region.isCountry ? "全国" : sourceNames[$0.region] ?? $0.region.description) + " · \($0.year)" } ?? "—"
                let value = k == .riskKinds ? kindsText(policy.riskKinds, t) : policy.values[k] ?? "—"
                return ["key": k.rawValue, "label": t.code == "en" ? k.english : k.chinese, "value": value, "source": from] as [String: Any]
            },
            "canSet": w.role == .admin, "keys": PolicyKey.allCases.map { ["value": $0.rawValue, "label": t.code == "en" ? $0.english : $0.chinese, "selected": form["key"] == $0.rawValue] as [String: Any] },
            "form": form.values, "problems": w.lines(problems), "hasProblems": !problems.isEmpty])
    }

    func setPolicy(_ w: Web, _ form: Form) async throws -> Response {
        let t = w.t
        let regionText = (form["region"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let region = regionText == RegionCode.country.description ? RegionCode.country : RegionCode(regionText) else {
            return try await policyPage(w, form: form, problems: [FieldProblem("region", Message("区划代码应为12位数字", "a region code has 12 digits"))], status: .unprocessableContent)
        }
        guard let key = PolicyKey(rawValue: form["key"] ?? "") else {
            return try await policyPage(w, form: form, problems: [PolicyKey.problem(field: "key", text: form["key"] ?? "")], status: .unprocessableContent)
        }
        guard let year = Int((form["year"] ?? "").trimmingCharacters(in: .whitespaces)) else {
            return try await policyPage(w, form: form, problems: [FieldProblem("year", Message("请填写年度", "give the year"))], status: .unprocessableContent)
        }
        do {
            try await services.policy.set(region: region, year: year, key: key, value: form["value"] ?? "", by: w.actor)
            return try await policyPage(w, form: ["region": region.description, "year": String(year)], message: t.t("saved"))
        } catch {
            return try await w.refused(error) { try await policyPage(w, form: form, problems: $0, status: .unprocessableContent) }
        }
    }

    // MARK: - Dashboard and roll-up

    func requestedRegion(_ w: Web) -> RegionCode? {
        w.req.uri.queryParameters["region"].flatMap { RegionCode(String($0)) }.map { w.region.contains($0) ? $0 : w.region }
    }

    /// Leads per day as stacked bars, drawn on the server: no script, no chart library, a few kilobytes.
    static func chart(_ days: [(day: CivilDate, byChannel: [LeadChannel: Int])], _ t: Strings.Table) -> String {
        let colors = ["#a31f24", "#e08a00", "#2e7d32", "#1565c0"]
        let width = 600.0, height = 160.0, top = 14.0
        let most = max(1, days.map { $0.byChannel.values.reduce(0, +) }.max() ?? 1)
        let step = width / Double(max(days.count, 1))
        var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height + 22))\" role=\"img\" aria-label=\"\(t.t("leadsPerDay"))\">"
        svg += "<line x1=\"0\" y1=\"\(height)\" x2=\"\(width)\" y2=\"\(height)\" stroke=\"#9aa3ab\"/>"
        svg += "<text x=\"2\" y=\"10\" font-size=\"11\" fill=\"#5b6670\">\(most)</text>"
        for (i, d) in days.enumerated() {
            var y = height
            let x = Double(i) * step + 2
            for (c, channel) in LeadChannel.allCases.enumerated() {
                let n = d.byChannel[channel] ?? 0
                guard n > 0 else { continue }
                let h = (height - top) * Double(n) / Double(most)
                y -= h
                svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(step - 4)\" height=\"\(h)\" fill=\"\(colors[c])\"><title>\(d.day) \(t.code == "en" ? channel.rawValue : channel.chinese): \(n)</title></rect>"
            }
        }
        if let first = days.first, let last = days.last {
            svg += "<text x=\"0\" y=\"\(height + 16)\" font-size=\"11\" fill=\"#5b6670\">\(first.day)</text>"
            svg += "<text x=\"\(width)\" y=\"\(height + 16)\" font-size=\"11\" fill=\"#5b6670\" text-anchor=\"end\">\(last.day)</text>"
        }
        return svg + "</svg>"
    }

    func dashboardPage(_ w: Web) async throws -> Response {
        let t = w.t
        guard w.role.may(.readRegister) else { return try w.forbidden() }
        let d = try await services.reports.dashboard(by: w.actor, region: requestedRegion(w))
        let names = try await services.regions.villageLabels(d.overdueVerifications.compactMap { RegionCode(value: UInt64($0.region)) } + d.overdueSteps.map(\.regionCode))
        let regionName = d.region.isCountry ? "全国 / China" : try await services.regions.region(d.region)?.name ?? d.region.description
        let up = d.region != w.region ? d.region.parent.map { w.region.contains($0) ? $0 : w.region } ?? w.region : nil
        func counts(_ c: [Dashboard.Count], _ label: (Dashboard.Count) -> String) -> [[String: Any]] { c.map { ["key": $0.key, "label": label($0), "count": $0.count] } }
        return try w.page(template: "dashboard", title: t.t("dashboard"), [
            "region": d.region.description, "regionName": regionName, "up": up?.description as Any,
            "upName": try await up.asyncMap { try await services.regions.region($0)?.name ?? $0.description } ?? "",
            "monitored": d.monitored, "identifying": d.identifying, "clearing": d.clearing,
            "overdueLeadCount": d.overdueVerifications.count, "overdueStepCount": d.overdueSteps.count,
            "leadsLate": !d.overdueVerifications.isEmpty, "stepsLate": !d.overdueSteps.isEmpty,
            "chart": Self.chart(d.leadsPerDay, t),
            "legend": LeadChannel.allCases.enumerated().map { ["index": $0.offset, "label": label($0.element, t)] as [String: Any] },
            "byType": counts(d.byType) { label(MonitoringType.self, $0.key, t) }, "byKind": counts(d.byKind) { label(RiskKind.self, $0.key, t) },
            "byRegion": counts(d.byChildRegion) { $0.label.isEmpty ? $0.key : $0.label },
            "overdueLeads": d.overdueVerifications.map { l in
                let r = RegionCode(value: UInt64(l.region)) ?? .country
                return ["id": l.id, "name": l.name, "region": names[r] ?? r.description, "due": l.verification.due(createdOn: l.createdOn).description] as [String: Any]
            },
            "overdueSteps": d.overdueSteps.map { e in
                ["id": e.id, "name": e.headName ?? e.householdID, "region": names[e.regionCode] ?? e.regionCode.description,
                 "step": label(ProcedureStep.self, e.step, t), "due": e.stepDue?.description ?? ""] as [String: Any]
            }])
    }

    func dashboardCSV(_ w: Web) async throws -> Response {
        guard w.role.may(.readRegister) else { return try w.forbidden() }
        let table = w.req.uri.queryParameters["table"].map(String.init) ?? "types"
        let d = try await services.reports.dashboard(by: w.actor, region: requestedRegion(w))
        guard let text = d.csv(table) else { return try w.notFound() }
        return csv(text, name: "dashboard-\(table)-\(d.region)-\(d.today).csv")
    }

    func rollupDay(_ req: Request) -> CivilDate? {
        guard let text = req.uri.queryParameters["day"].map(String.init), !text.isEmpty else { return services.clock.today() }
        return CivilDate(text)
    }

    func rollupPage(_ w: Web) async throws -> Response {
        let t = w.t
        guard w.role.may(.readRegister) else { return try w.forbidden() }
        let day = rollupDay(w.req)
        let r = try await services.reports.rollup(by: w.actor, day: day ?? services.clock.today())
        func row(_ x: Rollup.Row, _ level: String) -> [String: Any] {
            ["name": x.name, "level": level, "new": x.new, "byChannel": LeadChannel.allCases.map { x.byChannel[$0] ?? 0 }, "backlog": x.backlog, "overdue": x.overdue, "late": x.overdue > 0,
             "kinds": RiskKind.allCases.compactMap { k in x.byKind[k].map { "\(label(k, t)) \($0)" } }.joined(separator: "、")]
        }
        var rows: [[String: Any]] = []
        for tw in r.townships {
            rows.append(row(tw, "township"))
            rows += r.villages.filter { tw.region.contains($0.region) && $0.region != tw.region }.map { row($0, "village") }
        }
        var total = row(r.total, "total")
        total["name"] = "\(t.t("sum")) · \(r.total.name)"
        rows.append(total)
        return try w.page(status: day == nil ? .badRequest : .ok, template: "rollup", title: t.t("rollup"), [
            "day": r.day.description, "regionName": r.total.name, "rows": rows,
            "channels": LeadChannel.allCases.map { label($0, t) },
            "error": (day == nil ? say(Message("日期应为YYYY-MM-DD", "a day is written YYYY-MM-DD"), t) : nil) as Any])
    }

    func rollupCSV(_ w: Web) async throws -> Response {
        guard w.role.may(.readRegister) else { return try w.forbidden() }
        guard let day = rollupDay(w.req) else { return try w.notFound() }
        let r = try await services.reports.rollup(by: w.actor, day: day)
        return csv(r.csv, name: "rollup-\(w.region)-\(day).csv")
    }
}

extension Optional {
    func asyncMap<U>(_ f: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let v = self else { return nil }
        return try await f(v)
    }
}
