import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("The working-day calendar through HTTP: read by all who read the register, a county's own day set by its administrator")
struct CalendarTests {
    struct Year: Decodable {
        var workingDays: Int
        var days: [Day]
        struct Day: Decodable { var date: String; var kind: String; var title: String; var fromRegion: String; var own: Bool }
    }

    @Test(arguments: Backend.available) func aCountyHolidayThroughTheAPIAndThePage(_ backend: Backend) async throws {
        try await withServer(backend, households: 10) { client, _ in
            let admin = try await client.token("admin"), village = try await client.token("village")
            func year(_ token: String, _ query: String) async throws -> Year {
                try JSONDecoder().decode(Year.self, from: try await client.api(.get, "/api/v1/calendar?year=2026\(query)", token: token).body)
            }
            let before = try await year(village, "")
            #expect(before.days.contains { $0.date == "2026-02-14" && $0.kind == "workday" && $0.fromRegion == "000000000000" && !$0.own })
            let put = #"{"region":"430481000000","date":"2026-12-07","kind":"holiday","title":"县庆"}"#
            #expect(try await client.api(.put, "/api/v1/calendar", token: village, json: put).status == .forbidden)
            #expect(try await client.api(.put, "/api/v1/calendar", token: admin, json: put).status == .noContent)
            #expect(try await client.api(.put, "/api/v1/calendar", token: admin, json: #"{"region":"430482000000","date":"2026-12-07","kind":"holiday","title":"县庆"}"#).status == .forbidden)
            let bad = try await client.api(.put, "/api/v1/calendar", token: admin, json: #"{"region":"430481000000","date":"2026-13-01","kind":"vacation","title":""}"#)
            #expect(bad.status == .unprocessableContent)
            struct Problems: Decodable { var problems: [P]; struct P: Decodable { var field: String; var messageZh: String } }
            let problems = try JSONDecoder().decode(Problems.self, from: bad.body).problems
            #expect(problems.map(\.field) == ["date", "kind", "title"] && problems[0].messageZh.contains("年-月-日"))
            // The village below sees the county's day, inherited, and one working day fewer in the year.
            let after = try await year(village, "")
            #expect(after.workingDays == before.workingDays - 1)
            #expect(after.days.first { $0.date == "2026-12-07" }.map { ($0.title, $0.fromRegion, $0.own) } ?? ("", "", true) == ("县庆", "430481000000", false))
            #expect(try await year(admin, "&region=430481000000").days.first { $0.date == "2026-12-07" }?.own == true)
            // The page says it in words; the administrator may remove the county's own day, and the village's count is back.
            let b = Browser(client)
            _ = try await b.login("admin")
            let page = String(buffer: try await b.request(.get, "/calendar?region=430481000000&year=2026").body)
            #expect(page.contains("2026-12-07 周一") && page.contains("县庆") && page.contains("调休上班") && page.contains("删除本级设置"))
            let csrf = try #require(Browser.field("_csrf", in: page))
            let removed = try await b.request(.post, "/calendar/remove", form: ["_csrf": csrf, "region": "430481000000", "date": "2026-12-07"])
            #expect(removed.status == .ok && String(buffer: removed.body).contains("已删除"))
            #expect(try await year(village, "").workingDays == before.workingDays)
            #expect(try await client.api(.delete, "/api/v1/calendar?region=430481000000&date=2026-12-07", token: admin).status == .notFound)
        }
    }
}
