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

@Suite("Economic-status checks through HTTP: the county's file by API and by page, the findings on the application")
struct CheckHTTPTests {
    struct Report: Decodable { var rows: Int; var kept: Int; var applications: Int; var stored: Bool; var rejected: Int; var rejections: [R]; var messageZh: String
        struct R: Decodable { var line: Int; var field: String; var messageZh: String } }
    struct Detail: Decodable { var findings: [F]; var checks: [C]
        struct F: Decodable { var source: String; var found: Int; var limit: Int; var over: Bool; var messageZh: String }
        struct C: Decodable { var source: String; var value: Int } }

    @Test(arguments: Backend.available) func aDepartmentsFileReachesTheReviewer(_ backend: Backend) async throws {
        try await withServer(backend, households: 10) { client, services in
            let village = try await client.token("village"), county = try await client.token("county")
            let (hid, members) = try await ApplicationHTTPTests.household(client, village)
            let body = #"{"householdId":"\#(hid)","kind":"dibao","covered":[\#(members[0])],"income":[{"category":"wages","yuan":3600}],"authorised":true}"#
            let created = try await client.api(.post, "/api/v1/assistance/applications", token: village, json: body)
            let id = try JSONDecoder().decode(ApplicationHTTPTests.Detail.self, from: created.body).application.applicationId
            let person = try #require(try await services.households.get(hid, by: .system()).flatMap { h in h.members.first { $0.id == members[0] } }).member.residentID.text
            let today = Clock.system.today()
            let file = "身份证号码,核对类别,数值,核对日期,项目说明\n\(person),银行存款,30000,\(today),活期\n\(person),纳税,8000,\(today),\n"
            // Only the county loads; the village is refused.
            #expect(try await client.api(.post, "/api/v1/assistance/checks?file=bank.csv", token: village, csv: file).status == .forbidden)
            let loaded = try await client.api(.post, "/api/v1/assistance/checks?file=bank.csv", token: county, csv: file)
            #expect(loaded.status == .ok)
            let r = try JSONDecoder().decode(Report.self, from: loaded.body)
            #expect(r.stored && r.rows == 2 && r.kept == 2 && r.applications >= 1)
            let d = try JSONDecoder().decode(Detail.self, from: try await client.api(.get, "/api/v1/assistance/applications/\(id)", token: village).body)
            let deposits = try #require(d.findings.first { $0.source == "deposits" })
            #expect(deposits.found == 30_000 && deposits.limit == 12_000 && deposits.over && deposits.messageZh.contains("超过限额"))
            #expect(d.findings.first { $0.source == "tax" }.map { $0.over && $0.limit == 3_600 } == true)
            // A bad row: 422, its line and field, nothing more kept.
            let bad = try await client.api(.post, "/api/v1/assistance/checks", token: county, csv: "身份证号码,核对类别,数值,核对日期\n\(person),车辆,1,\(today)\n")
            #expect(bad.status == .unprocessableContent)
            let br = try JSONDecoder().decode(Report.self, from: bad.body)
            #expect(!br.stored && br.rejections.first?.line == 2 && br.rejections.first?.field == "source" && br.messageZh.contains("未保存"))
            let missing = try await client.api(.post, "/api/v1/assistance/checks", token: county, csv: "身份证号码,数值\n")
            #expect(missing.status == .unprocessableContent && String(buffer: missing.body).contains("核对类别"))

            // The page: the upload with its report, the application's page with the findings.
            let b = Browser(client)
            _ = try await b.login("county")
            let page = String(buffer: try await b.request(.get, "/assistance/checks").body)
            let csrf = try #require(Browser.field("_csrf", in: page))
            #expect(page.contains("bank.csv") && page.contains("/assistance/checks/template.xlsx"))
            let upload = try await b.request(.post, "/assistance/checks", multipart: [("_csrf", nil, csrf), ("file", "车管.csv", "身份证号码,核对类别,数值,核对日期\n\(person),机动车辆,50000,\(today)\n")])
            #expect(upload.status == .ok && String(buffer: upload.body).contains("已保存"))
            let wrong = try await b.request(.post, "/assistance/checks", multipart: [("_csrf", nil, csrf), ("file", "车管.csv", "身份证号码,核对类别,数值,核对日期\n\(person),机动车辆,五万,\(today)\n")])
            #expect(wrong.status == .unprocessableContent && String(buffer: wrong.body).contains("整数") && String(buffer: wrong.body).contains("<td data-label=\"行\">2</td>"))
            let app = String(buffer: try await b.request(.get, "/assistance/\(id)").body)
            #expect(app.contains("<h2>核对结果</h2>"))
            #expect(app.contains("机动车辆1项，超过允许的0项") && app.contains("银行存款合计30000元，超过限额12000元"))
            let template = try await b.request(.get, "/assistance/checks/template.csv")
            #expect(String(buffer: template.body).contains("身份证号码,核对类别,数值,核对日期,项目说明"))
        }
    }
}

@Suite("Assistance figures through HTTP: by region one level down, the same totals as the API, exported and scoped")
struct FiguresHTTPTests {
    struct Figures: Decodable { var households: Int; var persons: Int; var approved: Int; var started: Int; var ended: Int }

    @Test(arguments: Backend.available) func theCountysMonthByTownship(_ backend: Backend) async throws {
        try await withServer(backend, households: 200, monitoring: true) { client, services in
            let month = YearMonth(Clock.system.today()).description
            let query = "regionCode=430481000000&month=\(month)"
            let api = try JSONDecoder().decode(Figures.self, from: try await client.api(.get, "/api/v1/assistance/figures?\(query)", token: try await client.token("county")).body)
            #expect(api.households > 0 && api.persons >= api.households)
            let b = Browser(client)
            _ = try await b.login("county")
            let page = String(buffer: try await b.request(.get, "/assistance/figures?\(query)").body)
            #expect(page.contains("蔡子池街道") && page.contains("合计") && page.contains("当月审批当月发放率"))
            // The CSV's last row is the whole county: the same figures as the API.
            let csv = String(buffer: try await b.request(.get, "/assistance/figures.csv?\(query)").body)
            let lines = csv.split(whereSeparator: \.isNewline).map { $0.split(separator: ",").map(String.init) }
            let header = try #require(lines.first), total = try #require(lines.last)
            // The CSV starts with a byte-order mark, for Excel.
            #expect(header.first == "\u{FEFF}地区" && header.contains("当月审批当月发放率"))
            #expect(total.first == "合计" && total[1] == String(api.households) && total[2] == String(api.persons))
            let xlsx = try await b.request(.get, "/assistance/figures.xlsx?\(query)")
            let rows = try XLSXReader.rows(Data(xlsx.body.readableBytesView))
            #expect(rows.first?.dropFirst() == header.dropFirst() && rows.first?.first == "地区" && rows.last?.first == "合计")
            // The township sees its villages; it does not see the county's other townships.
            let t = Browser(client)
            _ = try await t.login("township")
            #expect(try await t.request(.get, "/assistance/figures").status == .ok)
            #expect(try await t.request(.get, "/assistance/figures?regionCode=430481000000").status != .ok)
            let v = Browser(client)
            _ = try await v.login("village")
            #expect(try await v.request(.get, "/assistance/figures").status == .forbidden)
            // Recording a review asks again first; only the confirmed form moves the due month.
            let r = try #require(try await BenefitReviewStore(services.db).due(by: .system(), month: YearMonth("2099-12")!, limit: 1).first)
            let list = String(buffer: try await b.request(.get, "/assistance/reviews?month=2099-12").body)
            let csrf = try #require(Browser.field("_csrf", in: list))
            let form = ["_csrf": csrf, "benefit": String(r.benefitID), "class": "yearly"]
            let ask = try await b.request(.post, "/assistance/reviews", form: form)
            #expect(ask.status == .ok && String(buffer: ask.body).contains("确定登记本次复核"))
            #expect(try await BenefitReviewStore(services.db).due(by: .system(), month: YearMonth("2099-12")!, limit: 1).first?.due == r.due)
            #expect(try await b.request(.post, "/assistance/reviews", form: form.merging(["confirmed": "1"]) { a, _ in a }).status == .seeOther)
        }
    }
}
