import DoudiDomain
@testable import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("Children's cases: reported, seen only by those who may, acknowledged, cared for with no gap")
struct ChildCaseStoreTests {
    static let today = CivilDate("2026-11-20")!
    static let hour: Int64 = 3_600_000

    static func report(_ name: String, rid: String = "", birth: String = "", village: RegionCode = Fixture.village) throws -> ChildReport.Checked {
        try ChildReport(childName: name, residentID: rid, birthDate: birth, regionCode: village.description, situation: "父母均在集中隔离，家中无人照料").check(today: today).get()
    }

    @Test(arguments: Backend.available)
    func reportedSeenAcknowledgedCared(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let director = try await Fixture.actor(db, "dir", .childDirector, Fixture.village)
            let supervisor = try await Fixture.actor(db, "sup", .childDirector, Fixture.township)
            let countyChild = try await Fixture.actor(db, "cch", .childDirector, Fixture.county)
            let farDirector = try await Fixture.actor(db, "far", .childDirector, Fixture.otherVillage)
            let cadre = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let township = try await Fixture.actor(db, "twn", .townshipOfficer, Fixture.township)
            let county = try await Fixture.actor(db, "cty", .countyOfficer, Fixture.county)
            let hotline = try await Fixture.actor(db, "hot", .hotlineOperator, Fixture.county)
            let otherHotline = try await Fixture.actor(db, "hot2", .hotlineOperator, Fixture.county)
            let auditor = try await Fixture.actor(db, "aud", .auditor, Fixture.county)
            // A registered child (born 2015) in household C1.
            let child = validID("43048120150401123")
            _ = try await HouseholdStore(db).create(Fixture.household("C1", people: [("43048119850101101", .head, "李父"), ("43048120150401123", .child, "李小")]),
                                                    by: cadre, today: Self.today)
            let store = ChildCaseStore(db)

            // Reported by the village's director (matched to the register) and by the hotline (a child outside it).
            let found = try await store.report(try Self.report("李小", rid: child.text), by: director)
            let called = try await store.report(try Self.report("张小妹", birth: "2019-05-06"), by: hotline)
            await #expect(throws: StoreError.forbidden) { try await store.report(try Self.report("王小"), by: cadre) }
            await #expect(throws: StoreError.self) { try await store.report(try Self.report("王小", village: Fixture.otherVillage), by: director) }

            // Who sees what: narrower than the register, the same answer as a case that does not exist.
            let table: [(Actor, [Int64])] = [
                (director, [called, found]), (supervisor, [called, found]), (countyChild, [called, found]), (auditor, [called, found]),
                (hotline, [called]), (otherHotline, []), (farDirector, []), (cadre, []), (township, []), (county, []),
            ]
            var views = 0
            for (actor, visible) in table {
                #expect(try await store.cases(by: actor).map(\.id).sorted() == visible.sorted(), "\(actor.username) lists")
                for id in [found, called] {
                    let c = try await store.childCase(id, by: actor)
                    #expect((c != nil) == visible.contains(id), "\(actor.username) reads case \(id)")
                    if c != nil { views += 1 }
                }
                #expect(try await store.childCase(999_999, by: actor) == nil)
            }
            #expect(try await AuditStore(db).search(by: .system(), action: "child.view").count == views, "every view of a case is logged")
            let read = try #require(try await store.childCase(found, by: director))
            #expect(read.householdID == "C1" && read.residentID == Masking.residentID(child.text) && read.channel == .director && read.status == .reported)
            #expect(try await store.childCase(called, by: director)?.householdID == nil, "a child outside the register is still a case")

            // The township acknowledges (not the village's director), with the risk and the first arrangement.
            let now = db.clock.nowMillis()
            let first = CarePeriod(kind: .isolationObservation, carer: "市集中隔离点", from: now)
            await #expect(throws: StoreError.forbidden) { try await store.acknowledge(found, risk: .high, care: first, by: director) }
            await #expect(throws: StoreError.notFound) {
                try await store.acknowledge(found, risk: .high, care: first, by: Actor(userID: 0, username: "x", role: .childDirector, region: RegionCode("430481002000")!))
            }
            try await store.acknowledge(found, risk: .high, care: first, by: supervisor)
            await #expect(throws: StoreError.self) { try await store.acknowledge(found, risk: .low, care: first, by: supervisor) }
            #expect(try await store.childCase(found, by: director)?.risk == .high)

            // Care hands over with no gap: the one in force ends where the next begins.
            try await store.arrange(found, CarePeriod(kind: .relativeCare, carer: "外祖母 赵某", from: now + 14 * Self.hour), by: director)
            var care = try #require(try await store.childCase(found, by: director)?.care)
            #expect(care.map(\.kind) == [.isolationObservation, .relativeCare] && care[0].to == now + 14 * Self.hour && care[1].to == nil)
            #expect(CareTimeline.gaps(care, from: now, until: nil).isEmpty)
            // A change that would leave the child without care for a time is refused, and nothing changes.
            await #expect(throws: StoreError.invalid([FieldProblem("from", CareTimeline.gapMessage)])) {
                try await store.arrange(found, CarePeriod(kind: .designatedCarer, carer: "邻居", from: now - 48 * Self.hour, to: now - 24 * Self.hour), by: director)
            }
            #expect(try await store.childCase(found, by: director)?.care == care)
            // A planned end is allowed; the list of care ending soon is where it shows.
            try await store.arrange(found, CarePeriod(kind: .agencyTemporaryGuardianship, carer: "市未成年人救助保护中心", from: now + 20 * Self.hour, to: now + 60 * Self.hour), by: director)
            care = try #require(try await store.childCase(found, by: director)?.care)
            #expect(care.count == 3 && CareTimeline.uncovered(care, now: now + 20 * Self.hour) == now + 60 * Self.hour)
            // Only the directors of the case's region arrange care; others do not even find it.
            await #expect(throws: StoreError.notFound) { try await store.arrange(found, CarePeriod(kind: .relativeCare, carer: "x", from: now + 30 * Self.hour), by: farDirector) }
            await #expect(throws: StoreError.notFound) { try await store.arrange(found, CarePeriod(kind: .relativeCare, carer: "x", from: now + 30 * Self.hour), by: cadre) }
            await #expect(throws: StoreError.forbidden) { try await store.arrange(found, CarePeriod(kind: .relativeCare, carer: "x", from: now + 30 * Self.hour), by: auditor) }
            // Not acknowledged yet: no arrangement.
            await #expect(throws: StoreError.self) { try await store.arrange(called, CarePeriod(kind: .relativeCare, carer: "x", from: now), by: director) }
            #expect(try await AuditStore(db).search(by: .system(), action: "child.care").count == 2)
        }
    }

    @Test("a report names what is missing") func reportChecks() {
        guard case .failure(let p) = ChildReport(childName: "", residentID: "43048119800101101X", regionCode: "430481001000", situation: "").check(today: Self.today) else {
            Issue.record("an empty report passed"); return
        }
        #expect(Set(p.problems.map(\.field)) == ["childName", "residentId", "regionCode", "situation"])
        guard case .failure(let adult) = ChildReport(childName: "李大", residentID: validID("43048120000101123").text, regionCode: "430481001001", situation: "无人照料")
            .check(today: Self.today) else { Issue.record("an adult passed as a child"); return }
        #expect(adult.problems.map(\.message.zh) == ["儿童应未满18周岁"])
    }
}
