import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Children's cases through the API: seen by the child supervisors, not by the village or the hotline; reported, acknowledged, cared for with no gap")
struct ChildHTTPTests {
    struct Listed: Decodable { var id: Int64; var childName: String; var status: String; var care: [Care]?
        struct Care: Decodable { var kind: String; var from: String; var to: String? }
    }

    @Test(arguments: Backend.available) func contract(_ backend: Backend) async throws {
        try await withServer(backend, households: 200, monitoring: true) { client, services in
            let children = try await client.token("children"), village = try await client.token("village"), hotline = try await client.token("hotline")
            let listed = try JSONDecoder().decode([Listed].self, from: Data(buffer: try await client.api(.get, "/api/v1/children/cases", token: children).body))
            #expect(listed.count == 5 && listed.first?.status == "reported", "the demo's five, those waiting first")
            for other in [village, hotline] {
                let r = try await client.api(.get, "/api/v1/children/cases", token: other)
                #expect(r.status == .ok && String(buffer: r.body) == "[]")
                for c in listed { #expect(try await client.api(.get, "/api/v1/children/cases/\(c.id)", token: other).status == .notFound) }
            }
            #expect(try await client.api(.get, "/api/v1/children/cases/999999", token: children).status == .notFound)
            let inCare = try #require(listed.first { $0.status == "acknowledged" })
            let one = try await client.api(.get, "/api/v1/children/cases/\(inCare.id)", token: children)
            #expect(one.status == .ok && String(buffer: one.body).contains("\"kindZh\""))
            #expect(try await AuditStore(services.db).search(by: .system(), action: "child.view").count >= 1)

            // Reported by the supervisor through the API, then acknowledged with its first care.
            let body = #"{"childName":"黄小丫","birthDate":"2019-01-02","regionCode":"\#(DemoLoader.village)","situation":"父母均在方舱医院治疗"}"#
            let made = try await client.api(.post, "/api/v1/children/cases", token: children, json: body)
            #expect(made.status == .created)
            let id = try JSONDecoder().decode(Listed.self, from: Data(buffer: made.body)).id
            #expect(try await client.api(.post, "/api/v1/children/cases", token: village, json: body).status == .forbidden)
            // With a resident ID the ID is masked and the birth date shows its year only: the whole date would help rebuild the number.
            let rid = validID("43048120150401456").text
            let withID = try await client.api(.post, "/api/v1/children/cases", token: children,
                                              json: #"{"childName":"黄小弟","residentId":"\#(rid)","regionCode":"\#(DemoLoader.village)","situation":"父母均在方舱医院治疗"}"#)
            let shown = String(buffer: withID.body)
            #expect(withID.status == .created && shown.contains("\"birthYear\":2015") && !shown.contains("2015-04-01") && !shown.contains(rid))
            let adult = try await client.api(.post, "/api/v1/children/cases", token: children, json: body.replacingOccurrences(of: "2019-01-02", with: "2001-01-02"))
            #expect(adult.status == .unprocessableContent && String(buffer: adult.body).contains("儿童应未满18周岁"))
            let act = { (json: String) in try await client.api(.post, "/api/v1/children/cases/\(id)/actions", token: children, json: json) }
            #expect(try await act(#"{"action":"acknowledge","kind":"relativeCare","carer":"外婆"}"#).status == .unprocessableContent, "a risk is set at acknowledgement")
            let acked = try await act(#"{"action":"acknowledge","risk":"high","kind":"relativeCare","carer":"外婆"}"#)
            #expect(acked.status == .ok && String(buffer: acked.body).contains("\"acknowledged\""))
            // Care that would leave a night uncovered is refused, named, and nothing changes.
            let gap = try await act(#"{"action":"care","kind":"designatedCarer","carer":"邻居","from":"2020-01-01T08:00:00Z","to":"2020-01-02T08:00:00Z"}"#)
            #expect(gap.status == .unprocessableContent && String(buffer: gap.body).contains("照料安排不能出现空档"))
            #expect(try await act(#"{"action":"contact","note":"上门看望，外婆照看良好"}"#).status == .ok)
            #expect(try await act(#"{"action":"risk","risk":"low"}"#).status == .unprocessableContent, "a risk changes with a reason")
            // Assessed: a father dead and a mother with a serious illness make the child de-facto unsupported.
            let short = try await act(#"{"action":"assess","parentA":"dead","parentB":"imprisoned","parentBSince":"2020-01-01"}"#)
            #expect(short.status == .unprocessableContent && String(buffer: short.body).contains("parentBUntil"))
            let assessed = try await act(#"{"action":"assess","parentA":"dead","parentB":"seriousIllness"}"#)
            #expect(assessed.status == .ok && String(buffer: assessed.body).contains("\"category\":\"defactoUnsupportedChild\""))
            #expect(try await act(#"{"action":"assess","parentA":"none","parentB":"none","judged":"orphan"}"#).status == .unprocessableContent)
            // The allowance: the county's child protection officer approves it on the carer's pledge, this month's roll (a
            // draft in the demo) pays it, and the county reads the line while the village does not.
            let protection = try await client.token("protection"), county = try await client.token("county")
            let grant = { (token: String, json: String) in try await client.api(.post, "/api/v1/children/cases/\(id)/actions", token: token, json: json) }
            #expect(try await grant(children, #"{"action":"allowance","payee":"外婆","bankAccount":"6217002920001234567","papers":"pledge"}"#).status == .forbidden)
            // On the page: the form's problems named, then a second page asks before any money is approved.
            let officer = Browser(client)
            _ = try await officer.login("protection")
            let page = String(buffer: try await officer.request(.get, "/children/\(id)").body)
            let csrf = Browser.field("_csrf", in: page) ?? ""
            #expect(page.contains("id=\"allowance\"") && page.contains("1200 元/月"))
            let wrong = String(buffer: try await officer.request(.post, "/children/\(id)", form: ["_csrf": csrf, "action": "allowance", "payee": "外婆", "bankAccount": "12"]).body)
            #expect(wrong.contains("银行账号应为12到30位数字") && wrong.contains("请选择：材料齐全，或凭个人承诺先行发放"))
            let ask = String(buffer: try await officer.request(.post, "/children/\(id)", form: ["_csrf": csrf, "action": "allowance", "payee": "外婆",
                                                                                                  "bankAccount": "6217002920001234567", "papers": "pledge"]).body)
            #expect(ask.contains("确认批准该儿童的基本生活费") && ask.contains("6217***********4567"))
            #expect(!String(buffer: try await client.api(.get, "/api/v1/children/cases/\(id)", token: children).body).contains("\"allowance\""), "nothing before confirmed")
            let bad = try await grant(protection, #"{"action":"allowance","payee":"外婆","bankAccount":"12","papers":"pledge"}"#)
            #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("bankAccount"))
            let granted = String(buffer: try await grant(protection, #"{"action":"allowance","payee":"外婆","bankAccount":"6217002920001234567","papers":"pledge"}"#).body)
            let month = YearMonth(services.db.clock.today()).description
            #expect(granted.contains(#""monthlyAmount":1200"#) && granted.contains(#""month":"\#(month)""#) && granted.contains(#""status":"draft""#))
            #expect(!granted.contains("6217002920001234567") && granted.contains("6217***********4567"))
            let roll = { (token: String) in String(buffer: try await client.api(.get, "/api/v1/assistance/roll?regionCode=\(DemoLoader.county)&month=\(month)&limit=20", token: token).body) }
            let countyRoll = try await roll(county)
            #expect(countyRoll.contains(#""headName":"外婆""#) && countyRoll.contains("defactoUnsupportedChildAllowance"))
            #expect(!(try await roll(village)).contains("ChildAllowance"), "the village's roll shows no child")
            #expect(try await act(#"{"action":"close","note":"父母出院接回"}"#).status == .ok)
            #expect(String(buffer: try await client.api(.get, "/api/v1/children/cases/\(id)", token: children).body).contains(#""endMonth":"\#(month)""#),
                    "closing ends the allowance with the month")
            #expect(try await client.api(.post, "/api/v1/children/cases/\(id)/actions", token: village, json: #"{"action":"contact","note":"x"}"#).status == .notFound)
            // The auditor reads what happened in words, never the code names.
            let auditor = Browser(client)
            _ = try await auditor.login("auditor")
            let log = String(buffer: try await auditor.request(.get, "/audit?subject=\(id)").body)
            for words in ["报告监护缺失儿童", "确认儿童个案", "批准儿童基本生活费", "风险等级", "亲属临时照料", "儿童个案结案", "查看儿童个案", "认定儿童类别", "事实无人抚养儿童", "重病"] {
                #expect(log.contains(words), "\(words)")
            }
            for code in ["relativeCare", "acknowledged", "childRisk", "defactoUnsupportedChild", "seriousIllness", "其他字段", "其他操作"] { #expect(!log.contains(code), "\(code)") }
        }
    }

    @Test("a hospital reports a patient's child: the patient named and why away, the family found by the patient's ID; it sees its own reports and nothing of the register",
          arguments: Backend.available)
    func hospital(_ backend: Backend) async throws {
        try await withServer(backend, households: 40, monitoring: true) { client, services in
            let hospital = try await client.token("hospital"), children = try await client.token("children")
            let household = try #require(try await services.households.search(by: .system(), region: DemoLoader.village, limit: 1).items.first)
            let patient = try #require(try await services.households.get(household.id, by: .system())?.members.first).member.residentID.text
            let bare = #"{"childName":"褚小果","birthDate":"2018-08-08","regionCode":"\#(DemoLoader.village)","situation":"患者独自带孩子"}"#
            let refused = try await client.api(.post, "/api/v1/children/cases", token: hospital, json: bare)
            let words = String(buffer: refused.body)
            #expect(refused.status == .unprocessableContent && words.contains("guardianName") && words.contains("guardianAbsence") && words.contains("请选择监护人无法照料的原因"))
            let full = bare.dropLast() + #","guardianName":"褚某","guardianResidentId":"\#(patient)","guardianAbsence":"infected"}"#
            let made = try await client.api(.post, "/api/v1/children/cases", token: hospital, json: String(full))
            let shown = String(buffer: made.body)
            #expect(made.status == .created && shown.contains("\"channel\":\"hospital\"") && shown.contains("\"householdId\":\"\(household.id)\"")
                    && shown.contains("\"guardianAbsence\":\"infected\"") && !shown.contains(patient), "matched by the patient's ID, shown masked")
            let own = try JSONDecoder().decode([Listed].self, from: Data(buffer: try await client.api(.get, "/api/v1/children/cases", token: hospital).body))
            let all = try JSONDecoder().decode([Listed].self, from: Data(buffer: try await client.api(.get, "/api/v1/children/cases", token: children).body))
            #expect(Set(own.map(\.childName)) == ["冯小禾", "褚小果"] && all.count == own.count + 4, "its own two, the demo's and this one; the supervisor sees every one")
            for c in all where !own.contains(where: { $0.id == c.id }) {
                #expect(try await client.api(.get, "/api/v1/children/cases/\(c.id)", token: hospital).status == .notFound)
            }
            #expect(try await client.api(.get, "/api/v1/households", token: hospital).status == .forbidden)
            let b = Browser(client)
            #expect(try await b.login("hospital").headers[.location] == "/children")
            let form = String(buffer: try await b.request(.get, "/children/new").body)
            #expect(form.contains("患者（监护人）") && form.contains("确诊感染") && !form.contains("href=\"/households\""))
            #expect(try await b.request(.get, "/households").status == .forbidden)
        }
    }
}
