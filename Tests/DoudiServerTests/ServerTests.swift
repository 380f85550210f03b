import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A server on a fresh database of `backend` with the demo county and its users, tested through HTTP.
func withServer(_ backend: Backend, households: Int = 60, monitoring: Bool = false, config: ServerConfig = ServerConfig(), clock: Clock = .system,
                _ body: @Sendable (any TestClientProtocol, Services) async throws -> Void) async throws {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    // withFreshDatabase closes the database on every path, the setup included: sqlite-nio stops the whole test
    // process on a connection dropped unclosed.
    try await withFreshDatabase(backend, clock: clock) { db in
        _ = try await DemoLoader.loadIfEmpty(db, households: households, monitoring: monitoring)
        let services = Services(db)
        let app = try await buildApplication(services: services, config: config, logger: logger)
        try await app.test(.router) { client in try await body(client, services) }
    }
}

struct Token: Decodable { var token: String }
struct APIError: Decodable { var code: String; var field: String?; var messageZh: String; var messageEn: String }
struct APIMember: Decodable { var memberId: Int64; var residentIdMasked: String; var phoneMasked: String? }
struct APIHousehold: Decodable { var householdId: String; var regionCode: String; var members: [APIMember] }
struct APIPage: Decodable { var total: Int; var items: [Item]; struct Item: Decodable { var householdId: String; var headResidentIdMasked: String? } }

extension TestClientProtocol {
    func token(_ user: String, _ password: String = DemoLoader.password) async throws -> String {
        try await execute(uri: "/api/v1/auth/token", method: .post, headers: [.contentType: "application/json"],
                          body: ByteBuffer(string: #"{"username":"\#(user)","password":"\#(password)"}"#)) { r in
            #expect(r.status == .ok)
            return try JSONDecoder().decode(Token.self, from: r.body).token
        }
    }

    /// `csv`: a file sent as the body (text/csv) instead of JSON.
    func api(_ method: HTTPRequest.Method, _ uri: String, token: String?, json: String? = nil, csv: String? = nil) async throws -> TestResponse {
        var h: HTTPFields = [:]
        if let token { h[.authorization] = "Bearer \(token)" }
        if json != nil { h[.contentType] = "application/json" }
        if csv != nil { h[.contentType] = "text/csv" }
        return try await execute(uri: uri, method: method, headers: h, body: (json ?? csv).map { ByteBuffer(string: $0) })
    }
}

@Suite("HTTP API")
struct APITests {
    @Test(arguments: Backend.available) func tokenThenHouseholdWithMaskedIDs(_ backend: Backend) async throws {
        try await withServer(backend) { client, services in
            let t = try await client.token("village")
            let page = try JSONDecoder().decode(APIPage.self, from: try await client.api(.get, "/api/v1/households?limit=5", token: t).body)
            #expect(page.total > 0)
            let id = try #require(page.items.first?.householdId)
            #expect(page.items.first?.headResidentIdMasked?.contains("********") == true)
            let r = try await client.api(.get, "/api/v1/households/\(id)", token: t)
            #expect(r.status == .ok)
            let h = try JSONDecoder().decode(APIHousehold.self, from: r.body)
            #expect(h.regionCode == DemoLoader.village.description)
            for m in h.members {
                #expect(m.residentIdMasked.count == 18 && m.residentIdMasked.contains("********"))
                #expect(m.phoneMasked.map { $0.contains("****") } ?? true)
            }
            #expect(!String(buffer: r.body).contains(try await services.households.reveal(memberID: h.members[0].memberId, by: Actor.system()).member.residentID.text))
        }
    }

    @Test(arguments: Backend.available) func outsideTheRegionIsTheSameAsMissing(_ backend: Backend) async throws {
        try await withServer(backend) { client, services in
            let county = try await client.token("county")
            let village = try await client.token("village")
            let all = try JSONDecoder().decode(APIPage.self, from: try await client.api(.get, "/api/v1/households?limit=200", token: county).body)
            let mine = Set(try JSONDecoder().decode(APIPage.self, from: try await client.api(.get, "/api/v1/households?limit=200", token: village).body).items.map(\.householdId))
            let elsewhere = try #require(all.items.first { !mine.contains($0.householdId) }?.householdId)
            let outside = try await client.api(.get, "/api/v1/households/\(elsewhere)", token: village)
            let missing = try await client.api(.get, "/api/v1/households/NO-SUCH", token: village)
            #expect(outside.status == .notFound)
            #expect(missing.status == .notFound)
            #expect(outside.body == missing.body)
            #expect(try await client.api(.get, "/api/v1/households/\(elsewhere)", token: county).status == .ok)
        }
    }

    @Test(arguments: Backend.available) func noTokenBadTokenBadJSON(_ backend: Backend) async throws {
        try await withServer(backend) { client, _ in
            #expect(try await client.api(.get, "/api/v1/households", token: nil).status == .unauthorized)
            #expect(try await client.api(.get, "/api/v1/households", token: "forged").status == .unauthorized)
            let wrong = try await client.api(.post, "/api/v1/auth/token", token: nil, json: #"{"username":"village","password":"nope-nope"}"#)
            #expect(wrong.status == .unauthorized)
            let t = try await client.token("village")
            for body in ["{", #"{"householdId": 5}"#, "[]", #"{"regionCode":"430481001001"}"#] {
                let r = try await client.api(.post, "/api/v1/households", token: t, json: body)
                #expect(r.status == .badRequest, "\(body)")
                let e = try JSONDecoder().decode(APIError.self, from: r.body)
                #expect(e.code == "badRequest" && !e.messageZh.isEmpty && !e.messageEn.isEmpty)
            }
            // Found by fuzzing (Schemathesis): an unreadable parameter is a 400 that says what was wrong, not "malformed JSON".
            for (method, path, said) in [(HTTPRequest.Method.get, "/api/v1/episodes/9223372036854775808", "a value in the path or query"),
                                         (.post, "/api/v1/members/99999999999999999999/reveal", "a value in the path or query"),
                                         (.get, "/api/v1/audit?limit=null", "a value in the path or query"),
                                         (.get, "/api/v1/public/self-reports/ABCDEFGHJK", "missing query parameter mobile")] {
                let r = try await client.api(method, path, token: t)
                #expect(r.status == .badRequest, "\(path)")
                let e = try JSONDecoder().decode(APIError.self, from: r.body)
                #expect(e.messageEn.contains(said) && !e.messageZh.contains("JSON"), "\(path): \(e.messageEn)")
            }
        }
    }

    @Test(arguments: Backend.available) func createValidatesAndRefusesASecondHousehold(_ backend: Backend) async throws {
        try await withServer(backend) { client, _ in
            let t = try await client.token("village")
            let id = validID("43048119700101001").text
            func body(_ hid: String, _ rid: String, region: String = DemoLoader.village.description) -> String {
                #"{"householdId":"\#(hid)","regionCode":"\#(region)","povertyStatus":"exited","incomePerCapita":6000,"members":[{"residentId":"\#(rid)","name":"王强","relation":"head","laborAbility":"full","phone":"13812345678"}]}"#
            }
            let bad = try await client.api(.post, "/api/v1/households", token: t, json: body("N1", String(id.dropLast()) + "0"))
            #expect(bad.status == .unprocessableContent)
            #expect(try JSONDecoder().decode(APIError.self, from: bad.body).field == "members[0].residentId")
            let badEnum = try await client.api(.post, "/api/v1/households", token: t, json: body("N1", id).replacingOccurrences(of: "\"head\"", with: "\"boss\""))
            #expect(try JSONDecoder().decode(APIError.self, from: badEnum.body).field == "members[0].relation")
            let created = try await client.api(.post, "/api/v1/households", token: t, json: body("N1", id))
            #expect(created.status == .created)
            let h = try JSONDecoder().decode(APIHousehold.self, from: created.body)
            #expect(h.members[0].residentIdMasked == "430481**********" + String(id.suffix(2)))
            let twice = try await client.api(.post, "/api/v1/households", token: t, json: body("N2", id))
            #expect(twice.status == .conflict)
            #expect(try JSONDecoder().decode(APIError.self, from: twice.body).messageEn.contains("household N1"))
            // Another village: forbidden for a village cadre.
            let far = try await client.api(.post, "/api/v1/households", token: t, json: body("N3", validID("43048119800101003").text, region: "430481001002"))
            #expect(far.status == .forbidden)
        }
    }

    @Test(arguments: Backend.available) func revealIsAuditedAndOnlyForAllowedRoles(_ backend: Backend) async throws {
        try await withServer(backend) { client, _ in
            let t = try await client.token("village")
            let page = try JSONDecoder().decode(APIPage.self, from: try await client.api(.get, "/api/v1/households?limit=1", token: t).body)
            let h = try JSONDecoder().decode(APIHousehold.self, from: try await client.api(.get, "/api/v1/households/\(page.items[0].householdId)", token: t).body)
            let r = try await client.api(.post, "/api/v1/members/\(h.members[0].memberId)/reveal", token: t)
            #expect(r.status == .ok)
            struct Revealed: Decodable { var residentId: String }
            let full = try JSONDecoder().decode(Revealed.self, from: r.body).residentId
            #expect((try? ResidentID(full)) != nil)
            let auditor = try await client.token("auditor")
            #expect(try await client.api(.post, "/api/v1/members/\(h.members[0].memberId)/reveal", token: auditor).status == .forbidden)
            let log = try await client.api(.get, "/api/v1/audit?action=member.reveal", token: auditor)
            #expect(log.status == .ok)
            struct Entry: Decodable { var actor: String; var action: String }
            #expect(try JSONDecoder().decode([Entry].self, from: log.body).map(\.actor) == ["village"])
            #expect(try await client.api(.get, "/api/v1/audit", token: t).status == .forbidden)
        }
    }

    @Test(arguments: Backend.available) func documentHealthAndMetrics(_ backend: Backend) async throws {
        try await withServer(backend) { client, _ in
            let doc = try await client.execute(uri: "/api/openapi.yaml", method: .get)
            #expect(doc.status == .ok)
            #expect(String(buffer: doc.body).contains("/households/{householdId}:"))
            #expect(String(buffer: try await client.execute(uri: "/healthz", method: .get).body) == "ok\n")
            _ = try await client.execute(uri: "/healthz", method: .get)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("hb_requests") || metrics.contains("http"))
        }
    }
}

func validID(_ body17: String) -> ResidentID {
    try! ResidentID(body17 + String(UnicodeScalar(ResidentID.checkCharacter(for: Array(body17.utf8)))))
}
