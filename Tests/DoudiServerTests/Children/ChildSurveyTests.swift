import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Village surveys (全面排查): recorded by a village's child director, counted only when the checklist is complete, read as coverage")
struct ChildSurveyTests {
    struct Coverage: Decodable {
        struct Row: Decodable { var regionCode: String; var villages: Int; var surveyed: Int; var childrenChecked: Int; var lastSurveyedOn: String? }
        var rows: [Row]
    }

    @Test(arguments: Backend.available) func coverage(_ backend: Backend) async throws {
        try await withServer(backend, households: 40, monitoring: true) { client, services in
            let children = try await client.token("children"), village = try await client.token("village")
            let today = services.clock.today(), since = today.adding(days: -7)
            func read() async throws -> Coverage {
                try JSONDecoder().decode(Coverage.self, from: Data(buffer: try await client.api(.get, "/api/v1/children/surveys/coverage?since=\(since)", token: children).body))
            }
            var c = try await read()
            let total = try #require(c.rows.last)
            #expect(total.surveyed == 1 && total.childrenChecked == 146 && total.villages > 1, "the demo village, yesterday")
            let other = try #require(c.rows.first { $0.regionCode != DemoLoader.village.description && $0.surveyed == 0 }).regionCode
            let half = #"{"regionCode":"\#(other)","surveyedOn":"\#(today)","childrenChecked":80,"withoutCare":1,"items":["everyFamilyVisited","guardiansConfirmed"]}"#
            let saved = try await client.api(.post, "/api/v1/children/surveys", token: children, json: half)
            #expect(saved.status == .created && String(buffer: saved.body).contains("\"complete\":false"))
            c = try await read()
            #expect(c.rows.last?.surveyed == 1, "an incomplete checklist does not count")
            let full = half.replacingOccurrences(of: #""guardiansConfirmed"]"#, with: #""guardiansConfirmed","epidemicScreening","casesReported"]"#)
            #expect(try await client.api(.post, "/api/v1/children/surveys", token: children, json: full).status == .created)
            c = try await read()
            #expect(c.rows.last?.surveyed == 2 && c.rows.last?.childrenChecked == 226 && c.rows.first { $0.regionCode == other }?.lastSurveyedOn == today.description,
                    "the same day again replaces the first record")
            let ahead = full.replacingOccurrences(of: today.description, with: today.adding(days: 1).description)
            let refused = try await client.api(.post, "/api/v1/children/surveys", token: children, json: ahead)
            #expect(refused.status == .unprocessableContent && String(buffer: refused.body).contains("surveyedOn"))
            let tooMany = full.replacingOccurrences(of: #""withoutCare":1"#, with: #""withoutCare":81"#)
            #expect(try await client.api(.post, "/api/v1/children/surveys", token: children, json: tooMany).status == .unprocessableContent)
            #expect(try await client.api(.post, "/api/v1/children/surveys", token: village, json: full).status == .forbidden)
            #expect(try await client.api(.get, "/api/v1/children/surveys/coverage", token: village).status == .forbidden)
            #expect(try await AuditStore(services.db).search(by: .system(), action: "child.survey").count == 3, "the demo's and two here")

            let b = Browser(client)
            _ = try await b.login("children")
            let page = String(buffer: try await b.request(.get, "/children/survey?since=\(since)").body)
            let csrf = try #require(Browser.field("_csrf", in: page))
            #expect(page.contains("全面排查") && page.contains("已逐户摸排有未成年子女的家庭") && page.contains("未全覆盖"))
            let form = try await b.request(.post, "/children/survey", form: ["_csrf": csrf, "regionCode": DemoLoader.village.description, "surveyedOn": today.description,
                                                                           "childrenChecked": "150", "withoutCare": "x"])
            #expect(form.status == .unprocessableContent && String(buffer: form.body).contains("发现监护缺失儿童人数"))
            let csv = String(buffer: try await b.request(.get, "/children/survey.csv?since=\(since)").body)
            #expect(csv.contains("牌楼居委会") && csv.contains("226"))
        }
    }
}
