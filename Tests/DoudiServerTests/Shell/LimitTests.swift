import DoudiDomain
@testable import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Limits hold against a burst sent all at once, not only against requests sent one after another.
@Suite("Rate limits under bursts")
struct LimitTests {
    /// The statuses of `count` requests sent at once.
    static func burst(_ count: Int, _ send: @escaping @Sendable (Int) async throws -> HTTPResponse.Status) async throws -> [HTTPResponse.Status] {
        try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
            for i in 0..<count { group.addTask { try await send(i) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test func thirtySelfReportsAtOnceFromOneAddressMakeTenLeads() async throws {
        try await withServer(.sqlite, households: 5, config: ServerConfig(trustedProxies: ["unknown"])) { client, services in
            let statuses = try await Self.burst(30) { i in
                let body = SelfReportTests.body(rid: validID("4304811985050" + String(1000 + i)).text)
                return try await client.execute(uri: "/api/v1/public/self-reports", method: .post,
                                                headers: [.contentType: "application/json", .init("X-Forwarded-For")!: "10.9.9.9"],
                                                body: ByteBuffer(string: body)).status
            }
            #expect(statuses.filter { $0 == .created }.count == 10)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 20)
            #expect(try await services.leads.leads(by: Actor.system(), status: .open).count == 10)
        }
    }

    @Test func fiveReportsAtOnceAboutOnePersonMakeThree() async throws {
        try await withServer(.sqlite, households: 5, config: ServerConfig(trustedProxies: ["unknown"])) { client, _ in
            let rid = validID("43048119850505001").text
            let statuses = try await Self.burst(5) { i in
                try await client.execute(uri: "/api/v1/public/self-reports", method: .post,
                                         headers: [.contentType: "application/json", .init("X-Forwarded-For")!: "10.8.0.\(i)"],
                                         body: ByteBuffer(string: SelfReportTests.body(rid: rid))).status
            }
            #expect(statuses.filter { $0 == .created }.count == 3)
        }
    }

    /// Failed password attempts for one name from one address: ten, then 429, for the page and the API alike,
    /// and the right password does not get through the limit either.
    @Test func theTokenEndpointLimitsFailedLoginsLikeTheLoginPage() async throws {
        try await withServer(.sqlite, households: 5) { client, _ in
            @Sendable func token(_ password: String) async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/api/v1/auth/token", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: #"{"username":"county","password":"\#(password)"}"#)).status
            }
            #expect(try await token(DemoLoader.password) == .ok)  // a success does not count
            let statuses = try await Self.burst(14) { _ in try await token("guess-\(UUID().uuidString.prefix(6))") }
            #expect(statuses.filter { $0 == .unauthorized }.count == 10)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 4)
            #expect(try await token(DemoLoader.password) == .tooManyRequests)
            let answer = try await client.execute(uri: "/api/v1/auth/token", method: .post, headers: [.contentType: "application/json"],
                                                  body: ByteBuffer(string: #"{"username":"county","password":"x"}"#))
            #expect(try JSONDecoder().decode(APIError.self, from: answer.body).messageZh.contains("过于频繁"))
            // The login page shares the count.
            let page = try await Browser(client).login("county")
            #expect(page.status == .tooManyRequests)
            // Another name is not affected.
            #expect(try await client.token("village") != "")
        }
    }
}

/// The same write sent twice at once through HTTP, as two cadres on two phones would.
@Suite("Two requests at once")
struct DoubleSubmitTests {
    @Test(arguments: Backend.available)
    func oneLeadVerifiedTwiceAndOneHouseholdConfirmedTwice(_ backend: Backend) async throws {
        try await withServer(backend, households: 5) { client, services in
            let village = try await services.users.authenticate(username: "village", password: DemoLoader.password)!.actor
            let token = try await client.token("village")
            for round in 0..<6 {
                let person = validID("430481197002" + String(format: "%02d", round + 1) + "001")
                let id = "HD-\(round)"
                _ = try await services.households.create(HouseholdRecord(household: Household(id: id, regionCode: DemoLoader.village, povertyStatus: .exited, incomePerCapita: 6_000),
                                                                         members: [Member(residentID: person, householdID: id, name: "双\(round)", relation: .head, laborAbility: .full)]), by: village)
                for k in 0..<3 {
                    _ = try await services.leads.submit(try SelfReport(name: "双\(round)", residentID: person.text, mobile: "1380000000\(k)", regionCode: DemoLoader.village.description,
                                                                       riskKinds: ["illness"], description: "", consent: true).check(today: Clock.system.today()).get())
                }
                let leads = try await services.leads.leads(by: village, status: .open).filter { $0.householdID == id }.map(\.id).sorted()
                @Sendable func verify(_ lead: Int64, _ json: String) async throws -> HTTPResponse.Status {
                    let r = try await client.api(.post, "/api/v1/leads/\(lead)/verification", token: token, json: json)
                    return r.status
                }
                // One lead, verified twice at once: one answer of 204, one of 422.
                async let a = verify(leads[0], #"{"decision":"notConfirmed","reason":"甲"}"#)
                async let b = verify(leads[0], #"{"decision":"notConfirmed","reason":"乙"}"#)
                #expect(try await [a, b].map(\.code).sorted() == [204, 422])
                // Two leads of the household, confirmed at once: both taken, one episode.
                let confirm = #"{"decision":"confirmed","monitoringType":"unstableExited","riskKinds":["illness"]}"#
                async let c = verify(leads[1], confirm)
                async let d = verify(leads[2], confirm)
                #expect(try await [c, d] == [.noContent, .noContent])
                let episodes = try await services.episodes.episodes(by: village, statuses: [], householdID: id)
                #expect(episodes.count == 1)
            }
        }
    }
}

/// The limiter's memory of past attempts: limits still hold past many keys, and keys whose window has passed go.
@Suite("Rate limiter with many clients")
struct RateLimiterTests {
    @Test func limitsHoldPastManyKeysAndOldKeysAreSweptAway() async throws {
        let time = MovableClock()
        let limiter = RateLimiter(limit: 3, seconds: 3_600, clock: time.clock)
        for i in 0..<25_000 { #expect(limiter.take("10.0.\(i)")) }
        // Past the sweep, every key still inside its hour keeps its count.
        for _ in 0..<2 { #expect(limiter.take("10.0.7")) }
        #expect(limiter.take("10.0.7") == false, "a fourth attempt within the hour is refused")
        #expect(limiter.keys == 25_000)
        time.advance(hours: 1, minutes: 1)
        for i in 0..<30_000 { #expect(limiter.take("10.1.\(i)")) }
        #expect(limiter.keys < 30_000 + 25_000, "keys from the hour before were swept")
        #expect(limiter.take("10.0.7"), "an hour later the address may report again")
    }
}
