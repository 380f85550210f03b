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

@Suite("Measures through HTTP: recorded on the case's page, referred, answered by the department through the API, the no-measure list")
struct MeasureHTTPTests {
    struct Measure: Decodable { var id: Int64; var caseId: Int64; var service: String; var unit: String; var status: String; var referredTo: String?; var result: String? }
    struct Detail: Decodable { var measure: Measure; var events: [Event]; struct Event: Decodable { var action: String; var actor: String } }
    struct Page: Decodable { var total: Int; var measures: [Measure] }
    struct Missing: Decodable { var total: Int; var households: [Household]; struct Household: Decodable { var householdId: String; var due: String; var caseId: Int64? } }
    struct Problem: Decodable { var field: String?; var messageZh: String; var messageEn: String }

    @Test(arguments: Backend.available) func recordedReferredAndAnswered(_ backend: Backend) async throws {
        try await withServer(backend, households: 300, monitoring: true) { client, services in
            let county = try await client.token("county"), education = try await client.token("education"), health = try await client.token("health")
            // The demo's referrals wait for their departments: education sees only its own.
            let inbox = try JSONDecoder().decode(Page.self, from: try await client.api(.get, "/api/v1/measures?status=referred", token: education).body)
            #expect(inbox.total > 0 && inbox.measures.allSatisfy { $0.unit == "education" && $0.status == "referred" })
            #expect(try await client.api(.get, "/api/v1/measures/missing", token: education).status == .forbidden)
            #expect(try await client.api(.get, "/api/v1/cases", token: education).status == .forbidden)

            // The village cadre records a measure on the page of a case of the village, referred to health.
            let b = Browser(client)
            _ = try await b.login("village")
            let cases = try await CaseStore(services.db).cases(by: .system(), .init(), today: Clock.system.today(), limit: 500).cases
            let c = try #require(cases.first { $0.region == DemoLoader.village })
            let page = String(buffer: try await b.request(.get, "/cases/\(c.id)").body)
            #expect(page.contains("登记帮扶措施") && page.contains("心理与照护服务"))
            let csrf = try #require(Browser.field("_csrf", in: page))
            let today = Clock.system.today().description
            var form = ["_csrf": csrf, "service": "medical", "referTo": "health", "startOn": today, "amount": "12.5", "measureNote": "住院自付部分较高"]
            // A bad amount: the case's page again, the field named, nothing written.
            let before = try JSONDecoder().decode(Page.self, from: try await client.api(.get, "/api/v1/measures", token: county).body).total
            let bad = try await b.request(.post, "/cases/\(c.id)/measures", form: form)
            #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("金额应为0至10000000的整数（元）"))
            #expect(try JSONDecoder().decode(Page.self, from: try await client.api(.get, "/api/v1/measures", token: county).body).total == before)
            form["amount"] = ""
            let done = try await b.request(.post, "/cases/\(c.id)/measures", form: form)
            #expect(done.status == .seeOther)
            let mine = try JSONDecoder().decode(Page.self, from: try await client.api(.get, "/api/v1/measures?unit=health&status=referred&limit=500", token: health).body)
            let m = try #require(mine.measures.first { $0.caseId == c.id && $0.service == "medical" })

            // Education may not answer for health; health accepts and records the result through the API.
            #expect(try await client.api(.post, "/api/v1/measures/\(m.id)/moves", token: education, json: #"{"move":"accept","note":"x"}"#).status == .notFound)
            let early = try await client.api(.post, "/api/v1/measures/\(m.id)/moves", token: health, json: #"{"move":"finish","note":"已报销"}"#)
            #expect(early.status == .unprocessableContent)
            let p = try JSONDecoder().decode(Problem.self, from: early.body)
            #expect(p.messageZh == "措施“转介待接收”，不能登记落实结果" && p.messageEn == "a measure referred, awaiting cannot be finished")
            #expect(try await client.api(.post, "/api/v1/measures/\(m.id)/moves", token: health, json: #"{"move":"accept","note":"纳入医疗救助"}"#).status == .ok)
            let r = try await client.api(.post, "/api/v1/measures/\(m.id)/moves", token: health, json: #"{"move":"finish","note":"报销住院费用8000元"}"#)
            let d = try JSONDecoder().decode(Detail.self, from: r.body)
            #expect(r.status == .ok && d.measure.status == "done" && d.measure.unit == "health" && d.measure.result == "报销住院费用8000元")
            #expect(d.events.map(\.action) == ["measureReferred", "measureAccepted", "measureFinished"] && d.events.map(\.actor) == ["village", "health", "health"])
            // The case's timeline (page and API) shows every hand-over; the case is still the village's.
            let timeline = String(buffer: try await b.request(.get, "/cases/\(c.id)").body)
            #expect(timeline.contains("部门接收措施") && timeline.contains("措施已落实") && timeline.contains("已落实"))
            let caseJSON = String(buffer: try await client.api(.get, "/api/v1/cases/\(c.id)", token: county).body)
            #expect(caseJSON.contains(#""action":"measureAccepted""#))

            // The department officer's pages: the inbox is their home, the register is not theirs.
            let dept = Browser(client)
            let landing = try await dept.login("health")
            #expect(landing.headers[.location] == "/measures")
            let inboxPage = String(buffer: try await dept.request(.get, "/measures").body)
            #expect(inboxPage.contains("转介给本部门的措施") && !inboxPage.contains(#"href="/households""#))
            #expect(try await dept.request(.get, "/households").status == .forbidden)
            #expect(try await dept.request(.get, "/cases/\(c.id)").status == .forbidden)
            let measurePage = String(buffer: try await dept.request(.get, "/measures/\(m.id)").body)
            #expect(measurePage.contains("报销住院费用8000元") && !measurePage.contains("/cases/\(c.id)"))

            // The list, filtered and exported; a page number far past the end; the API's bounds.
            let sheet = try XLSXReader.rows(Data(try await b.request(.get, "/measures.xlsx?service=medical").body.readableBytesView))
            #expect(sheet.first?.prefix(4) == ["户编号", "户主", "所在村（社区）", "帮扶服务"] && sheet.dropFirst().allSatisfy { $0[3] == "医疗救助" })
            #expect(try await b.request(.get, "/measures?page=999999999999999999").status == .ok)
            #expect(try await b.request(.get, "/measures/missing?page=999999999999999999").status == .ok)
            for q in ["offset=-1", "limit=-5", "limit=0&offset=-99"] {
                #expect(try await client.api(.get, "/api/v1/measures?\(q)", token: county).status == .ok, "\(q)")
                #expect(try await client.api(.get, "/api/v1/measures/missing?\(q)", token: county).status == .ok, "\(q)")
            }
        }
    }

    @Test(arguments: Backend.available) func noMeasureList(_ backend: Backend) async throws {
        try await withServer(backend, households: 300, monitoring: true) { client, services in
            let county = try await client.token("county"), township = try await client.token("township")
            let all = try JSONDecoder().decode(Missing.self, from: try await client.api(.get, "/api/v1/measures/missing?limit=500", token: county).body)
            let today = Clock.system.today().description
            #expect(all.total > 0 && all.households.allSatisfy { $0.due <= today })
            // Each one listed has no measure taken; a household with a case and a measure in progress is not listed.
            let taken = try await MeasureStore(services.db).measures(by: .system(), .init(status: .inProgress), limit: 5000).measures.map(\.householdID)
            #expect(Set(all.households.map(\.householdId)).isDisjoint(with: taken))
            // The township sees its own part of it.
            let own = try JSONDecoder().decode(Missing.self, from: try await client.api(.get, "/api/v1/measures/missing?limit=500", token: township).body)
            #expect(own.total <= all.total && own.households.allSatisfy { $0.householdId.hasPrefix("H430481001") })
            // One measure taken takes a household off the list.
            let first = try #require(all.households.first)
            let caseID: Int64
            if let id = first.caseId { caseID = id } else {
                let opened = try await client.api(.post, "/api/v1/cases", token: county, json: #"{"householdId":"\#(first.householdId)","origin":"monitoring","note":"未落实措施"}"#)
                struct Opened: Decodable { var `case`: Inner; struct Inner: Decodable { var id: Int64 } }
                caseID = try JSONDecoder().decode(Opened.self, from: opened.body).case.id
            }
            let rec = try await client.api(.post, "/api/v1/cases/\(caseID)/measures", token: county, json: #"{"service":"living","startOn":"\#(today)","amount":500,"note":"临时救助"}"#)
            #expect(rec.status == .created)
            let after = try JSONDecoder().decode(Missing.self, from: try await client.api(.get, "/api/v1/measures/missing?limit=500", token: county).body)
            #expect(after.total == all.total - 1 && !after.households.contains { $0.householdId == first.householdId })
            // The page and its CSV say the same.
            let b = Browser(client)
            _ = try await b.login("county")
            #expect(String(buffer: try await b.request(.get, "/measures/missing").body).contains("识别满一个月未落实帮扶措施的监测户"))
            let csv = String(buffer: try await b.request(.get, "/measures/missing.csv").body)
            #expect(csv.split(separator: "\n").count - 1 == after.total)
        }
    }
}
