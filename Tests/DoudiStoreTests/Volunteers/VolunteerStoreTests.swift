import DoudiDomain
@testable import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("Volunteers in the store: an organization and its volunteers, each R-VOL-1 refusal written nowhere, hours confirmed, what a volunteer sees")
struct VolunteerStoreTests {
    static let start: Int64 = 1_796_464_800_000  // 2026-12-05 10:00 in China
    static let otherCounty = RegionCode("430482001000")!

    struct World {
        let store: VolunteerStore
        let org: Actor
        let people: [String: (id: Int64, actor: Actor)]
        let post: Post
    }

    /// An association of the county with volunteers a (village, insured), b (another county, insured), c (village, no
    /// insurance), d (village, insured, never declares); a level II response in the county; a delivery post of 4 hours a
    /// day and 6 a week.
    static func world(_ db: Database) async throws -> World {
        let store = VolunteerStore(db)
        _ = try await store.registerOrg(try OrgDraft.check(name: "耒阳市志愿者协会", region: Fixture.county.description, adminUsername: "assoc",
                                                          adminPassword: "Org-pass-2026").get(), by: Fixture.system)
        let org = Actor(userID: try #require(try await UserStore(db).accountID(username: "assoc")), username: "assoc", role: .volunteerOrgAdmin, region: Fixture.county)
        var people: [String: (Int64, Actor)] = [:]
        for (name, home, insured) in [("a", Fixture.village, true), ("b", otherCounty, true), ("c", Fixture.village, false), ("d", Fixture.village, true)] {
            let d = try VolunteerDraft.check(name: "志愿者\(name)", mobile: "1380734000\(people.count)", joinedThrough: "organization", joinedVia: "",
                                             home: home.description, reach: [], skills: ["delivery"], languages: "", online: true, availability: "",
                                             insurer: insured ? "人保" : "", policyNumber: insured ? "P-\(name)" : "", insuredFrom: insured ? "2026-12-01" : "",
                                             insuredTo: insured ? "2027-11-30" : "", username: "vol.\(name)", password: "Helper-2026!").get()
            let id = try await store.addVolunteer(d, by: org)
            people[name] = (id, Actor(userID: try #require(try await UserStore(db).accountID(username: "vol.\(name)")), username: "vol.\(name)", role: .volunteer, region: home))
        }
        for n in ["a", "b", "c"] { try await store.declareHealth(HealthDeclaration(day: db.clock.today(), temperature: 36.5, symptoms: []), by: people[n]!.1) }
        try await store.setLevel(.level2, region: Fixture.county, since: CivilDate("2026-11-20")!, note: "通告", by: Fixture.system)
        let post = try await store.addPost(try PostDraft.check(name: "配送", kind: "necessities", region: Fixture.county.description, skills: [], dailyHours: "4",
                                                               weeklyHours: "6").get(), by: org)
        return World(store: store, org: org, people: people.mapValues { ($0.0, $0.1) }, post: post)
    }

    static func task(_ w: World, _ mode: ServiceMode, _ risk: TaskRisk, hours: String, day: CivilDate, household: String = "", by actor: Actor? = nil,
                     post: Post? = nil) async throws -> Int64 {
        try await w.store.addTask(try TaskDraft.check(postID: String((post ?? w.post).id), region: Fixture.village.description, day: day.description, hours: hours,
                                                      mode: mode.rawValue, risk: risk.rawValue, needed: "5", note: "", household: household, childCase: "", today: day).get(),
                                  by: actor ?? w.org)
    }

    static func count(_ db: Database) async throws -> Int {
        struct N: Decodable { var n: Int }
        return try await db.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM volunteer_assignments").first(decoding: N.self)?.n ?? -1 }
    }

    @Test(arguments: Backend.available)
    func eachRuleRefusesAndWritesNothing(_ backend: Backend) async throws {
        let time = MovableClock(start: Self.start)
        try await withFreshDatabase(backend, clock: time.clock) { db in
            let w = try await Self.world(db), today = db.clock.today(), s = w.store
            let risky = try await Self.task(w, .offline, .moderate, hours: "2", day: today)
            let online = try await Self.task(w, .online, .low, hours: "2", day: today)
            let gate = try await Self.task(w, .offline, .low, hours: "3", day: today)
            func refused(_ task: Int64, _ who: String, _ rules: [AssignmentRule]) async throws {
                let before = try await Self.count(db), vid = w.people[who]!.id, org = w.org
                do {
                    _ = try await s.assign(task: task, volunteer: vid, by: org)
                    Issue.record("\(who) on \(task) was assigned")
                } catch let e as AssignmentRefused { #expect(e.rules == rules, "\(who) on \(task)") }
                #expect(try await Self.count(db) == before, "nothing written")
            }
            try await refused(risky, "b", [.crossRegion])
            try await refused(risky, "c", [.noInsurance])
            try await refused(risky, "d", [.notFitToday])
            #expect(try await s.assign(task: online, volunteer: w.people["b"]!.id, by: w.org).status == .assigned, "online: no region crossed")
            #expect(try await s.assign(task: gate, volunteer: w.people["c"]!.id, by: w.org).status == .assigned, "no personal risk: no insurance needed")
            #expect(try await s.assign(task: risky, volunteer: w.people["a"]!.id, by: w.people["a"]!.actor).status == .accepted, "taken by the volunteer")
            try await refused(gate, "a", [.hourLimit])  // 2 + 3 hours > 4 a day
            await #expect(throws: StoreError.self, "twice") { try await s.assign(task: risky, volunteer: w.people["a"]!.id, by: w.org) }
            await #expect(throws: StoreError.forbidden, "a volunteer assigns only themselves") { try await s.assign(task: gate, volunteer: w.people["c"]!.id, by: w.people["a"]!.actor) }
            // The response ends in the county: 常宁's volunteer may come (the rule was the level, not the distance).
            try await s.setLevel(.none, region: Fixture.county, since: today, note: "应急响应终止", by: Fixture.system)
            #expect(try await s.assign(task: risky, volunteer: w.people["b"]!.id, by: w.org).status == .assigned)
            #expect(try await s.levelHistory(by: Fixture.system).map(\.level) == [.none, .level2])

            // The next day, a declared cough withdraws the day's shifts not served.
            time.advance(hours: 24)
            let tomorrow = db.clock.today()
            let next = try await Self.task(w, .offline, .low, hours: "1", day: tomorrow)
            try await s.declareHealth(HealthDeclaration(day: tomorrow, temperature: nil, symptoms: []), by: w.people["a"]!.actor)
            _ = try await s.assign(task: next, volunteer: w.people["a"]!.id, by: w.people["a"]!.actor)
            #expect(try await s.declareHealth(HealthDeclaration(day: tomorrow, temperature: 37.8, symptoms: [.cough]), by: w.people["a"]!.actor) == 1)
            #expect(try await s.assignments(task: next, by: w.org).map(\.status) == [.withdrawn])
            await #expect(throws: AssignmentRefused([.notFitToday])) { try await s.assign(task: next, volunteer: w.people["a"]!.id, by: w.org) }
        }
    }

    @Test(arguments: Backend.available)
    func hoursConfirmedSummedAndPrinted(_ backend: Backend) async throws {
        let time = MovableClock(start: Self.start)
        try await withFreshDatabase(backend, clock: time.clock) { db in
            let w = try await Self.world(db), today = db.clock.today(), s = w.store
            let c = w.people["c"]!
            let gate = try await Self.task(w, .offline, .low, hours: "3", day: today)
            let a = try await s.assign(task: gate, volunteer: c.id, by: w.org)
            await #expect(throws: StoreError.self, "not accepted yet") { try await s.act(a.id, .serve, minutes: 180, by: c.actor) }
            await #expect(throws: StoreError.notFound, "another volunteer's") { try await s.act(a.id, .accept, by: w.people["a"]!.actor) }
            await #expect(throws: StoreError.forbidden, "the organization confirms, not the volunteer") { try await s.act(a.id, .confirm, by: c.actor) }
            try await s.act(a.id, .accept, by: c.actor)
            try await s.act(a.id, .serve, minutes: 150, by: c.actor)
            try await s.act(a.id, .confirm, by: w.org)
            let record = try await s.record(volunteer: nil, by: c.actor)
            #expect(record.lines.map(\.confirmedMinutes) == [150] && record.lines.first?.confirmedBy == "assoc" && record.volunteer.orgName == "耒阳市志愿者协会")
            #expect(try await s.record(volunteer: c.id, by: w.org).lines.count == 1)
            #expect(try await s.orgs(by: w.org).map(\.minutesThisMonth) == [150], "summed per organization")
            let mine = try await s.mine(by: c.actor)
            #expect(mine.confirmedMinutes == 150 && mine.confirmedThisMonth == 150 && mine.today?.fit == true)
            let figures = try #require(try await s.figures(region: Fixture.county, by: Actor(userID: 0, username: "cty", role: .countyOfficer, region: Fixture.county)))
            let total = try #require(figures.rows.last)
            #expect(total.volunteers == 3 && total.active == 1 && total.minutesThisMonth == 150 && total.tasksOpen == 1, "b lives in another county")
            #expect(figures.rows.first { $0.region == Fixture.township }?.volunteers == 3)
            await #expect(throws: StoreError.forbidden) { try await s.figures(region: Fixture.county, by: c.actor) }
        }
    }

    /// A task for a household names the head and the address, copied; the volunteer reads the task and nothing else.
    @Test(arguments: Backend.available)
    func aVolunteerSeesANameAndAnAddress(_ backend: Backend) async throws {
        let time = MovableClock(start: Self.start)
        try await withFreshDatabase(backend, clock: time.clock) { db in
            _ = try await HouseholdStore(db).create(Fixture.household("H1", people: [("43048119600101001", .head, "张大山"), ("43048119900101002", .child, "张小山")]),
                                                    by: Fixture.system)
            let w = try await Self.world(db), today = db.clock.today(), s = w.store
            await #expect(throws: StoreError.self, "an organization cannot read the register") {
                try await Self.task(w, .offline, .low, hours: "1", day: today, household: "H1")
            }
            let cadre = Actor(userID: 0, username: "vil", role: .villageCadre, region: Fixture.village)
            let other = Actor(userID: 0, username: "vil2", role: .villageCadre, region: Fixture.otherVillage)
            await #expect(throws: StoreError.self, "another village's cadre") { try await Self.task(w, .offline, .low, hours: "1", day: today, household: "H1", by: other) }
            let own = try await s.addPost(try PostDraft.check(name: "", kind: "necessities", region: Fixture.village.description, skills: [], dailyHours: "4",
                                                              weeklyHours: "6").get(), by: cadre)
            await #expect(throws: StoreError.self, "another village's cadre") {
                try await Self.task(w, .offline, .low, hours: "1", day: today, household: "H1", by: other, post: own)
            }
            let id = try await Self.task(w, .offline, .low, hours: "1", day: today, household: "H1", by: cadre, post: own)
            // A cadre assigns only among those proposed (the task's prefecture): no volunteer elsewhere is named to them.
            let far = try await s.addVolunteer(try VolunteerDraft.check(name: "远方", mobile: "13900000009", joinedThrough: "organization", joinedVia: "",
                                                                      home: "110101001000", reach: [], skills: [], languages: "", online: true, availability: "",
                                                                      insurer: "", policyNumber: "", insuredFrom: "", insuredTo: "", username: "", password: "").get(), by: w.org)
            await #expect(throws: StoreError.invalid([FieldProblem("volunteerId", Message("没有这名志愿者", "no such volunteer"))])) {
                try await s.assign(task: id, volunteer: far, by: cadre)
            }
            #expect(try await s.proposals(task: id, by: cadre).allSatisfy { $0.volunteer.id != far })
            let logged = try await AuditStore(db).search(by: .system(), action: "volunteer.task", subject: String(id)).first?.afterJSON ?? ""
            #expect(logged.contains("\"householdId\":\"H1\"") && !logged.contains("张大山"), "the household by its number, not its name")
            let a = w.people["a"]!
            // Choosing among tasks, the volunteer sees what and where, not whom; holding it, a name and an address.
            #expect(try await s.mine(by: a.actor).open.map(\.id) == [id])
            let choosing = try await s.tasks(from: today, by: a.actor)
            #expect(try await s.task(id, by: a.actor).served == nil && choosing.allSatisfy { $0.served == nil })
            #expect(try await s.task(id, by: cadre).served?.name == "张大山")
            try await s.assign(task: id, volunteer: a.id, by: a.actor)
            let seen = try await s.task(id, by: a.actor)
            #expect(seen.served?.name == "张大山" && seen.served?.address.isEmpty == false)
            // 常宁's volunteer sees neither the task nor the household.
            await #expect(throws: StoreError.notFound) { try await s.task(id, by: w.people["b"]!.actor) }
            // The register itself answers a volunteer with nothing.
            let register = try? await HouseholdStore(db).get("H1", by: a.actor)
            #expect(register == nil)
        }
    }
}
