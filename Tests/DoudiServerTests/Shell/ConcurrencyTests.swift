import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Sixteen clients at once for a few seconds, writing as a county's people do on a busy morning: self-reports,
/// household edits, lead verifications, identification steps. No answer may fail, none may wait 2 seconds,
/// and every write that was acknowledged must be there afterwards.
@Suite("Many clients writing at once")
struct ConcurrencyTests {
    static let clients = 16
    static let seconds = 3.0

    /// What one client did: the slowest answer, the failed ones, and what each acknowledged write should have left.
    struct Tally: Sendable {
        var slowest: Duration = .zero
        var failures: [String] = []
        var reports: [(code: String, mobile: String)] = []
        var addresses: [String: String] = [:]
        var verified: [Int64] = []
        var steps: [Int64: Int] = [:]
        var requests = 0
    }

    @Test(arguments: Backend.available)
    func sixteenClientsWriteAtOnce(_ backend: Backend) async throws {
        try await withServer(backend, households: 20, monitoring: false, config: ServerConfig(trustedProxies: ["unknown"])) { client, services in
            // Work for the clients, prepared beforehand: 32 households of the village, one open lead on each,
            // half of them confirmed so that an identification waits at its first step.
            let village = try await services.users.authenticate(username: "village", password: DemoLoader.password)!.actor
            var preparedHouseholds: [String] = [], preparedLeads: [Int64] = [], preparedEpisodes: [Int64] = []
            for i in 0..<32 {
                let person = validID("430481197505" + String(format: "%02d", i % 28 + 1) + String(format: "%03d", 100 + i))
                let record = HouseholdRecord(household: Household(id: "HC-\(i)", regionCode: DemoLoader.village, povertyStatus: .exited, incomePerCapita: 6_000),
                                             members: [Member(residentID: person, householdID: "HC-\(i)", name: "并发\(i)", relation: .head, laborAbility: .full)])
                _ = try await services.households.create(record, by: village)
                preparedHouseholds.append(record.household.id)
                let report = try SelfReport(name: "并发\(i)", residentID: person.text, mobile: "13800000000", regionCode: DemoLoader.village.description,
                                            riskKinds: ["illness"], description: "", consent: true).check(today: Clock.system.today()).get()
                _ = try await services.leads.submit(report)
                let lead = try #require(try await services.leads.leads(by: village, status: .open).first { $0.householdID == record.household.id }).id
                if i % 2 == 0 {
                    preparedLeads.append(lead)
                } else {
                    try await services.leads.verify(leadID: lead, decision: .confirmed(.unstableExited, [.illness]), by: village)
                    preparedEpisodes.append(try #require(try await services.episodes.episodes(by: village, statuses: [.identifying], householdID: record.household.id).first).id)
                }
            }
            let token = try await client.token("village")
            let (households, openLeads, episodes) = (preparedHouseholds, preparedLeads, preparedEpisodes)
            let deadline = ContinuousClock.now + .seconds(Self.seconds)

            let tallies = try await withThrowingTaskGroup(of: Tally.self) { group in
                for c in 0..<Self.clients {
                    group.addTask {
                        var t = Tally()
                        func send(_ method: HTTPRequest.Method, _ uri: String, _ json: String, from address: String? = nil) async throws -> TestResponse {
                            var h: HTTPFields = [.contentType: "application/json"]
                            if let address { h[.init("X-Forwarded-For")!] = address } else { h[.authorization] = "Bearer \(token)" }
                            let started = ContinuousClock.now
                            let r = try await client.execute(uri: uri, method: method, headers: h, body: ByteBuffer(string: json))
                            t.slowest = max(t.slowest, ContinuousClock.now - started)
                            t.requests += 1
                            if r.status.code >= 500 { t.failures.append("\(method) \(uri): \(r.status.code)") }
                            return r
                        }
                        let share = c % 4
                        switch c / 4 {
                        case 0:  // the public: self-reports, each from an address of its own
                            var n = 0
                            while ContinuousClock.now < deadline {
                                let rid = validID("4304811988" + String(format: "%02d", c + 1) + String(format: "%02d", n % 28 + 1) + String(format: "%03d", n / 28 + 200))
                                let mobile = "139" + String(format: "%04d%04d", c, n)
                                let body = #"{"name":"求助\#(n)","residentId":"\#(rid.text)","mobile":"\#(mobile)","regionCode":"430481001001","riskKinds":["illness"],"description":"","consent":true}"#
                                let r = try await send(.post, "/api/v1/public/self-reports", body, from: "10.\(c).\(n / 250).\(n % 250)")
                                if r.status == .created, let code = try? JSONDecoder().decode(Code.self, from: r.body).trackingCode { t.reports.append((code, mobile)) }
                                n += 1
                            }
                        case 1:  // cadres editing their households
                            var n = 0
                            while ContinuousClock.now < deadline {
                                let id = households[share * 8 + n % 8], address = "第\(c)号客户端第\(n)次修改"
                                let r = try await send(.put, "/api/v1/households/\(id)", #"{"regionCode":"430481001001","povertyStatus":"exited","incomePerCapita":\#(6_000 + n),"address":"\#(address)"}"#)
                                if r.status == .ok { t.addresses[id] = address }
                                n += 1
                            }
                        case 2:  // verifying leads, then reading the queue
                            for lead in openLeads[(share * 4)..<(share * 4 + 4)] {
                                let r = try await send(.post, "/api/v1/leads/\(lead)/verification", #"{"decision":"notConfirmed","reason":"收入稳定"}"#)
                                if r.status == .noContent { t.verified.append(lead) }
                            }
                            while ContinuousClock.now < deadline { _ = try await send(.get, "/api/v1/leads?status=open", "") }
                        default:  // identification steps, then reading case files
                            for episode in episodes[(share * 4)..<(share * 4 + 4)] {
                                for note in ["已签承诺书", "评议通过"] {
                                    let r = try await send(.post, "/api/v1/episodes/\(episode)/actions", #"{"action":"complete","note":"\#(note)"}"#)
                                    if r.status == .ok { t.steps[episode, default: 0] += 1 }
                                }
                            }
                            while ContinuousClock.now < deadline { _ = try await send(.get, "/api/v1/episodes/\(episodes[share * 4])", "") }
                        }
                        return t
                    }
                }
                return try await group.reduce(into: [Tally]()) { $0.append($1) }
            }

            #expect(tallies.flatMap(\.failures).isEmpty)
            let slowest = tallies.map(\.slowest).max() ?? .zero
            #expect(slowest < .seconds(2), "slowest answer \(slowest)")
            let reports = tallies.flatMap(\.reports)
            #expect(reports.count > Self.clients, "\(reports.count) self-reports acknowledged")
            for (code, mobile) in reports { #expect(try await services.leads.status(trackingCode: code, mobile: mobile)?.status == .open) }
            let addresses = tallies.reduce(into: [String: String]()) { $0.merge($1.addresses) { a, _ in a } }
            #expect(!addresses.isEmpty)
            for (id, address) in addresses { #expect(try await services.households.get(id, by: village)?.household.address == address) }
            let verified = tallies.flatMap(\.verified)
            #expect(Set(verified) == Set(openLeads))
            for lead in verified { #expect(try await services.leads.lead(lead, by: village)?.status == .notConfirmed) }
            let steps = tallies.reduce(into: [Int64: Int]()) { $0.merge($1.steps) { a, b in a + b } }
            #expect(steps.count == episodes.count && steps.values.allSatisfy { $0 == 2 })
            for (episode, _) in steps { #expect(try await services.episodes.detail(episode, by: village)?.episode.step == .publicNotice) }
        }
    }

    struct Code: Decodable { var trackingCode: String }
}
