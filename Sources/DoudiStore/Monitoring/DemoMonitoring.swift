import DoudiDomain
import Foundation
import SQLKit

/// The demo's monitoring: leads of the last two weeks from every channel, some verified, episodes at every
/// step (some overdue), households on the roster and one cleared, so that each page has something to show.
enum DemoMonitoring {
    struct Row: Decodable { var id: String; var region: Int64; var poverty_status: String; var resident_id: String; var name: String }

    static func load(_ db: Database, today: CivilDate? = nil) async throws {
        let today = today ?? db.clock.today()
        let r = DemoLoader.county.subtreeRange
        let rows = try await db.read { sql in
            try await sql.raw("""
                SELECT h.id, h.region, h.poverty_status, m.resident_sealed AS resident_id, m.name FROM households h JOIN members m ON m.household_id = h.id
                WHERE m.relation = 'head' AND h.poverty_status <> 'notExited' AND h.region BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))
                ORDER BY h.id LIMIT 24
                """).all(decoding: Row.self)
        }
        let channels = LeadChannel.allCases
        let kinds: [[RiskKind]] = [[.illness], [.disaster], [.unstableEmployment], [.accident, .illness], [.educationCost], [.disability]]
        var leads: [(id: Int64, row: Row, day: CivilDate)] = []
        for (i, row) in rows.enumerated() {
            let plain = try db.fields.open(row.resident_id)
            guard let person = try? ResidentID(plain), let village = RegionCode(value: UInt64(row.region)) else { continue }
            let day = today.adding(days: -(i % 14))
            let actor = Actor(userID: 0, username: "demo", role: .villageCadre, region: village)
            let lead = LeadStore.NewLead(channel: channels[i % channels.count], person: person, name: row.name, mobile: "1380000\(String(format: "%04d", i))",
                                         village: village, riskKinds: kinds[i % kinds.count], description: "演示线索", details: "")
            let id: Int64 = try await db.transaction { tx in
                let (code, _) = try await LeadStore.insert(tx, lead, by: actor)
                let at = ReportStore.startMillis(day) + 9 * 3_600_000 + Int64(i) * 60_000
                try await tx.sql.raw("UPDATE leads SET created_at = \(bind: at), updated_at = \(bind: at) WHERE tracking_code = \(bind: code)").run()
                struct ID: Decodable { var id: Int64 }
                return try await tx.sql.raw("SELECT id FROM leads WHERE tracking_code = \(bind: code)").first(decoding: ID.self)?.id ?? 0
            }
            leads.append((id, row, day))
        }
        // The older two thirds are verified; the newest stay open, the oldest of those overdue.
        let episodes = EpisodeStore(db)
        var confirmed = 0
        for (i, l) in leads.enumerated() where i % 3 != 0 {
            guard let village = RegionCode(value: UInt64(l.row.region)) else { continue }
            let cadre = Actor(userID: 0, username: "demo.village", role: .villageCadre, region: village)
            if i % 5 == 4 {
                try await LeadStore(db).verify(leadID: l.id, decision: .notConfirmed(reason: "收入稳定，未发现返贫致贫风险"), by: cadre)
                continue
            }
            let type: MonitoringType = l.row.poverty_status == PovertyStatus.exited.rawValue ? .unstableExited : .marginalAtRisk
            try await LeadStore(db).verify(leadID: l.id, decision: .confirmed(type, kinds[i % kinds.count]), by: cadre)
            guard let e = try await episodes.episodes(by: cadre, statuses: [.identifying], householdID: l.row.id).first else { continue }
            let township = Actor(userID: 0, username: "demo.township", role: .townshipOfficer, region: village.truncated(to: .township))
            let county = Actor(userID: 0, username: "demo.county", role: .countyOfficer, region: DemoLoader.county)
            // How far each one has got: pledge only, review, notice, township, county.
            let progress = confirmed % 6
            confirmed += 1
            var day = l.day
            func next() -> CivilDate { day = min(day.adding(days: 1), today); return day }
            if progress >= 1 { try await episodes.act(e.id, .complete(note: "已签承诺授权书"), by: cadre, today: next()) }
            if progress >= 2 { try await episodes.act(e.id, .complete(note: "村民代表评议通过"), by: cadre, today: next()) }
            if progress >= 3 {
                let from = next()
                try await episodes.act(e.id, .startNotice(from: from, to: from.adding(days: 5)), by: cadre, today: from)
                day = from.adding(days: 5)
                guard day <= today else { continue }
                try await episodes.act(e.id, .complete(note: "公示无异议"), by: cadre, today: day)
            }
            if progress >= 4 { try await episodes.act(e.id, .complete(note: "乡镇审核通过"), by: township, today: next()) }
            if progress >= 5 { try await episodes.act(e.id, .complete(note: "县级审定"), by: county, today: next()) }
        }
    }
}
