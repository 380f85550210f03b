import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("The lead queue page: open first, in date order, filters in the address, pages with the total")
struct LeadQueuePageTests {
    static func days(_ page: String) -> [String] {
        page.matches(of: /data-label="时间">(\d{4}-\d{2}-\d{2})</).map { String($0.output.1) }
    }

    @Test(arguments: Backend.available)
    func aCountyOfficerFiltersAndPagesTheQueue(_ backend: Backend) async throws {
        try await withServer(backend, households: 300, monitoring: true) { client, services in
            let county = Browser(client)
            _ = try await county.login("county")
            let countyID = try #require(try await services.users.accountID(username: "county"))
            let actor = try #require(try await services.users.account(countyID, by: .system())).account.actor
            let today = Clock.system.today()
            // By default the work to do: open leads only, newest day first, whatever order they were stored in.
            let first = String(buffer: try await county.request(.get, "/leads").body)
            let open = try await services.leads.queue(by: actor, LeadQuery(status: .open), today: today)
            #expect(first.contains("共 \(open.total)") && open.total > 0)
            let shown = Self.days(first)
            #expect(!shown.isEmpty && shown == shown.sorted(by: >), "\(shown)")
            #expect(!first.contains("data-label=\"状态\">已核实确认<") && !first.contains("data-label=\"状态\">核实不符<") && first.contains("data-label=\"状态\">待核实<"))
            // Oldest first, by channel, overdue only: the address carries the filters, and the next page keeps them.
            let oldest = Self.days(String(buffer: try await county.request(.get, "/leads?status=&sort=oldest").body))
            let all = try await services.leads.queue(by: actor, LeadQuery(), today: today).total
            #expect(oldest == oldest.sorted() && oldest.count == min(50, all))
            if all > 50 {
                let page = String(buffer: try await county.request(.get, "/leads?status=&sort=oldest").body)
                #expect(page.contains("href=\"/leads?status=&amp;channel=&amp;region=&amp;q=&amp;overdue=&amp;sort=oldest&amp;page=1\""))
            }
            let calls = String(buffer: try await county.request(.get, "/leads?status=&channel=hotline").body)
            let hotline = try await services.leads.queue(by: actor, LeadQuery(channel: .hotline), today: today)
            #expect(calls.contains("共 \(hotline.total)") && !calls.contains("data-label=\"来源\">农户自主申报<"))
            let late = String(buffer: try await county.request(.get, "/leads?overdue=1").body)
            let overdue = try await services.leads.overdue(by: actor, today: today)
            #expect(late.contains("共 \(overdue.count)") && late.contains("name=\"overdue\" value=\"1\" checked"))
            // Part of a name: the second character of a reporter's name finds them.
            let someone = try #require(open.items.first { $0.name.count >= 2 })
            let part = String(someone.name.dropFirst().prefix(1))
            let found = String(buffer: try await county.request(.get, "/leads?q=\(part.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)").body)
            #expect(found.contains(">\(someone.name)</a>"))
            // The API twin answers the same filters, with the total in a header.
            let token = try await client.token("county")
            let api = try await client.api(.get, "/api/v1/leads?channel=hotline&limit=5", token: token)
            #expect(api.status == .ok && api.headers[HTTPField.Name("X-Total-Count")!] == String(hotline.total))
        }
    }
}
