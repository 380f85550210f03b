import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Children's figures: the open cases of a region per child region, by risk, category and care, counted from the records")
struct ChildFiguresTests {
    struct Figures: Decodable {
        struct Row: Decodable { var regionCode: String; var name: String; var open: Int; var waiting: Int; var careEnding: Int; var byRisk: [String: Int] }
        var regionCode: String; var rows: [Row]; var byCategory: [String: Int]; var byCare: [String: Int]; var allowances: Allowances
        struct Allowances: Decodable {
            var inForce: Int; var monthlyTotal: Int; var papersWaiting: Int; var papersOverdue: Int; var sameMonth: [Month]
            struct Month: Decodable { var month: String; var approved: Int; var paidSameMonth: Int }
        }
    }

    @Test(arguments: Backend.available) func demo(_ backend: Backend) async throws {
        try await withServer(backend, households: 40, monitoring: true) { client, services in
            let children = try await client.token("children"), county = try await client.token("county")
            let answer = try await client.api(.get, "/api/v1/children/figures", token: children)
            #expect(answer.status == .ok)
            let f = try JSONDecoder().decode(Figures.self, from: Data(buffer: answer.body))
            let total = try #require(f.rows.last)
            // The demo's five, one closed: two waiting, one in isolation ending tomorrow, one with relatives (de-facto unsupported).
            #expect(f.regionCode == DemoLoader.township.description && total.regionCode == f.regionCode)
            #expect(total.open == 4 && total.waiting == 2 && total.careEnding == 1 && total.byRisk == ["high": 1, "medium": 1])
            #expect(f.byCare == ["isolationObservation": 1, "relativeCare": 1, "none": 2] && f.byCategory == ["none": 3, "defactoUnsupportedChild": 1])
            // 吴小兰's allowance, approved today on her aunt's pledge and on this month's roll.
            let month = YearMonth(services.db.clock.today())
            #expect(f.allowances.inForce == 1 && f.allowances.monthlyTotal == 1_200 && f.allowances.papersWaiting == 1 && f.allowances.papersOverdue == 0)
            #expect(f.allowances.sameMonth.map(\.month) == [month.adding(months: -1).description, month.description])
            #expect(f.allowances.sameMonth.last.map { ($0.approved, $0.paidSameMonth) } ?? (0, 0) == (1, 1))
            let village = try #require(f.rows.first { $0.regionCode == DemoLoader.village.description })
            #expect(village.open == 4 && f.rows.dropLast().reduce(0) { $0 + $1.open } == total.open, "each case in its village's row once")
            #expect(try await client.api(.get, "/api/v1/children/figures", token: county).status == .forbidden, "the county officer as such sees no children")
            #expect(try await client.api(.get, "/api/v1/children/figures?regionCode=430481002000", token: children).status == .notFound, "another township")
            let b = Browser(client)
            _ = try await b.login("children")
            let page = String(buffer: try await b.request(.get, "/children/figures").body)
            #expect(page.contains("困境儿童统计") && page.contains("集中隔离医学观察") && page.contains("尚未认定"))
            #expect(page.contains("本月发放人数与金额") && page.contains("1 · 1200 元/月") && page.contains("100%"))
            let csv = String(buffer: try await b.request(.get, "/children/figures.csv").body)
            #expect(csv.contains("共,") && csv.contains("牌楼居委会"), "the total row and the villages")
        }
    }
}
