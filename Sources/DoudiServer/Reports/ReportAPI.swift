import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// The daily roll-up and the dashboard.
struct ReportAPI: APIPart {
    let reports: ReportStore
    let clock: Clock

    func getRollup(_ input: Operations.GetRollup.Input) async throws -> Operations.GetRollup.Output {
        let a = try caller
        var day = clock.today()
        if let text = input.query.day {
            guard let d = CivilDate(text) else {
                return .badRequest(.init(body: .json(Self.error("badRequest", .dayFormat, field: "day"))))
            }
            day = d
        }
        do {
            let r = try await reports.rollup(by: a.actor, day: day)
            return .ok(.init(body: .json(.init(day: r.day.description, villages: r.villages.map(Self.row), townships: r.townships.map(Self.row), total: Self.row(r.total)))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func getDashboard(_ input: Operations.GetDashboard.Input) async throws -> Operations.GetDashboard.Output {
        let a = try caller
        var region: RegionCode?
        if let text = input.query.region {
            guard let r = RegionCode(text) else {
                return .badRequest(.init(body: .json(Self.error("badRequest", .regionCodeDigits, field: "region"))))
            }
            region = r
        }
        do {
            let d = try await reports.dashboard(by: a.actor, region: region)
            func counts(_ c: [Dashboard.Count]) -> [Schemas.CountRow] { c.map { .init(key: $0.key, label: $0.label, count: $0.count) } }
            return .ok(.init(body: .json(.init(
                regionCode: d.region.description, monitored: d.monitored, identifying: d.identifying, clearing: d.clearing,
                byType: counts(d.byType), byKind: counts(d.byKind), byChildRegion: counts(d.byChildRegion),
                leadsPerDay: d.leadsPerDay.map { .init(day: $0.day.description, byChannel: .init(additionalProperties: Self.byName($0.byChannel))) },
                overdueVerifications: d.overdueVerifications.count, overdueSteps: d.overdueSteps.count))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    /// Counts keyed by an enumeration, as the document's string-keyed objects.
    static func byName<K: RawRepresentable>(_ counts: [K: Int]) -> [String: Int] where K.RawValue == String {
        Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
    }

    static func row(_ r: Rollup.Row) -> Schemas.RollupRow {
        Schemas.RollupRow(regionCode: r.region.description, name: r.name, new: r.new,
                          byChannel: .init(additionalProperties: Self.byName(r.byChannel)),
                          byKind: .init(additionalProperties: Self.byName(r.byKind)),
                          backlog: r.backlog, overdue: r.overdue)
    }
}

/// The operations of this capability, as the generated protocol names them.
extension APIHandlers {
    func getRollup(_ input: Operations.GetRollup.Input) async throws -> Operations.GetRollup.Output { try await reports.getRollup(input) }
    func getDashboard(_ input: Operations.GetDashboard.Input) async throws -> Operations.GetDashboard.Output { try await reports.getDashboard(input) }
}
