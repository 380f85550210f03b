import DoudiDomain
import DoudiServer
import DoudiSheets
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Quarterly reviews through HTTP: the helper records through the API, the township confirms on the page, the county's drill-down and export")
struct EffectHTTPTests {
    struct Missing: Decodable { var total: Int; var households: [Household]; struct Household: Decodable { var householdId: String; var helper: String?; var status: String? } }
    struct Review: Decodable { var id: Int64; var householdId: String; var status: String; var incomeNow: Int; var guarantees: [String] }

    @Test(arguments: Backend.available) func recordedConfirmedAndCounted(_ backend: Backend) async throws {
        try await withServer(backend, households: 300, monitoring: true) { client, _ in
            let county = try await client.token("county")
            let q = Quarter(Clock.system.today()).description
            func missing(_ token: String) async throws -> Missing {
                try JSONDecoder().decode(Missing.self, from: try await client.api(.get, "/api/v1/effects/missing?quarter=\(q)&limit=500", token: token).body)
            }
            let before = try await missing(county)
            // The demo's helpers recorded about half; the rest are missing. The county names the village's cadre the
            // helper of one of the village's, who records it.
            let mine = try #require(before.households.first { $0.householdId.hasPrefix("H430481001001") && $0.status == nil })
            #expect(try await client.api(.put, "/api/v1/households/\(mine.householdId)/helper", token: county, json: #"{"username":"village"}"#).status.code < 300)
            let village = try await client.token("village")
            let body = #"{"incomeNow":9800,"incomeBefore":8600,"guarantees":["food","clothing","medical"],"measuresTaken":"临时救助","nextSteps":"继续走访"}"#
            let r = try await client.api(.put, "/api/v1/households/\(mine.householdId)/effects/\(q)", token: village, json: body)
            #expect(r.status == .ok)
            let review = try JSONDecoder().decode(Review.self, from: r.body)
            #expect(review.status == "recorded" && review.guarantees == ["food", "clothing", "medical"])
            // Not for a quarter that has not begun; not by someone who is not the helper.
            #expect(try await client.api(.put, "/api/v1/households/\(mine.householdId)/effects/2099-Q1", token: village, json: body).status == .unprocessableContent)
            #expect(try await client.api(.put, "/api/v1/households/\(mine.householdId)/effects/\(q)", token: county, json: body).status == .unprocessableContent)
            #expect(try await client.api(.get, "/api/v1/effects/missing?quarter=2026-Q5", token: county).status == .badRequest)

            // The township confirms it on the household's review page; it leaves the county's list.
            let b = Browser(client)
            _ = try await b.login("township")
            let page = String(buffer: try await b.request(.get, "/households/\(mine.householdId)/effect?quarter=\(q)").body)
            #expect(page.contains("待乡镇确认") && page.contains("临时救助"))
            let csrf = try #require(Browser.field("_csrf", in: page))
            let done = try await b.request(.post, "/effects/\(review.id)", form: ["_csrf": csrf, "decision": "confirm", "household": mine.householdId, "quarter": q])
            #expect(done.status == .seeOther)
            let after = try await missing(county)
            #expect(after.total == before.total - 1 && !after.households.contains { $0.householdId == mine.householdId })
            #expect(String(buffer: try await b.request(.get, "/households/\(mine.householdId)/effect?quarter=\(q)").body).contains("乡镇已确认"))

            // The county's view: per township, a drill-down to the street and its villages, the list exported.
            let c = Browser(client)
            _ = try await c.login("county")
            let top = String(buffer: try await c.request(.get, "/effects?quarter=\(q)").body)
            #expect(top.contains("蔡子池街道") && top.contains("未完成分析的监测户"))
            let street = String(buffer: try await c.request(.get, "/effects?quarter=\(q)&region=430481001000").body)
            #expect(street.contains("牌楼居委会"))
            let sheet = try XLSXReader.rows(Data(try await c.request(.get, "/effects.xlsx?quarter=\(q)").body.readableBytesView))
            #expect(sheet.count - 1 == after.total && sheet.first?.first == "户编号")
            #expect(try await c.request(.get, "/effects?quarter=garbage&region=999").status.code < 500)
        }
    }
}
