import DoudiDomain
import DoudiSheets
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// 救助统计: a county's or township's month from the records, region by region one level down, printable and
/// exported as CSV and XLSX (issue 13, item 9).
struct FiguresPages: Sendable {
    let web: WebShell
    let db: Database
    let regions: RegionStore
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/assistance/figures") { req, _ in try await web.withUser(req) { w in try await page(w) } }
        router.downloads("/assistance/figures") { req, format in try await web.withUser(req) { w in try await sheet(w, format) } }
    }

    static let readers: Set<Role> = [.townshipOfficer, .countyOfficer, .auditor, .admin]

    /// The region and month asked, else the caller's own region (a county or township) and this month.
    func place(_ w: Web) -> (RegionCode, YearMonth) {
        let q = w.req.uri.queryParameters
        let region = q["regionCode"].flatMap { RegionCode.parse(String($0)) } ?? w.region
        return (region, q["month"].flatMap { YearMonth(String($0)) } ?? YearMonth(clock.today()))
    }

    /// The table's rows: each part, then the whole; the columns as `headers` names them.
    func table(_ w: Web) async throws -> (RegionCode, YearMonth, [String], [[Sheet.Cell]])? {
        let t = w.t
        let (region, month) = place(w)
        guard w.region.contains(region) else { return nil }
        let (total, parts) = try await AssistanceFigures.breakdown(db, region: region, month: month, by: w.actor)
        let names = Dictionary(try await regions.children(of: region).map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let kinds = BenefitKind.allCases
        let headers = [t.t("figuresArea"), t.t("householdsCovered"), t.t("personsCovered")] + kinds.map { "\(label($0, t))（\(t.t("yuanMonth"))）" }
            + [t.t("sumAmount"), t.t("casesStarted"), t.t("casesEnded"), t.t("reviewsOverdue"), t.t("aidFirstPaid"), t.t("aidFirstAmount"),
               t.t("aidFirstOutside"), t.t("aidFirstOverdue"), t.t("approvedInMonth"), t.t("paidSameMonth"), t.t("sameMonthShare")]
        func row(_ name: String, _ f: AssistanceFigures) -> [Sheet.Cell] {
            [.text(name), .number(f.households), .number(f.persons)] + kinds.map { .number(f.amounts[$0] ?? 0) }
                + [.number(f.totalAmount), .number(f.started), .number(f.ended), .number(f.reviewsOverdue), .number(f.aidFirst.paid), .number(f.aidFirst.amount),
                   .number(f.aidFirst.outside), .number(f.aidFirst.overdue), .number(f.sameMonth.approved), .number(f.sameMonth.approvedAndPaidSameMonth),
                   .text(f.sameMonth.share.map { String(format: "%.1f%%", $0 * 100) } ?? "—")]
        }
        let rows = parts.map { row(names[$0.region] ?? $0.region.description, $0) } + [row(t.t("sum"), total)]
        return (region, month, headers, rows)
    }

    func page(_ w: Web) async throws -> Response {
        let t = w.t
        guard Self.readers.contains(w.role) else { return try w.forbidden() }
        guard let (region, month, headers, rows) = try await table(w) else { return try await w.outsideRegion(place(w).0, regions) }
        let name = try await regions.path(region).last?.name ?? region.description
        return try w.page(template: "assistance/figures", title: "\(t.t("assistanceFigures")) · \(name)", [
            "region": region.description, "name": name, "month": month.description, "headers": headers,
            "query": "regionCode=\(region)&month=\(month)",
            "rows": rows.map { cells in
                ["first": Self.text(cells[0]), "cells": cells.dropFirst().enumerated().map { i, c in ["label": headers[i + 1], "value": Self.text(c)] }] as [String: Any]
            },
        ])
    }

    func sheet(_ w: Web, _ format: DownloadFormat) async throws -> Response {
        guard Self.readers.contains(w.role) else { return try w.forbidden() }
        guard let (region, month, headers, rows) = try await table(w) else { return try w.notFound() }
        return try download(Sheet(name: month.description, headers: headers, rows: rows), format, name: "assistance-\(region)-\(month)")
    }

    static func text(_ c: Sheet.Cell) -> String {
        switch c {
        case .text(let s): s
        case .number(let n): String(n)
        }
    }
}
