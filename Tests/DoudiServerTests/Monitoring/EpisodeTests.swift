import DoudiDomain
import DoudiServer
import DoudiSheets
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

struct APIEpisode: Decodable {
    var id: Int64; var householdId: String; var status: String; var step: String?; var stepActor: String?; var monitoringType: String
}
struct APIEpisodeDetail: Decodable {
    var episode: APIEpisode; var stepDue: String?; var overdue: Bool
    var events: [Event]; var objections: [Objection]
    struct Event: Decodable { var action: String; var actor: String }
    struct Objection: Decodable { var id: Int64; var status: String }
}

/// A confirmed lead on a registered household of the demo village, through the public self-report.
func confirmedEpisode(_ client: any TestClientProtocol, _ services: Services) async throws -> (householdID: String, episodeID: Int64) {
    let items = try await services.households.search(by: Actor.system(), region: DemoLoader.village, limit: 60).items
    let hid = try #require(items.first { $0.povertyStatus == .none }).id
    let person = try #require(try await services.households.get(hid, by: Actor.system())).members[0].member.residentID.text
    let body = #"{"name":"张三","residentId":"\#(person)","mobile":"13912345678","regionCode":"430481001001","riskKinds":["illness"],"description":"住院","consent":true}"#
    #expect(try await client.api(.post, "/api/v1/public/self-reports", token: nil, json: body).status == .created)
    let cadre = try await client.token("village")
    struct L: Decodable { var id: Int64; var householdId: String? }
    let lead = try #require(try JSONDecoder().decode([L].self, from: try await client.api(.get, "/api/v1/leads?status=open", token: cadre).body).first { $0.householdId == hid })
    let v = try await client.api(.post, "/api/v1/leads/\(lead.id)/verification", token: cadre, json: #"{"decision":"confirmed","monitoringType":"marginalAtRisk","riskKinds":["illness"]}"#)
    #expect(v.status == .noContent)
    let list = try JSONDecoder().decode([APIEpisode].self, from: try await client.api(.get, "/api/v1/episodes?status=identifying", token: cadre).body)
    let e = try #require(list.first { $0.householdId == hid })
    return (hid, e.id)
}

@Suite("Identification, roster, clearing, policy and reports over HTTP")
struct EpisodeAPITests {
    @Test(arguments: Backend.available) func theChainRunsStepByStepWithItsActorsAndTheNoticeShowsNothingPrivate(_ backend: Backend) async throws {
        try await withServer(backend, households: 40) { client, services in
            let (hid, id) = try await confirmedEpisode(client, services)
            let village = try await client.token("village"), township = try await client.token("township"), county = try await client.token("county")
            func act(_ token: String, _ json: String) async throws -> TestResponse {
                try await client.api(.post, "/api/v1/episodes/\(id)/actions", token: token, json: json)
            }
            let early = try await act(township, #"{"action":"complete"}"#)
            #expect(early.status == .unprocessableContent)
            #expect(try JSONDecoder().decode(APIError.self, from: early.body).messageZh.contains("村干部"))
            #expect(try await act(village, #"{"action":"fly"}"#).status == .unprocessableContent)
            #expect(try await act(village, #"{"action":"complete","note":"已签承诺书"}"#).status == .ok)
            #expect(try await act(village, #"{"action":"complete","note":"评议通过"}"#).status == .ok)
            let today = Clock.system.today()
            let short = try await act(village, #"{"action":"startNotice","from":"\#(today)","to":"\#(today.adding(days: 3))"}"#)
            #expect(short.status == .unprocessableContent)
            #expect(try await act(village, #"{"action":"startNotice","from":"\#(today)","to":"\#(today.adding(days: 5))"}"#).status == .ok)
            // The notice is running: it cannot be closed today.
            #expect(try await act(village, #"{"action":"complete"}"#).status == .unprocessableContent)
            let notice = try await client.api(.get, "/api/v1/episodes/\(id)/notice", token: village)
            #expect(notice.status == .ok)
            let text = String(buffer: notice.body)
            let members = try #require(try await services.households.get(hid, by: Actor.system())).members
            for m in members {
                #expect(!text.contains(m.member.residentID.text) && !text.contains(m.member.residentID.masked))
                if let p = m.member.phone { #expect(!text.contains(p)) }
            }
            #expect(!text.contains("13912345678") && text.contains("marginalAtRisk"))
            let detail = try JSONDecoder().decode(APIEpisodeDetail.self, from: try await client.api(.get, "/api/v1/episodes/\(id)", token: county).body)
            #expect(detail.episode.step == "publicNotice" && detail.episode.stepActor == "villageCadre")
            #expect(detail.events.map(\.action) == ["opened", "completed", "completed", "noticePosted"])
            // Another village's cadre sees nothing of it.
            _ = try await services.users.add(username: "other.village", password: "password-other", role: .villageCadre,
                                             region: RegionCode("430481001002")!, by: Actor.system())
            let other = try await client.token("other.village", "password-other")
            #expect(try await client.api(.get, "/api/v1/episodes/\(id)", token: other).status == .notFound)
            #expect(try await client.api(.post, "/api/v1/episodes/\(id)/actions", token: other, json: #"{"action":"objection","text":"x"}"#).status == .notFound)
            #expect(try JSONDecoder().decode([APIEpisode].self, from: try await client.api(.get, "/api/v1/episodes", token: other).body).isEmpty)
            #expect(try await client.api(.get, "/api/v1/episodes?status=sleeping", token: village).status == .badRequest)
            // An objection during the notice, dismissed with a reason.
            let objected = try JSONDecoder().decode(APIEpisodeDetail.self, from: try await act(village, #"{"action":"objection","text":"收入不实"}"#).body)
            let oid = try #require(objected.objections.first).id
            #expect(try await act(village, #"{"action":"resolveObjection","objectionId":\#(oid),"upheld":false,"text":"经核实收入属实"}"#).status == .ok)
        }
    }

    @Test(arguments: Backend.available) func policyIsReadByAllAndSetByAdministratorsOnly(_ backend: Backend) async throws {
        try await withServer(backend, households: 10) { client, _ in
            let admin = try await client.token("admin"), village = try await client.token("village")
            struct P: Decodable { var values: [V]; struct V: Decodable { var key: String; var value: String; var fromRegion: String; var fromYear: Int } }
            let before = try JSONDecoder().decode(P.self, from: try await client.api(.get, "/api/v1/policy?year=2026", token: village).body)
            #expect(before.values.first { $0.key == "verificationDays" }?.value == "7")
            #expect(before.values.first { $0.key == "monitoringLine" }?.fromRegion == "000000000000")
            let put = #"{"region":"430481000000","year":2026,"key":"verificationDays","value":"5"}"#
            #expect(try await client.api(.put, "/api/v1/policy", token: village, json: put).status == .forbidden)
            #expect(try await client.api(.put, "/api/v1/policy", token: admin, json: put).status == .noContent)
            let bad = try await client.api(.put, "/api/v1/policy", token: admin, json: #"{"region":"430481000000","year":2026,"key":"noticeDays","value":"2"}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(try JSONDecoder().decode(APIError.self, from: bad.body).field == "noticeDays")
            #expect(try await client.api(.put, "/api/v1/policy", token: admin, json: #"{"region":"000000000000","year":2026,"key":"noticeDays","value":"7"}"#).status == .forbidden)
            let after = try JSONDecoder().decode(P.self, from: try await client.api(.get, "/api/v1/policy?year=2026", token: village).body)
            #expect(after.values.first { $0.key == "verificationDays" }.map { ($0.value, $0.fromRegion) } ?? ("", "") == ("5", "430481000000"))
            // The lead queue's deadlines follow.
            let body = #"{"name":"张三","residentId":"\#(validID("43048119850505001").text)","mobile":"13912345678","regionCode":"430481001001","riskKinds":["illness"],"description":"","consent":true}"#
            #expect(try await client.api(.post, "/api/v1/public/self-reports", token: nil, json: body).status == .created)
            struct L: Decodable { var verifyBy: String }
            let leads = try JSONDecoder().decode([L].self, from: try await client.api(.get, "/api/v1/leads", token: village).body)
            #expect(leads.first?.verifyBy == Clock.system.today().adding(days: 5).description)
        }
    }

    @Test(arguments: Backend.available) func rollupAndDashboardCountTheRecords(_ backend: Backend) async throws {
        try await withServer(backend, households: 40) { client, services in
            _ = try await confirmedEpisode(client, services)
            let county = try await client.token("county")
            struct R: Decodable { var total: Row; var townships: [Row]; struct Row: Decodable { var new: Int; var backlog: Int; var byChannel: [String: Int] } }
            let r = try JSONDecoder().decode(R.self, from: try await client.api(.get, "/api/v1/reports/rollup", token: county).body)
            #expect(r.total.new == 1 && r.total.byChannel["selfReport"] == 1 && r.total.backlog == 0 && r.townships.count == 1)
            #expect(try await client.api(.get, "/api/v1/reports/rollup?day=yesterday", token: county).status == .badRequest)
            struct D: Decodable { var identifying: Int; var monitored: Int; var leadsPerDay: [Day]; struct Day: Decodable { var day: String; var byChannel: [String: Int] } }
            let d = try JSONDecoder().decode(D.self, from: try await client.api(.get, "/api/v1/reports/dashboard", token: county).body)
            #expect(d.identifying == 1 && d.monitored == 0 && d.leadsPerDay.count == 30 && d.leadsPerDay.last?.byChannel["selfReport"] == 1)
            let village = try await client.token("village")
            #expect(try await client.api(.get, "/api/v1/reports/dashboard?region=430481000000", token: village).status == .forbidden)
        }
    }
}

@Suite("Monitoring pages")
struct EpisodePageTests {
    @Test(arguments: Backend.available) func aCadreVerifiesALeadAndWalksTheVillageStepsInTheBrowser(_ backend: Backend) async throws {
        try await withServer(backend, households: 40) { client, services in
            let items = try await services.households.search(by: Actor.system(), region: DemoLoader.village, limit: 60).items
            let hid = try #require(items.first { $0.povertyStatus != .notExited }).id
            let person = try #require(try await services.households.get(hid, by: Actor.system())).members[0].member
            let body = #"{"name":"李四","residentId":"\#(person.residentID.text)","mobile":"13912345678","regionCode":"430481001001","riskKinds":["disaster"],"description":"房屋受损","consent":true}"#
            #expect(try await client.api(.post, "/api/v1/public/self-reports", token: nil, json: body).status == .created)
            let b = Browser(client)
            _ = try await b.login("village")
            let leads = String(buffer: try await b.request(.get, "/leads").body)
            let leadID = try #require(leads.range(of: "href=\"/leads/").map { String(leads[$0.upperBound...].prefix { $0 != "\"" }) })
            let leadPage = String(buffer: try await b.request(.get, "/leads/\(leadID)").body)
            let csrf = try #require(Browser.field("_csrf", in: leadPage))
            #expect(leadPage.contains("入户核实") && leadPage.contains("核实期限"))
            let missing = try await b.request(.post, "/leads/\(leadID)", form: ["_csrf": csrf, "decision": "confirmed", "riskKinds": "disaster"])
            #expect(missing.status == .unprocessableContent && String(buffer: missing.body).contains("monitoringType"))
            // The decision is said back before it is recorded; the note typed beside it is kept, not dropped.
            let decision = ["_csrf": csrf, "decision": "confirmed", "monitoringType": "suddenHardship", "riskKinds": "disaster", "reason": "房屋倒塌，入户看过"]
            let ask = String(buffer: try await b.request(.post, "/leads/\(leadID)", form: decision).body)
            #expect(ask.contains("请确认核实结论") && ask.contains("突发严重困难户") && ask.contains("name=\"confirmed\" value=\"1\"") && ask.contains("不能撤销"))
            #expect(try await services.leads.lead(Int64(leadID)!, by: .system())?.status == .open)
            let ok = try await b.request(.post, "/leads/\(leadID)", form: decision.merging(["confirmed": "1"]) { a, _ in a })
            #expect(ok.status == .seeOther)
            #expect(String(buffer: try await b.request(.get, "/leads/\(leadID)").body).contains("房屋倒塌，入户看过"))
            let roster = String(buffer: try await b.request(.get, "/episodes").body)
            #expect(roster.contains("识别中") && roster.contains("农户承诺授权"))
            let eid = try #require(roster.range(of: "href=\"/episodes/").map { String(roster[$0.upperBound...].prefix { $0 != "\"" }) })
            #expect(try await b.request(.post, "/episodes/\(eid)", form: ["_csrf": csrf, "action": "complete", "note": "已签字"]).status == .seeOther)
            // 不予通过 ends the procedure: one tap only asks; the review is still open after it.
            let reject = String(buffer: try await b.request(.post, "/episodes/\(eid)", form: ["_csrf": csrf, "action": "reject", "reason": "评议未通过"]).body)
            #expect(reject.contains("确认不予通过") && reject.contains("评议未通过") && reject.contains("name=\"confirmed\" value=\"1\""))
            #expect(try await services.episodes.detail(Int64(eid)!, by: .system())?.episode.step == .democraticReview)
            #expect(try await b.request(.post, "/episodes/\(eid)", form: ["_csrf": csrf, "action": "complete", "note": "村里办结"]).status == .seeOther)
            let today = Clock.system.today()
            #expect(try await b.request(.post, "/episodes/\(eid)", form: ["_csrf": csrf, "action": "startNotice", "from": today.description, "to": today.adding(days: 5).description]).status == .seeOther)
            let file = String(buffer: try await b.request(.get, "/episodes/\(eid)").body)
            #expect(file.contains("村级公示") && file.contains("登记异议") && file.contains("张贴公示"))
            let notice = String(buffer: try await b.request(.get, "/episodes/\(eid)/notice").body)
            #expect(notice.contains("防止返贫监测对象公示") && notice.contains("突发严重困难户") && notice.contains("因灾"))
            #expect(!notice.contains(person.residentID.text) && !notice.contains(person.residentID.masked) && !notice.contains("13912345678"))
            if let phone = person.phone { #expect(!notice.contains(phone)) }
            // The township officer sees the case but has no action yet.
            let t = Browser(client)
            _ = try await t.login("township")
            let tfile = String(buffer: try await t.request(.get, "/episodes/\(eid)").body)
            #expect(tfile.contains("村级公示") && !tfile.contains("办结本环节"))
            let csv = try await t.request(.get, "/episodes.csv")
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(String(buffer: csv.body).hasPrefix("\u{FEFF}户编号,户主,区划代码"))
            #expect(String(buffer: csv.body).contains(hid))
            // The same list as a workbook: Chinese headers, the region code as text, not 4.30481E+11.
            let book = try await t.request(.get, "/episodes.xlsx")
            #expect(book.headers[.contentDisposition]?.hasSuffix(".xlsx\"") == true)
            let rows = try XLSXReader.rows(Data(book.body.readableBytesView))
            #expect(rows.first?.prefix(3) == ["户编号", "户主", "区划代码"] && rows.dropFirst().contains { $0.first == hid && $0[2].hasPrefix("430481") })
        }
    }

    @Test(arguments: Backend.available) func dashboardRollupAndPolicyPagesRender(_ backend: Backend) async throws {
        try await withServer(backend, households: 40) { client, services in
            _ = try await confirmedEpisode(client, services)
            let b = Browser(client)
            _ = try await b.login("county")
            let dash = String(buffer: try await b.request(.get, "/dashboard").body)
            #expect(dash.contains("<svg") && dash.contains("识别中（户）") && dash.contains("/dashboard.csv?table=types"))
            #expect(!dash.contains("http://") && !dash.contains("https://"))  // the chart too is drawn here, nothing from elsewhere
            let kinds = String(buffer: try await b.request(.get, "/dashboard.csv?table=leads").body)
            #expect(kinds.contains("日期,农户自主申报,扶贫服务热线,干部走访排查,部门筛查预警,合计"))
            let rollup = String(buffer: try await b.request(.get, "/rollup").body)
            #expect(rollup.contains("蔡子池街道") && rollup.contains("合计"))
            // The day's anchor: the audit chain's head as the roll-up was drawn (viewing it writes no entry).
            let head = try #require(try await services.audit.head())
            #expect(rollup.contains("<code>\(head)</code>"), "the roll-up does not print the chain's head \(head)")
            #expect(try await b.request(.get, "/rollup?day=nope").status == .badRequest)
            let rcsv = String(buffer: try await b.request(.get, "/rollup.csv").body)
            #expect(rcsv.contains("乡镇,430481001000,蔡子池街道,1,1,0,0,0"))
            let rbook = try XLSXReader.rows(Data(try await b.request(.get, "/rollup.xlsx").body.readableBytesView))
            #expect(rbook.contains { $0.prefix(4) == ["乡镇", "430481001000", "蔡子池街道", "1"] })
            // Only administrators may set policy; the county officer sees the values in force.
            let policy = String(buffer: try await b.request(.get, "/policy").body)
            #expect(policy.contains("监测标准") && !policy.contains("设置参数"))
            let admin = Browser(client)
            _ = try await admin.login("admin")
            let form = String(buffer: try await admin.request(.get, "/policy").body)
            let csrf = try #require(Browser.field("_csrf", in: form))
            let saved = try await admin.request(.post, "/policy", form: ["_csrf": csrf, "region": "430481000000", "year": "2026", "key": "monitoringLine", "value": "8100"])
            #expect(saved.status == .ok && String(buffer: saved.body).contains("8100"))
            let refused = try await admin.request(.post, "/policy", form: ["_csrf": csrf, "region": "430481000000", "year": "2026", "key": "noticeDays", "value": "3"])
            #expect(refused.status == .unprocessableContent)
            // The risk-kind catalogue decides what the forms offer.
            _ = try await admin.request(.post, "/policy", form: ["_csrf": csrf, "region": "430481000000", "year": "2020", "key": "riskKinds", "value": "illness,disaster"])
            let queue = String(buffer: try await admin.request(.get, "/leads").body)
            #expect(queue.contains("核实期限"))
            let v = Browser(client)
            _ = try await v.login("village")
            let list = String(buffer: try await v.request(.get, "/households").body)
            let hid = try #require(list.range(of: "href=\"/households/H").map { String(list[list.index($0.upperBound, offsetBy: -1)...].prefix { $0 != "\"" }) })
            let page = String(buffer: try await v.request(.get, "/households/\(hid)").body)
            #expect(page.components(separatedBy: "name=\"riskKinds\"").count - 1 == 2)
            #expect(page.contains("value=\"illness\"") && !page.contains("value=\"epidemic\""))
        }
    }

    @Test(arguments: Backend.available) func theDemoHasWorkAtEveryStage(_ backend: Backend) async throws {
        try await withServer(backend, households: 300, monitoring: true) { client, _ in
            let county = try await client.token("county")
            let all = try JSONDecoder().decode([APIEpisode].self, from: try await client.api(.get, "/api/v1/episodes?status=identifying,monitored", token: county).body)
            #expect(all.contains { $0.status == "monitored" } && all.contains { $0.step == "pledge" } && all.contains { $0.step == "publicNotice" })
            struct D: Decodable { var monitored: Int; var overdueVerifications: Int }
            let d = try JSONDecoder().decode(D.self, from: try await client.api(.get, "/api/v1/reports/dashboard", token: county).body)
            #expect(d.monitored > 0 && d.overdueVerifications > 0)
        }
    }
}
