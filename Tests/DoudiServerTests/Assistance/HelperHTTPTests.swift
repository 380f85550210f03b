import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Helpers through HTTP: the demo's duties, a helper named by API and by page, the village cadre's own list")
struct HelperHTTPTests {
    struct Duty: Decodable { var householdId: String; var helper: String?; var due: String; var overdue: Bool; var regionCode: String }
    struct Page: Decodable { var total: Int; var duties: [Duty] }
    struct Assignment: Decodable { var username: String; var from: String; var to: String? }

    @Test(arguments: Backend.available) func namedAndListed(_ backend: Backend) async throws {
        try await withServer(backend, households: 300, monitoring: true) { client, _ in
            let village = try await client.token("village"), township = try await client.token("township"), county = try await client.token("county")
            func duties(_ query: String, _ token: String) async throws -> Page {
                try JSONDecoder().decode(Page.self, from: try await client.api(.get, "/api/v1/helpers?\(query)", token: token).body)
            }
            // The demo: some households with no helper, some late with their visit, the village cadre's own.
            let all = try await duties("limit=500", county)
            #expect(all.total > 0 && all.duties.contains { $0.helper == nil } && all.duties.contains { $0.overdue })
            let unnamed = try #require(try await duties("unassigned=true&limit=500", county).duties.first { $0.regionCode == "430481001001" })
            let mine = try await duties("mine=true&limit=500", village)
            #expect(mine.duties.allSatisfy { $0.helper == "village" })
            #expect(try await duties("overdue=true&limit=500", county).duties.allSatisfy(\.overdue))
            // Bounds the document gives but the generated code does not enforce: a negative offset or limit stopped the server.
            #expect(try await client.api(.get, "/api/v1/helpers?offset=-1&limit=-5", token: county).status == .ok)

            // Named by the township through the API; the village may not; the county officer may not be one.
            let path = "/api/v1/households/\(unnamed.householdId)/helper"
            #expect(try await client.api(.put, path, token: village, json: #"{"username":"village"}"#).status == .forbidden)
            #expect(try await client.api(.put, path, token: township, json: #"{"username":"county"}"#).status == .unprocessableContent)
            let named = try await client.api(.put, path, token: township, json: #"{"username":"village"}"#)
            #expect(named.status == .ok)
            #expect(try JSONDecoder().decode([Assignment].self, from: named.body).map(\.username) == ["village"])
            #expect(try await duties("mine=true&limit=500", village).total == mine.total + 1)

            // The page: the county names the township officer instead; the history keeps both.
            let b = Browser(client)
            _ = try await b.login("county")
            let page = String(buffer: try await b.request(.get, "/households/\(unnamed.householdId)/helper").body)
            let csrf = try #require(Browser.field("_csrf", in: page))
            #expect(page.contains("历任帮扶责任人") && page.contains(#"<option value="township""#))
            #expect(try await b.request(.post, "/households/\(unnamed.householdId)/helper", form: ["_csrf": csrf, "helper": "township"]).status == .seeOther)
            let history = try JSONDecoder().decode([Assignment].self, from: try await client.api(.get, path, token: village).body)
            #expect(history.map(\.username) == ["township", "village"] && history[0].to == nil && history[1].to == Clock.system.today().description)
            let list = String(buffer: try await b.request(.get, "/helpers?overdue=1").body)
            #expect(list.contains("帮扶责任人与走访") && list.contains("已逾期"))
        }
    }
}
