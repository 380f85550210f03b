import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// The dashboard and the daily roll-up, counted from the records when asked.
struct ReportPages: Sendable {
    let web: WebShell
    let reports: ReportStore
    let regions: RegionStore
    /// The audit chain's head, printed on the roll-up as the day's anchor.
    let audit: AuditStore
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/dashboard") { req, _ in try await web.withUser(req) { w in try await dashboardPage(w) } }
        router.downloads("/dashboard") { req, format in try await web.withUser(req) { w in try await dashboardSheet(w, format) } }
        router.get("/rollup") { req, _ in try await web.withUser(req) { w in try await rollupPage(w) } }
        router.downloads("/rollup") { req, format in try await web.withUser(req) { w in try await rollupSheet(w, format) } }
    }

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
                svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(step - 4)\" height=\"\(h)\" fill=\"\(colors[c])\"><title>\(d.day) \(label(channel, t)): \(n)</title></rect>"
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
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let d = try await reports.dashboard(by: w.actor, region: requestedRegion(w))
        let names = try await regions.villageLabels(d.overdueVerifications.map(\.region) + d.overdueSteps.map(\.regionCode))
        let regionName = d.region.isCountry ? "全国 / China" : try await regions.region(d.region)?.name ?? d.region.description
        let up = d.region != w.region ? d.region.parent.map { w.region.contains($0) ? $0 : w.region } ?? w.region : nil
        func counts(_ c: [Dashboard.Count], _ label: (Dashboard.Count) -> String) -> [[String: Any]] { c.map { ["key": $0.key, "label": label($0), "count": $0.count] } }
        return try w.page(template: "reports/dashboard", title: t.t("dashboard"), [
            "region": d.region.description, "regionName": regionName, "up": up?.description as Any,
            "upName": try await up.asyncMap { try await regions.region($0)?.name ?? $0.description } ?? "",
            "monitored": d.monitored, "identifying": d.identifying, "clearing": d.clearing,
            "overdueLeadCount": d.overdueVerifications.count, "overdueStepCount": d.overdueSteps.count,
            "leadsLate": !d.overdueVerifications.isEmpty, "stepsLate": !d.overdueSteps.isEmpty,
            "chart": Self.chart(d.leadsPerDay, t),
            "legend": LeadChannel.allCases.enumerated().map { ["index": $0.offset, "label": label($0.element, t)] as [String: Any] },
            "byType": counts(d.byType) { label(MonitoringType(rawValue: $0.key), t) }, "byKind": counts(d.byKind) { label(RiskKind(rawValue: $0.key), t) },
            "byRegion": counts(d.byChildRegion) { $0.label.isEmpty ? $0.key : $0.label },
            "overdueLeads": d.overdueVerifications.map { l in
                let r = l.region
                return ["id": l.id, "name": l.name, "region": names[r] ?? r.description, "due": l.verification.due(createdOn: l.createdOn).description] as [String: Any]
            },
            "overdueSteps": d.overdueSteps.map { e in
                ["id": e.id, "name": e.headName ?? e.householdID, "region": names[e.regionCode] ?? e.regionCode.description,
                 "step": label(e.step, t), "due": e.stepDue?.description ?? ""] as [String: Any]
            }])
    }

    func dashboardSheet(_ w: Web, _ format: DownloadFormat) async throws -> Response {
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let table = w.req.uri.queryParameters["table"].map(String.init) ?? "types"
        let d = try await reports.dashboard(by: w.actor, region: requestedRegion(w))
        let names = try await regions.villageLabels(d.overdueVerifications.map(\.region) + d.overdueSteps.map(\.regionCode))
        guard let sheet = d.sheet(table, w.t, names: names) else { return try w.notFound() }
        return try download(sheet, format, name: "dashboard-\(table)-\(d.region)-\(d.today)")
    }

    func rollupDay(_ req: Request) -> CivilDate? {
        guard let text = req.uri.queryParameters["day"].map(String.init), !text.isEmpty else { return clock.today() }
        return CivilDate(text)
    }

    func rollupPage(_ w: Web) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let day = rollupDay(w.req)
        let r = try await reports.rollup(by: w.actor, day: day ?? clock.today())
        func row(_ x: Rollup.Row, _ level: String) -> [String: Any] {
            ["name": x.name, "level": level, "new": x.new, "byChannel": LeadChannel.allCases.map { ["label": label($0, t), "count": x.byChannel[$0] ?? 0] as [String: Any] }, "backlog": x.backlog, "overdue": x.overdue, "late": x.overdue > 0,
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
        return try w.page(status: day == nil ? .badRequest : .ok, template: "reports/rollup", title: t.t("rollup"), [
            "day": r.day.description, "regionName": r.total.name, "rows": rows,
            "channels": LeadChannel.allCases.map { label($0, t) }, "anchor": try await audit.head()?.description as Any,
            "error": (day == nil ? say(.dayFormat, t) : nil) as Any])
    }

    func rollupSheet(_ w: Web, _ format: DownloadFormat) async throws -> Response {
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        guard let day = rollupDay(w.req) else { return try w.notFound() }
        let r = try await reports.rollup(by: w.actor, day: day)
        return try download(r.sheet(w.t), format, name: "rollup-\(w.region)-\(day)")
    }
}
