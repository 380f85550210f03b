import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@Suite("The helper's visits through HTTP: a visit sent twice with its key is stored once, on the page and through the API; the offline page's files")
struct VisitHTTPTests {
    static func count(_ db: Database, key: String) async throws -> Int {
        struct N: Decodable { var n: Int }
        return try await db.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM visits WHERE client_key = \(bind: key)").first(decoding: N.self)?.n ?? -1 }
    }

    @Test(arguments: Backend.available) func sentTwiceStoredOnce(_ backend: Backend) async throws {
        try await withServer(backend, households: 300, monitoring: true) { client, services in
            let b = Browser(client)
            _ = try await b.login("village")
            let page = String(buffer: try await b.request(.get, "/visits").body)
            #expect(page.contains("我的走访") && page.contains(#"src="/static/visits.js""#))
            let csrf = try #require(Browser.field("_csrf", in: page))
            let household = try #require(try await services.households.search(by: .system(), region: DemoLoader.village).items.first).id
            let today = Clock.system.today().description
            var form = ["_csrf": csrf, "householdId": household, "date": today, "met": "户主本人", "findings": "身体恢复，已返岗", "needs": "继续医疗救助",
                        "hardship": "1", "riskKinds": "illness", "key": "3c73fdad-53ad-4f7c-90fb-e09c1578e00a"]
            // With its key, twice (a phone that never got the first answer): one visit, one lead, the same answer.
            let first = try await b.request(.post, "/visits", form: form, headers: [.accept: "application/json"])
            let second = try await b.request(.post, "/visits", form: form, headers: [.accept: "application/json"])
            #expect(first.status == .created && second.status == .created)
            #expect(String(buffer: first.body) == String(buffer: second.body) && String(buffer: first.body).contains("leadTrackingCode"))
            #expect(try await Self.count(services.db, key: form["key"]!) == 1)
            #expect(try await AuditStore(services.db).search(by: .system(), action: "visit.record").filter { $0.subject == household }.count == 1)
            // The household's page lists it, with who was met and what is needed.
            let shown = String(buffer: try await b.request(.get, "/households/\(household)").body)
            #expect(shown.contains("身体恢复，已返岗") && shown.contains("户主本人") && shown.contains("继续医疗救助"))
            // The same key for another household is refused, named; a malformed key too; nothing written.
            let other = try #require(try await services.households.search(by: .system(), region: DemoLoader.village).items.dropFirst().first).id
            form["householdId"] = other
            let clash = try await b.request(.post, "/visits", form: form, headers: [.accept: "application/json"])
            #expect(clash.status == .unprocessableContent && String(buffer: clash.body).contains("该唯一码已用于另一条走访记录"))
            form["key"] = "短"
            #expect(try await b.request(.post, "/visits", form: form, headers: [.accept: "application/json"]).status == .unprocessableContent)
            #expect(try await Self.count(services.db, key: "3c73fdad-53ad-4f7c-90fb-e09c1578e00a") == 1)
            // Without the script (a plain form): the page again, saying it is saved.
            form["key"] = "plain-form-visit-0001"
            let plain = try await b.request(.post, "/visits", form: form)
            #expect(plain.status == .created && String(buffer: plain.body).contains("走访已记录"))
            // Signed out, the phone's queue is told to sign in (a redirect it does not follow), and keeps the visit.
            let stranger = Browser(client)
            #expect(try await stranger.request(.post, "/visits", form: form, headers: [.accept: "application/json"]).status == .found)

            // The API twin with the same key: stored once.
            let token = try await client.token("village")
            let body = #"{"date":"\#(today)","findings":"电话回访","hardship":false,"met":"配偶","key":"api-visit-key-0001"}"#
            for _ in 0..<2 { #expect(try await client.api(.post, "/api/v1/households/\(household)/visits", token: token, json: body).status == .created) }
            #expect(try await Self.count(services.db, key: "api-visit-key-0001") == 1)
            let taken = try await client.api(.post, "/api/v1/households/\(other)/visits", token: token, json: body)
            #expect(taken.status == .unprocessableContent)

            // The offline page's files are Doudi's own, the worker checked for a new version at every visit.
            let worker = try await client.execute(uri: "/sw.js", method: .get)
            #expect(worker.status == .ok && worker.headers[.contentType]?.hasPrefix("text/javascript") == true && worker.headers[.cacheControl] == "no-cache")
            #expect(String(buffer: worker.body).contains("'/visits'"))
            #expect(try await client.execute(uri: "/static/visits.js", method: .get).status == .ok)
        }
    }
}
