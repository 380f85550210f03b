import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Aid first through HTTP: the township pays by API and by page (asked again), the county funds, the paperwork completed; the figures count it")
struct AidHTTPTests {
    struct Aid: Decodable { var id: Int64; var name: String; var residentIdMasked: String?; var outside: Bool; var late: Bool; var dueOn: String; var completedOn: String? }
    struct Fund: Decodable { var township: String; var balance: Int }
    struct Figures: Decodable { var aidFirst: A; struct A: Decodable { var paid: Int; var amount: Int; var outside: Int; var overdue: Int } }

    @Test(arguments: Backend.available) func paidFundedCompletedAndCounted(_ backend: Backend) async throws {
        try await withServer(backend, households: 200, monitoring: true) { client, _ in
            let township = try await client.token("township"), county = try await client.token("county"), village = try await client.token("village")
            let month = YearMonth(Clock.system.today()).description
            let figures = { () async throws -> Figures.A in
                try JSONDecoder().decode(Figures.self, from: try await client.api(.get, "/api/v1/assistance/figures?regionCode=430481000000&month=\(month)", token: county).body).aidFirst
            }
            let before = try await figures()
            let funds = try JSONDecoder().decode([Fund].self, from: try await client.api(.get, "/api/v1/assistance/reserve", token: township).body)
            let balance = try #require(funds.first { $0.township == "430481001000" }).balance
            // A person registered in another province, by API: masked in the answer, due in working days.
            let body = #"{"outside":{"name":"周外来","residentId":"11010519491231002X","registeredAt":"北京市"},"place":"430481001001","kind":"emergency","amount":500,"reason":"务工受伤"}"#
            #expect(try await client.api(.post, "/api/v1/assistance/aid", token: village, json: body).status == .forbidden)
            let paid = try await client.api(.post, "/api/v1/assistance/aid", token: township, json: body)
            #expect(paid.status == .created)
            let aid = try JSONDecoder().decode(Aid.self, from: paid.body)
            #expect(aid.outside && aid.residentIdMasked == "110105**********2X" && !aid.late && aid.dueOn > Clock.system.today().description)
            #expect(!String(buffer: paid.body).contains("11010519491231002X"))
            let after = try JSONDecoder().decode([Fund].self, from: try await client.api(.get, "/api/v1/assistance/reserve", token: township).body)
            #expect(after.first { $0.township == "430481001000" }?.balance == balance - 500)
            let wrongID = body.replacingOccurrences(of: "11010519491231002X", with: "110105194912310021")
            #expect(try await client.api(.post, "/api/v1/assistance/aid", token: township, json: wrongID).status == .unprocessableContent)
            let counted = try await figures()
            #expect(counted.paid == before.paid + 1 && counted.amount == before.amount + 500 && counted.outside == before.outside + 1)
            // The county funds the township; the township may not fund itself.
            #expect(try await client.api(.post, "/api/v1/assistance/reserve", token: township, json: #"{"township":"430481001000","amount":1000}"#).status == .forbidden)
            let funded = try JSONDecoder().decode(Fund.self, from: try await client.api(.post, "/api/v1/assistance/reserve", token: county,
                                                                                          json: #"{"township":"430481001000","amount":1000}"#).body)
            #expect(funded.balance == balance + 500)
            let done = try await client.api(.post, "/api/v1/assistance/aid/\(aid.id)/complete", token: township, json: #"{"note":"已补交申请书"}"#)
            #expect(done.status == .ok)
            #expect(try JSONDecoder().decode(Aid.self, from: done.body).completedOn == Clock.system.today().description)

            // The page: a household of the register, asked again before the money leaves the fund.
            let b = Browser(client)
            _ = try await b.login("township")
            let page = String(buffer: try await b.request(.get, "/assistance/aid").body)
            let csrf = try #require(Browser.field("_csrf", in: page))
            #expect(page.contains("乡镇临时救助备用金") && page.contains("周外来") && page.contains("外来人员"))
            // Completed: gone from the list of open paperwork, kept in the whole list.
            #expect(!String(buffer: try await b.request(.get, "/assistance/aid?open=1").body).contains("周外来"))
            let (household, _) = try await ApplicationHTTPTests.household(client, village)
            let form = ["_csrf": csrf, "recipient": "household", "household": household, "place": "430481001001", "kind": "expense", "amount": "300", "reason": "住院自付"]
            let ask = try await b.request(.post, "/assistance/aid", form: form)
            #expect(ask.status == .ok && String(buffer: ask.body).contains("确定从备用金中支付"))
            #expect(try await figures().paid == counted.paid)
            let recorded = try await b.request(.post, "/assistance/aid", form: form.merging(["confirmed": "1"]) { a, _ in a })
            #expect(recorded.status == .seeOther && (recorded.headers[.location] ?? "").hasPrefix("/assistance/aid/"))
            #expect(try await figures().paid == counted.paid + 1)
            let over = try await b.request(.post, "/assistance/aid", form: form.merging(["amount": "99999", "confirmed": "1"]) { _, new in new })
            #expect(over.status == .unprocessableContent && String(buffer: over.body).contains("乡镇审批上限"))
        }
    }
}
