import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Access: the hotline finds one person by resident ID, and browses nothing")
struct LeastPrivilegeTests {
    @Test(arguments: Backend.available)
    func aHotlineOperatorFindsOnePersonAndNoMore(_ backend: Backend) async throws {
        try await withServer(backend, households: 20) { client, services in
            let all = Actor.system()
            let first = try #require(try await services.households.search(by: all, limit: 1).items.first)
            let household = try #require(try await services.households.get(first.id, by: all))
            let person = household.members[0]
            let token = try await client.token("hotline")
            // The API: no list, one person by full resident ID, no household record, no full number.
            let list = try await client.api(.get, "/api/v1/households", token: token)
            #expect(list.status == .forbidden && String(buffer: list.body).contains("只能按完整身份证号码查找一人"))
            #expect(try await client.api(.get, "/api/v1/households?q=\(first.headName ?? "")".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!, token: token).status == .forbidden)
            let one = try await client.api(.get, "/api/v1/households?residentId=\(person.member.residentID.text)", token: token)
            #expect(one.status == .ok && String(buffer: one.body).contains(first.id) && !String(buffer: one.body).contains(person.member.residentID.text))
            #expect(try await client.api(.get, "/api/v1/households/\(first.id)", token: token).status == .forbidden)
            #expect(try await client.api(.post, "/api/v1/members/\(person.id)/reveal", token: token).status == .forbidden)
            #expect(try await client.api(.get, "/api/v1/episodes", token: token).status == .forbidden)
            // The pages: a look-up form and no list until an ID is typed; the summary line; no household page.
            let b = Browser(client)
            _ = try await b.login("hotline")
            let empty = String(buffer: try await b.request(.get, "/households").body)
            #expect(empty.contains("热线不浏览户籍名册") && !empty.contains("href=\"/households/H") && !empty.contains("id=\"q\""))
            #expect(!String(buffer: try await b.request(.get, "/households?region=\(first.region)").body).contains("href=\"/households/H"))
            let found = String(buffer: try await b.request(.get, "/households?rid=\(person.member.residentID.text)").body)
            #expect(found.contains(first.id) && !found.contains("href=\"/households/\(first.id)\""))
            #expect(try await b.request(.get, "/households/\(first.id)").status == .forbidden)
            #expect(try await b.request(.get, "/episodes").status == .forbidden)
            #expect(!String(buffer: try await b.request(.get, "/hotline").body).contains("href=\"/episodes\""))
            // The lead queue names registered people without a link the role cannot follow; a county officer's links them.
            let county = Browser(client)
            _ = try await county.login("county")
            #expect(String(buffer: try await county.request(.get, "/leads").body).contains("href=\"/households/"))
            #expect(!String(buffer: try await b.request(.get, "/leads").body).contains("href=\"/households/"))
            // A village cadre still browses.
            let cadre = try await client.token("village")
            #expect(try await client.api(.get, "/api/v1/households", token: cadre).status == .ok)
        }
    }
}
