import DoudiDomain
import DoudiSheets
import DoudiStore
import Hummingbird

/// 困境儿童统计 (issue 15 item 8): the open cases of a region per child region, a click down to the next level, by
/// category and by arrangement, exported as CSV or XLSX; the API twin (`GET /api/v1/children/figures`) reads the same
/// `ChildFigures`.
struct ChildFiguresPages: Sendable {
    let web: WebShell
    let db: Database
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/children/figures") { req, _ in try await web.withUser(req) { w in try await page(w) } }
        router.downloads("/children/figures") { req, format in try await web.withUser(req) { w in try await sheet(w, format) } }
    }

    func figures(_ w: Web) async throws -> ChildFigures? {
        try await ChildFigures.compute(db, region: w.req.uri.queryParameters["region"].flatMap { RegionCode(String($0)) } ?? w.region, by: w.actor)
    }

    /// The columns every row has, in order: the words, and the count.
    static func columns(_ t: Strings.Table) -> [(String, (ChildFigures.Row) -> Int)] {
        [(t.t("childOpen"), \.open), (t.t("childWaiting"), \.waiting), (t.t("childLate"), \.lateAcknowledgements)]
            + ChildRisk.allCases.map { r in ("\(t.t("childRisk"))·\(label(r, t))", { $0.byRisk[r] ?? 0 }) }
            + [(t.t("childFollowUpsOverdue"), \.followUpsOverdue), (t.t("childCareEndingShort"), \.careEnding)]
    }

    func page(_ w: Web) async throws -> Response {
        let t = w.t
        guard ChildAccess.mayOpen(w.role) else { return try w.forbidden() }
        guard let f = try await figures(w) else { return try w.notFound() }
        let cols = Self.columns(t)
        let name = try await RegionStore(db).region(f.region)?.name ?? f.region.description
        return try w.page(template: "children/figures", title: t.t("childFiguresTitle"), [
            "regionName": name, "up": (f.region != w.region ? f.region.parent?.description : nil) as Any, "headers": cols.map(\.0),
            "rows": f.rows.map { r in
                ["name": r.region == f.region ? t.t("total") : r.name, "code": r.region.description, "link": r.region != f.region && r.region.level < .village,
                 "total": r.region == f.region, "cells": cols.map { $0.1(r) }] as [String: Any]
            },
            "categories": (ChildCategory.allCases.map(Optional.some) + [nil]).map { c in
                ["label": c.map { label($0, t) } ?? t.t("childNotAssessed"), "count": f.byCategory[c] ?? 0] as [String: Any]
            },
            "care": (CareArrangementKind.allCases.map(Optional.some) + [nil]).map { k in
                ["label": k.map { label($0, t) } ?? t.t("childNoCareYet"), "count": f.byCare[k] ?? 0] as [String: Any]
            },
            "allowances": [
                "inForce": f.allowances.inForce, "monthlyTotal": f.allowances.monthlyTotal, "papersWaiting": f.allowances.papersWaiting,
                "papersOverdue": f.allowances.papersOverdue, "late": f.allowances.papersOverdue > 0,
                "months": f.allowances.sameMonth.sorted { $0.key > $1.key }.map { m, share in
                    ["month": m.description, "approved": share.approved, "paid": share.approvedAndPaidSameMonth,
                     "share": share.share.map { String(format: "%.0f%%", $0 * 100) } ?? "—"] as [String: Any]
                },
            ] as [String: Any],
            "csv": "/children/figures.csv?region=\(f.region)", "xlsx": "/children/figures.xlsx?region=\(f.region)",
        ])
    }

    func sheet(_ w: Web, _ format: DownloadFormat) async throws -> Response {
        let t = w.t
        guard ChildAccess.mayOpen(w.role) else { return try w.forbidden() }
        guard let f = try await figures(w) else { return try w.notFound() }
        let cols = Self.columns(t)
        let rows = f.rows.map { r in [Sheet.Cell.text(r.region.description), .text(r.region == f.region ? t.t("total") : r.name)] + cols.map { Sheet.Cell.number($0.1(r)) } }
        return try download(Sheet(name: t.t("childFiguresTitle"), headers: [t.t("regionCodeColumn"), t.t("region")] + cols.map(\.0), rows: rows), format,
                            name: "children-figures-\(f.region)-\(clock.today())")
    }
}
