import DoudiDomain
import DoudiSheets
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

// Every figure a page shows can be taken away: as CSV (UTF-8 with a byte-order mark) or as XLSX, headers in
// the reader's language, codes as text. One sheet per download; the address's extension picks the format.

enum DownloadFormat: String, CaseIterable, Sendable {
    case csv, xlsx
    var contentType: String { self == .csv ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }
}

/// The sheet as the format asks, named `name.<format>`.
func download(_ sheet: Sheet, _ format: DownloadFormat, name: String) throws -> Response {
    let body = format == .csv ? ByteBuffer(string: sheet.csv) : ByteBuffer(bytes: try sheet.xlsx())
    return Response(status: .ok, headers: [.contentType: format.contentType, .contentDisposition: "attachment; filename=\"\(name).\(format.rawValue)\"",
                                           .cacheControl: "no-store"], body: .init(byteBuffer: body))
}

extension Router<DoudiContext> {
    /// `path.csv` and `path.xlsx`, answered by one handler.
    func downloads(_ path: String, _ handler: @escaping @Sendable (Request, DownloadFormat) async throws -> Response) {
        for format in DownloadFormat.allCases { get("\(path).\(format.rawValue)") { req, _ in try await handler(req, format) } }
    }
}

extension Dashboard {
    /// One of the dashboard's tables as a sheet; nil for a table it has not.
    func sheet(_ table: String, _ t: Strings.Table, names: [RegionCode: String]) -> Sheet? {
        func counts(_ list: [Count], _ key: String, label: (Count) -> String) -> Sheet {
            Sheet(name: t.t(key), headers: [t.t(key), t.t("householdCount")], rows: list.map { [.text(label($0)), .number($0.count)] })
        }
        switch table {
        case "types": return counts(byType, "monitoringType") { c in MonitoringType(rawValue: c.key).map { DoudiServer.label($0, t) } ?? c.label }
        case "kinds": return counts(byKind, "riskKinds") { c in RiskKind(rawValue: c.key).map { DoudiServer.label($0, t) } ?? c.label }
        case "regions":
            return Sheet(name: t.t("byRegion"), headers: [t.t("regionCodeColumn"), t.t("region"), t.t("householdCount")],
                         rows: byChildRegion.map { [.text($0.key), .text($0.label), .number($0.count)] })
        case "leads":
            return Sheet(name: t.t("leads"), headers: [t.t("day")] + LeadChannel.allCases.map { DoudiServer.label($0, t) } + [t.t("sum")],
                         rows: leadsPerDay.map { d in
                             let n = LeadChannel.allCases.map { d.byChannel[$0] ?? 0 }
                             return [.text(d.day.description)] + n.map(Sheet.Cell.number) + [.number(n.reduce(0, +))]
                         })
        case "overdue":
            let headers = [t.t("stage"), t.t("name"), t.t("regionCodeColumn"), t.t("region"), t.t("due")]
            let leads: [[Sheet.Cell]] = overdueVerifications.map { l in
                [.text(t.t("verifyLead")), .text(l.name), .text(l.region.description), .text(names[l.region] ?? ""), .text(l.verification.due(createdOn: l.createdOn).description)]
            }
            let steps: [[Sheet.Cell]] = overdueSteps.map { e in
                [.text(DoudiServer.label(e.step, t)), .text(e.headName ?? e.householdID), .text(e.regionCode.description), .text(names[e.regionCode] ?? ""), .text(e.stepDue?.description ?? "")]
            }
            return Sheet(name: t.t("overdue"), headers: headers, rows: leads + steps)
        default: return nil
        }
    }
}

extension Rollup {
    /// Villages, then townships, then the whole region: new leads by channel and by kind, backlog, overdue.
    func sheet(_ t: Strings.Table) -> Sheet {
        let headers = [t.t("level"), t.t("regionCodeColumn"), t.t("region"), t.t("new")] + LeadChannel.allCases.map { label($0, t) }
            + RiskKind.allCases.map { label($0, t) } + [t.t("backlog"), t.t("overdue")]
        var rows: [[Sheet.Cell]] = []
        for (level, list) in [("village", villages), ("townshipLevel", townships), ("sum", [total])] {
            for r in list {
                rows.append([.text(t.t(level)), .text(r.region.description), .text(r.name), .number(r.new)]
                            + LeadChannel.allCases.map { .number(r.byChannel[$0] ?? 0) } + RiskKind.allCases.map { .number(r.byKind[$0] ?? 0) }
                            + [.number(r.backlog), .number(r.overdue)])
            }
        }
        return Sheet(name: t.t("rollup"), headers: headers, rows: rows)
    }
}
