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

@Suite("The figures of the 3866 work through HTTP: per child region, the totals equal to the records, drill-down, export, scope")
struct CaseFiguresHTTPTests {
    struct Figures: Decodable {
        var regionCode: String; var rows: [Row]; var measuresByService: [String: Int]; var measuresByUnit: [String: Int]
        struct Row: Decodable { var regionCode: String; var name: String; var casesByStep: [String: Int]; var overdueCases: Int; var measures: Int; var toVisit: Int; var reviewsMissing: Int }
    }

    @Test(arguments: Backend.available) func countedFromTheRecords(_ backend: Backend) async throws {
        try await withServer(backend, households: 300, monitoring: true) { client, services in
            let county = try await client.token("county")
            let r = try await client.api(.get, "/api/v1/cases/figures", token: county)
            #expect(r.status == .ok)
            let f = try JSONDecoder().decode(Figures.self, from: r.body)
            let total = try #require(f.rows.last)
            #expect(total.regionCode == "430481000000" && f.rows.dropLast().allSatisfy { $0.regionCode.hasPrefix("430481") && $0.regionCode.hasSuffix("000") })
            // The totals are the records': open cases by step, measures, reviews missing; the children add up to them.
            let today = Clock.system.today()
            for step in CaseStep.allCases {
                let n = try await CaseStore(services.db).cases(by: .system(), .init(step: step), today: today, limit: 1).total
                #expect(total.casesByStep[step.rawValue, default: 0] == n, "\(step)")
                #expect(f.rows.dropLast().reduce(0) { $0 + $1.casesByStep[step.rawValue, default: 0] } == n, "\(step)")
            }
            #expect(total.reviewsMissing == (try await EffectReviewStore(services.db).missing(by: .system(), quarter: Quarter(today)).count))
            #expect(f.measuresByService.values.reduce(0, +) == total.measures && f.measuresByUnit.values.reduce(0, +) == total.measures && total.measures > 0)
            // Down to the street, whose villages are rows; outside the caller's subtree, nothing.
            let street = try JSONDecoder().decode(Figures.self, from: try await client.api(.get, "/api/v1/cases/figures?regionCode=430481001000", token: county).body)
            #expect(street.rows.contains { $0.name == "牌楼居委会" })
            let village = try await client.token("village")
            #expect(try await client.api(.get, "/api/v1/cases/figures?regionCode=430481001000", token: village).status == .notFound)
            #expect(try await client.api(.get, "/api/v1/cases/figures", token: try await client.token("education")).status == .forbidden)
            // The page and its export.
            let b = Browser(client)
            _ = try await b.login("county")
            let page = String(buffer: try await b.request(.get, "/cases/figures").body)
            #expect(page.contains("帮扶工作统计") && page.contains(#"href="/cases/figures?region=430481001000""#))
            let sheet = try XLSXReader.rows(Data(try await b.request(.get, "/cases/figures.xlsx?region=430481001000").body.readableBytesView))
            #expect(sheet.count == street.rows.count + 1 && sheet.first?.prefix(3) == ["区划代码", "所在村（社区）", "摸底"])
        }
    }
}
