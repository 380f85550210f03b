import DoudiDomain
@testable import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("A child's basic living allowance (R-CH-4): approved by the county on a pledge, on this month's roll while a draft, months missed paid with the next, seen on the roll by the county alone")
struct ChildAllowanceTests {
    static let nov = YearMonth("2026-11")!, dec = YearMonth("2026-12")!, jan = YearMonth("2027-01")!

    /// A case acknowledged and assessed from both parents' situations.
    static func assessed(_ store: ChildCaseStore, _ name: String, _ a: ParentStatus, _ b: ParentStatus, by reporter: Actor, supervisor: Actor, now: Int64) async throws -> Int64 {
        let id = try await store.report(try ChildCaseStoreTests.report(name, birth: "2015-02-02"), by: reporter)
        try await store.acknowledge(id, risk: .medium, care: CarePeriod(kind: .relativeCare, carer: "姑姑", from: now), by: supervisor)
        _ = try await store.assess(id, parentA: a, parentB: b, judged: nil, birthDate: nil, by: supervisor)
        return id
    }

    @Test(arguments: Backend.available)
    func grantedPaidAndEnded(_ backend: Backend) async throws {
        let time = MovingClock(1_795_600_800_000)  // 2026-11-25 10:00 in China
        try await withFreshDatabase(backend, clock: time.clock) { db in
            let director = try await Fixture.actor(db, "dir", .childDirector, Fixture.village)
            let supervisor = try await Fixture.actor(db, "sup", .childDirector, Fixture.township)
            let protection = try await Fixture.actor(db, "cch", .childDirector, Fixture.county)
            let county = Actor(userID: 0, username: "cty", role: .countyOfficer, region: Fixture.county)
            let township = Actor(userID: 0, username: "twn", role: .townshipOfficer, region: Fixture.township)
            let village = Actor(userID: 0, username: "vil", role: .villageCadre, region: Fixture.village)
            let auditor = Actor(userID: 0, username: "aud", role: .auditor, region: Fixture.county)
            let store = ChildCaseStore(db), rolls = PaymentRollStore(db)
            let grant = AllowanceGrant(payee: "吴某", bankAccount: BankAccount("6217 0029 2000 1234 567")!, pledged: true)

            // Left behind only (the parents' papers give nothing): no allowance, whoever asks.
            let other = try await Self.assessed(store, "甲", ParentStatus(.none), ParentStatus(.none), by: director, supervisor: supervisor, now: time.millis)
            await #expect(throws: StoreError.invalid([FieldProblem("category", ChildAllowance.notQualified)])) { try await store.grantAllowance(other, grant, by: protection) }

            let id = try await Self.assessed(store, "乙", ParentStatus(.imprisoned, since: CivilDate("2026-01-01"), until: CivilDate("2029-01-01")), ParentStatus(.dead),
                                             by: director, supervisor: supervisor, now: time.millis)
            await #expect(throws: StoreError.forbidden, "the township assesses; the county approves the money") { try await store.grantAllowance(id, grant, by: supervisor) }
            await #expect(throws: StoreError.invalid([FieldProblem("allowance", ChildAllowance.noStandard)])) { try await store.grantAllowance(id, grant, by: protection) }
            try await PolicyStore(db).set(region: Fixture.county, year: 2026, key: .childAllowance, value: "1200", by: .system())

            // This month's roll is a draft: the allowance joins it at once (当月审批、当月发放), and building again keeps one line.
            try await rolls.build(county: Fixture.county, month: Self.nov, by: county)
            #expect(try await store.grantAllowance(id, grant, by: protection))
            await #expect(throws: StoreError.self, "approved once") { try await store.grantAllowance(id, grant, by: protection) }
            try await rolls.build(county: Fixture.county, month: Self.nov, by: county)
            let roll = try #require(try await rolls.roll(county: Fixture.county, month: Self.nov, by: county))
            #expect(roll.lines.map(\.kind) == [.child(.defactoUnsupportedChild)] && roll.total == 1_200 && roll.lineCount == 1)
            #expect(roll.lines.first?.headName == "吴某" && roll.lines.first?.bankAccount == "6217***********4567")
            #expect(try await rolls.roll(county: Fixture.county, month: Self.nov, by: auditor)?.total == 1_200)
            // A village or township reading its roll learns nothing of its children.
            for reader in [village, township] {
                let seen = try #require(try await rolls.roll(county: Fixture.county, month: Self.nov, by: reader))
                #expect(seen.lines.isEmpty && seen.total == 0, "\(reader.username)")
            }
            try await rolls.advance(county: Fixture.county, month: Self.nov, to: .approved, on: time.clock.today(), by: county)
            #expect(try await rolls.roll(county: Fixture.county, month: Self.nov, by: county, wholeAccounts: true)?.lines.first?.bankAccount == "6217002920001234567")
            try await rolls.advance(county: Fixture.county, month: Self.nov, to: .paid, on: time.clock.today(), by: county)

            var a = try #require(try await store.childCase(id, by: supervisor)?.allowance)
            #expect(a.monthlyAmount == 1_200 && a.start == Self.nov && a.end == YearMonth("2033-02") && a.pledged)
            #expect(a.payments == [.init(month: Self.nov, months: 1, amount: 1_200, status: .paid)] && a.bankAccount == "6217***********4567")
            #expect(a.papersDue == CivilDate("2027-02-23") && !a.papersOverdue(today: CivilDate("2027-02-23")!) && a.papersOverdue(today: CivilDate("2027-02-24")!))
            try await store.completeAllowancePapers(id, by: protection)
            await #expect(throws: StoreError.self, "nothing left to complete") { try await store.completeAllowancePapers(id, by: protection) }
            #expect(try await store.childCase(id, by: supervisor)?.allowance?.papersOn == CivilDate("2026-11-25"))

            // December: an orphan approved after December's roll was approved is paid both months with January's.
            time.advance(hours: 24 * 12)
            try await rolls.build(county: Fixture.county, month: Self.dec, by: county)
            try await rolls.advance(county: Fixture.county, month: Self.dec, to: .approved, on: time.clock.today(), by: county)
            let orphan = try await Self.assessed(store, "丙", ParentStatus(.dead), ParentStatus(.missing), by: director, supervisor: supervisor, now: time.millis)
            #expect(try await store.grantAllowance(orphan, AllowanceGrant(payee: "祖母 丙某", bankAccount: BankAccount("6228480000111122223")!, pledged: false), by: protection) == false)
            #expect(try await store.childCase(orphan, by: supervisor)?.allowance?.papersOn == CivilDate("2026-12-07"))
            // The first child's case closes in December: paid through December, not in January.
            try await store.close(id, reason: "母亲刑满释放，恢复监护", by: supervisor)
            time.advance(hours: 24 * 31)
            try await rolls.build(county: Fixture.county, month: Self.jan, by: county)
            let january = try #require(try await rolls.roll(county: Fixture.county, month: Self.jan, by: county))
            #expect(january.lines.map(\.kind) == [.child(.orphan)] && january.lines.first?.months == 2 && january.total == 2_400)
            a = try #require(try await store.childCase(id, by: supervisor)?.allowance)
            #expect(a.end == Self.dec && a.payments.map(\.month) == [Self.nov, Self.dec])

            // A pledge's papers not in by their day stand out on the attention list, for the county as for the township.
            let late = try await Self.assessed(store, "丁", ParentStatus(.dead), ParentStatus(.dead), by: director, supervisor: supervisor, now: time.millis)
            try await store.grantAllowance(late, grant, by: protection)
            #expect(try await store.attention(by: protection).papersOverdue.isEmpty)
            time.advance(hours: 24 * 91)
            #expect(try await store.attention(by: protection).papersOverdue.map(\.id) == [late])
            #expect(try await store.attention(by: supervisor).papersOverdue.map(\.id) == [late])
            try await store.completeAllowancePapers(late, by: protection)
            #expect(try await store.attention(by: protection).papersOverdue.isEmpty)

            // Approved, audited with the account masked.
            let log = try await AuditStore(db).search(by: .system(), action: "child.allowance")
            #expect(log.count == 3 && log.allSatisfy { ($0.afterJSON ?? "").contains("***") && !($0.afterJSON ?? "").contains("1234567") })
        }
    }
}
