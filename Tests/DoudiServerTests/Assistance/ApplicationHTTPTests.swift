import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Benefit applications through HTTP: the API walk from the village to approval, the pages' forms, a refusal's letter")
struct ApplicationHTTPTests {
    struct Detail: Decodable {
        var application: A
        var events: [E]
        struct A: Decodable { var applicationId: Int64; var status: String; var step: String; var persons: Int; var perCapitaMonthly: String; var stepDue: String; var approvedAmount: Int? }
        struct E: Decodable { var action: String; var actor: String }
    }

    /// A household of the demo village with its members' record numbers.
    static func household(_ client: any TestClientProtocol, _ token: String) async throws -> (String, [Int64]) {
        let page = try JSONDecoder().decode(APIPage.self, from: try await client.api(.get, "/api/v1/households?limit=1", token: token).body)
        let id = try #require(page.items.first).householdId
        let h = try JSONDecoder().decode(APIHousehold.self, from: try await client.api(.get, "/api/v1/households/\(id)", token: token).body)
        return (id, h.members.map(\.memberId))
    }

    @Test(arguments: Backend.available) func fromTheVillageToApprovalThroughTheAPI(_ backend: Backend) async throws {
        try await withServer(backend, households: 10) { client, _ in
            let village = try await client.token("village"), township = try await client.token("township"), county = try await client.token("county")
            let (hid, members) = try await Self.household(client, village)
            let body = #"{"householdId":"\#(hid)","kind":"dibao","covered":[\#(members.map(String.init).joined(separator: ","))],"income":[{"category":"wages","yuan":7200},{"category":"excluded","yuan":3000,"note":"养老金"}],"incomeMonths":12,"authorised":true}"#
            let created = try await client.api(.post, "/api/v1/assistance/applications", token: village, json: body)
            #expect(created.status == .created)
            let a = try JSONDecoder().decode(Detail.self, from: created.body).application
            #expect(a.step == "acceptance" && a.persons == members.count && a.perCapitaMonthly == Fen(7200 * 100 / (12 * members.count)).description)
            func act(_ token: String, _ json: String) async throws -> TestResponse {
                try await client.api(.post, "/api/v1/assistance/applications/\(a.applicationId)/actions", token: token, json: json)
            }
            let wrong = try await act(village, #"{"action":"accept"}"#)
            #expect(wrong.status == .unprocessableContent && String(buffer: wrong.body).contains("乡镇"))
            #expect(try await act(township, #"{"action":"accept"}"#).status == .ok)
            #expect(try await act(township, #"{"action":"homeVisit","note":"入户核实"}"#).status == .ok)
            #expect(try await act(township, #"{"action":"opinion","approve":true,"amount":500}"#).status == .ok)
            let today = Clock.system.today()
            #expect(try await act(village, #"{"action":"startNotice","from":"\#(today.adding(days: -8))","to":"\#(today.adding(days: -1))"}"#).status == .unprocessableContent)
            #expect(try await act(village, #"{"action":"startNotice","from":"\#(today)","to":"\#(today.adding(days: 7))"}"#).status == .ok)
            // Not over yet: the notice cannot close today.
            #expect(try await act(village, #"{"action":"closeNotice"}"#).status == .unprocessableContent)
            #expect(try await act(county, #"{"action":"dance"}"#).status == .unprocessableContent)
            let detail = try JSONDecoder().decode(Detail.self, from: try await client.api(.get, "/api/v1/assistance/applications/\(a.applicationId)", token: county).body)
            #expect(detail.application.step == "publicNotice" && detail.events.map(\.action) == ["submitted", "accepted", "homeVisit", "proposed", "noticePosted"])
            let list = try JSONDecoder().decode([Detail.A].self, from: try await client.api(.get, "/api/v1/assistance/applications?status=running", token: township).body)
            #expect(list.map(\.applicationId).contains(a.applicationId))
            // The hotline never sees applications.
            #expect(try await client.api(.get, "/api/v1/assistance/applications", token: try await client.token("hotline")).status == .forbidden)
        }
    }

    @Test(arguments: Backend.available) func thePagesHandInAndRefuseWithALetter(_ backend: Backend) async throws {
        try await withServer(backend, households: 10) { client, _ in
            let (hid, members) = try await Self.household(client, try await client.token("village"))
            let b = Browser(client)
            _ = try await b.login("township")
            let household = String(buffer: try await b.request(.get, "/households/\(hid)").body)
            #expect(household.contains("/assistance/new?household=\(hid)"))
            let form = String(buffer: try await b.request(.get, "/assistance/new?household=\(hid)").body)
            let csrf = try #require(Browser.field("_csrf", in: form))
            #expect(form.contains("工资性收入") && form.contains("核对授权书"))
            // Not signed: refused with the field named, what was typed kept.
            let unsigned = try await b.request(.post, "/assistance/new", form: ["_csrf": csrf, "household": hid, "kind": "dibao", "covered": String(members[0]), "income.wages": "3600"])
            #expect(unsigned.status == .unprocessableContent && String(buffer: unsigned.body).contains("授权书") && String(buffer: unsigned.body).contains("value=\"3600\""))
            let bad = try await b.request(.post, "/assistance/new", form: ["_csrf": csrf, "household": hid, "kind": "dibao", "covered": String(members[0]), "income.wages": "三千", "authorised": "1"])
            #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("不是不带符号的整数"))
            let made = try await b.request(.post, "/assistance/new", form: ["_csrf": csrf, "household": hid, "kind": "dibao", "covered": String(members[0]), "income.wages": "3600", "authorised": "1"])
            #expect(made.status == .seeOther)
            let path = try #require(made.headers[.location])
            for (action, extra) in [("accept", [:]), ("homeVisit", ["note": "入户：有稳定工资收入"])] as [(String, [String: String])] {
                #expect(try await b.request(.post, path, form: ["_csrf": csrf, "action": action].merging(extra) { a, _ in a }).status == .ok)
            }
            // Refusing asks again first; then the letter gives the reasons.
            let ask = try await b.request(.post, path, form: ["_csrf": csrf, "action": "opinion", "approve": "0", "note": "家庭人均收入高于当地低保标准"])
            #expect(ask.status == .ok && String(buffer: ask.body).contains("确定不予批准"))
            let done = try await b.request(.post, path, form: ["_csrf": csrf, "action": "opinion", "approve": "0", "note": "家庭人均收入高于当地低保标准", "confirmed": "1"])
            #expect(done.status == .ok && String(buffer: done.body).contains("不予批准告知书"))
            let letter = String(buffer: try await b.request(.get, path + "/letter").body)
            #expect(letter.contains("家庭人均收入高于当地低保标准") && letter.contains("人民政府") && letter.contains("行政复议"))
            let list = String(buffer: try await b.request(.get, "/assistance?status=refused").body)
            #expect(list.contains(path) && list.contains("不予批准"))
        }
    }

    @Test(arguments: Backend.available) func theCountysRollIsApprovedAfterASecondPageAndThenExported(_ backend: Backend) async throws {
        try await withServer(backend, households: 10) { client, _ in
            let b = Browser(client)
            _ = try await b.login("county")
            let page = String(buffer: try await b.request(.get, "/assistance/roll?regionCode=430481000000&month=2026-11").body)
            let csrf = try #require(Browser.field("_csrf", in: page))
            let form = ["_csrf": csrf, "regionCode": "430481000000", "month": "2026-11"]
            #expect(try await b.request(.get, "/assistance/roll.xlsx?regionCode=430481000000&month=2026-11").status == .unprocessableContent)
            #expect(try await b.request(.post, "/assistance/roll", form: form.merging(["step": "build"]) { a, _ in a }).status == .seeOther)
            let ask = try await b.request(.post, "/assistance/roll", form: form.merging(["step": "approve"]) { a, _ in a })
            #expect(ask.status == .ok && String(buffer: ask.body).contains("确定审核通过"))
            #expect(try await b.request(.get, "/assistance/roll.xlsx?regionCode=430481000000&month=2026-11").status == .unprocessableContent)
            #expect(try await b.request(.post, "/assistance/roll", form: form.merging(["step": "approve", "confirmed": "1"]) { a, _ in a }).status == .seeOther)
            let file = try await b.request(.get, "/assistance/roll.xlsx?regionCode=430481000000&month=2026-11")
            #expect(file.status == .ok && Array(file.body.readableBytesView.prefix(2)) == Array("PK".utf8))
            // Approved: not built again.
            #expect(try await b.request(.post, "/assistance/roll", form: form.merging(["step": "build"]) { a, _ in a }).status == .unprocessableContent)
        }
    }
}
