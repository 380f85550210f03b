import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("Changes of a benefit (R-DB-3, R-DB-8): computed on the region's standard from next month, phased exit, stop; the roll and the figures follow")
struct BenefitChangeTests {
    static func d(_ s: String) -> CivilDate { CivilDate(s)! }
    static let county = Actor(userID: 0, username: "cty", role: .countyOfficer, region: Fixture.county)
    static let township = Actor(userID: 0, username: "twn", role: .townshipOfficer, region: Fixture.township)

    /// The county's roll of `month`, built now: each household's amount.
    static func paid(_ db: Database, _ month: String) async throws -> [String: Int] {
        let rolls = PaymentRollStore(db), m = YearMonth(month)!
        try await rolls.build(county: Fixture.county, month: m, by: county)
        let roll = try #require(try await rolls.roll(county: Fixture.county, month: m, by: county))
        return Dictionary(uniqueKeysWithValues: roll.lines.map { ($0.householdID, $0.amount) })
    }

    static func wages(_ yuanPerYear: Int) -> IncomeStatement { IncomeStatement([IncomeItem(.wages, yuanPerYear)], months: 12) }

    @Test(arguments: Backend.available)
    func newAmountPhasedExitAndBackAgain(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            // Approved on 2026-11-03 at 1,500 a month for three members of a residents' committee (urban standard 678, shipped).
            try await PaymentRollTests.approved(db, "C1", first: 10, bank: nil, approvedOn: "2026-11-03")
            let changes = BenefitChangeStore(db)
            let b = try #require(try await changes.benefit(1, by: Self.township, today: Self.d("2026-11-20")))
            #expect(b.amountNow == 1_500 && b.personsNow == 3 && b.covered.count == 3 && b.end == nil && b.headName == "王大")
            // Income found to be 300 a person a month: (678 − 300) × 3 = 1,134 from December. The preview writes nothing.
            let input = BenefitChangeInput(covered: b.covered, income: Self.wages(10_800), reason: "务工收入增加")
            let preview = try await changes.preview(1, input, by: Self.township, today: Self.d("2026-11-20"))
            #expect(preview.outcome == .amount(1_134) && preview.from == YearMonth("2026-12") && preview.before == 1_500 && preview.assessment?.standard == 678)
            #expect(try await Self.paid(db, "2026-12")["C1"] == 1_500)
            try await changes.record(1, input, by: Self.township, today: Self.d("2026-11-20"))
            #expect(try await Self.paid(db, "2026-11")["C1"] == 1_500)
            #expect(try await Self.paid(db, "2026-12")["C1"] == 1_134)
            // The county's phased exit: two months in full, one at half. In January one member leaves and the other two
            // earn 1,000 a person a month, above the standard: February and March 1,134, April 567, nothing after.
            let admin = Actor(userID: 0, username: "adm", role: .admin, region: Fixture.county)
            try await PolicyStore(db).set(region: Fixture.county, year: 2027, key: .phasedExitSchedule, value: "100，100 50", by: admin)
            let two = Array(b.covered.prefix(2))
            let exit = try await changes.record(1, BenefitChangeInput(covered: two, income: Self.wages(24_000), reason: "儿子外出务工，户籍迁出"),
                                                by: Self.county, today: Self.d("2027-01-10"))
            #expect(exit.outcome == .phasedExit(PhasedExit(start: YearMonth("2027-02")!, schedule: [100, 100, 50])))
            #expect(exit.amounts.map(\.amount) == [1_134, 1_134, 567] && exit.lastMonth == YearMonth("2027-04"))
            #expect(try await Self.paid(db, "2027-03")["C1"] == 1_134)
            #expect(try await Self.paid(db, "2027-04")["C1"] == 567)
            #expect(try await Self.paid(db, "2027-05")["C1"] == nil)
            let april = try await AssistanceFigures.of(db, region: Fixture.county, month: YearMonth("2027-04")!, by: Self.county)
            #expect(april.ended == 1 && april.persons == 2 && april.totalAmount == 567)
            // In March the work ends: back below the standard from April, (678 − 300) × 2 = 756, and no last month.
            let back = try await changes.record(1, BenefitChangeInput(covered: two, income: Self.wages(7_200), reason: "务工结束"), by: Self.township,
                                                today: Self.d("2027-03-05"))
            #expect(back.outcome == .amount(756) && back.lastMonth == nil)
            #expect(try await Self.paid(db, "2027-06")["C1"] == 756)
            let after = try #require(try await changes.benefit(1, by: Self.township, today: Self.d("2027-03-05")))
            #expect(after.end == nil && after.amountNow == 1_134 && after.changes.map(\.outcome) == ["amount", "phasedExit", "amount"])
            #expect(after.ahead.map(\.amount) == [756])
            let audit = try await AuditStore(db).search(by: .system(), action: "benefit.change")
            #expect(audit.count == 3)
        }
    }

    @Test(arguments: Backend.available)
    func stoppedRefusedAndScoped(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            try await PaymentRollTests.approved(db, "S1", first: 10, bank: nil, approvedOn: "2026-11-03")
            try await PaymentRollTests.approved(db, "S2", first: 20, bank: nil, approvedOn: "2026-11-03")
            let changes = BenefitChangeStore(db)
            let village = Actor(userID: 0, username: "vil", role: .villageCadre, region: Fixture.village)
            let elsewhere = Actor(userID: 0, username: "oth", role: .townshipOfficer, region: RegionCode("430481002000")!)
            let day = Self.d("2026-11-20")
            let b = try #require(try await changes.benefit(1, by: village, today: day))
            let fine = BenefitChangeInput(covered: b.covered, income: Self.wages(10_800), reason: "收入变化")
            await #expect(throws: StoreError.forbidden) { try await changes.record(1, fine, by: village, today: day) }
            await #expect(throws: StoreError.notFound) { try await changes.record(1, fine, by: elsewhere, today: day) }
            #expect(try await changes.benefit(1, by: elsewhere, today: day) == nil)
            // No reason; a member of another household: named, nothing written.
            for wrong in [BenefitChangeInput(covered: b.covered, income: Self.wages(10_800), reason: " "),
                          BenefitChangeInput(covered: b.covered + [99], income: Self.wages(10_800), reason: "收入变化")] {
                await #expect(throws: StoreError.self) { try await changes.record(1, wrong, by: Self.township, today: day) }
            }
            #expect(try await changes.benefit(1, by: Self.township, today: day)?.changes.isEmpty == true)
            // Stopped in November (moved away): November paid, December not; a later change is refused, the other benefit untouched.
            let stop = try await changes.record(1, BenefitChangeInput(covered: [], income: IncomeStatement([]), reason: "全户迁出本县", stop: true),
                                                by: Self.township, today: day)
            #expect(stop.lastMonth == YearMonth("2026-11") && stop.amounts.isEmpty)
            #expect(try await BenefitChangeTests.paid(db, "2026-11") == ["S1": 1_500, "S2": 1_500])
            #expect(try await BenefitChangeTests.paid(db, "2026-12") == ["S2": 1_500])
            await #expect(throws: StoreError.self) { try await changes.record(1, fine, by: Self.township, today: Self.d("2027-01-05")) }
            let audit = try await AuditStore(db).search(by: .system(), action: "benefit.change")
            #expect(audit.count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func twoChangesAtOnceBothLand(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            try await PaymentRollTests.approved(db, "W1", first: 10, bank: nil, approvedOn: "2026-11-03")
            let changes = BenefitChangeStore(db), day = Self.d("2026-11-20")
            let covered = try #require(try await changes.benefit(1, by: Self.township, today: day)).covered
            // Two officers at the same moment: neither is refused for the other's rows; the month is paid once.
            for _ in 0..<3 {
                async let first = changes.record(1, BenefitChangeInput(covered: covered, income: Self.wages(10_800), reason: "收入变化"), by: Self.township, today: day)
                async let second = changes.record(1, BenefitChangeInput(covered: covered, income: Self.wages(7_200), reason: "收入再核"), by: Self.county, today: day)
                _ = try await (first, second)
            }
            let b = try #require(try await changes.benefit(1, by: Self.township, today: day))
            #expect(b.changes.count == 6 && b.ahead.count == 1 && [1_134, 1_434].contains(b.ahead.first?.amount ?? 0))
            #expect(try await Self.paid(db, "2026-12")["W1"] == b.ahead.first?.amount)
        }
    }
}
