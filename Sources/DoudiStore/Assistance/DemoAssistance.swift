import DoudiDomain
import SQLKit

/// The demo's benefit applications: forty households of the county (the demo village's first) at every step of
/// R-DB-5, from handed in to approved or refused, each step on its own day of the last weeks.
enum DemoAssistance {
    struct Row: Decodable { var id: String; var region: Int64 }
    struct Member: Decodable { var id: Int64 }

    static func load(_ db: Database, today: CivilDate) async throws {
        let r = DemoLoader.county.subtreeRange
        // Sixteen in the demo village (its cadre sees work at every step), the rest across the county.
        let rows = try await db.read { sql in
            let village = Int64(DemoLoader.village.value)
            return try await sql.raw("SELECT id, region FROM households WHERE region = \(bind: village) ORDER BY id DESC LIMIT 16").all(decoding: Row.self)
                + sql.raw("""
                    SELECT id, region FROM households WHERE region BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound)) AND region <> \(bind: village)
                    ORDER BY id DESC LIMIT 24
                    """).all(decoding: Row.self)
        }
        let store = ApplicationStore(db)
        for (i, row) in rows.enumerated() {
            guard let village = RegionCode(value: UInt64(row.region)), let township = village.parent else { continue }
            let members = try await db.read { sql in
                try await sql.raw("SELECT id FROM members WHERE household_id = \(bind: row.id) ORDER BY id").all(decoding: Member.self).map(\.id)
            }
            guard !members.isEmpty else { continue }
            let cadre = Actor(userID: 0, username: "demo.village", role: .villageCadre, region: village)
            let officer = Actor(userID: 0, username: "demo.township", role: .townshipOfficer, region: township)
            let county = Actor(userID: 0, username: "demo.county", role: .countyOfficer, region: DemoLoader.county)
            let wages = 2_400 + (i * 733) % 9_000
            let submitted = today.adding(days: -(21 + i % 10))
            let id = try await store.apply(ApplicationInput(householdID: row.id, kind: i % 9 == 4 ? .extremeHardship : .dibao, covered: members,
                                                            income: IncomeStatement([IncomeItem(.wages, wages), IncomeItem(.excluded, 1_200, note: "城乡居民基本养老金")]),
                                                            assets: ["存款（元）": (i * 1_537) % 20_000], authorised: true,
                                                            bankAccount: BankAccount("62170000" + String(100_000_000_000 + i * 7_919))),
                                           by: i % 2 == 0 ? cadre : officer, today: submitted, draw: (i * 37) % 100)
            let amount = max(100, 600 * members.count - wages / 12)
            var moves: [(Actor, ApplicationAction, Int)] = [(officer, .accept, 1), (officer, .recordHomeVisit(note: "入户调查、邻里访问：情况属实"), 3)]
            if i % 8 == 7 {
                moves.append((officer, .opinion(approve: false, amount: 0, reasons: "家庭人均收入高于当地低保标准"), 5))
            } else {
                moves += [(officer, .opinion(approve: true, amount: amount, reasons: ""), 5), (cadre, .startNotice(from: submitted.adding(days: 6), to: submitted.adding(days: 13)), 6),
                          (cadre, .closeNotice, 14), (county, .recordCountyVisit(note: "县级入户抽查：属实"), 15), (county, .approve(amount: amount), 16)]
            }
            // Stop at a different step each time: handed in, accepted, visited, proposed, on notice, waiting for approval, approved, refused.
            let stop = [0, 1, 2, 3, 4, 5, 7, 3][i % 8]
            for (actor, action, day) in moves.prefix(stop) {
                if case .recordCountyVisit = action, !(try await store.application(id, by: .system())?.summary.state.spotCheck ?? false) { continue }
                try await store.act(id, action, by: actor, today: submitted.adding(days: day))
            }
        }
    }

    /// The rolls of the previous and the current month, approved and paid.
    static func rolls(_ db: Database, today: CivilDate) async throws {
        let county = Actor(userID: 0, username: "demo.county", role: .countyOfficer, region: DemoLoader.county)
        let rolls = PaymentRollStore(db)
        // Last month's paid; this month's built and waiting for the county's approval.
        let month = YearMonth(today)
        try await rolls.build(county: DemoLoader.county, month: month.adding(months: -1), by: county)
        try await rolls.advance(county: DemoLoader.county, month: month.adding(months: -1), to: .approved, on: today, by: county)
        try await rolls.advance(county: DemoLoader.county, month: month.adding(months: -1), to: .paid, on: today, by: county)
        try await rolls.build(county: DemoLoader.county, month: month, by: county)
    }

    /// Three dibao households of the demo village (or its street) changed this month, from next month on: one's income rose a
    /// little (a new amount), one's rose above the standard (a phased exit), one moved away (stopped).
    static func changes(_ db: Database, today: CivilDate) async throws {
        struct Benefit: Decodable { var id: Int64; var household_id: String }
        guard let township = DemoLoader.village.parent else { return }
        let r = township.subtreeRange
        let found = try await db.read { sql in
            try await sql.raw("""
                SELECT id, household_id FROM benefits WHERE region BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound)) AND kind = 'dibao'
                  AND end_month IS NULL
                ORDER BY CASE WHEN region = \(bind: Int64(DemoLoader.village.value)) THEN 0 ELSE 1 END, id LIMIT 3
                """).all(decoding: Benefit.self)
        }
        let officer = Actor(userID: 0, username: "demo.township", role: .townshipOfficer, region: township)
        let store = BenefitChangeStore(db)
        for (i, b) in found.enumerated() {
            let members = try await db.read { sql in
                try await sql.raw("SELECT id FROM members WHERE household_id = \(bind: b.household_id) ORDER BY id").all(decoding: Member.self).map(\.id)
            }
            let input = switch i {
            case 0: BenefitChangeInput(covered: members, income: IncomeStatement([IncomeItem(.wages, 4_800 * members.count)]), reason: "家庭成员打零工，收入略有增加")
            case 1: BenefitChangeInput(covered: members, income: IncomeStatement([IncomeItem(.wages, 9_000 * members.count)]), reason: "子女稳定就业，家庭人均收入超过低保标准")
            default: BenefitChangeInput(covered: [], income: IncomeStatement([]), reason: "全户迁往外县居住", stop: true)
            }
            try await store.record(b.id, input, by: officer, today: today)
        }
    }

    /// Every township of the county funded with 20,000 yuan a quarter ago; in the demo street five aid-first
    /// payments of the last weeks: three households of the register (one completed, one past its deadline) and
    /// two people registered elsewhere.
    static func aid(_ db: Database, today: CivilDate) async throws {
        let county = Actor(userID: 0, username: "demo.county", role: .countyOfficer, region: DemoLoader.county)
        let funds = AidFirstStore(db)
        let townships = try await RegionStore(db).children(of: DemoLoader.county).map(\.code).filter { $0.level == .township }
        for t in townships { try await funds.deposit(t, amount: 20_000, note: "县级拨付临时救助备用金", by: county, today: today.adding(days: -90)) }
        guard let township = DemoLoader.village.parent else { return }
        let officer = Actor(userID: 0, username: "demo.township", role: .townshipOfficer, region: township)
        let households = try await db.read { sql in
            try await sql.raw("SELECT id, region FROM households WHERE region = \(bind: Int64(DemoLoader.village.value)) ORDER BY id LIMIT 3").all(decoding: Row.self)
        }
        let reasons = ["家中失火，衣物被褥烧毁", "户主突发脑溢血住院，自付费用高", "子女学费和住院费用同时支出"]
        for (i, h) in households.enumerated() {
            let paid = today.adding(days: -[25, 18, 3][i])
            let id = try await funds.pay(AidFirstInput(recipient: .household(h.id), place: DemoLoader.village, kind: i == 2 ? .expense : .emergency,
                                                       amount: [800, 1_500, 1_000][i], reason: reasons[i]), by: officer, today: paid)
            if i == 0 { try await funds.complete(id, note: "已补交申请书、核对授权书，经乡镇审批", by: officer, today: paid.adding(days: 7)) }
        }
        let people: [(String, ResidentID, String)] = [
            ("赵建国", DemoRegister.residentID(county: "360781", birth: CivilDate(year: 1985, month: 3, day: 12)!, sex: .male, serial: 1), "江西省赣州市"),
            ("陈秀兰", DemoRegister.residentID(county: "450321", birth: CivilDate(year: 1990, month: 7, day: 8)!, sex: .female, serial: 2), "广西壮族自治区桂林市"),
        ]
        for (i, person) in people.enumerated() {
            let rid = person.1
            try await funds.pay(AidFirstInput(recipient: .outside(name: person.0, residentID: rid, registeredAt: person.2), place: DemoLoader.village,
                                              kind: .emergency, amount: [600, 900][i], reason: ["在本地务工期间工伤，暂无收入", "随子女在本地居住，突发疾病"][i]),
                              by: officer, today: today.adding(days: -[10, 2][i]))
        }
    }
}
