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

@Suite("3866 cases through HTTP: the demo's cases by step, a case walked through six steps by API and closed on the page (asked again)")
struct CaseHTTPTests {
    struct Case: Decodable { var id: Int64; var householdId: String; var regionCode: String; var step: String; var status: String; var due: String?; var overdue: Bool }
    struct Detail: Decodable { var `case`: Case; var events: [Event]; struct Event: Decodable { var action: String; var note: String; var to: String? } }
    struct Page: Decodable { var total: Int; var cases: [Case] }
    struct Problem: Decodable { var messageZh: String; var messageEn: String }

    @Test(arguments: Backend.available) func walkedByAPIAndClosedOnThePage(_ backend: Backend) async throws {
        try await withServer(backend, households: 300, monitoring: true) { client, _ in
            let village = try await client.token("village"), township = try await client.token("township"), county = try await client.token("county")
            func list(_ query: String, _ token: String) async throws -> Page {
                let r = try await client.api(.get, "/api/v1/cases?\(query)", token: token)
                #expect(r.status == .ok, "\(query)")
                return try JSONDecoder().decode(Page.self, from: r.body)
            }
            // The demo has open cases at every step, some overdue; the village sees only its own.
            for step in CaseStep.allCases {
                let page = try await list("step=\(step.rawValue)", county)
                #expect(page.total > 0 && page.cases.allSatisfy { $0.step == step.rawValue && $0.status == "open" }, "\(step)")
            }
            #expect(try await list("overdue=true", county).cases.contains { $0.overdue })
            #expect(try await list("status=closed", county).total > 0)
            #expect(try await list("limit=500", village).cases.allSatisfy { $0.regionCode == "430481001001" })
            #expect(try await client.api(.get, "/api/v1/cases?step=fly", token: county).status == .badRequest)
            #expect(try await client.api(.get, "/api/v1/cases", token: try await client.token("hotline")).status == .forbidden)

            // A new household of the village: a case opened by its cadre, one only.
            let rid = validID("43048119850505123").text
            let h = #"{"householdId":"H430481001001-CASE1","regionCode":"430481001001","members":[{"residentId":"\#(rid)","relation":"head","laborAbility":"partial","name":"柯新"}]}"#
            #expect(try await client.api(.post, "/api/v1/households", token: village, json: h).status == .created)
            let body = #"{"householdId":"H430481001001-CASE1","origin":"cadre","note":"走访发现户主患病"}"#
            let opened = try await client.api(.post, "/api/v1/cases", token: village, json: body)
            #expect(opened.status == .created)
            let c = try JSONDecoder().decode(Detail.self, from: opened.body).case
            #expect(c.step == "survey" && c.due != nil && !c.overdue)
            #expect(try await client.api(.post, "/api/v1/cases", token: village, json: body).status == .unprocessableContent)
            #expect(try await client.api(.post, "/api/v1/cases", token: village, json: body.replacingOccurrences(of: "cadre", with: "monitoring")).status == .unprocessableContent)

            func move(_ token: String, _ json: String) async throws -> TestResponse {
                try await client.api(.post, "/api/v1/cases/\(c.id)/moves", token: token, json: json)
            }
            let advance = #"{"move":"advance","note":"本环节办结"}"#
            for token in [village, village] { #expect(try await move(token, advance).status == .ok) }
            // At the approval the village may not act: the refusal names who does, in both languages.
            let refused = try await move(village, advance)
            #expect(refused.status == .unprocessableContent)
            let p = try JSONDecoder().decode(Problem.self, from: refused.body)
            #expect(p.messageZh.contains("“审批”环节由") && p.messageEn.contains("approval step is done by"))
            #expect(try await move(county, #"{"move":"sendBack","to":"survey","note":"x"}"#).status == .unprocessableContent)
            #expect(try await move(county, #"{"move":"sendBack","note":"x"}"#).status == .unprocessableContent)
            for token in [county, township, village] { #expect(try await move(token, advance).status == .ok) }
            let at = try JSONDecoder().decode(Detail.self, from: try await client.api(.get, "/api/v1/cases/\(c.id)", token: county).body)
            #expect(at.case.step == "monitor" && at.events.map(\.action) == ["opened", "advanced", "advanced", "advanced", "advanced", "advanced"])
            #expect(try await list("householdId=H430481001001-CASE1", township).cases.map(\.id) == [c.id])

            // The page: the village cadre cannot close a monitored case; the township closes it, asked again first.
            let b = Browser(client)
            _ = try await b.login("township")
            let page = String(buffer: try await b.request(.get, "/cases/\(c.id)").body)
            #expect(page.contains("柯新") && page.contains("走访发现户主患病") && page.contains("监测"))
            let csrf = try #require(Browser.field("_csrf", in: page))
            let form = ["_csrf": csrf, "move": "close", "note": "收入稳定，户情稳定"]
            let ask = try await b.request(.post, "/cases/\(c.id)", form: form)
            #expect(ask.status == .ok && String(buffer: ask.body).contains("确定结案吗"))
            #expect(try JSONDecoder().decode(Detail.self, from: try await client.api(.get, "/api/v1/cases/\(c.id)", token: county).body).case.status == "open")
            let done = try await b.request(.post, "/cases/\(c.id)", form: form.merging(["confirmed": "1"]) { a, _ in a })
            #expect(done.status == .seeOther)
            let closed = try JSONDecoder().decode(Detail.self, from: try await client.api(.get, "/api/v1/cases/\(c.id)", token: county).body)
            #expect(closed.case.status == "closed" && closed.events.last?.note == "收入稳定，户情稳定")
            // The list by step and the new-case form for the household.
            let listPage = String(buffer: try await b.request(.get, "/cases?household=H430481001001-CASE1&status=all").body)
            #expect(listPage.contains("柯新") && listPage.contains("已结案"))
            #expect(String(buffer: try await b.request(.get, "/cases/new?household=H430481001001-CASE1").body).contains(#"value="H430481001001-CASE1""#))
            // The list as filtered, exported: Chinese headers, one row per case at that step, household numbers as text.
            let sheet = try XLSXReader.rows(Data(try await b.request(.get, "/cases.xlsx?step=aid").body.readableBytesView))
            #expect(sheet.first?.prefix(2) == ["户编号", "户主"])
            #expect(sheet.count - 1 == (try await list("step=aid&limit=500", township)).total && sheet.dropFirst().allSatisfy { $0[4] == "救助" })
            // A page number typed far past any list's end is an empty page, never an overflow (it crashed the server before).
            for path in ["/cases", "/helpers", "/households", "/leads", "/episodes", "/assistance", "/assistance/aid", "/assistance/reviews", "/assistance/roll"] {
                #expect(try await b.request(.get, "\(path)?page=999999999999999999").status == .ok, "\(path)")
            }
        }
    }
}
