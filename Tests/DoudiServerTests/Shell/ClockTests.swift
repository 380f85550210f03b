import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("One clock, given at start")
struct ClockTests {
    /// Nothing below the command line reads the machine's clock: a server given another day files, stamps and
    /// counts deadlines by that day.
    @Test(arguments: Backend.available) func recordsAndDeadlinesFollowTheDayGiven(_ backend: Backend) async throws {
        let day = CivilDate("2024-03-04")!
        try await withServer(backend, households: 5, clock: .stopped(on: day)) { client, services in
            let r = try await client.api(.post, "/api/v1/public/self-reports", token: nil, json: SelfReportTests.body(rid: validID("43048119850505001").text))
            #expect(r.status == .created)
            let cadre = try await client.token("village")
            let leads = try JSONDecoder().decode([LeadState].self, from: try await client.api(.get, "/api/v1/leads?status=open", token: cadre).body)
            let days = try #require(try await services.policy.policy(region: DemoLoader.village, year: day.year).int(.verificationDays))
            #expect(leads.first?.verifyBy == day.adding(days: days).description)
            let entry = try #require(try await services.audit.search(by: Actor.system(), action: "lead.selfReport").first)
            #expect(Clock.day(ofMillis: entry.at) == day)
        }
    }
}
