import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("Reviews of benefits (R-DB-7): due by class from the start, overdue after, recorded and moved on, audited, scoped")
struct BenefitReviewTests {
    @Test(arguments: Backend.available)
    func dueOverdueAndRecorded(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            // Approved on 2026-11-03: a dibao household, reviewed half-yearly, first due in May 2027.
            try await PaymentRollTests.approved(db, "R1", first: 10, bank: nil, approvedOn: "2026-11-03")
            let county = Actor(userID: 0, username: "cty", role: .countyOfficer, region: Fixture.county)
            let village = Actor(userID: 0, username: "vil", role: .villageCadre, region: Fixture.village)
            let elsewhere = Actor(userID: 0, username: "oth", role: .townshipOfficer, region: RegionCode("430481002000")!)
            let reviews = BenefitReviewStore(db)
            #expect(try await reviews.due(by: county, month: YearMonth("2027-04")!).isEmpty)
            let due = try #require(try await reviews.due(by: village, month: YearMonth("2027-05")!).first)
            #expect(due.householdID == "R1" && due.reviewClass == .halfYearly && due.due == YearMonth("2027-05") && due.headName == "王大")
            // Still not reviewed in July: overdue, and counted so in the county's figures.
            let july = try await AssistanceFigures.of(db, region: Fixture.county, month: YearMonth("2027-07")!, by: county)
            #expect(july.reviewsOverdue == 1)
            #expect(try await AssistanceFigures.of(db, region: Fixture.county, month: YearMonth("2027-05")!, by: county).reviewsOverdue == 0)
            // The village may not record it, another township does not find it; the county records it as yearly.
            await #expect(throws: StoreError.forbidden) { try await reviews.record(due.benefitID, reviewClass: nil, on: CivilDate("2027-07-10")!, by: village) }
            await #expect(throws: StoreError.notFound) { try await reviews.record(due.benefitID, reviewClass: nil, on: CivilDate("2027-07-10")!, by: elsewhere) }
            let done = try await reviews.record(due.benefitID, reviewClass: .yearly, on: CivilDate("2027-07-10")!, by: county)
            #expect(done.reviewClass == .yearly && done.due == YearMonth("2028-07"))
            #expect(try await reviews.due(by: county, month: YearMonth("2027-07")!).isEmpty)
            #expect(try await AssistanceFigures.of(db, region: Fixture.county, month: YearMonth("2027-07")!, by: county).reviewsOverdue == 0)
            let audit = try await AuditStore(db).search(by: .system(), action: "benefit.review")
            #expect(audit.count == 1)
        }
    }
}
