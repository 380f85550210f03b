import DoudiDomain
@testable import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

struct Tracking: Decodable { var trackingCode: String }
struct APILead: Decodable { var id: Int64; var channel: String; var registered: Bool; var regionCode: String; var residentIdMasked: String; var householdId: String? }

@Suite("一键报贫: the public self-report")
struct SelfReportTests {
    static func body(rid: String, region: String = DemoLoader.village.description, mobile: String = "13912345678", kinds: String = #"["illness"]"#,
                     consent: Bool = true) -> String {
        #"{"name":"张三","residentId":"\#(rid)","mobile":"\#(mobile)","regionCode":"\#(region)","riskKinds":\#(kinds),"description":"住院花了很多钱","consent":\#(consent)}"#
    }

    @Test(arguments: Backend.available) func sameAnswerRegisteredOrNotAndTheLeadReachesItsVillageOnly(_ backend: Backend) async throws {
        try await withServer(backend, households: 30) { client, services in
            // A registered person of the demo village, and one nobody knows.
            let page = try await services.households.search(by: Actor.system(), region: DemoLoader.village, limit: 1)
            let registered = try #require(try await services.households.get(page.items[0].id, by: Actor.system())).members[0].member.residentID.text
            let stranger = validID("43048119850505001").text
            var answers: [String] = []
            for rid in [registered, stranger] {
                let r = try await client.api(.post, "/api/v1/public/self-reports", token: nil, json: Self.body(rid: rid))
                #expect(r.status == .created)
                let t = try JSONDecoder().decode(Tracking.self, from: r.body)
                #expect(TrackingCode.isWellFormed(t.trackingCode))
                answers.append(String(buffer: r.body).replacingOccurrences(of: t.trackingCode, with: "CODE"))
            }
            #expect(answers[0] == answers[1])

            let cadre = try await client.token("village")
            let leads = try JSONDecoder().decode([APILead].self, from: try await client.api(.get, "/api/v1/leads?status=open", token: cadre).body)
            #expect(leads.count == 2)
            #expect(leads.contains { $0.registered && $0.householdId == page.items[0].id })
            #expect(leads.contains { !$0.registered && $0.householdId == nil })  // waits in the "not registered" queue
            #expect(leads.allSatisfy { $0.channel == "selfReport" && $0.residentIdMasked.contains("********") })

            // A cadre of another village sees none of them.
            _ = try await services.users.add(username: "other.village", password: "password-other", role: .villageCadre,
                                             region: RegionCode("430481001002")!, by: Actor.system())
            let other = try await client.token("other.village", "password-other")
            let theirs = try JSONDecoder().decode([APILead].self, from: try await client.api(.get, "/api/v1/leads?status=open", token: other).body)
            #expect(theirs.isEmpty)
            #expect(try await client.api(.get, "/api/v1/leads", token: nil).status == .unauthorized)
        }
    }

    @Test(arguments: Backend.available) func aTownshipWithoutAVillageListTakesReportsItself(_ backend: Backend) async throws {
        try await withServer(backend, households: 30) { client, services in
            // 水东江街道 has no village in the division table: the page offers it, and its second step asks no village.
            let bare = "430481003000"
            #expect(String(buffer: try await client.execute(uri: "/report", method: .get).body).contains("<option value=\"\(bare)\">水东江街道</option>"))
            let step = String(buffer: try await client.execute(uri: "/report?township=\(bare)", method: .get).body)
            #expect(step.contains("名单尚未录入") && step.contains("name=\"regionCode\" value=\"\(bare)\"") && !step.contains("<select id=\"village\""))
            let r = try await client.api(.post, "/api/v1/public/self-reports", token: nil, json: Self.body(rid: validID("43048119850505001").text, region: bare))
            #expect(r.status == .created)
            // The township's officer has it at once and may verify it the same day; no village cadre sees it.
            _ = try await services.users.add(username: "shuidongjiang", password: "password-township", role: .townshipOfficer,
                                             region: RegionCode(bare)!, by: Actor.system())
            let officer = try await client.token("shuidongjiang", "password-township")
            let leads = try JSONDecoder().decode([APILead].self, from: try await client.api(.get, "/api/v1/leads?status=open", token: officer).body)
            let lead = try #require(leads.first { $0.regionCode == bare })
            let refusal = #"{"decision":"notConfirmed","reason":"已电话回访，收入稳定"}"#
            #expect(try await client.api(.post, "/api/v1/leads/\(lead.id)/verification", token: officer, json: refusal).status == .noContent)
            let cadre = try await client.token("village")
            let theirs = try JSONDecoder().decode([APILead].self, from: try await client.api(.get, "/api/v1/leads", token: cadre).body)
            #expect(!theirs.contains { $0.id == lead.id })
        }
    }

    @Test("a bad field answers 422 naming it", arguments: [
        (body(rid: "110105194912310021"), "residentId"),
        (body(rid: validID("43048119850505001").text, mobile: "1391234567"), "mobile"),
        (body(rid: validID("43048119850505001").text, region: "430481001000"), "regionCode"),
        (body(rid: validID("43048119850505001").text, kinds: #"["poverty"]"#), "riskKinds"),
        (body(rid: validID("43048119850505001").text, kinds: "[]"), "riskKinds"),
        (body(rid: validID("43048119850505001").text, consent: false), "consent"),
    ])
    func invalid(_ json: String, _ field: String) async throws {
        try await withServer(.sqlite, households: 5) { client, _ in
            let r = try await client.api(.post, "/api/v1/public/self-reports", token: nil, json: json)
            #expect(r.status == .unprocessableContent)
            let e = try JSONDecoder().decode(APIError.self, from: r.body)
            #expect(e.field == field)
            #expect(!e.messageZh.isEmpty && !e.messageEn.isEmpty)
        }
    }

    @Test(arguments: Backend.available) func behindATrustedProxyEachClientHasItsOwnLimit(_ backend: Backend) async throws {
        // The test transport has no peer address ("unknown"): trust it as if it were the proxy.
        try await withServer(backend, households: 5, config: ServerConfig(trustedProxies: ["unknown"])) { (client: any TestClientProtocol, _: Services) async throws in
            func send(_ i: Int, from address: String) async throws -> HTTPResponse.Status {
                let body = SelfReportTests.body(rid: validID("4304811985050" + String(1000 + i)).text)
                return try await client.execute(uri: "/api/v1/public/self-reports", method: .post,
                                                headers: [.contentType: "application/json", .init("X-Forwarded-For")!: "forged, \(address)"],
                                                body: ByteBuffer(string: body)).status
            }
            for i in 0..<10 { #expect(try await send(i, from: "10.0.0.1") == .created) }
            #expect(try await send(10, from: "10.0.0.1") == .tooManyRequests)
            #expect(try await send(11, from: "10.0.0.2") == .created)
        }
        #expect(ClientAddressMiddleware.client(peer: "1.2.3.4", forwardedFor: ["9.9.9.9"], trusted: ["5.5.5.5"]) == "1.2.3.4")
        #expect(ClientAddressMiddleware.client(peer: "5.5.5.5", forwardedFor: ["a, 9.9.9.9"], trusted: ["5.5.5.5"]) == "9.9.9.9")
        #expect(ClientAddressMiddleware.client(peer: "5.5.5.5", forwardedFor: [], trusted: ["5.5.5.5"]) == "5.5.5.5")
    }

    @Test(arguments: Backend.available) func statusNeedsCodeAndMobileAndFloodsAreRefused(_ backend: Backend) async throws {
        try await withServer(backend, households: 5) { client, _ in
            let rid = validID("43048119850505001").text
            let t = try JSONDecoder().decode(Tracking.self, from: try await client.api(.post, "/api/v1/public/self-reports", token: nil, json: Self.body(rid: rid)).body)
            let ok = try await client.api(.get, "/api/v1/public/self-reports/\(t.trackingCode)?mobile=13912345678", token: nil)
            #expect(ok.status == .ok)
            #expect(String(buffer: ok.body).contains("待核实"))
            #expect(try await client.api(.get, "/api/v1/public/self-reports/\(t.trackingCode)?mobile=13900000000", token: nil).status == .notFound)
            // At most three reports a day for one person.
            for _ in 0..<2 { #expect(try await client.api(.post, "/api/v1/public/self-reports", token: nil, json: Self.body(rid: rid)).status == .created) }
            #expect(try await client.api(.post, "/api/v1/public/self-reports", token: nil, json: Self.body(rid: rid)).status == .tooManyRequests)
        }
    }
}
