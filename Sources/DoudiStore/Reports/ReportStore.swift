import DoudiDomain
import Foundation
import SQLKit

/// 日汇总 (R-MON-6): the leads of one day in a region, by village, channel and kind, with the backlog at the
/// end of that day. Townships and the county are the sums of their villages.
public struct Rollup: Sendable {
    public struct Row: Sendable, Hashable {
        public var region: RegionCode
        public var name: String
        public var byChannel: [LeadChannel: Int] = [:]
        public var byKind: [RiskKind: Int] = [:]
        public var new = 0
        /// Open at the end of the day.
        public var backlog = 0
        /// Open at the end of the day and past their verification deadline.
        public var overdue = 0
    }
    public var day: CivilDate
    public var region: RegionCode
    /// One row per village with leads, then one per township, then the whole region, in code order per level.
    public var villages: [Row]
    public var townships: [Row]
    public var total: Row
}

/// The dashboard of a region: monitored households, leads per day, overdue work. Every figure is counted from
/// the records at the time of asking.
public struct Dashboard: Sendable {
    public struct Count: Sendable, Hashable { public var key: String; public var label: String; public var count: Int }
    public var region: RegionCode
    public var today: CivilDate
    public var monitored: Int
    public var byType: [Count]
    public var byKind: [Count]
    /// Monitored households per child region (drill down by asking for that region).
    public var byChildRegion: [Count]
    /// The last days, oldest first: leads per channel.
    public var leadsPerDay: [(day: CivilDate, byChannel: [LeadChannel: Int])]
    public var overdueVerifications: [LeadSummary]
    /// Episodes whose current step is past its deadline (`stepDue`).
    public var overdueSteps: [EpisodeSummary]
    public var identifying: Int
    public var clearing: Int
}

public struct ReportStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static func startMillis(_ day: CivilDate) -> Int64 { Int64(day.daysSinceEpoch) * 86_400_000 - 8 * 3_600_000 }

    /// A lead as the counts need it, decoded once.
    struct LeadRow: Decodable {
        var region: RegionCode; var channel: LeadChannel; var riskKinds: [RiskKind]; var createdAt: Int64; var verifiedAt: Int64?; var status: LeadStatus
        enum CodingKeys: String, CodingKey { case region, channel, status, riskKinds = "risk_kinds", createdAt = "created_at", verifiedAt = "verified_at" }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            region = try c.region(forKey: .region); channel = try c.known(LeadChannel.self, forKey: .channel)
            riskKinds = try c.riskKinds(forKey: .riskKinds); createdAt = try c.decode(Int64.self, forKey: .createdAt)
            verifiedAt = try c.decodeIfPresent(Int64.self, forKey: .verifiedAt); status = try c.known(LeadStatus.self, forKey: .status)
        }
    }
    struct NameRow: Decodable { var code: Int64; var name: String }

    public func rollup(by actor: Actor, day: CivilDate) async throws -> Rollup {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        let start = Self.startMillis(day), end = Self.startMillis(day.adding(days: 1))
        let scope = HouseholdStore.scope(actor)
        let (rows, names, book) = try await db.read { sql in
            let rows = try await sql.raw("""
                SELECT region, channel, risk_kinds, created_at, verified_at, status FROM leads
                WHERE \(scope) AND created_at < \(bind: end) AND (status = 'open' OR verified_at >= \(bind: start) OR created_at >= \(bind: start))
                """).all(decoding: LeadRow.self)
            let r = actor.region.subtreeRange
            let names = try await sql.raw("SELECT code, name FROM regions WHERE code BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound)) AND level >= 4")
                .all(decoding: NameRow.self)
            return (rows, names, try await PolicyStore.book(sql))
        }
        let name = Dictionary(names.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        var villages: [RegionCode: Rollup.Row] = [:]
        for l in rows {
            let code = l.region
            var row = villages[code] ?? Rollup.Row(region: code, name: name[Int64(code.value)] ?? code.description)
            if l.createdAt >= start {
                row.new += 1
                row.byChannel[l.channel, default: 0] += 1
                for kind in l.riskKinds { row.byKind[kind, default: 0] += 1 }
            }
            let openAtEnd = l.verifiedAt.map { $0 >= end } ?? (l.status == .open)
            if openAtEnd {
                row.backlog += 1
                let created = Clock.day(ofMillis: l.createdAt)
                if day > book.policy(region: code, year: created.year).verification.due(createdOn: created) { row.overdue += 1 }
            }
            villages[code] = row
        }
        func sum(_ rows: [Rollup.Row], region: RegionCode, name: String) -> Rollup.Row {
            var out = Rollup.Row(region: region, name: name)
            for r in rows {
                out.new += r.new; out.backlog += r.backlog; out.overdue += r.overdue
                for (k, v) in r.byChannel { out.byChannel[k, default: 0] += v }
                for (k, v) in r.byKind { out.byKind[k, default: 0] += v }
            }
            return out
        }
        let sortedVillages = villages.values.sorted { $0.region.value < $1.region.value }
        let townships = Dictionary(grouping: sortedVillages) { $0.region.level == .village ? ($0.region.parent ?? $0.region) : $0.region }
            .map { sum($0.value, region: $0.key, name: name[Int64($0.key.value)] ?? $0.key.description) }
            .sorted { $0.region.value < $1.region.value }
        let regionName = try await RegionStore(db).region(actor.region)?.name ?? actor.region.description
        return Rollup(day: day, region: actor.region, villages: sortedVillages, townships: townships, total: sum(sortedVillages, region: actor.region, name: regionName))
    }

    /// The dashboard of `region` (the actor's own when nil; a region outside it is refused).
    public func dashboard(by actor: Actor, region: RegionCode? = nil, days: Int = 30, today: CivilDate? = nil) async throws -> Dashboard {
        let today = today ?? db.clock.today()
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        let target = region ?? actor.region
        guard actor.region.contains(target) else { throw StoreError.forbidden }
        let viewer = Actor(userID: actor.userID, username: actor.username, role: actor.role, region: target)
        let episodes = try await EpisodeStore(db).episodes(by: viewer, statuses: [.identifying, .monitored, .clearing], limit: 1_000_000)
        let roster = episodes.filter { $0.status.onRoster }
        var byType: [MonitoringType: Int] = [:], byKind: [RiskKind: Int] = [:], byChild: [UInt64: Int] = [:]
        let childLevel: RegionCode.Level? = target.isCountry ? .province : RegionCode.Level(rawValue: target.level.rawValue + 1)
        for e in roster {
            byType[e.monitoringType, default: 0] += 1
            for k in e.riskKinds { byKind[k, default: 0] += 1 }
            if let childLevel { byChild[e.regionCode.truncated(to: childLevel).value, default: 0] += 1 }
        }
        let r = target.subtreeRange
        let childNames: [Int64: String] = try await db.read { sql in
            guard let childLevel else { return [:] }
            let rows = try await sql.raw("SELECT code, name FROM regions WHERE code BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound)) AND level = \(bind: childLevel.rawValue)")
                .all(decoding: NameRow.self)
            return Dictionary(rows.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        }
        // Days of leads, in China time.
        let first = today.adding(days: -(days - 1))
        let leadRows = try await db.read { sql in
            try await sql.raw("""
                SELECT region, channel, risk_kinds, created_at, verified_at, status FROM leads
                WHERE \(HouseholdStore.scope(viewer)) AND created_at >= \(bind: Self.startMillis(first))
                """).all(decoding: LeadRow.self)
        }
        var perDay: [Int: [LeadChannel: Int]] = [:]
        for l in leadRows { perDay[Clock.day(ofMillis: l.createdAt).daysSinceEpoch, default: [:]][l.channel, default: 0] += 1 }
        let overdueLeads = try await LeadStore(db).overdue(by: viewer, today: today)
        let overdueSteps = episodes.filter { $0.overdue(today: today) }
        return Dashboard(
            region: target, today: today, monitored: roster.count,
            byType: MonitoringType.allCases.map { Dashboard.Count(key: $0.rawValue, label: $0.chinese, count: byType[$0] ?? 0) },
            byKind: RiskKind.allCases.map { Dashboard.Count(key: $0.rawValue, label: $0.chinese, count: byKind[$0] ?? 0) }.filter { $0.count > 0 },
            byChildRegion: byChild.keys.sorted().map { c in
                Dashboard.Count(key: (RegionCode(value: c) ?? .country).description, label: childNames[Int64(c)] ?? "", count: byChild[c] ?? 0)
            },
            leadsPerDay: (0..<days).map { i in let d = first.adding(days: i); return (d, perDay[d.daysSinceEpoch] ?? [:]) },
            overdueVerifications: overdueLeads, overdueSteps: overdueSteps,
            identifying: episodes.filter { $0.status == .identifying }.count,
            clearing: episodes.filter { $0.status == .clearing }.count)
    }
}
