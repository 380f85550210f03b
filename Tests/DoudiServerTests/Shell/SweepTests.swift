import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Sweeps over the demo instead of examples: every page each role reaches by its links, every export, every
/// API answer; every form a page offers, without a CSRF token and with another session's, and then as sent.
@Suite("Sweeps: masking, CSRF and audit over every page, form and answer")
struct SweepTests {
    static let accounts = DemoLoader.users.map(\.username)

    @Test("no page or export any role reaches shows a full number, or a masked one beside its birth date", arguments: Backend.available)
    func pagesAndExportsAreMasked(_ backend: Backend) async throws {
        try await withServer(backend, households: 120, monitoring: true) { client, services in
            let secrets = try await Secrets.of(services)
            #expect(secrets.numbers.count > 300)
            var kinds = Set<String>()
            for user in Self.accounts {
                let b = Browser(client)
                _ = try await b.login(user)
                for page in try await crawl(b) {
                    #expect(page.status.code < 500, "\(user) \(page.uri): \(page.status)")
                    #expect(secrets.leaks(in: page.body).isEmpty, "\(user) \(page.uri): \(secrets.leaks(in: page.body).prefix(3))")
                    kinds.insert(SitePattern.of(page.uri))
                }
            }
            // The walk reached the pages that show people, and the exports.
            for kind in ["/households/#", "/leads/#", "/episodes/#", "/episodes/#/notice", "/episodes.csv", "/audit", "/households?"] {
                #expect(kinds.contains { $0.hasPrefix(kind) }, "never reached \(kind)")
            }
        }
    }

    @Test("no API answer shows a full number, or a masked one beside its birth date", arguments: Backend.available)
    func apiAnswersAreMasked(_ backend: Backend) async throws {
        try await withServer(backend, households: 120, monitoring: true) { client, services in
            let secrets = try await Secrets.of(services)
            let all = Actor.system()
            let household = try #require(try await services.households.search(by: all, region: DemoLoader.village).items.first).id
            let leads = try await services.leads.leads(by: all, status: nil)
            let lead = try #require(leads.first { $0.region == DemoLoader.village } ?? leads.first)
            let episode = try #require(try await services.episodes.episodes(by: all, statuses: []).first)
            let gets = try await Self.operations(client).filter { $0.method == "get" }.map(\.path)
            #expect(gets.count >= 12)
            let filled = gets.map {
                $0.replacingOccurrences(of: "{householdId}", with: household).replacingOccurrences(of: "{leadId}", with: String(lead.id))
                    .replacingOccurrences(of: "{episodeId}", with: String(episode.id)).replacingOccurrences(of: "{regionCode}", with: DemoLoader.village.description)
                    .replacingOccurrences(of: "{trackingCode}", with: "X") + ($0.contains("trackingCode") ? "?mobile=13800000000" : "")
            }
            for user in Self.accounts {
                let token = try await client.token(user)
                for path in filled + ["/households?limit=200", "/leads?limit=500", "/episodes?limit=500", "/audit?limit=500"] {
                    let r = try await client.api(.get, "/api/v1" + path, token: token)
                    let body = String(buffer: r.body)
                    #expect(r.status.code < 500, "\(user) \(path): \(r.status)")
                    #expect(secrets.leaks(in: body).isEmpty, "\(user) \(path): \(secrets.leaks(in: body).prefix(3))")
                }
            }
        }
    }

    /// The operations the API document lists, read from the document the server serves.
    static func operations(_ client: any TestClientProtocol) async throws -> [(method: String, path: String, id: String)] {
        let yaml = String(buffer: try await client.execute(uri: "/api/openapi.yaml", method: .get).body)
        var out: [(String, String, String)] = []
        var path = "", method = ""
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  /"), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()) }
            if line.hasPrefix("components:") { path = "" }
            if let m = line.wholeMatch(of: /\ {4}(get|post|put|delete|patch):/) { method = String(m.output.1) }
            if !path.isEmpty, let m = line.wholeMatch(of: /\ {6}operationId: (\w+)/) { out.append((method, path, String(m.output.1))) }
        }
        return out
    }
}
