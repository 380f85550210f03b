import DoudiDomain
import SQLKit

/// The demo's 3866 cases: monitored households of the county (the demo village's first) and households with an
/// approved benefit, each case carried to a different step over the last weeks, a few past their step's deadline
/// and a few closed, so that every step of the list has something to show.
enum DemoCases {
    struct Row: Decodable { var household_id: String; var region: Int64; var application: Int64? }

    static func load(_ db: Database, today: CivilDate) async throws {
        let r = DemoLoader.county.subtreeRange, village = Int64(DemoLoader.village.value)
        let rows = try await db.read { sql in
            try await sql.raw("""
                SELECT household_id, MIN(region) AS region, NULL AS application FROM episodes
                WHERE status IN ('monitored', 'clearing') AND region BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))
                GROUP BY household_id ORDER BY MIN(CASE WHEN region = \(bind: village) THEN 0 ELSE 1 END), household_id LIMIT 24
                """).all(decoding: Row.self)
                + sql.raw("""
                    SELECT a.household_id, a.region, MIN(a.id) AS application FROM assistance_applications a
                    WHERE a.status = 'approved' AND a.region BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))
                      AND a.household_id NOT IN (SELECT household_id FROM episodes WHERE status IN ('monitored', 'clearing'))
                    GROUP BY a.household_id, a.region ORDER BY a.household_id LIMIT 8
                    """).all(decoding: Row.self)
        }
        let store = CaseStore(db)
        let notes = ["入户摸底：户主患病，家中缺劳动力", "已建立一户一档", "乡镇审核同意纳入帮扶", "落实低保和临时救助", "联系就业帮扶和医疗救助", "每月入户走访，户情稳定"]
        for (i, row) in rows.enumerated() {
            guard let place = RegionCode(value: UInt64(row.region)), let township = place.parent else { continue }
            let cadre = Actor(userID: 0, username: "demo.village", role: .villageCadre, region: place)
            let officer = Actor(userID: 0, username: "demo.township", role: .townshipOfficer, region: township)
            let county = Actor(userID: 0, username: "demo.county", role: .countyOfficer, region: DemoLoader.county)
            // Each step took three days; the current one began one to three days ago, or (every fourth case) 25
            // days ago, past its time limit.
            let steps = i % 7 == 6 ? 6 : i % 6
            let recent = i % 4 == 1 ? 25 : 1 + i % 3
            var day = today.adding(days: -(recent + 3 * steps))
            let origin: CaseOrigin = row.application != nil ? .application : i % 5 == 4 ? .cadre : .monitoring
            let id = try await store.open(household: row.household_id, origin: origin, applicationID: row.application, note: notes[0], by: cadre, today: day)
            for s in 0..<steps {
                day = s == steps - 1 ? today.adding(days: -recent) : day.adding(days: 3)
                let step = CaseStep.allCases[s]
                let actor = step.actors.contains(.villageCadre) ? cadre : step == .monitor ? county : officer
                let move: CaseMove = step == .monitor ? .close(reason: "收入稳定超过监测标准，户情稳定") : .advance(note: notes[min(s + 1, notes.count - 1)])
                try await store.move(id, move, by: actor, today: day)
            }
        }
    }

    /// Helpers for the duties of the demo street: the village's cadre for its own households, the township officer
    /// for the rest; every fifth (and the demo village's first) left without one. A third took their households on forty days ago and are now
    /// late with the monthly visit, unless a visit has been recorded since.
    static func helpers(_ db: Database, today: CivilDate) async throws {
        let store = HelperStore(db), township = DemoLoader.township
        let county = Actor(userID: 0, username: "demo.county", role: .countyOfficer, region: DemoLoader.county)
        let duties = try await store.duties(by: county, mine: false, today: today).filter { township.contains($0.region) }
        // The village's first household is one of those left without a helper: its cadre's list shows what that looks like.
        let unnamed = duties.first { $0.region == DemoLoader.village }?.householdID
        for (i, d) in duties.enumerated() where i % 5 != 4 && d.householdID != unnamed {
            try await store.assign(household: d.householdID, username: d.region == DemoLoader.village ? "village" : "township", by: county,
                                   today: today.adding(days: i % 3 == 0 ? -40 : -10))
        }
    }

    /// Measures on the demo's cases from the aid step on: some given by civil affairs, some referred to education or
    /// health and waiting for them (the demo's department officers), one accepted, one declined.
    static func measures(_ db: Database, today: CivilDate) async throws {
        let county = Actor(userID: 0, username: "demo.county", role: .countyOfficer, region: DemoLoader.county)
        let store = MeasureStore(db)
        let open = try await CaseStore(db).cases(by: county, .init(), today: today, limit: 1000).cases.filter { $0.state.step >= .aid }
        for (i, c) in open.enumerated() {
            let start = today.adding(days: -(2 + i % 5))
            func input(_ s: ServiceKind, _ amount: Int?, _ goods: String, _ note: String) -> MeasureInput {
                MeasureInput(service: s, startOn: start, endOn: nil, amount: amount, goods: goods, note: note)
            }
            try await store.record(case: c.id, input(.living, 600, "", "临时救助，解决当月基本生活"), by: county, today: start)
            switch i % 4 {
            case 1:
                try await store.record(case: c.id, input(.medical, nil, "", "住院费用自付部分较高，申请医疗救助"), referTo: .health, by: county, today: start)
            case 2:
                let id = try await store.record(case: c.id, input(.education, nil, "助学金", "子女在读高中，申请助学金"), referTo: .education, by: county, today: start)
                if i % 8 == 6 {
                    let officer = Actor(userID: 0, username: "demo.education", role: .departmentOfficer, region: DemoLoader.county, department: .education)
                    try await store.move(id, .accept(note: "已接收，本学期发放国家助学金"), by: officer, today: today)
                }
            case 3:
                let id = try await store.record(case: c.id, input(.employment, nil, "", "户主有劳动能力，申请公益性岗位"), referTo: .humanResources, by: county, today: start)
                let officer = Actor(userID: 0, username: "demo.hr", role: .departmentOfficer, region: DemoLoader.county, department: .humanResources)
                try await store.move(id, .decline(reason: "本季度公益性岗位已满，建议先参加技能培训"), by: officer, today: today)
            default:
                break
            }
        }
    }

    /// This quarter's reviews of the effect of the help in the demo street: the helpers have recorded about half,
    /// the township has confirmed some and returned one; the rest are missing, for the county to see.
    static func effectReviews(_ db: Database, today: CivilDate) async throws {
        let actors = try await helpers(db)
        guard let township = actors["township"] else { return }
        let store = EffectReviewStore(db), quarter = Quarter(today)
        let missing = try await store.missing(by: township, quarter: quarter).filter { $0.helper != nil }
        // The village cadre's first household is left for them to record: their list shows what is missing.
        let left = missing.first { $0.helper == "village" }?.householdID
        for (i, m) in missing.enumerated() where i % 2 == 0 && m.householdID != left {
            guard let helper = m.helper.flatMap({ actors[$0] }) else { continue }
            let input = EffectReviewInput(quarter: quarter, incomeNow: 9_800 + 150 * i, incomeBefore: 8_600 + 100 * i,
                                          guarantees: i % 6 == 0 ? [.food, .clothing, .education, .medical, .drinkingWater] : Set(Guarantee.allCases),
                                          measuresTaken: "落实临时救助和医疗救助，对接公益性岗位", nextSteps: "继续每月走访，关注务工收入")
            let id = try await store.record(household: m.householdID, input, by: helper)
            // The township decides the village's reviews (not its own officer's: four eyes).
            guard helper.username != township.username else { continue }
            if i % 4 == 0 { try await store.decide(id, .confirm, by: township) } else if i % 8 == 2 {
                try await store.decide(id, .returnToHelper(reason: "住房安全情况请补充说明"), by: township)
            }
        }
    }

    /// The demo's helpers as actors, by username.
    static func helpers(_ db: Database) async throws -> [String: Actor] {
        struct User: Decodable { var id: Int64; var username: String; var role: String; var region: Int64 }
        let users = try await db.read { sql in
            try await sql.raw("SELECT id, username, role, region FROM users WHERE username IN ('village', 'township')").all(decoding: User.self)
        }
        return Dictionary(uniqueKeysWithValues: users.compactMap { u in
            Role(rawValue: u.role).flatMap { r in RegionCode(value: UInt64(u.region)).map { (u.username, Actor(userID: u.id, username: u.username, role: r, region: $0)) } }
        })
    }

    /// Monthly visits by the helpers: every third household visited a week or two ago, the first few with photos
    /// (pictures painted for the demo, made as an upload is); the rest are due, and those taken on forty days ago late.
    static func visits(_ db: Database, today: CivilDate) async throws {
        let actors = try await helpers(db)
        guard let township = actors["township"] else { return }
        let duties = try await HelperStore(db).duties(by: township, mine: false, today: today)
        let store = LeadStore(db)
        var painted = 0
        for (i, d) in duties.enumerated() where i % 3 == 1 {
            guard let helper = d.helper.flatMap({ actors[$0] }) else { continue }
            var photos: [VisitPhoto] = []
            if painted < 3 { photos = DemoPictures.visit(painted); painted += 1 }
            let visit = Visit(date: today.adding(days: -(5 + i % 10)).description, findings: "户主在家，身体状况稳定，家中粮油充足", riskKinds: [], hardship: false,
                              met: "户主本人", needs: i % 2 == 0 ? "希望了解公益性岗位" : "", photos: photos)
            _ = try await store.recordVisit(try visit.check(today: today).get(), householdID: d.householdID, by: helper)
        }
    }
}
