import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("The lead queue: filters, part of a name, overdue, order and pages, inside the reader's region, on each backend")
struct LeadQueueTests {
    @Test(arguments: Backend.available)
    func aCadreNarrowsTheQueue(_ backend: Backend) async throws {
        let moving = MovableClock()
        try await withFreshDatabase(backend, clock: moving.clock) { db in
            let store = LeadStore(db)
            let county = try await Fixture.actor(db, "cty", .countyOfficer, Fixture.county)
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let hotline = try await Fixture.actor(db, "hot", .hotlineOperator, Fixture.county)
            // One lead a day: self-reports and calls, in two villages; names with a shared character.
            let people: [(String, RegionCode, Bool)] = [("王大", Fixture.village, true), ("李二", Fixture.village, false), ("王小三", Fixture.otherVillage, true),
                                                        ("赵四", Fixture.otherVillage, false), ("100%真", Fixture.village, true)]
            for (i, (name, region, selfReport)) in people.enumerated() {
                let rid = validID("43048119800101\(String(format: "%03d", 100 + i))").text
                if selfReport {
                    let r = try SelfReport(name: name, residentID: rid, mobile: "13812345678", regionCode: region.description, riskKinds: ["illness"],
                                           description: "", consent: true).check(today: Clock.system.today()).get()
                    _ = try await store.submit(r)
                } else {
                    let c = try HotlineCall(caller: "来电人", callbackNumber: "13912345678", residentID: rid, name: name, regionCode: region.description,
                                            riskKinds: ["accident"], notes: "").check(today: Clock.system.today()).get()
                    _ = try await store.recordCall(c, by: hotline)
                }
                moving.advance(hours: 24)
            }
            let today = moving.clock.today()
            func names(_ q: LeadQuery, by actor: Actor? = nil, on day: CivilDate? = nil) async throws -> [String] {
                try await store.queue(by: actor ?? county, q, today: day ?? today).items.map(\.name)
            }
            #expect(try await names(LeadQuery()) == ["100%真", "赵四", "王小三", "李二", "王大"])
            #expect(try await names(LeadQuery(sort: .oldest)) == ["王大", "李二", "王小三", "赵四", "100%真"])
            #expect(try await names(LeadQuery(channel: .hotline)) == ["赵四", "李二"])
            #expect(try await names(LeadQuery(region: Fixture.otherVillage)) == ["赵四", "王小三"])
            // Part of a name, anywhere in it; % taken as typed.
            #expect(try await names(LeadQuery(text: "王")) == ["王小三", "王大"])
            #expect(try await names(LeadQuery(text: "小")) == ["王小三"])
            #expect(try await names(LeadQuery(text: "%")) == ["100%真"])
            #expect(try await names(LeadQuery(text: "_")) == [])
            // A verified lead leaves the open queue but stays under its status.
            let li = try #require(try await store.queue(by: county, LeadQuery(text: "李二"), today: today).items.first)
            try await store.verify(leadID: li.id, decision: .notConfirmed(reason: "收入稳定"), by: village)
            #expect(try await names(LeadQuery(status: .open, channel: .hotline)) == ["赵四"])
            #expect(try await names(LeadQuery(status: .notConfirmed)) == ["李二"])
            // Overdue: none today (seven days to verify); eight days on, the open leads filed first.
            #expect(try await names(LeadQuery(overdue: true)) == [])
            #expect(try await names(LeadQuery(overdue: true, sort: .oldest), on: today.adding(days: 4)) == ["王大"])
            #expect(try await store.overdue(by: county, today: today.adding(days: 30)).map(\.name) == ["王大", "王小三", "赵四", "100%真"])
            // Pages keep the total of the whole list.
            let second = try await store.queue(by: county, LeadQuery(limit: 2, offset: 2), today: today)
            #expect(second.items.map(\.name) == ["王小三", "李二"] && second.total == 5)
            let last = try await store.queue(by: county, LeadQuery(limit: 2, offset: 4), today: today)
            #expect(last.items.map(\.name) == ["王大"] && last.total == 5)
            // The village cadre sees only the village, whichever region is asked for.
            #expect(try await names(LeadQuery(), by: village) == ["100%真", "李二", "王大"])
            #expect(try await names(LeadQuery(region: Fixture.otherVillage), by: village) == [])
            #expect(try await names(LeadQuery(region: Fixture.county), by: village) == [])
        }
    }
}
