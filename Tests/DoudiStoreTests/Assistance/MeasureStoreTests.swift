import DoudiDomain
@testable import DoudiStore
import DoudiTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Measures in the store: the catalogue, referrals answered by the department asked, one owner, the no-measure list, scoped and audited")
struct MeasureStoreTests {
    static func d(_ s: String) -> CivilDate { CivilDate(s)! }
    static let county = CaseStoreTests.county
    static let otherTownship = CaseStoreTests.otherTownship
    static let health = Actor(userID: 0, username: "wjw", role: .departmentOfficer, region: Fixture.county, department: .health)
    static let education = Actor(userID: 0, username: "jyj", role: .departmentOfficer, region: Fixture.county, department: .education)
    static let otherCountyHealth = Actor(userID: 0, username: "cn", role: .departmentOfficer, region: RegionCode("430482000000")!, department: .health)

    /// A household monitored since `identified`, with an open case; the case's id.
    static func withCase(_ db: Database, _ id: String, first: Int = 10, identified: String = "2026-10-20", by village: Actor) async throws -> Int64 {
        _ = try await ApplicationStoreTests.household(db, id, village, first: first)
        try await CaseStoreTests.monitored(db, id)
        try await db.transaction { tx in try await tx.sql.raw("UPDATE episodes SET identified_on = \(bind: identified) WHERE household_id = \(bind: id)").run() }
        return try await CaseStore(db).open(household: id, origin: .monitoring, note: "因病", by: village, today: Self.d("2026-10-21"))
    }

    static func input(_ s: ServiceKind, _ start: String = "2026-11-02", amount: Int? = nil) -> MeasureInput {
        MeasureInput(service: s, startOn: Self.d(start), amount: amount, note: "措施")
    }

    @Test(arguments: Backend.available)
    func referredAcceptedAndGiven(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let caseID = try await Self.withCase(db, "M1", by: village)
            let store = MeasureStore(db)
            let living = try await store.record(case: caseID, Self.input(.living, amount: 600), by: village, today: Self.d("2026-11-02"))
            let medical = try await store.record(case: caseID, Self.input(.medical), referTo: .health, by: village, today: Self.d("2026-11-02"))
            // The department sees what was referred to it, and nothing else; not the register's other measures.
            #expect(try await store.measures(by: Self.health, .init()).measures.map(\.id) == [medical])
            #expect(try await store.measures(by: Self.education, .init()).total == 0)
            #expect(try await store.measure(living, by: Self.health) == nil)
            await #expect(throws: StoreError.notFound) { try await store.move(medical, .accept(note: "接收"), by: Self.education, today: Self.d("2026-11-03")) }
            // Nor does the same department of another county.
            #expect(try await store.measure(medical, by: Self.otherCountyHealth) == nil)
            // The department cannot refer or withdraw; it accepts and gives it.
            await #expect(throws: StoreError.self) { try await store.move(medical, .withdraw(reason: "x"), by: Self.health, today: Self.d("2026-11-03")) }
            try await store.move(medical, .accept(note: "纳入医疗救助"), by: Self.health, today: Self.d("2026-11-03"))
            try await store.move(medical, .finish(result: "报销住院费用8000元"), by: Self.health, today: Self.d("2026-11-20"))
            let (m, events) = try #require(try await store.measure(medical, by: village))
            #expect(m.state == MeasureState(status: .done, unit: .health) && m.result == "报销住院费用8000元" && m.endOn == Self.d("2026-11-20"))
            #expect(events.map(\.action) == ["measureReferred", "measureAccepted", "measureFinished"])
            #expect(events.map(\.actor) == ["vil", "wjw", "wjw"])
            // Every hand-over is on the case's timeline, after its own moves; the case keeps its owner.
            let detail = try #require(try await CaseStore(db).detail(caseID, by: village))
            #expect(detail.events.map(\.action) == ["opened", "measureRecorded", "measureReferred", "measureAccepted", "measureFinished"])
            #expect(detail.events[2].note == "医疗救助｜卫生健康与医疗保障部门：措施")
            // Audited with before and after.
            let audit = try await AuditStore(db).search(by: .system(), action: "measure.accept")
            #expect(audit.count == 1 && audit.first?.beforeJSON?.contains("\"measureStatus\":\"referred\"") == true)
            #expect(audit.first?.afterJSON?.contains("\"measureStatus\":\"inProgress\"") == true && audit.first?.actor == "wjw")
            #expect(try await AuditStore(db).search(by: .system(), action: "measure.record").count == 2)
            // The case's own staff see both; another township neither.
            #expect(try await store.measures(case: caseID, by: village).map(\.service) == [.living, .medical])
            #expect(try await store.measures(by: Self.otherTownship, .init()).total == 0)
            await #expect(throws: StoreError.notFound) { try await store.move(living, .finish(result: "x"), by: Self.otherTownship, today: Self.d("2026-11-03")) }
        }
    }

    @Test(arguments: Backend.available)
    func declinedThenReferredElsewhere(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let caseID = try await Self.withCase(db, "M2", by: village)
            let store = MeasureStore(db)
            let id = try await store.record(case: caseID, Self.input(.education), referTo: .education, by: village, today: Self.d("2026-11-02"))
            try await store.move(id, .decline(reason: "不属于义务教育阶段"), by: Self.education, today: Self.d("2026-11-04"))
            // Declined, it is back with civil affairs; the department still sees it in its history.
            #expect(try await store.measures(by: Self.education, .init(status: .declined)).total == 1)
            await #expect(throws: StoreError.self) { try await store.move(id, .finish(result: "x"), by: Self.education, today: Self.d("2026-11-05")) }
            try await store.move(id, .refer(to: .humanResources, note: "转人社部门技能培训补贴"), by: village, today: Self.d("2026-11-05"))
            let m = try #require(try await store.measure(id, by: village)).0
            #expect(m.state == MeasureState(status: .referred, unit: .humanResources) && m.referredTo == .humanResources)
            // The second referral moved it out of education's list.
            #expect(try await store.measure(id, by: Self.education) == nil)
            try await store.move(id, .withdraw(reason: "已通过其他渠道解决"), by: village, today: Self.d("2026-11-06"))
            #expect(try #require(try await store.measure(id, by: village)).0.state.status == .withdrawn)
        }
    }

    @Test(arguments: Backend.available)
    func catalogueAndClosedCases(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let caseID = try await Self.withCase(db, "M3", by: village)
            let store = MeasureStore(db)
            // The county's catalogue offers three services; the household's illness puts medical aid first.
            try await PolicyStore(db).set(region: Fixture.county, year: 2026, key: .services, value: "living,medical,care", by: .system())
            #expect(try await store.services(case: caseID, by: village, today: Self.d("2026-11-02")) == [.medical, .care, .living])
            do {
                try await store.record(case: caseID, Self.input(.housing), by: village, today: Self.d("2026-11-02"))
                Issue.record("a service outside the catalogue was recorded")
            } catch StoreError.invalid(let p) { #expect(p.first?.field == "service") }
            // A department officer records nothing; nor does a hotline operator.
            await #expect(throws: StoreError.forbidden) { try await store.record(case: caseID, Self.input(.living), by: Self.health, today: Self.d("2026-11-02")) }
            // A closed case takes no new measure.
            try await CaseStore(db).move(caseID, .close(reason: "无需帮扶"), by: village, today: Self.d("2026-11-03"))
            await #expect(throws: StoreError.self) { try await store.record(case: caseID, Self.input(.living), by: village, today: Self.d("2026-11-04")) }
            #expect(try await db.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM measures").first(decoding: Count.self)?.n } == 0)
        }
    }

    /// R-MON-8: identified on 20 October, a household with no measure is listed from 20 November on; a measure in
    /// progress or given takes it off the list, a referral still waiting or withdrawn does not, nor one that ended
    /// before the identification.
    @Test(arguments: Backend.available)
    func noMeasureAMonthAfterIdentification(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let a = try await Self.withCase(db, "N1", by: village)
            let b = try await Self.withCase(db, "N2", first: 30, by: village)
            _ = try await Self.withCase(db, "N3", first: 50, identified: "2026-11-01", by: village)
            let store = MeasureStore(db)
            #expect(try await store.missing(by: Self.county, today: Self.d("2026-11-19")).isEmpty)
            let listed = try await store.missing(by: Self.county, today: Self.d("2026-11-20"))
            #expect(listed.map(\.householdID) == ["N1", "N2"] && listed.first?.due == Self.d("2026-11-20") && listed.first?.riskKinds == [.illness])
            #expect(listed.first?.caseID == a)
            let waiting = try await store.record(case: a, Self.input(.medical), referTo: .health, by: village, today: Self.d("2026-11-20"))
            try await store.record(case: b, MeasureInput(service: .living, startOn: Self.d("2026-09-01"), endOn: Self.d("2026-09-30"), note: "旧措施"), by: village, today: Self.d("2026-11-20"))
            #expect(try await store.missing(by: Self.county, today: Self.d("2026-11-21")).map(\.householdID) == ["N1", "N2"])
            try await store.move(waiting, .accept(note: "接收"), by: Self.health, today: Self.d("2026-11-21"))
            try await store.record(case: b, Self.input(.living, "2026-11-21"), by: village, today: Self.d("2026-11-21"))
            #expect(try await store.missing(by: Self.county, today: Self.d("2026-11-22")).isEmpty)
            #expect(try await store.missing(by: Self.county, today: Self.d("2026-12-01")).map(\.householdID) == ["N3"])
            // Another township's officer sees none of them; a department officer may not ask.
            #expect(try await store.missing(by: Self.otherTownship, today: Self.d("2026-12-01")).isEmpty)
            await #expect(throws: StoreError.forbidden) { try await store.missing(by: Self.health, today: Self.d("2026-12-01")) }
        }
    }

    @Test(arguments: Backend.available)
    func departmentOfficersAccounts(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let users = UserStore(db)
            let admin = Actor.system()
            await #expect(throws: StoreError.self) { try await users.add(username: "dep1", password: "Doudi-test-2026", role: .departmentOfficer, region: Fixture.county, by: admin) }
            await #expect(throws: StoreError.self) {
                try await users.add(username: "dep2", password: "Doudi-test-2026", role: .villageCadre, region: Fixture.village, department: .health, by: admin)
            }
            let a = try await users.add(username: "dep3", password: "Doudi-test-2026", role: .departmentOfficer, region: Fixture.county, department: .housing, by: admin)
            #expect(a.actor.department == .housing)
            let back = try #require(try await users.authenticate(username: "dep3", password: "Doudi-test-2026"))
            #expect(back.department == .housing)
            let session = try await users.startSession(for: back, kind: .api)
            #expect(try await users.session(token: session.token, kind: .api)?.0.actor.department == .housing)
        }
    }
}
