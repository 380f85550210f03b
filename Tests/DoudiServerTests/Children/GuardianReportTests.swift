import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("A guardian's own report, without an account: a tracking code and nothing about any child; seen and called back by the township")
struct GuardianReportTests {
    static func body(name: String = "方小米", mobile: String = "13912340001", consent: Bool = true) -> String {
        #"{"guardianName":"方某","mobile":"\#(mobile)","guardianAbsence":"isolated","childName":"\#(name)","birthDate":"2018-06-06","regionCode":"430481001001","situation":"我在隔离点，孩子在家无人照看","consent":\#(consent)}"#
    }

    @Test(arguments: Backend.available) func reportAndCallBack(_ backend: Backend) async throws {
        try await withServer(backend, households: 20) { client, services in
            let bad = try await client.api(.post, "/api/v1/public/child-reports", token: nil,
                                           json: #"{"guardianName":"","mobile":"139","guardianAbsence":"","childName":"x","regionCode":"430481001001","situation":"s","consent":false}"#)
            let words = String(buffer: bad.body)
            #expect(bad.status == .unprocessableContent && ["mobile", "consent", "guardianName", "guardianAbsence"].allSatisfy(words.contains))
            let made = try await client.api(.post, "/api/v1/public/child-reports", token: nil, json: Self.body())
            #expect(made.status == .created)
            let code = try #require(String(buffer: made.body).firstMatch(of: /"trackingCode":"([A-Z0-9]+)"/).map { String($0.output.1) })
            // The same answer's shape for another child, known or not: a code, nothing else.
            let again = String(buffer: try await client.api(.post, "/api/v1/public/child-reports", token: nil, json: Self.body(name: "方小麦", mobile: "13912340002")).body)
            #expect(again.hasPrefix("{\"trackingCode\":\"") && again.count == String(buffer: made.body).count)

            // The guardian looks it up with the code and the same mobile: where it stands and who handles it, nothing of the child.
            let status = { (mobile: String) in try await client.api(.get, "/api/v1/public/self-reports/\(code)?mobile=\(mobile)", token: nil) }
            let waiting = String(buffer: try await status("13912340001").body)
            #expect(waiting.contains(#""status":"reported""#) && waiting.contains("待确认") && waiting.contains("蔡子池街道") && !waiting.contains("方小米"))
            #expect(try await status("13912340002").status == .notFound, "another mobile learns nothing")
            // The township's supervisor sees it with its code and a masked number, and calls back (logged).
            let b = Browser(client)
            _ = try await b.login("children")
            let list = String(buffer: try await b.request(.get, "/children").body)
            let id = try #require(list.firstMatch(of: /href="\/children\/(\d+)">方小米</).map { String($0.output.1) })
            let page = String(buffer: try await b.request(.get, "/children/\(id)").body)
            #expect(page.contains(code) && page.contains("139****0001") && !page.contains("13912340001") && page.contains("监护人自报") && page.contains("隔离观察"))
            let csrf = try #require(Browser.field("_csrf", in: page))
            let shown = String(buffer: try await b.request(.post, "/children/\(id)", form: ["_csrf": csrf, "action": "reveal"]).body)
            #expect(shown.contains("tel:13912340001"))
            let token = try await client.token("children")
            _ = try await client.api(.post, "/api/v1/children/cases/\(id)/actions", token: token, json: #"{"action":"acknowledge","risk":"medium","kind":"relativeCare","carer":"外婆"}"#)
            let anonStatus = Browser(client)
            let lookUp = String(buffer: try await anonStatus.request(.get, "/report/status?code=\(code)").body)
            let statusForm = ["_csrf": try #require(Browser.field("_csrf", in: lookUp)), "code": code, "mobile": "139 1234 0001"]
            let answer = String(buffer: try await anonStatus.request(.post, "/report/status", form: statusForm).body)
            #expect(answer.contains("跟进中") && answer.contains("儿童督导员会定期回访") && !answer.contains("外婆"), "acknowledged, in words; not who cares for the child")
            // Closed, the number stays sealed: no more call backs.
            _ = try await client.api(.post, "/api/v1/children/cases/\(id)/actions", token: token, json: #"{"action":"close","note":"母亲解除隔离"}"#)
            #expect(try await b.request(.post, "/children/\(id)", form: ["_csrf": csrf, "action": "reveal"]).status == .unprocessableContent)
            let log = try await AuditStore(services.db).search(by: .system(), action: "child.reveal")
            #expect(log.count == 1 && log[0].actor == "children" && !(log[0].afterJSON ?? "").contains("13912340001"))
            let auditor = Browser(client)
            _ = try await auditor.login("auditor")
            let seen = String(buffer: try await auditor.request(.get, "/children/\(id)").body)
            #expect(seen.contains("139****0001") && !seen.contains("showFullNumber") && !seen.contains("name=\"action\" value=\"reveal\""))
            let theirs = try #require(Browser.field("_csrf", in: seen))
            #expect(try await auditor.request(.post, "/children/\(id)", form: ["_csrf": theirs, "action": "reveal"]).status == .forbidden)

            // The page, without an account: a township, then its villages, then the form and the code.
            let anon = Browser(client)
            #expect(String(buffer: try await anon.request(.get, "/report/child").body).contains("蔡子池街道"))
            let form = String(buffer: try await anon.request(.get, "/report/child?township=430481001000").body)
            let pre = try #require(Browser.field("_csrf", in: form))
            #expect(form.contains("牌楼居委会") && form.contains("隔离观察"))
            let fields = ["_csrf": pre, "township": "430481001000", "guardianName": "方某", "mobile": "13912340003", "guardianAbsence": "onDuty",
                          "childName": "方小豆", "regionCode": "430481001001", "situation": "我在抗疫一线", "consent": "1"]
            #expect(try await anon.request(.post, "/report/child", form: fields.merging(["_csrf": "x"]) { $1 }).status == .forbidden)
            let done = try await anon.request(.post, "/report/child", form: fields)
            #expect(done.status == .created && String(buffer: done.body).contains("报告已收到"))
            // The same mobile a fourth time in a day: refused, as for a self-report.
            for i in 0..<2 { _ = try await client.api(.post, "/api/v1/public/child-reports", token: nil, json: Self.body(name: "方\(i)", mobile: "13912340003")) }
            #expect(try await client.api(.post, "/api/v1/public/child-reports", token: nil, json: Self.body(name: "方九", mobile: "13912340003")).status == .tooManyRequests)
        }
    }
}
