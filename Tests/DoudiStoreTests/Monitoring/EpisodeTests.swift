import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("Identification, roster, clearing, policy and reports, on each backend")
struct EpisodeTests {
    struct Cast {
        var village, otherVillage, township, county, admin: Actor
    }

    /// A registered household with a confirmed self-report lead: the identification is under way.
    func confirmedLead(_ db: Database) async throws -> (Cast, Int64) {
        let cast = Cast(village: try await Fixture.actor(db, "vil", .villageCadre, Fixture.village),
                        otherVillage: try await Fixture.actor(db, "oth", .villageCadre, Fixture.otherVillage),
                        township: try await Fixture.actor(db, "town", .townshipOfficer, Fixture.township),
                        county: try await Fixture.actor(db, "cty", .countyOfficer, Fixture.county),
                        admin: try await Fixture.actor(db, "adm", .admin, RegionCode("430000000000")!))
        let record = Fixture.household("H1", people: [("43048119800101001", .head, "王大"), ("43048120100101002", .child, "王小")])
        _ = try await HouseholdStore(db).create(record, by: cast.village, today: CivilDate("2026-11-01")!)
        let report = try SelfReport(name: "王大", residentID: record.members[0].residentID.text, mobile: "13812345678", regionCode: Fixture.village.description,
                                    riskKinds: ["illness"], description: "住院", consent: true).check(today: Clock.system.today()).get()
        _ = try await LeadStore(db).submit(report)
        let lead = try #require(try await LeadStore(db).leads(by: cast.village, status: .open).first)
        try await LeadStore(db).verify(leadID: lead.id, decision: .confirmed(.unstableExited, [.illness]), by: cast.village)
        let episode = try #require(try await EpisodeStore(db).episodes(by: cast.village, statuses: [.identifying]).first)
        return (cast, episode.id)
    }

    func identify(_ db: Database, _ cast: Cast, _ id: Int64, start: CivilDate) async throws {
        let s = EpisodeStore(db)
        try await s.act(id, .complete(note: "已签字"), by: cast.village, today: start)
        try await s.act(id, .complete(note: "评议通过"), by: cast.village, today: start)
        try await s.act(id, .startNotice(from: start, to: start.adding(days: 5)), by: cast.village, today: start)
        try await s.act(id, .complete(note: ""), by: cast.village, today: start.adding(days: 5))
        try await s.act(id, .complete(note: ""), by: cast.township, today: start.adding(days: 6))
        try await s.act(id, .complete(note: ""), by: cast.county, today: start.adding(days: 7))
    }

    @Test("a confirmed lead goes through the chain onto the roster, with its timeline", arguments: Backend.available)
    func identification(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let (cast, id) = try await confirmedLead(db)
            let s = EpisodeStore(db)
            let today = Clock.system.today()
            // The township cannot skip the village's steps; a cadre of another village does not see the episode.
            #expect(await #expect(throws: StoreError.self) { try await s.act(id, .complete(note: ""), by: cast.township, today: today) }?.fields == ["step"])
            await #expect(throws: StoreError.notFound) { try await s.act(id, .complete(note: ""), by: cast.otherVillage, today: today) }
            #expect(try await s.detail(id, by: cast.otherVillage) == nil)
            let due = try #require(try await s.detail(id, by: cast.village)?.episode.stepDue)
            #expect(due == today.adding(days: 7))  // pledge: 7 days from the lead, the shipped policy
            try await identify(db, cast, id, start: today)
            let roster = try await s.episodes(by: cast.county, statuses: [.monitored])
            #expect(roster.map(\.householdID) == ["H1"])
            #expect(roster.first?.identifiedOn == today.adding(days: 7))
            let d = try #require(try await s.detail(id, by: cast.county))
            #expect(d.events.map(\.action) == [.opened, .completed, .completed, .noticePosted, .completed, .completed, .completed])
            #expect(d.events.last?.actor == "cty")
            // A second confirmed lead on the same household joins the open episode.
            let report = try SelfReport(name: "王小", residentID: validID("43048120100101002").text, mobile: "13812345678", regionCode: Fixture.village.description,
                                        riskKinds: ["educationCost"], description: "学费", consent: true).check(today: today).get()
            _ = try await LeadStore(db).submit(report)
            let lead = try #require(try await LeadStore(db).leads(by: cast.village, status: .open).first)
            try await LeadStore(db).verify(leadID: lead.id, decision: .confirmed(.unstableExited, [.educationCost]), by: cast.village)
            #expect(try await s.episodes(by: cast.village, statuses: [], householdID: "H1").count == 1)
        }
    }

    @Test("an overdue lead escalates: the township may verify it then, not before", arguments: Backend.available)
    func escalation(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let township = try await Fixture.actor(db, "town", .townshipOfficer, Fixture.township)
            _ = try await HouseholdStore(db).create(Fixture.household("H2", people: [("43048119800101003", .head, "赵一")]), by: Fixture.system)
            let report = try SelfReport(name: "赵一", residentID: validID("43048119800101003").text, mobile: "13812345678", regionCode: Fixture.village.description,
                                        riskKinds: ["illness"], description: "", consent: true).check(today: Clock.system.today()).get()
            _ = try await LeadStore(db).submit(report)
            let lead = try #require(try await LeadStore(db).leads(by: township, status: .open).first)
            let today = Clock.system.today()
            let early = await #expect(throws: StoreError.self) {
                try await LeadStore(db).verify(leadID: lead.id, decision: .notConfirmed(reason: "无困难"), by: township, today: today)
            }
            #expect(early?.fields == ["decision"])
            try await LeadStore(db).verify(leadID: lead.id, decision: .notConfirmed(reason: "无困难"), by: township, today: today.adding(days: 8))
            #expect(try await LeadStore(db).lead(lead.id, by: township)?.status == .notConfirmed)
        }
    }

    @Test("objections: an open one holds the notice, an upheld one ends the identification", arguments: Backend.available)
    func objections(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let (cast, id) = try await confirmedLead(db)
            let s = EpisodeStore(db), today = Clock.system.today()
            try await s.act(id, .complete(note: ""), by: cast.village, today: today)
            try await s.act(id, .complete(note: ""), by: cast.village, today: today)
            try await s.act(id, .startNotice(from: today, to: today.adding(days: 5)), by: cast.village, today: today)
            try await s.act(id, .objection(text: "家中有车"), by: cast.village, today: today.adding(days: 1))
            #expect(await #expect(throws: StoreError.self) { try await s.act(id, .complete(note: ""), by: cast.village, today: today.adding(days: 6)) }?.fields == ["notice"])
            let objection = try #require(try await s.detail(id, by: cast.village)?.objections.first)
            try await s.act(id, .resolveObjection(id: objection.id, upheld: true, text: "核实属实"), by: cast.village, today: today.adding(days: 2))
            #expect(try await s.detail(id, by: cast.village)?.episode.status == .notIdentified)
            #expect(try await s.episodes(by: cast.county, statuses: [.monitored]).isEmpty)
        }
    }

    @Test("clearing: criteria checked, same chain, history kept, a new episode later", arguments: Backend.available)
    func clearing(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let (cast, id) = try await confirmedLead(db)
            let s = EpisodeStore(db), today = Clock.system.today()
            try await identify(db, cast, id, start: today)
            let line = try await PolicyStore(db).policy(region: Fixture.village, year: today.year).int(.monitoringLine)!
            var criteria = ClearingCriteria(monthlyIncome: Array(repeating: line + 100, count: 5), food: true, clothing: true, education: true,
                                            medical: true, housing: true, drinkingWater: true, rigidExpensesResolved: true, risksRemoved: true, noNewRisk: true)
            #expect(await #expect(throws: StoreError.self) { try await s.proposeClearing(id, criteria: criteria, by: cast.village, today: today) }?.fields == ["monthlyIncome"])
            criteria.monthlyIncome.append(line + 100)
            try await s.proposeClearing(id, criteria: criteria, by: cast.village, today: today)
            try await s.act(id, .complete(note: ""), by: cast.village, today: today)
            try await s.act(id, .startNotice(from: today, to: today.adding(days: 5)), by: cast.village, today: today)
            try await s.act(id, .complete(note: ""), by: cast.village, today: today.adding(days: 5))
            try await s.act(id, .complete(note: ""), by: cast.township, today: today.adding(days: 6))
            try await s.act(id, .complete(note: ""), by: cast.county, today: today.adding(days: 7))
            let cleared = try #require(try await s.detail(id, by: cast.village))
            #expect(cleared.episode.status == .cleared && cleared.episode.clearedOn == today.adding(days: 7))
            #expect(cleared.events.contains { $0.action == .clearingProposed })
            #expect(try await s.episodes(by: cast.county, statuses: [.monitored, .clearing]).isEmpty)
            // Identified again later: a new episode linked to the old one.
            let report = try SelfReport(name: "王大", residentID: validID("43048119800101001").text, mobile: "13812345678", regionCode: Fixture.village.description,
                                        riskKinds: ["disaster"], description: "房屋受灾", consent: true).check(today: today).get()
            _ = try await LeadStore(db).submit(report)
            let lead = try #require(try await LeadStore(db).leads(by: cast.village, status: .open).first)
            try await LeadStore(db).verify(leadID: lead.id, decision: .confirmed(.suddenHardship, [.disaster]), by: cast.village)
            let all = try await s.episodes(by: cast.village, statuses: [], householdID: "H1")
            #expect(all.count == 2 && all[0].previousID == id && all[0].status == .identifying)
        }
    }

    @Test("policy: administrators set values inside their region; the nearest newest wins", arguments: Backend.available)
    func policy(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let p = PolicyStore(db)
            let admin = Fixture.system
            let countyAdmin = try await Fixture.actor(db, "cadm", .admin, Fixture.county)
            let cadre = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            #expect(try await p.policy(region: Fixture.village, year: 2023).int(.monitoringLine) == 7100)
            try await p.set(region: Fixture.county, year: 2026, key: .verificationDays, value: "5", by: countyAdmin)
            #expect(try await p.policy(region: Fixture.village, year: 2026).verification.days == 5)
            #expect(try await p.policy(region: Fixture.village, year: 2025).verification.days == 7)
            #expect(try await p.policy(region: RegionCode("430100000000")!, year: 2026).verification.days == 7)
            await #expect(throws: StoreError.forbidden) { try await p.set(region: Fixture.county, year: 2026, key: .noticeDays, value: "6", by: cadre) }
            await #expect(throws: StoreError.forbidden) { try await p.set(region: .country, year: 2026, key: .noticeDays, value: "6", by: countyAdmin) }
            #expect(await #expect(throws: StoreError.self) { try await p.set(region: Fixture.county, year: 2026, key: .noticeDays, value: "3", by: countyAdmin) }?.fields == ["noticeDays"])
            try await p.set(region: Fixture.county, year: 2026, key: .verificationDays, value: "", by: countyAdmin)
            #expect(try await p.policy(region: Fixture.village, year: 2026).verification.days == 7)
            try await p.set(region: .country, year: 2026, key: .monitoringLine, value: "7800", by: admin)
            #expect(try await p.policy(region: Fixture.village, year: 2026).int(.monitoringLine) == 7800)
            let audit = try await AuditStore(db).search(by: admin, action: "policy.set")
            #expect(audit.count == 3)
        }
    }

    @Test("roll-up and dashboard count the records", arguments: Backend.available)
    func reports(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let (cast, id) = try await confirmedLead(db)
            let today = Clock.system.today()
            for (i, kind) in ["disaster", "illness"].enumerated() {
                let report = try SelfReport(name: "李\(i)", residentID: validID("4304811990010100\(i + 3)").text, mobile: "1390000000\(i)",
                                            regionCode: (i == 0 ? Fixture.village : Fixture.otherVillage).description, riskKinds: [kind],
                                            description: "困难", consent: true).check(today: today).get()
                _ = try await LeadStore(db).submit(report)
            }
            let r = ReportStore(db)
            let rollup = try await r.rollup(by: cast.county, day: today)
            #expect(rollup.total.new == 3 && rollup.total.byChannel[.selfReport] == 3 && rollup.total.backlog == 2)
            #expect(rollup.villages.map(\.region) == [Fixture.village, Fixture.otherVillage])
            #expect(rollup.townships.map(\.region) == [Fixture.township] && rollup.townships[0].byKind[.illness] == 2)
            #expect(try await r.rollup(by: cast.village, day: today).total.new == 2)
            #expect(try await r.rollup(by: cast.county, day: today.adding(days: -1)).total.new == 0)
            #expect(rollup.total.region == Fixture.county)
            // Eight days on, the two open leads are overdue.
            #expect(try await r.rollup(by: cast.county, day: today.adding(days: 8)).total.overdue == 2)

            try await identify(db, cast, id, start: today)
            let d = try await r.dashboard(by: cast.county, today: today)
            #expect(d.monitored == 1 && d.byType.first { $0.key == "unstableExited" }?.count == 1)
            #expect(d.byKind.map(\.key) == ["illness"])
            #expect(d.byChildRegion.map(\.key) == [Fixture.township.description] && d.byChildRegion[0].label == "蔡子池街道")
            #expect(d.leadsPerDay.last?.byChannel[.selfReport] == 3)
            #expect(try await r.dashboard(by: cast.county, today: today.adding(days: 8)).overdueVerifications.count == 2)
            #expect(try await r.dashboard(by: cast.otherVillage, today: today).monitored == 0)
            await #expect(throws: StoreError.forbidden) { try await r.dashboard(by: cast.otherVillage, region: Fixture.county) }
        }
    }
}
