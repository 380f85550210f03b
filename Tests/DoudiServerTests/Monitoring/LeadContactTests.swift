import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("No dead ends: a lead shows how to reach its reporter, and registers the family it is about")
struct LeadContactTests {
    @Test(arguments: Backend.available)
    func aCadreCallsBackThenRegistersTheFamilyAndConfirms(_ backend: Backend) async throws {
        try await withServer(backend, households: 40) { client, services in
            // Someone not in the register reports, with a mobile number.
            let person = MatrixRequest.freshID(7_777).text
            let report = #"{"name":"新来户","residentId":"\#(person)","mobile":"13912345678","regionCode":"430481001001","riskKinds":["illness"],"description":"刚迁入","consent":true}"#
            #expect(try await client.api(.post, "/api/v1/public/self-reports", token: nil, json: report).status == .created)
            let b = Browser(client)
            _ = try await b.login("village")
            let queue = String(buffer: try await b.request(.get, "/leads?q=新来户").body)
            let id = try #require(queue.firstMatch(of: /href="\/leads\/(\d+)">新来户</).map { String($0.output.1) })
            let page = String(buffer: try await b.request(.get, "/leads/\(id)").body)
            let csrf = try #require(Browser.field("_csrf", in: page))
            #expect(page.contains("联系电话") && page.contains("139****5678") && !page.contains("13912345678"))
            #expect(page.contains("查看完整号码") && page.contains("登记该户"))
            // The full number, for a call back: shown once, audited.
            let shown = String(buffer: try await b.request(.post, "/leads/\(id)/reveal", form: ["_csrf": csrf, "purpose": "contact"]).body)
            #expect(shown.contains("tel:13912345678"))
            let log = try await services.audit.search(by: .system(), action: "lead.reveal", subject: id)
            #expect(log.count == 1 && log[0].actor == "village" && (log[0].afterJSON ?? "").contains("contact") && !(log[0].afterJSON ?? "").contains("13912345678"))
            // Register this family: the form comes filled from the lead, the 户编号 left to the village's numbering.
            let form = String(buffer: try await b.request(.post, "/leads/\(id)/reveal", form: ["_csrf": csrf, "purpose": "register"]).body)
            #expect(form.contains("value=\"\(person)\"") && form.contains("value=\"新来户\"") && form.contains("<option value=\"430481001001\" selected"))
            let next = try #require(form.firstMatch(of: /本村下一个编号：(H430481001001-\d+)/).map { String($0.output.1) })
            let highest = try await services.households.search(by: .system(), region: DemoLoader.village, limit: 10_000).items
                .compactMap { Int($0.id.split(separator: "-").last ?? "") }.max() ?? -1
            #expect(next == "H430481001001-\(highest + 1)")
            let fields = ["_csrf": csrf, "householdId": "", "regionCode": "430481001001", "povertyStatus": "none", "incomePerCapita": "5000",
                          "residentId": person, "name": "新来户", "relation": "head", "laborAbility": "full", "phone": "13912345678"]
            let saved = try await b.request(.post, "/households/new", form: fields)
            #expect(saved.status == .seeOther && saved.headers[.location] == "/households/\(next)")
            // The lead now names the household, and can be confirmed without a second look-up.
            let after = String(buffer: try await b.request(.get, "/leads/\(id)").body)
            #expect(after.contains("href=\"/households/\(next)\"") && !after.contains("登记该户"))
            let confirm = ["_csrf": csrf, "decision": "confirmed", "monitoringType": "suddenHardship", "riskKinds": "illness", "confirmed": "1"]
            #expect(try await b.request(.post, "/leads/\(id)", form: confirm).status == .seeOther)
            #expect(try await services.episodes.episodes(by: .system(), statuses: [.identifying], householdID: next).count == 1)
            // The hotline may not see the full number.
            let hotline = Browser(client)
            _ = try await hotline.login("hotline")
            let hotPage = String(buffer: try await hotline.request(.get, "/leads/\(id)").body)
            #expect(!hotPage.contains("查看完整号码"))
            let hotCSRF = try #require(Browser.field("_csrf", in: hotPage))
            #expect(try await hotline.request(.post, "/leads/\(id)/reveal", form: ["_csrf": hotCSRF]).status == .forbidden)
        }
    }
}
