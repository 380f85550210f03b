import DoudiDomain
import Foundation
import SQLKit

/// The demo's monitoring, at a real county's volumes: about 3% of households on the roster (found over the
/// last months), and over the last two weeks leads every day from every channel, some verified, episodes at
/// every step, several in one village's notice at once, a few past their deadlines.
enum DemoMonitoring {
    struct Row: Decodable { var id: String; var region: Int64; var poverty_status: String; var resident_id: String; var name: String }

    static let kinds: [[RiskKind]] = [[.illness], [.disaster], [.unstableEmployment], [.accident, .illness], [.educationCost], [.disability], [.lackOfLabour]]

    static func load(_ db: Database, today: CivilDate? = nil) async throws {
        let today = today ?? db.clock.today()
        let r = DemoLoader.county.subtreeRange
        let (households, _) = try await HouseholdStore(db).counts()
        let share = max(12, households * 3 / 100)
        // The demo village's households first, so that its cadre has work at every stage too.
        let rows = try await db.read { sql in
            try await sql.raw("""
                SELECT h.id, h.region, h.poverty_status, m.resident_sealed AS resident_id, m.name FROM households h JOIN members m ON m.household_id = h.id
                WHERE m.relation = 'head' AND h.poverty_status <> 'notExited' AND h.region BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))
                ORDER BY CASE WHEN h.region = \(bind: Int64(DemoLoader.village.value)) THEN 0 ELSE 1 END, h.id LIMIT \(unsafeRaw: String(share * 2))
                """).all(decoding: Row.self)
        }
        // Every other household found over the last four months and on the roster now; the rest are the last two
        // weeks' leads, at every stage.
        for (i, row) in rows.enumerated() {
            if i % 2 == 1 {
                try await history(db, row, i, found: today.adding(days: -(20 + (i * 7) % 100)), today: today)
            } else {
                try await recent(db, row, i / 2, today: today)
            }
        }
        try await PolicyStore(db).set(region: DemoLoader.county, year: 2020, key: .supervisionPhone, value: "0734-4322100", by: .system("demo"))
    }

    /// A lead on `day`, by channel, filed as the channel would file it.
    static func lead(_ db: Database, _ row: Row, _ i: Int, channel: LeadChannel, day: CivilDate) async throws -> (Int64, RegionCode)? {
        let plain = try db.fields.open(row.resident_id)
        guard let person = try? ResidentID(plain), let village = RegionCode(value: UInt64(row.region)) else { return nil }
        let actor = Actor(userID: 0, username: "demo", role: .villageCadre, region: village)
        let lead = LeadStore.NewLead(channel: channel, person: person, name: row.name, mobile: "1380000\(String(format: "%04d", i % 10_000))",
                                     village: village, riskKinds: kinds[i % kinds.count], description: "演示线索", details: "")
        let id: Int64 = try await db.transaction { tx in
            let (code, _) = try await LeadStore.insert(tx, lead, by: actor)
            let at = ReportStore.startMillis(day) + 8 * 3_600_000 + Int64(i % 600) * 60_000
            try await tx.sql.raw("UPDATE leads SET created_at = \(bind: at), updated_at = \(bind: at) WHERE tracking_code = \(bind: code)").run()
            struct ID: Decodable { var id: Int64 }
            return try await tx.sql.raw("SELECT id FROM leads WHERE tracking_code = \(bind: code)").first(decoding: ID.self)?.id ?? 0
        }
        return (id, village)
    }

    /// Found months ago and now monitored: the whole identification, step by step on its days.
    static func history(_ db: Database, _ row: Row, _ i: Int, found: CivilDate, today: CivilDate) async throws {
        guard let (id, village) = try await lead(db, row, i, channel: LeadChannel.allCases[i % 4], day: found) else { return }
        let type: MonitoringType = row.poverty_status == PovertyStatus.exited.rawValue ? .unstableExited : .marginalAtRisk
        let cadre = Actor(userID: 0, username: "demo.village", role: .villageCadre, region: village)
        try await LeadStore(db).verify(leadID: id, decision: .confirmed(type, kinds[i % kinds.count]), by: cadre, today: found)
        guard let e = try await EpisodeStore(db).episodes(by: cadre, statuses: [.identifying], householdID: row.id).first else { return }
        try await steps(db, e.id, village, upTo: 6, from: found, noticeFrom: found.adding(days: 3), today: today)
    }

    /// The last two weeks: each day a lead from each channel in turn; a third still open (the older ones
    /// overdue), a sixth not confirmed, the rest confirmed and part way through the identification.
    static func recent(_ db: Database, _ row: Row, _ i: Int, today: CivilDate) async throws {
        let day = today.adding(days: -(i % 14))
        guard let (id, village) = try await lead(db, row, i, channel: LeadChannel.allCases[(i / 14 + i) % 4], day: day) else { return }
        let cadre = Actor(userID: 0, username: "demo.village", role: .villageCadre, region: village)
        switch i % 6 {
        case 0, 3: return
        case 5: try await LeadStore(db).verify(leadID: id, decision: .notConfirmed(reason: "收入稳定，未发现返贫致贫风险"), by: cadre, today: min(today, day.adding(days: 2)))
        default:
            let type: MonitoringType = row.poverty_status == PovertyStatus.exited.rawValue ? .unstableExited : .marginalAtRisk
            try await LeadStore(db).verify(leadID: id, decision: .confirmed(type, kinds[i % kinds.count]), by: cadre, today: min(today, day.adding(days: 1)))
            guard let e = try await EpisodeStore(db).episodes(by: cadre, statuses: [.identifying], householdID: row.id).first else { return }
            // Stopped at each step: the older ones further on (their notice as soon as the review was done); of the
            // newer, half share the notice their village posted two days ago, several households on one sheet.
            let old = i % 14 >= 10, confirmed = i / 6 * 3 + [0, 0, 1, 0, 2, 0][i % 6]
            let upTo = old ? 4 + confirmed % 3 : [3, 0, 3, 1, 3, 2][confirmed % 6]
            try await steps(db, e.id, village, upTo: upTo, from: day, noticeFrom: old ? day.adding(days: 2) : today.adding(days: -2), today: today)
        }
    }

    /// Takes an episode through its steps up to `upTo` (1 pledge, 2 review, 3 notice posted, 4 notice over, 5 township,
    /// 6 county); a step whose day has not come yet is left for later.
    static func steps(_ db: Database, _ id: Int64, _ village: RegionCode, upTo: Int, from: CivilDate, noticeFrom: CivilDate, today: CivilDate) async throws {
        let episodes = EpisodeStore(db)
        let cadre = Actor(userID: 0, username: "demo.village", role: .villageCadre, region: village)
        let township = Actor(userID: 0, username: "demo.township", role: .townshipOfficer, region: village.truncated(to: .township))
        let county = Actor(userID: 0, username: "demo.county", role: .countyOfficer, region: DemoLoader.county)
        var day = from
        func next() -> CivilDate { day = min(day.adding(days: 1), today); return day }
        if upTo >= 1 { try await episodes.act(id, .complete(note: "已签承诺授权书"), by: cadre, today: next()) }
        if upTo >= 2 { try await episodes.act(id, .complete(note: "村民代表评议通过"), by: cadre, today: next()) }
        guard upTo >= 3 else { return }
        let posted = max(day, min(noticeFrom, today))
        try await episodes.act(id, .startNotice(from: posted, to: posted.adding(days: 5)), by: cadre, today: posted)
        day = posted.adding(days: 5)
        guard day <= today, upTo >= 4 else { return }
        try await episodes.act(id, .complete(note: "公示无异议"), by: cadre, today: day)
        if upTo >= 5 { try await episodes.act(id, .complete(note: "乡镇审核通过"), by: township, today: next()) }
        if upTo >= 6 { try await episodes.act(id, .complete(note: "县级审定"), by: county, today: next()) }
    }
}
