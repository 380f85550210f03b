import DoudiDomain
import SQLKit

/// The demo's volunteers: the `volunteers` account runs 耒阳市志愿者协会; the `volunteer` account is 陈志远 of the demo
/// village. The county is under a level II response, so a volunteer from 常宁市 may serve online only; one volunteer
/// has no insurance, one has a full day already. Tasks: a delivery to a household of the village (published by the
/// village's cadre, who alone read the register), phone companionship online, and community duty.
enum DemoVolunteers {
    static func load(_ db: Database, today: CivilDate) async throws {
        let store = VolunteerStore(db), accounts = UserStore(db)
        let system = Actor.system("demo")
        guard let adminID = try await accounts.accountID(username: "volunteers"), let volunteerID = try await accounts.accountID(username: "volunteer") else { return }
        try await db.transaction { tx in
            try await tx.sql.raw("""
                INSERT INTO volunteer_orgs (name, region, admin_user_id, created_at) VALUES ('耒阳市志愿者协会', \(bind: Int64(DemoLoader.county.value)), \(bind: adminID), \(bind: tx.clock.nowMillis()))
                """).run()
        }
        try await store.setLevel(.level2, region: DemoLoader.county, since: today.adding(days: -20), note: "市疫情防控指挥部通告（演示）", by: system)
        let org = Actor(userID: adminID, username: "volunteers", role: .volunteerOrgAdmin, region: DemoLoader.county)
        let insured = (from: today.adding(days: -30).description, to: today.adding(days: 335).description)
        func add(_ name: String, _ mobile: String, home: RegionCode, skills: [VolunteerSkill], online: Bool, insurance: Bool, through: JoinedThrough = .organization,
                 via: String = "") async throws -> Int64 {
            let d = try VolunteerDraft.check(name: name, mobile: mobile, joinedThrough: through.rawValue, joinedVia: via, home: home.description, reach: [],
                                             skills: skills.map(\.rawValue), languages: "普通话、耒阳话", online: online, availability: "工作日晚上、周末",
                                             insurer: insurance ? "中国人民财产保险" : "", policyNumber: insurance ? "PICC-2026-\(mobile.suffix(4))" : "",
                                             insuredFrom: insurance ? insured.from : "", insuredTo: insurance ? insured.to : "", username: "", password: "").get()
            return try await store.addVolunteer(d, by: org)
        }
        let chen = try await add("陈志远", "13807340001", home: DemoLoader.village, skills: [.delivery, .elderlyCare], online: true, insurance: true)
        _ = try await add("李晓梅", "13807340002", home: DemoLoader.township, skills: [.counselling, .childCare], online: true, insurance: true,
                          through: .workplace, via: "耒阳市第一中学")
        _ = try await add("王强", "13807340003", home: DemoLoader.village, skills: [.delivery, .epidemicDuty], online: false, insurance: false,
                          through: .community, via: "牌楼社区")
        _ = try await add("赵敏", "13807340004", home: RegionCode("430482001000")!, skills: [.delivery, .counselling], online: true, insurance: true)
        let liu = try await add("刘洋", "13807340005", home: DemoLoader.village, skills: [.delivery, .epidemicDuty], online: false, insurance: true)
        try await db.transaction { tx in
            try await tx.sql.raw("UPDATE volunteers SET user_id = \(bind: volunteerID) WHERE id = \(bind: chen)").run()
            // Everyone but 王强 declared fit this morning (陈志远 does it on his own page).
            for v in try await tx.sql.raw("SELECT id FROM volunteers WHERE name <> '王强'").all(decoding: VolunteerStore.ID.self) {
                try await tx.sql.raw("""
                    INSERT INTO volunteer_health (volunteer_id, day, temperature_tenths, symptoms, fit, declared_at) VALUES (\(bind: v.id), \(bind: today.description), 365, '', 1, \(bind: tx.clock.nowMillis()))
                    """).run()
            }
        }
        let cadre = Actor(userID: 0, username: "village", role: .villageCadre, region: DemoLoader.village)
        let township = Actor(userID: 0, username: "township", role: .townshipOfficer, region: DemoLoader.township)
        let delivery = try await store.addPost(try PostDraft.check(name: "牌楼社区生活物资配送", kind: "necessities", region: DemoLoader.village.description,
                                                                   skills: [], dailyHours: "4", weeklyHours: "12").get(), by: cadre)
        let phone = try await store.addPost(try PostDraft.check(name: "独居老人电话陪伴", kind: "phoneCompanion", region: DemoLoader.county.description,
                                                                skills: ["elderlyCare", "counselling"], dailyHours: "2", weeklyHours: "8").get(), by: org)
        let duty = try await store.addPost(try PostDraft.check(name: "小区卡口防疫值守", kind: "communityDuty", region: DemoLoader.township.description,
                                                               skills: [], dailyHours: "4", weeklyHours: "16").get(), by: township)
        struct H: Decodable { var id: String }
        let household = try await db.read { sql in
            try await sql.raw("SELECT id FROM households WHERE region = \(bind: Int64(DemoLoader.village.value)) ORDER BY id LIMIT 1").first(decoding: H.self)
        }
        func task(_ post: Post, _ region: RegionCode, day: CivilDate, hours: String, _ mode: ServiceMode, _ risk: TaskRisk, needed: Int, _ note: String,
                  household: String = "", by actor: Actor) async throws -> Int64 {
            try await store.addTask(try TaskDraft.check(postID: String(post.id), region: region.description, day: day.description, hours: hours, mode: mode.rawValue,
                                                        risk: risk.rawValue, needed: String(needed), note: note, household: household, childCase: "", today: today).get(), by: actor)
        }
        _ = try await task(delivery, DemoLoader.village, day: today.adding(days: 1), hours: "2", .offline, .moderate, needed: 2,
                           "为居家隔离户代购并送达米面油和药品，放门口后电话告知", household: household?.id ?? "", by: cadre)
        let calls = try await task(phone, DemoLoader.township, day: today, hours: "1", .online, .low, needed: 3, "给辖区独居老人打电话，问候并了解生活所需", by: org)
        let gate = try await task(duty, DemoLoader.village, day: today, hours: "4", .offline, .low, needed: 2, "小区东门测温、扫码登记", by: township)
        // 陈志远 took the calls and made them; the association confirmed the hour. 刘洋 holds a full day at the gate.
        let me = Actor(userID: volunteerID, username: "volunteer", role: .volunteer, region: DemoLoader.village)
        let a = try await store.assign(task: calls, volunteer: chen, by: me)
        try await store.act(a.id, .serve, minutes: 60, by: me)
        try await store.act(a.id, .confirm, by: org)
        try await store.assign(task: gate, volunteer: liu, by: township)
    }
}
