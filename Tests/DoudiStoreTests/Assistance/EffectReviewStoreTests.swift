import DoudiDomain
@testable import DoudiStore
import DoudiTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Quarterly reviews in the store: recorded by the helper only, confirmed or returned by the township, the missing ones per quarter")
struct EffectReviewStoreTests {
    static func d(_ s: String) -> CivilDate { CivilDate(s)! }
    static let q4 = Quarter("2026-Q4")!

    static func input(_ q: Quarter = q4, now: Int = 9_800) -> EffectReviewInput {
        EffectReviewInput(quarter: q, incomeNow: now, incomeBefore: 8_600, guarantees: [.food, .clothing, .education], measuresTaken: "临时救助", nextSteps: "继续走访")
    }

    @Test(arguments: Backend.available)
    func recordedConfirmedReturned(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let other = try await Fixture.actor(db, "vil2", .villageCadre, Fixture.village)
            let township = try await Fixture.actor(db, "twn", .townshipOfficer, Fixture.township)
            let county = try await Fixture.actor(db, "cty", .countyOfficer, Fixture.county)
            _ = try await MeasureStoreTests.withCase(db, "E1", by: village)
            _ = try await MeasureStoreTests.withCase(db, "E2", first: 30, by: village)
            _ = try await MeasureStoreTests.withCase(db, "E3", first: 50, identified: "2027-01-05", by: village)
            let store = EffectReviewStore(db)
            // Both identified by the end of Q4 are missing; the third, identified in January, is not due for Q4.
            #expect(try await store.missing(by: county, quarter: Self.q4).map(\.householdID) == ["E1", "E2"])
            // Only the household's helper records it.
            await #expect(throws: StoreError.self) { try await store.record(household: "E1", Self.input(), by: village) }
            try await HelperStore(db).assign(household: "E1", username: "vil", by: township, today: Self.d("2026-10-01"))
            await #expect(throws: StoreError.self) { try await store.record(household: "E1", Self.input(), by: other) }
            let id = try await store.record(household: "E1", Self.input(), by: village)
            var missing = try await store.missing(by: county, quarter: Self.q4)
            #expect(missing.first { $0.householdID == "E1" }?.status == .recorded && missing.first?.helper == "vil")
            // A village cadre does not confirm; the township returns it, the helper corrects it, the township confirms.
            await #expect(throws: StoreError.forbidden) { try await store.decide(id, .confirm, by: village) }
            await #expect(throws: StoreError.self) { try await store.decide(id, .returnToHelper(reason: " "), by: township) }
            try await store.decide(id, .returnToHelper(reason: "请补充住房安全情况"), by: township)
            var r = try #require(try await store.reviews(by: county, quarter: Self.q4, household: "E1").first)
            #expect(r.status == .returned && r.returnReason == "请补充住房安全情况" && r.decidedBy == "twn")
            await #expect(throws: StoreError.self) { try await store.decide(id, .confirm, by: township) }
            #expect(try await store.record(household: "E1", Self.input(now: 10_200), by: village) == id)
            try await store.decide(id, .confirm, by: township)
            r = try #require(try await store.reviews(by: county, quarter: Self.q4, household: "E1").first)
            #expect(r.status == .confirmed && r.input.incomeChange == 1_600 && r.input.guarantees == [.food, .clothing, .education] && r.returnReason == nil)
            // Confirmed, it is off the list and cannot be changed.
            missing = try await store.missing(by: county, quarter: Self.q4)
            #expect(missing.map(\.householdID) == ["E2"])
            await #expect(throws: StoreError.self) { try await store.record(household: "E1", Self.input(), by: village) }
            // Each quarter stands alone: none was due in Q3 (all identified later), all three are due in 2027-Q1.
            #expect(try await store.missing(by: county, quarter: Quarter("2026-Q3")!).isEmpty)
            #expect(try await store.missing(by: county, quarter: Quarter("2027-Q1")!).map(\.householdID) == ["E1", "E2", "E3"])
            // Another township sees none of it.
            #expect(try await store.missing(by: CaseStoreTests.otherTownship, quarter: Self.q4).isEmpty)
            #expect(try await store.reviews(by: CaseStoreTests.otherTownship, quarter: Self.q4).isEmpty)
            // A township officer who helps a household does not confirm their own review.
            try await HelperStore(db).assign(household: "E2", username: "twn", by: county, today: Self.d("2026-11-01"))
            let own = try await store.record(household: "E2", Self.input(), by: township)
            await #expect(throws: StoreError.self) { try await store.decide(own, .confirm, by: township) }
            #expect(try await AuditStore(db).search(by: .system(), action: "effectReview.record").count == 3)
            #expect(try await AuditStore(db).search(by: .system(), action: "effectReview.return").count == 1)
        }
    }
}
