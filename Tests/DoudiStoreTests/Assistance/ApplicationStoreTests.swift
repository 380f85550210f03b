import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("Benefit applications as stored: handed in, walked to approval or refusal, audited, scoped, relatives of staff visited")
struct ApplicationStoreTests {
    static func d(_ s: String) -> CivilDate { CivilDate(s)! }
    static let income = IncomeStatement([IncomeItem(.wages, 10_800)], months: 12)

    /// A household of three in the fixture's village; its member record numbers.
    static func household(_ db: Database, _ id: String, _ by: Actor, village: RegionCode = Fixture.village, first: Int = 10) async throws -> [Int64] {
        let people = (0..<3).map { n in ("430481198001010\(first + n)", n == 0 ? Relation.head : .child, ["王大", "王二", "王三"][n]) }
        return try await HouseholdStore(db).create(Fixture.household(id, village: village, people: people), by: by, today: d("2026-11-01")).members.map(\.id)
    }

    @Test(arguments: Backend.available)
    func fromTheVillageToApproval(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let township = try await Fixture.actor(db, "twn", .townshipOfficer, Fixture.township)
            let county = try await Fixture.actor(db, "cty", .countyOfficer, Fixture.county)
            let members = try await Self.household(db, "A1", village)
            let store = ApplicationStore(db)
            let id = try await store.apply(ApplicationInput(householdID: "A1", kind: .dibao, covered: members, income: Self.income, authorised: true),
                                           by: village, today: Self.d("2026-11-02"), draw: 99)
            // The village hands it in; only the township accepts it.
            await #expect(throws: StoreError.self) { try await store.act(id, .accept, by: village, today: Self.d("2026-11-03")) }
            try await store.act(id, .accept, by: township, today: Self.d("2026-11-03"))
            try await store.act(id, .recordHomeVisit(note: "入户核实：务工收入不稳定"), by: township, today: Self.d("2026-11-05"))
            try await store.act(id, .opinion(approve: true, amount: 600, reasons: ""), by: township, today: Self.d("2026-11-10"))
            try await store.act(id, .startNotice(from: Self.d("2026-11-11"), to: Self.d("2026-11-18")), by: village, today: Self.d("2026-11-11"))
            try await store.act(id, .closeNotice, by: village, today: Self.d("2026-11-19"))
            try await store.act(id, .approve(amount: 600), by: county, today: Self.d("2026-11-20"))
            let a = try #require(try await store.application(id, by: village))
            #expect(a.summary.status == .approved && a.summary.approvedAmount == 600 && a.summary.decidedOn == Self.d("2026-11-20"))
            #expect(a.summary.income.net == 10_800 && a.summary.covered == members && a.summary.headName == "王大" && !a.summary.state.spotCheck)
            #expect(a.events.map(\.action) == ["submitted", "accepted", "homeVisit", "proposed", "noticePosted", "noticeClosed", "approved"])
            #expect(a.events.map(\.actor) == ["vil", "twn", "twn", "twn", "vil", "vil", "cty"])
            // Closed: nothing more to do.
            await #expect(throws: StoreError.invalid([FieldProblem("step", Message("此申请已办结", "this application is closed"))])) {
                try await store.act(id, .refuse(reasons: "再议"), by: county, today: Self.d("2026-11-21"))
            }
            let audit = try await AuditStore(db).search(by: .system(), action: "assistance.approved")
            #expect(audit.count == 1)
            #expect(try await AuditStore(db).search(by: .system(), action: "assistance.apply").count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func scopeMembersAndRelativesOfStaff(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let other = try await Fixture.actor(db, "oth", .villageCadre, Fixture.otherVillage)
            let county = try await Fixture.actor(db, "cty", .countyOfficer, Fixture.county)
            let members = try await Self.household(db, "A1", village)
            let elsewhere = try await Self.household(db, "B1", other, village: Fixture.otherVillage, first: 20)
            let store = ApplicationStore(db)
            let input = ApplicationInput(householdID: "A1", kind: .dibao, covered: members, income: Self.income, authorised: true)
            // Another village's cadre: the household does not exist for them.
            await #expect(throws: StoreError.notFound) { try await store.apply(input, by: other, today: Self.d("2026-11-02"), draw: 99) }
            var mixed = input
            mixed.covered = [members[0], elsewhere[0]]
            await #expect(throws: StoreError.self) { try await store.apply(mixed, by: village, today: Self.d("2026-11-02"), draw: 99) }
            var unsigned = input
            unsigned.authorised = false
            await #expect(throws: StoreError.invalid([FieldProblem("authorised", Message("须有申请人签字的家庭经济状况核对授权书", "the applicant's signed authorisation for the checks is required"))])) {
                try await store.apply(unsigned, by: village, today: Self.d("2026-11-02"), draw: 99)
            }
            // The draw decides the county's visit; a relative of staff is visited whatever the draw.
            let drawn = try await store.apply(input, by: village, today: Self.d("2026-11-02"), draw: 10)
            #expect(try await store.application(drawn, by: village)?.summary.state.spotCheck == true)
            try await StaffRelatives(db).add(residentID: validID("43048119800101011"), staffName: "王村支书", relation: "兄弟", region: Fixture.county, by: county)
            let relative = try await store.apply(input, by: village, today: Self.d("2026-11-02"), draw: 99)
            let r = try #require(try await store.application(relative, by: village))
            #expect(r.summary.relativeOfStaff && r.summary.state.spotCheck)
            #expect(try await store.application(relative, by: other) == nil)
            #expect(try await store.applications(by: other).isEmpty)
            #expect(try await store.applications(by: village).count == 2)
            #expect(try await StaffRelatives(db).list(by: county).map(\.staffName) == ["王村支书"])
            await #expect(throws: StoreError.forbidden) { try await StaffRelatives(db).list(by: village) }
        }
    }

    @Test(arguments: Backend.available)
    func timeLimitsAreTheRegions(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let members = try await Self.household(db, "L1", village)
            let store = ApplicationStore(db)
            // Handed in on Monday 2 November 2026: accepted within 5 working days (Monday 9th) as shipped, 3 (Thursday 5th) where the county says so.
            let id = try await store.apply(ApplicationInput(householdID: "L1", kind: .dibao, covered: members, income: Self.income, authorised: true),
                                           by: village, today: Self.d("2026-11-02"), draw: 99)
            #expect(try await store.application(id, by: village)?.summary.stepDue == Self.d("2026-11-09"))
            let admin = Actor(userID: 0, username: "adm", role: .admin, region: Fixture.county)
            try await PolicyStore(db).set(region: Fixture.county, year: 2026, key: .applicationAcceptDays, value: "3", by: admin)
            try await PolicyStore(db).set(region: Fixture.county, year: 2026, key: .applicationNoticeDays, value: "10", by: admin)
            let d = try #require(try await store.application(id, by: village))
            #expect(d.summary.stepDue == Self.d("2026-11-05") && d.limits.notice == 10)
            #expect(try await store.applications(by: village).first { $0.id == id }?.stepDue == Self.d("2026-11-05"))
        }
    }
}
