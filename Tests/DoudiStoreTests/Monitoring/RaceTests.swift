import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

/// Two requests at once, the way two cadres on two phones send them: the rule holds in the statement or the
/// schema, not in a check made before it. Each case is repeated over several records, so that on PostgreSQL
/// the two transactions do overlap.
@Suite("Races: the same write twice at once")
struct RaceTests {
    static let rounds = 12

    /// `rounds` registered households, each with `leads` open self-report leads.
    func households(_ db: Database, leads: Int) async throws -> (Actor, [(household: String, leads: [Int64])]) {
        let cadre = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
        var out: [(String, [Int64])] = []
        for i in 0..<Self.rounds {
            let body = "430481198001" + String(format: "%02d", i + 1) + "001"
            let id = "H\(i)"
            _ = try await HouseholdStore(db).create(Fixture.household(id, people: [(body, .head, "户主\(i)")]), by: cadre, today: CivilDate("2026-11-01")!)
            for k in 0..<leads {
                let report = try SelfReport(name: "户主\(i)", residentID: validID(body).text, mobile: "1381234567\(k)", regionCode: Fixture.village.description,
                                            riskKinds: ["illness"], description: "第\(k)次", consent: true).check(today: Clock.system.today()).get()
                _ = try await LeadStore(db).submit(report)
            }
            let mine = try await LeadStore(db).leads(by: cadre, status: .open).filter { $0.householdID == id }.map(\.id)
            out.append((id, mine))
        }
        return (cadre, out)
    }

    @Test("two verifications of one lead: one is recorded and audited, the other refused", arguments: Backend.available)
    func verifyTwice(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let (cadre, hs) = try await households(db, leads: 1)
            for h in hs {
                let lead = h.leads[0]
                async let a = Result(catching: { try await LeadStore(db).verify(leadID: lead, decision: .notConfirmed(reason: "甲"), by: cadre) })
                async let b = Result(catching: { try await LeadStore(db).verify(leadID: lead, decision: .notConfirmed(reason: "乙"), by: cadre) })
                let results = await [a, b]
                #expect(results.filter { (try? $0.get()) != nil }.count == 1)
                #expect(results.compactMap { r -> [String]? in if case .failure(let e as StoreError) = r { e.fields } else { nil } } == [["decision"]])
                #expect(try await AuditStore(db).search(by: Fixture.system, action: "lead.verify", subject: String(lead)).count == 1)
            }
        }
    }

    @Test("two leads of one household confirmed at once open one episode, not two", arguments: Backend.available)
    func confirmTwoLeads(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let (cadre, hs) = try await households(db, leads: 2)
            for h in hs {
                async let a: Void = LeadStore(db).verify(leadID: h.leads[0], decision: .confirmed(.unstableExited, [.illness]), by: cadre)
                async let b: Void = LeadStore(db).verify(leadID: h.leads[1], decision: .confirmed(.unstableExited, [.illness]), by: cadre)
                _ = try await (a, b)
                let episodes = try await EpisodeStore(db).episodes(by: cadre, statuses: [], householdID: h.household)
                #expect(episodes.count == 1)
                let episode = try #require(episodes.first)
                let events = try #require(try await EpisodeStore(db).detail(episode.id, by: cadre)).events.map(\.action.rawValue)
                #expect(events.sorted() == ["leadAttached", "opened"])
            }
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
