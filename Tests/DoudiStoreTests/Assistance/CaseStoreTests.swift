import DoudiDomain
@testable import DoudiStore
import DoudiTestSupport
import Foundation
import SQLKit
import Testing

@Suite("3866 cases in the store: opened from monitoring, an application or a cadre; one open case per household; moves audited, scoped, with deadlines")
struct CaseStoreTests {
    static func d(_ s: String) -> CivilDate { CivilDate(s)! }
    static let county = Actor(userID: 0, username: "cty", role: .countyOfficer, region: Fixture.county)
    static let township = Actor(userID: 0, username: "twn", role: .townshipOfficer, region: Fixture.township)
    static let otherTownship = Actor(userID: 0, username: "oth", role: .townshipOfficer, region: RegionCode("430481002000")!)

    /// A monitoring episode for the household, as identification leaves it.
    static func monitored(_ db: Database, _ household: String) async throws {
        try await db.transaction { tx in
            try await tx.sql.raw("""
                INSERT INTO episodes (household_id, region, monitoring_type, risk_kinds, status, started_on, found_on, identified_on, created_at, updated_at)
                VALUES (\(bind: household), \(bind: Int64(Fixture.village.value)), 'marginalAtRisk', 'illness', 'monitored', '2026-10-01', '2026-10-01', '2026-10-20', 0, 0)
                """).run()
        }
    }

    @Test(arguments: Backend.available)
    func walkedThroughTheSixSteps(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            _ = try await ApplicationStoreTests.household(db, "C1", village)
            _ = try await ApplicationStoreTests.household(db, "C2", village, first: 20)
            let store = CaseStore(db)
            // From monitoring only for a monitored household; a second open case for the same household is refused.
            await #expect(throws: StoreError.self) { try await store.open(household: "C1", origin: .monitoring, note: "因病", by: village, today: Self.d("2026-11-02")) }
            try await Self.monitored(db, "C1")
            let id = try await store.open(household: "C1", origin: .monitoring, note: "户主住院，家中无劳动力", by: village, today: Self.d("2026-11-02"))
            await #expect(throws: StoreError.self) { try await store.open(household: "C1", origin: .cadre, note: "重复", by: village, today: Self.d("2026-11-02")) }
            // Another township neither opens a case for the household nor sees this one.
            await #expect(throws: StoreError.notFound) { try await store.open(household: "C2", origin: .cadre, note: "x", by: Self.otherTownship, today: Self.d("2026-11-02")) }
            #expect(try await store.detail(id, by: Self.otherTownship) == nil)
            await #expect(throws: StoreError.notFound) { try await store.move(id, .advance(note: "x"), by: Self.otherTownship, today: Self.d("2026-11-03")) }
            #expect(try await store.cases(by: Self.otherTownship, .init(), today: Self.d("2026-11-03")).total == 0)

            // Survey due after 5 working days (Monday 2 November → Monday 9 November).
            var c = try #require(try await store.detail(id, by: village)).summary
            #expect(c.state.step == .survey && c.due == Self.d("2026-11-09") && c.episodeID != nil && c.headName == "王大")
            let walk: [(Actor, String)] = [(village, "2026-11-04"), (village, "2026-11-06"), (Self.county, "2026-11-12"), (Self.township, "2026-11-20"), (village, "2026-12-01")]
            for (actor, day) in walk { try await store.move(id, .advance(note: "本环节办结"), by: actor, today: Self.d(day)) }
            c = try #require(try await store.detail(id, by: village)).summary
            #expect(c.state.step == .monitor && c.state.since == Self.d("2026-12-01"))
            // A village cadre may not close a monitored case; the township does, and the timeline has every move.
            await #expect(throws: StoreError.self) { try await store.move(id, .close(reason: "户情稳定"), by: village, today: Self.d("2026-12-02")) }
            try await store.move(id, .sendBack(to: .aid, reason: "户主再次住院"), by: Self.township, today: Self.d("2026-12-02"))
            for day in ["2026-12-03", "2026-12-04"] { try await store.move(id, .advance(note: "已救助"), by: Self.township, today: Self.d(day)) }
            try await store.move(id, .close(reason: "收入稳定，风险消除"), by: Self.township, today: Self.d("2026-12-05"))
            let done = try #require(try await store.detail(id, by: Self.county))
            #expect(done.summary.state.status == .closed && done.summary.closedOn == Self.d("2026-12-05") && done.summary.due == nil)
            #expect(done.events.map(\.action) == ["opened", "advanced", "advanced", "advanced", "advanced", "advanced", "sentBack", "advanced", "advanced", "closed"])
            #expect(done.events.last?.note == "收入稳定，风险消除" && done.events.last?.actor == "twn")
            // Closed, the household may have a new case.
            try await store.open(household: "C1", origin: .cadre, note: "再次发现困难", by: village, today: Self.d("2026-12-10"))
            #expect(try await AuditStore(db).search(by: .system(), action: "case.open").count == 2)
            #expect(try await AuditStore(db).search(by: .system(), action: "case.advanced").count == 7)
        }
    }

    @Test(arguments: Backend.available)
    func listsByStepAndOverdue(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let members = try await ApplicationStoreTests.household(db, "L1", village)
            _ = try await ApplicationStoreTests.household(db, "L2", village, first: 20)
            let store = CaseStore(db)
            // From an application of the household only.
            let application = try await ApplicationStore(db).apply(ApplicationInput(householdID: "L1", kind: .dibao, covered: members, income: IncomeStatement([]), authorised: true),
                                                                   by: village, today: Self.d("2026-11-02"), draw: 99)
            await #expect(throws: StoreError.self) { try await store.open(household: "L2", origin: .application, applicationID: application, note: "x", by: village, today: Self.d("2026-11-02")) }
            let a = try await store.open(household: "L1", origin: .application, applicationID: application, note: "申请低保", by: village, today: Self.d("2026-11-02"))
            let b = try await store.open(household: "L2", origin: .cadre, note: "走访发现", by: village, today: Self.d("2026-11-16"))
            try await store.move(a, .advance(note: "摸底完成"), by: village, today: Self.d("2026-11-03"))
            // On 17 November: a is at file since 3 November (due 10th, overdue); b at survey (due 23rd).
            let today = Self.d("2026-11-17")
            #expect(try await store.cases(by: village, .init(step: .file), today: today).cases.map(\.id) == [a])
            #expect(try await store.cases(by: village, .init(step: .survey), today: today).cases.map(\.id) == [b])
            let overdue = try await store.cases(by: Self.county, .init(overdue: true), today: today)
            #expect(overdue.cases.map(\.id) == [a] && overdue.total == 1 && overdue.cases[0].overdue(today: today))
            let all = try await store.cases(by: Self.county, .init(), today: today, limit: 1)
            #expect(all.total == 2 && all.cases.map(\.id) == [a])  // the earliest deadline first
            #expect(try await store.cases(by: Self.county, .init(status: .closed), today: today).total == 0)
            #expect(try await store.cases(by: Self.county, .init(householdID: "L2"), today: today).cases.map(\.id) == [b])
            // A region's own time limit applies to the steps that start after it is set.
            try await PolicyStore(db).set(region: Fixture.county, year: 2026, key: .caseFileDays, value: "2", by: .system())
            try await store.move(b, .advance(note: "摸底完成"), by: village, today: today)
            #expect(try await store.detail(b, by: village)?.summary.due == Self.d("2026-11-19"))
        }
    }
}
