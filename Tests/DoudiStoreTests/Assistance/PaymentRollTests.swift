import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("The monthly payment roll and the same-month share, from the records")
struct PaymentRollTests {
    static func d(_ s: String) -> CivilDate { CivilDate(s)! }

    /// Hands in and walks an application of household `id` to approval on `approvedOn`.
    static func approved(_ db: Database, _ id: String, first: Int, bank: String?, approvedOn: String) async throws {
        let village = try await Fixture.actor(db, "v\(id)", .villageCadre, Fixture.village)
        let township = Actor(userID: 0, username: "twn", role: .townshipOfficer, region: Fixture.township)
        let county = Actor(userID: 0, username: "cty", role: .countyOfficer, region: Fixture.county)
        let members = try await ApplicationStoreTests.household(db, id, village, first: first)
        let store = ApplicationStore(db)
        let app = try await store.apply(ApplicationInput(householdID: id, kind: .dibao, covered: members, income: IncomeStatement([IncomeItem(.wages, 3_600)]),
                                                         authorised: true, bankAccount: bank.flatMap(BankAccount.init)), by: village, today: Self.d("2026-10-01"), draw: 99)
        for (actor, action, day) in [(township, ApplicationAction.accept, "2026-10-02"), (township, .recordHomeVisit(note: "入户"), "2026-10-03"),
                                     (township, .opinion(approve: true, amount: 1_500, reasons: ""), "2026-10-09"),
                                     (village, .startNotice(from: Self.d("2026-10-10"), to: Self.d("2026-10-17")), "2026-10-10"), (village, .closeNotice, "2026-10-18"),
                                     (county, .approve(amount: 1_500), approvedOn)] {
            try await store.act(app, action, by: actor, today: Self.d(day))
        }
    }

    @Test(arguments: Backend.available)
    func builtApprovedExportedPaidAndCounted(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            try await Self.approved(db, "P1", first: 10, bank: "6217 0000 1111 2222 333", approvedOn: "2026-11-03")
            try await Self.approved(db, "P2", first: 20, bank: nil, approvedOn: "2026-11-25")
            let county = Actor(userID: 0, username: "cty", role: .countyOfficer, region: Fixture.county)
            let village = Actor(userID: 0, username: "vil", role: .villageCadre, region: Fixture.village)
            let rolls = PaymentRollStore(db), nov = YearMonth("2026-11")!
            await #expect(throws: StoreError.forbidden) { try await rolls.build(county: Fixture.county, month: nov, by: village) }
            try await rolls.build(county: Fixture.county, month: nov, by: county)
            let draft = try #require(try await rolls.roll(county: Fixture.county, month: nov, by: village))
            #expect(draft.status == .draft && draft.lines.count == 2 && draft.total == 3_000)
            #expect(draft.lines.first { $0.householdID == "P1" }?.bankAccount == "6217***********2333")
            // No bank file before the county approves; the whole number only in it, and the export audited.
            await #expect(throws: StoreError.self) { try await rolls.roll(county: Fixture.county, month: nov, by: county, wholeAccounts: true) }
            try await rolls.advance(county: Fixture.county, month: nov, to: .approved, on: Self.d("2026-11-26"), by: county)
            await #expect(throws: StoreError.self) { try await rolls.build(county: Fixture.county, month: nov, by: county) }
            await #expect(throws: StoreError.forbidden) { try await rolls.roll(county: Fixture.county, month: nov, by: village, wholeAccounts: true) }
            let file = try #require(try await rolls.roll(county: Fixture.county, month: nov, by: county, wholeAccounts: true))
            #expect(file.lines.first { $0.householdID == "P1" }?.bankAccount == "6217000011112222333")
            #expect(try await AuditStore(db).search(by: .system(), action: "roll.export").count == 1)
            // Before the bank pays: approved in November, none paid yet.
            var figures = try await AssistanceFigures.of(db, region: Fixture.county, month: nov, by: county)
            #expect(figures.sameMonth.approved == 2 && figures.sameMonth.approvedAndPaidSameMonth == 0 && figures.sameMonth.share == 0)
            try await rolls.advance(county: Fixture.county, month: nov, to: .paid, on: Self.d("2026-11-28"), by: county)
            figures = try await AssistanceFigures.of(db, region: Fixture.county, month: nov, by: county)
            #expect(figures.sameMonth.approvedAndPaidSameMonth == 2 && figures.sameMonth.share == 1)
            #expect(figures.households == 2 && figures.persons == 6 && figures.amounts[.dibao] == 3_000 && figures.started == 2)
            let october = try await AssistanceFigures.of(db, region: Fixture.county, month: YearMonth("2026-10")!, by: county)
            #expect(october.sameMonth.share == nil && october.households == 0)
            await #expect(throws: StoreError.forbidden) { try await AssistanceFigures.of(db, region: Fixture.county, month: nov, by: village) }
        }
    }

    @Test(arguments: Backend.available)
    func aPageOfTheRollAndTheFiguresByRegion(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            try await Self.approved(db, "P1", first: 10, bank: nil, approvedOn: "2026-11-03")
            try await Self.approved(db, "P2", first: 20, bank: nil, approvedOn: "2026-11-25")
            let county = Actor(userID: 0, username: "cty", role: .countyOfficer, region: Fixture.county)
            let township = Actor(userID: 0, username: "twn", role: .townshipOfficer, region: Fixture.township)
            let rolls = PaymentRollStore(db), nov = YearMonth("2026-11")!
            try await rolls.build(county: Fixture.county, month: nov, by: county)
            // One line a page; the counts and the total are the whole roll's.
            let second = try #require(try await rolls.roll(county: Fixture.county, month: nov, by: county, page: 1..<2))
            #expect(second.lines.map(\.householdID) == ["P2"] && second.lineCount == 2 && second.total == 3_000)
            #expect(try await rolls.roll(county: Fixture.county, month: nov, by: county, page: 0..<0)?.lines.isEmpty == true)
            #expect(try await rolls.roll(county: Fixture.county, month: YearMonth("2026-12")!, by: county) == nil)
            // The county by township, the township by village: the parts add up to the whole.
            let (total, parts) = try await AssistanceFigures.breakdown(db, region: Fixture.county, month: nov, by: county)
            #expect(parts.map(\.region) == [Fixture.township] && parts[0].households == total.households && total.households == 2)
            let (t, villages) = try await AssistanceFigures.breakdown(db, region: Fixture.township, month: nov, by: township)
            #expect(villages.map(\.region) == [Fixture.village] && villages[0].amounts[.dibao] == 3_000 && t.sameMonth.approved == 2)
            await #expect(throws: StoreError.forbidden) { try await AssistanceFigures.breakdown(db, region: Fixture.county, month: nov, by: township) }
        }
    }
}
