import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("The village notice: the committee's name, and every household of the village's period on one sheet")
struct VillageNoticeTests {
    @Test("the committee signs with its full name", arguments: [
        ("牌楼居委会", "430481001001", "牌楼居民委员会"),
        ("花石村委会", "430481002011", "花石村村民委员会"),
        ("红卫社区", "430481002009", "红卫社区居民委员会"),
        ("大塘村", "430481003210", "大塘村村民委员会"),
        ("新民居民委员会", "430481001002", "新民居民委员会"),
        ("东风", "430481003205", "东风村民委员会"),
        ("西街", "430481001005", "西街居民委员会"),
    ])
    func committee(_ name: String, _ code: String, _ signs: String) throws {
        #expect(VillageNotice.committee(of: name, code: try #require(RegionCode(code))) == signs)
    }

    @Test(arguments: Backend.available)
    func oneSheetPerVillageAndPeriod(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let cadre = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let other = try await Fixture.actor(db, "oth", .villageCadre, Fixture.otherVillage)
            let start = Clock.system.today()
            var ids: [Int64] = []
            for (n, (hid, name)) in [("H1", "王大"), ("H2", "李二"), ("H3", "赵三")].enumerated() {
                let body = "430481198001010\(String(format: "%02d", 10 + n))"
                _ = try await HouseholdStore(db).create(Fixture.household(hid, people: [(body, .head, name)]), by: cadre, today: start)
                let report = try SelfReport(name: name, residentID: validID(body).text, mobile: "13812345678", regionCode: Fixture.village.description,
                                            riskKinds: ["illness"], description: "", consent: true).check(today: start).get()
                _ = try await LeadStore(db).submit(report)
            }
            for lead in try await LeadStore(db).leads(by: cadre, status: .open) {
                try await LeadStore(db).verify(leadID: lead.id, decision: .confirmed(.unstableExited, [.illness]), by: cadre)
            }
            let episodes = EpisodeStore(db)
            for e in try await episodes.episodes(by: cadre, statuses: [.identifying]) {
                try await episodes.act(e.id, .complete(note: ""), by: cadre, today: start)
                try await episodes.act(e.id, .complete(note: ""), by: cadre, today: start)
                ids.append(e.id)
            }
            // Two posted the same day, the third a day later: two sheets.
            try await episodes.act(ids[0], .startNotice(from: start, to: start.adding(days: 5)), by: cadre, today: start)
            try await episodes.act(ids[1], .startNotice(from: start, to: start.adding(days: 6)), by: cadre, today: start)
            try await episodes.act(ids[2], .startNotice(from: start.adding(days: 1), to: start.adding(days: 6)), by: cadre, today: start.adding(days: 1))
            let sheet = try #require(try await episodes.villageNotice(village: Fixture.village, from: start, kind: .identification, by: cadre))
            #expect(sheet.sheet.rows.map { $0[0] }.sorted() == ["李二", "王大"] && sheet.sheet.to == start.adding(days: 6))
            #expect(sheet.signer.hasSuffix("委员会") && sheet.supervisionPhone == nil && sheet.sheet.kind == .monitoringIdentification)
            #expect(try await episodes.villageNotice(village: Fixture.village, from: start.adding(days: 1), kind: .identification, by: cadre)?.sheet.rows.map { $0[0] } == ["赵三"])
            // Another village's cadre gets nothing; the telephone set for the county shows on the sheet.
            #expect(try await episodes.villageNotice(village: Fixture.village, from: start, kind: .identification, by: other) == nil)
            try await PolicyStore(db).set(region: Fixture.county, year: start.year, key: .supervisionPhone, value: "0734-4322100", by: .system())
            #expect(try await episodes.villageNotice(village: Fixture.village, from: start, kind: .identification, by: cadre)?.supervisionPhone == "0734-4322100")
            await #expect(throws: StoreError.self) { try await PolicyStore(db).set(region: Fixture.county, year: start.year, key: .supervisionPhone, value: "call us", by: .system()) }
        }
    }
}
