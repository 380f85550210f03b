import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Volunteers' pages on the demo: the task list filtered, paged and exported; a refusal in words on the task's page; who lands where")
struct VolunteerPageTests {
    @Test(arguments: Backend.available) func listRefusalAndHomes(_ backend: Backend) async throws {
        try await withServer(backend, households: 40, monitoring: true) { client, services in
            let org = Browser(client)
            _ = try await org.login("volunteers")
            let hub = String(buffer: try await org.request(.get, "/volunteers").body)
            for post in ["牌楼社区生活物资配送", "独居老人电话陪伴", "小区卡口防疫值守"] { #expect(hub.contains(post), "\(post)") }
            #expect(hub.contains("二级响应"), "the level in force at the county")
            // Tomorrow on: the delivery alone; with places left only: the gate is short of one, the calls of two.
            let tomorrow = services.db.clock.today().adding(days: 1)
            func listed(_ query: String) async throws -> String {
                String(buffer: try await org.request(.get, "/volunteers?\(query)").body).components(separatedBy: "id=\"tasks\"").dropFirst().first?
                    .components(separatedBy: "</table>").first ?? ""
            }
            let later = try await listed("from=\(tomorrow)")
            #expect(later.contains("牌楼社区生活物资配送") && !later.contains("独居老人电话陪伴"))
            let csv = String(buffer: try await org.request(.get, "/volunteers/tasks.csv?from=\(tomorrow)").body)
            #expect(csv.split(separator: "\n").count == 2 && csv.contains("牌楼社区生活物资配送") && csv.contains("生活用品配送"), "\(csv)")
            let xlsx = try await org.request(.get, "/volunteers/tasks.xlsx")
            #expect(xlsx.status == .ok && Array(buffer: xlsx.body).starts(with: [0x50, 0x4B]))

            // On the delivery's page, 常宁's volunteer is refused in words, with the rule's name nowhere.
            let delivery = try #require(try await VolunteerStore(services.db).tasks(from: tomorrow, by: .system()).first).id
            let page = String(buffer: try await org.request(.get, "/volunteers/tasks/\(delivery)").body)
            let csrf = try #require(Browser.field("_csrf", in: page))
            let zhao = try #require(try await VolunteerStore(services.db).volunteers(by: .system()).first { $0.name == "赵敏" }).id
            let refused = try await org.request(.post, "/volunteers/tasks/\(delivery)/assign", form: ["_csrf": csrf, "volunteerId": String(zhao)])
            let words = String(buffer: refused.body)
            #expect(refused.status == .unprocessableContent && words.contains(AssignmentRule.crossRegion.message.zh) && !words.contains("crossRegion"))

            // Filled, the delivery leaves the list of those still short of people.
            let store = VolunteerStore(services.db), people = try await store.volunteers(by: .system())
            for name in ["李晓梅", "陈志远"] {
                try await store.assign(task: delivery, volunteer: try #require(people.first { $0.name == name }).id, by: Actor(userID: 0, username: "t", role: .countyOfficer, region: DemoLoader.county))
            }
            let open = try await listed("from=\(tomorrow)&open=1"), every = try await listed("from=\(tomorrow)")
            #expect(!open.contains("牌楼社区生活物资配送") && every.contains("牌楼社区生活物资配送"))

            // Who lands where: the organization on its hub, the volunteer on their own page, the hotline nowhere.
            let volunteer = Browser(client)
            let landed = try await volunteer.login("volunteer")
            #expect(landed.headers[.location] == "/me")
            #expect(try await volunteer.request(.get, "/volunteers").headers[.location] == "/me")
            let me = String(buffer: try await volunteer.request(.get, "/me").body)
            #expect(me.contains("陈志远") && me.contains("可以上岗") && me.contains("牌楼社区生活物资配送"), "fit, and the delivery open to him")
            // A response level is switched only on the second page.
            let admin = Browser(client)
            _ = try await admin.login("admin")
            let token = try #require(Browser.field("_csrf", in: String(buffer: try await admin.request(.get, "/volunteers").body)))
            let ask = ["_csrf": token, "regionCode": DemoLoader.county.description, "level": "none", "since": services.db.clock.today().description, "levelNote": "终止"]
            let first = try await admin.request(.post, "/volunteers/levels", form: ask)
            let unchanged = try await VolunteerStore(services.db).level(at: DemoLoader.village)
            #expect(first.status == .ok && String(buffer: first.body).contains("确认切换") && unchanged == .level2)
            let second = try await admin.request(.post, "/volunteers/levels", form: ask.merging(["confirmed": "1"]) { a, _ in a })
            let switched = try await VolunteerStore(services.db).level(at: DemoLoader.village)
            #expect(second.status == .seeOther && switched == ResponseLevel.none)

            let hotline = Browser(client)
            _ = try await hotline.login("hotline")
            #expect(try await hotline.request(.get, "/volunteers").status == .forbidden)
            #expect(try await hotline.request(.get, "/me").status == .forbidden)
        }
    }
}
