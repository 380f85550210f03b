import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Children's pages: a report past its hours stands out for the township and the county; care changed only without a gap; nobody else opens a case")
struct ChildPageTests {
    @Test("the report escalates after 24 hours, not 23; acknowledged with care, a gap refused in words, the next carer taken, closed", arguments: Backend.available)
    func escalationAndCare(_ backend: Backend) async throws {
        let time = MovableClock()
        try await withServer(backend, households: 40, clock: time.clock) { client, services in
            _ = try await services.users.add(username: "county.children", password: "county-children-2026", role: .childDirector, region: DemoLoader.county, by: .system())
            let township = Browser(client)
            _ = try await township.login("children")
            let form = String(buffer: try await township.request(.get, "/children/new").body)
            let csrf = try #require(Browser.field("_csrf", in: form))
            let bad = try await township.request(.post, "/children", form: ["_csrf": csrf, "childName": "", "birthDate": "2030-01-01", "regionCode": DemoLoader.village.description, "situation": ""])
            let badPage = String(buffer: bad.body)
            #expect(bad.status == .unprocessableContent && badPage.contains("请填写儿童姓名") && badPage.contains("请说明监护缺失的情况") && badPage.contains("真实日期"))
            let sent = try await township.request(.post, "/children", form: ["_csrf": csrf, "childName": "钱小禾", "birthDate": "2016-03-04",
                                                                             "regionCode": DemoLoader.village.description, "situation": "母亲在方舱医院，父亲在外地抗疫"])
            let location = try #require(sent.headers[.location])
            #expect(sent.status == .seeOther && location.hasPrefix("/children/"))

            func escalated(_ who: String, password: String = DemoLoader.password) async throws -> Bool {
                let b = Browser(client)
                _ = try await b.login(who, password: password)
                let page = String(buffer: try await b.request(.get, "/children").body)
                let section = page.components(separatedBy: "id=\"unacknowledged\"").dropFirst().first?.components(separatedBy: "</section>").first ?? ""
                return section.contains("钱小禾")
            }
            time.advance(hours: 23)
            let early = (try await escalated("children"), try await escalated("county.children", password: "county-children-2026"))
            #expect(early == (false, false), "23 hours: not yet")
            time.advance(hours: 1, minutes: 1)
            let late = (try await escalated("children"), try await escalated("county.children", password: "county-children-2026"))
            #expect(late == (true, true), "past 24 hours: on the township's page and the county's")

            // Acknowledged with isolation until an evening; relatives from the next morning leave a night uncovered.
            let supervisor = Browser(client)
            _ = try await supervisor.login("children")
            let page = String(buffer: try await supervisor.request(.get, location).body)
            let token = try #require(Browser.field("_csrf", in: page))
            #expect(page.contains("该个案未在规定时限内确认，已上报县级"))
            let now = time.clock.nowMillis()
            let evening = BeijingMinute.text(now + 10 * 3_600_000), morning = BeijingMinute.text(now + 22 * 3_600_000)
            let ack = try await supervisor.request(.post, location, form: ["_csrf": token, "action": "acknowledge", "risk": "high", "kind": "isolationObservation",
                                                                          "carer": "县隔离点", "to": evening])
            #expect(ack.status == .seeOther)
            let gap = try await supervisor.request(.post, location, form: ["_csrf": token, "action": "care", "kind": "relativeCare", "carer": "舅舅", "from": morning])
            #expect(gap.status == .unprocessableContent && String(buffer: gap.body).contains("照料安排不能出现空档"))
            let typo = try await supervisor.request(.post, location, form: ["_csrf": token, "action": "care", "kind": "relativeCare", "carer": "舅舅", "from": "明早"])
            #expect(typo.status == .unprocessableContent && String(buffer: typo.body).contains("时间应为真实的日期和时刻"))
            let list = String(buffer: try await supervisor.request(.get, "/children").body)
            #expect(list.components(separatedBy: "id=\"ending\"").dropFirst().first?.contains("钱小禾") == true, "care ends within 48 hours with nothing after it")
            #expect(try await supervisor.request(.post, location, form: ["_csrf": token, "action": "care", "kind": "relativeCare", "carer": "舅舅", "from": evening]).status == .seeOther)
            let after = String(buffer: try await supervisor.request(.get, "/children").body)
            #expect(after.components(separatedBy: "id=\"ending\"").dropFirst().first?.contains("钱小禾") != true)
            let csv = String(buffer: try await supervisor.request(.get, "/children.csv").body)
            #expect(csv.contains("钱小禾") && csv.contains("高") && csv.contains("集中隔离医学观察"))

            // The village's cadre and the hotline operator who did not take the call cannot open it, by page or by form.
            for who in ["village", "hotline"] {
                let b = Browser(client)
                _ = try await b.login(who)
                let other = String(buffer: try await b.request(.get, "/households").body)
                let theirs = Browser.field("_csrf", in: other) ?? ""
                #expect(try await b.request(.get, location).status == .notFound)
                #expect(try await b.request(.post, location, form: ["_csrf": theirs, "action": "contact", "note": "x"]).status == .notFound)
                #expect(!String(buffer: try await b.request(.get, "/children").body).contains("钱小禾"))
            }
            // Closing asks again, and is done only when confirmed.
            let asked = String(buffer: try await supervisor.request(.post, location, form: ["_csrf": token, "action": "close", "note": "父母回家"]).body)
            #expect(asked.contains("确认结案") && asked.contains("父母回家"))
            #expect(String(buffer: try await supervisor.request(.get, location).body).contains("id=\"contact\""), "not closed before confirmed")
            #expect(try await supervisor.request(.post, location, form: ["_csrf": token, "action": "close", "note": "父母回家", "confirmed": "1"]).status == .seeOther)
            let closed = String(buffer: try await supervisor.request(.get, location).body)
            #expect(closed.contains("已结案") && !closed.contains("id=\"contact\""))
        }
    }
}
