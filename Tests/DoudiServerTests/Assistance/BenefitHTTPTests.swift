import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("A benefit's changes through HTTP: previewed, then recorded, by API and by page; refused for the village and for bad input")
struct BenefitHTTPTests {
    struct Benefit: Decodable { var id: Int64; var householdId: String; var amountThisMonth: Int; var ahead: [M]; var changes: [C]
        struct M: Decodable { var month: String; var amount: Int }
        struct C: Decodable { var outcome: String; var after: Int } }
    struct Plan: Decodable { var recorded: Bool; var outcome: String; var from: String; var standard: Int?; var amounts: [Benefit.M] }

    @Test(arguments: Backend.available) func previewRecordAndPage(_ backend: Backend) async throws {
        try await withServer(backend, households: 200, monitoring: true) { client, services in
            let county = try await client.token("county"), village = try await client.token("village")
            let due = try await BenefitReviewStore(services.db).due(by: .system(), month: YearMonth("2099-12")!, limit: 500)
            let picked = Array(due.filter { $0.kind == .dibao }.prefix(2))
            try #require(picked.count == 2)
            let first = picked[0], second = picked[1]
            let members = try #require(try await services.households.get(first.householdID, by: .system())).members.map(\.id)
            let next = YearMonth(Clock.system.today()).adding(months: 1).description
            let path = "/api/v1/assistance/benefits/\(first.benefitID)"
            let before = try JSONDecoder().decode(Benefit.self, from: try await client.api(.get, path, token: county).body)
            #expect(before.householdId == first.householdID && before.amountThisMonth > 0 && before.changes.isEmpty)
            // No income at all: the whole standard for each member, from next month; the preview records nothing.
            let body = #"{"covered":[\#(members.map(String.init).joined(separator: ","))],"income":[{"category":"wages","yuan":0}],"reason":"家庭成员失业"#
            let preview = try await client.api(.post, path + "/changes", token: county, json: body + #"","preview":true}"#)
            #expect(preview.status == .ok)
            let p = try JSONDecoder().decode(Plan.self, from: preview.body)
            let standard = try #require(p.standard)
            #expect(!p.recorded && p.outcome == "amount" && p.from == next && p.amounts.map(\.amount) == [standard * members.count])
            #expect(try JSONDecoder().decode(Benefit.self, from: try await client.api(.get, path, token: county).body).changes.isEmpty)
            #expect(try await client.api(.post, path + "/changes", token: village, json: body + #""}"#).status == .forbidden)
            let wrong = try await client.api(.post, path + "/changes", token: county, json: #"{"covered":[1],"income":[{"category":"salary","yuan":1}],"reason":"x"}"#)
            #expect(wrong.status == .unprocessableContent && String(buffer: wrong.body).contains("income"))
            #expect(try await client.api(.post, path + "/changes", token: county, json: #"{"reason":""}"#).status == .unprocessableContent)
            let recorded = try await client.api(.post, path + "/changes", token: county, json: body + #""}"#)
            #expect(recorded.status == .ok)
            #expect(try JSONDecoder().decode(Plan.self, from: recorded.body).recorded)
            let after = try JSONDecoder().decode(Benefit.self, from: try await client.api(.get, path, token: county).body)
            #expect(after.changes.map(\.outcome) == ["amount"] && after.ahead.first?.month == next && after.ahead.first?.amount == standard * members.count)

            // The page: the change is shown as it would be paid and asked again; only the confirmed form records it.
            let b = Browser(client)
            _ = try await b.login("county")
            let page = String(buffer: try await b.request(.get, "/assistance/benefits/\(second.benefitID)").body)
            let csrf = try #require(Browser.field("_csrf", in: page))
            #expect(page.contains("登记变更") && page.contains("尚无变更"))
            let ids = try #require(try await services.households.get(second.householdID, by: .system())).members.map(\.id)
            var form = ["_csrf": csrf, "reason": "全户迁出本县", "stop": "1", "incomeMonths": "12"]
            form["covered"] = ids.first.map(String.init)
            let ask = try await b.request(.post, "/assistance/benefits/\(second.benefitID)", form: form)
            let asked = String(buffer: ask.body)
            #expect(ask.status == .ok && asked.contains("确定按以下结果登记变更") && asked.contains("停发"))
            #expect(try await BenefitChangeStore(services.db).benefit(second.benefitID, by: .system(), today: Clock.system.today())?.changes.isEmpty == true)
            let done = try await b.request(.post, "/assistance/benefits/\(second.benefitID)", form: form.merging(["confirmed": "1"]) { a, _ in a })
            #expect(done.status == .seeOther)
            let shown = String(buffer: try await b.request(.get, "/assistance/benefits/\(second.benefitID)").body)
            // Stopped after this month (the month is still open to a correction, so the form stays).
            #expect(shown.contains("全户迁出本县") && shown.contains("<td data-label=\"最后发放月份\">\(YearMonth(Clock.system.today()))</td>"))
            let noReason = try await b.request(.post, "/assistance/benefits/\(second.benefitID)", form: ["_csrf": csrf, "reason": "", "stop": "1"])
            #expect(noReason.status != .seeOther)
        }
    }

    struct Suggested: Decodable { var application: ApplicationHTTPTests.Detail.A; var assessment: S?
        struct S: Decodable { var standard: Int; var perCapitaMonthly: String; var eligible: Bool; var amount: Int } }

    @Test(arguments: Backend.available) func theTownshipsOpinionStartsFromTheStandard(_ backend: Backend) async throws {
        try await withServer(backend, households: 10) { client, _ in
            let village = try await client.token("village"), township = try await client.token("township")
            let (hid, members) = try await ApplicationHTTPTests.household(client, village)
            // One member, 3,600 a year: 300 a month against the urban standard of 678 (a residents' committee): 378.
            let body = #"{"householdId":"\#(hid)","kind":"singlePersonDibao","covered":[\#(members[0])],"income":[{"category":"wages","yuan":3600}],"authorised":true}"#
            let created = try JSONDecoder().decode(Suggested.self, from: try await client.api(.post, "/api/v1/assistance/applications", token: village, json: body).body)
            let a = try #require(created.assessment)
            #expect(a.standard == 678 && a.perCapitaMonthly == "300.00" && a.eligible && a.amount >= 378)
            let id = created.application.applicationId
            for action in [#"{"action":"accept"}"#, #"{"action":"homeVisit","note":"入户核实"}"#] {
                #expect(try await client.api(.post, "/api/v1/assistance/applications/\(id)/actions", token: township, json: action).status == .ok)
            }
            let b = Browser(client)
            _ = try await b.login("township")
            let page = String(buffer: try await b.request(.get, "/assistance/\(id)").body)
            #expect(page.contains("按本地区低保标准678元/人/月测算：人均月收入300.00元") && page.contains("name=\"amount\" value=\"\(a.amount)\""))
        }
    }
}
