import DoudiDomain
@testable import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("Helpers (R-MON-8): named for monitored households and open cases, reassigned with the history kept, visits due monthly")
struct HelperStoreTests {
    static func d(_ s: String) -> CivilDate { CivilDate(s)! }

    @Test(arguments: Backend.available)
    func namedReassignedAndDue(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let township = try await Fixture.actor(db, "twn", .townshipOfficer, Fixture.township)
            let county = try await Fixture.actor(db, "cty", .countyOfficer, Fixture.county)
            _ = try await Fixture.actor(db, "far", .villageCadre, RegionCode("430481002001")!)
            _ = try await ApplicationStoreTests.household(db, "P1", village)
            _ = try await ApplicationStoreTests.household(db, "P2", village, first: 20)
            _ = try await ApplicationStoreTests.household(db, "P3", village, first: 30)
            try await CaseStoreTests.monitored(db, "P1")
            try await CaseStore(db).open(household: "P2", origin: .cadre, note: "走访发现", by: village, today: Self.d("2026-11-02"))
            let store = HelperStore(db)
            // P1 (monitored) and P2 (an open case) are duties; P3 is neither. None has a helper: a visit is due now.
            var duties = try await store.duties(by: county, mine: false, today: Self.d("2026-11-10"))
            #expect(duties.map(\.householdID) == ["P1", "P2"] && duties.allSatisfy { $0.helper == nil && $0.due == Self.d("2026-11-10") })
            #expect(duties.first { $0.householdID == "P2" }?.caseStep == .survey)
            // Only the township and the county name helpers; only a cadre of the village or township may be one.
            await #expect(throws: StoreError.forbidden) { try await store.assign(household: "P1", username: "vil", by: village, today: Self.d("2026-11-10")) }
            for wrong in ["cty", "far", "nobody"] {
                await #expect(throws: StoreError.self) { try await store.assign(household: "P1", username: wrong, by: township, today: Self.d("2026-11-10")) }
            }
            await #expect(throws: StoreError.notFound) {
                try await store.assign(household: "P1", username: "vil", by: Actor(userID: 0, username: "o", role: .townshipOfficer, region: RegionCode("430481002000")!), today: Self.d("2026-11-10"))
            }
            try await store.assign(household: "P1", username: "vil", by: township, today: Self.d("2026-10-31"))
            await #expect(throws: StoreError.self) { try await store.assign(household: "P1", username: "vil", by: township, today: Self.d("2026-11-01")) }
            // Due a month after the helper took it on (31 October → 30 November); a visit moves it on.
            #expect(try await store.duties(by: village, mine: true, today: Self.d("2026-11-10")).map(\.due) == [Self.d("2026-11-30")])
            #expect(try await store.duties(by: township, mine: true, today: Self.d("2026-11-10")).isEmpty)
            _ = try await LeadStore(db).recordVisit(try Visit(date: "2026-11-20", findings: "户主已出院", riskKinds: [], hardship: false).check(today: Self.d("2026-11-20")).get(),
                                                  householdID: "P1", by: village)
            duties = try await store.duties(by: village, mine: true, today: Self.d("2026-12-21"))
            #expect(duties.map(\.lastVisit) == [Self.d("2026-11-20")] && duties[0].due == Self.d("2026-12-20") && duties[0].overdue(today: Self.d("2026-12-21")))
            // Reassigned: the first keeps their period; the new helper has a month from today.
            try await store.assign(household: "P1", username: "twn", by: county, today: Self.d("2026-12-22"))
            let history = try await store.history(household: "P1", by: village)
            #expect(history.map(\.username) == ["twn", "vil"] && history[0].to == nil && history[1] == .init(username: "vil", from: Self.d("2026-10-31"), to: Self.d("2026-12-22")))
            #expect(try await store.duties(by: village, mine: true, today: Self.d("2026-12-22")).isEmpty)
            #expect(try await store.duties(by: township, mine: true, today: Self.d("2026-12-22")).map(\.due) == [Self.d("2027-01-22")])
            #expect(try await store.candidates(household: Fixture.village) == ["vil", "twn"])
            #expect(try await AuditStore(db).search(by: .system(), action: "helper.assign").count == 2)
        }
    }
}
