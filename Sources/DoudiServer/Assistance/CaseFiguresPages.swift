import DoudiDomain
import DoudiSheets
import DoudiStore
import Foundation
import Hummingbird

/// 3866 工作统计 (issue 14 item 6): the figures of a region per child region, a click down to the next level,
/// exported as CSV or XLSX; the API twin (`GET /api/v1/cases/figures`) reads the same `CaseFigures`.
struct CaseFiguresPages: Sendable {
    let web: WebShell
    let db: Database
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/cases/figures") { req, _ in try await web.withUser(req) { w in try await page(w) } }
        router.downloads("/cases/figures") { req, format in try await web.withUser(req) { w in try await sheet(w, format) } }
    }

    func figures(_ w: Web) async throws -> CaseFigures? {
        let region = w.req.uri.queryParameters["region"].flatMap { RegionCode(String($0)) } ?? w.region
        return try await CaseFigures.compute(db, region: region, by: w.actor, today: clock.today())
    }

    /// The columns every row has, in order: a key of the strings, and the count.
    static func columns(_ t: Strings.Table) -> [(String, (CaseFigures.Row) -> Int)] {
        CaseStep.allCases.map { s in (label(s, t), { $0.casesByStep[s] ?? 0 }) } + [
            (t.t("overdueCases"), \.overdueCases), (t.t("measuresTitle"), \.measures), (t.t("householdsToVisit"), \.toVisit),
            (t.t("visitsOverdue"), \.visitsOverdue), (t.t("visitedThisMonth"), \.visitedThisMonth), (t.t("reviewsMissing"), \.reviewsMissing),
        ]
    }

    func page(_ w: Web) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        guard let f = try await figures(w) else { return try await w.outsideRegion(w.req.uri.queryParameters["region"].flatMap { RegionCode(String($0)) } ?? w.region, RegionStore(db)) }
        let cols = Self.columns(t)
        let name = try await RegionStore(db).region(f.region)?.name ?? f.region.description
        return try w.page(template: "assistance/case-figures", title: t.t("caseFiguresTitle"), [
            "regionName": name, "region": f.region.description, "quarter": t.code == "en" ? f.quarter.description : f.quarter.chinese,
            "up": (f.region != w.region ? f.region.parent?.description : nil) as Any,
            "headers": cols.map(\.0),
            "rows": f.rows.map { r in
                ["name": r.region == f.region ? t.t("total") : r.name, "code": r.region.description, "link": r.region != f.region && r.region.level < .village,
                 "total": r.region == f.region, "cells": cols.map { $0.1(r) }] as [String: Any]
            },
            "services": ServiceKind.allCases.map { ["label": label($0, t), "count": f.measuresByService[$0] ?? 0] as [String: Any] },
            "units": Department.allCases.map { ["label": label($0, t), "count": f.measuresByUnit[$0] ?? 0] as [String: Any] },
            "csv": "/cases/figures.csv?region=\(f.region)", "xlsx": "/cases/figures.xlsx?region=\(f.region)",
        ])
    }

    func sheet(_ w: Web, _ format: DownloadFormat) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        guard let f = try await figures(w) else { return try w.notFound() }
        let cols = Self.columns(t)
        let rows = f.rows.map { r in [Sheet.Cell.text(r.region.description), .text(r.region == f.region ? t.t("total") : r.name)] + cols.map { Sheet.Cell.number($0.1(r)) } }
        return try download(Sheet(name: t.t("caseFiguresTitle"), headers: [t.t("regionCodeColumn"), t.t("region")] + cols.map(\.0), rows: rows), format,
                            name: "case-figures-\(f.region)-\(clock.today())")
    }
}
