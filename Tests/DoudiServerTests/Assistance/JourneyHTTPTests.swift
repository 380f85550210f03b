import DoudiDomain
import DoudiServer
import DoudiSheets
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// A clock the test moves on: a notice's seven days pass in a line.
final class MovingClock: Sendable {
    let now: Mutex<Int64>
    init(_ day: CivilDate) { now = Mutex(Int64(day.daysSinceEpoch) * 86_400_000 + 2 * 3_600_000) }
    var clock: Clock { Clock { self.now.withLock { $0 } } }
    func advance(days: Int) { now.withLock { $0 += Int64(days) * 86_400_000 } }
}

@Suite("The whole way through the API: from the village's application to the bank's file and the same-month figure")
struct JourneyHTTPTests {
    struct Roll: Decodable { var status: String; var lineCount: Int; var total: Int; var lines: [L]
        struct L: Decodable { var householdId: String; var amount: Int; var bankAccount: String } }
    struct Figures: Decodable { var approved: Int; var approvedAndPaidSameMonth: Int; var sameMonthShare: Double? }

    @Test(arguments: Backend.available) func fromTheVillageToTheBank(_ backend: Backend) async throws {
        let time = MovingClock(CivilDate("2026-03-02")!)
        try await withServer(backend, households: 30, clock: time.clock) { client, services in
            let village = try await client.token("village"), township = try await client.token("township")
            let (hid, members) = try await ApplicationHTTPTests.household(client, village)
            let body = #"{"householdId":"\#(hid)","kind":"dibao","covered":[\#(members[0])],"income":[{"category":"wages","yuan":2400}],"authorised":true,"bankAccount":"6217 0000 1234 5678 901"}"#
            let created = try await client.api(.post, "/api/v1/assistance/applications", token: village, json: body)
            #expect(created.status == .created)
            let id = try JSONDecoder().decode(ApplicationHTTPTests.Detail.self, from: created.body).application.applicationId
            func act(_ token: String, _ json: String) async throws -> HTTPResponse.Status {
                try await client.api(.post, "/api/v1/assistance/applications/\(id)/actions", token: token, json: json).status
            }
            #expect(try await act(township, #"{"action":"accept"}"#) == .ok)
            #expect(try await act(township, #"{"action":"homeVisit","note":"入户调查属实"}"#) == .ok)
            #expect(try await act(township, #"{"action":"opinion","approve":true,"amount":400}"#) == .ok)
            #expect(try await act(village, #"{"action":"startNotice","from":"2026-03-02","to":"2026-03-09"}"#) == .ok)
            // The village's notice and the township's: the kind's fields, never an ID, a phone or the account.
            let person = try #require(try await services.households.get(hid, by: .system())?.members.first { $0.id == members[0] }).member
            let nb = Browser(client)
            _ = try await nb.login("village")
            for level in ["", "?level=township"] {
                let page = try await nb.request(.get, "/assistance/\(id)/notice\(level)")
                let text = String(buffer: page.body)
                #expect(page.status == .ok && text.contains("最低生活保障审核公示") && text.contains("<td>400</td>") && text.contains("家庭月人均收入"))
                #expect(!text.contains(person.residentID.text) && !text.contains(person.residentID.masked) && !text.contains("6217000012345678901") && !text.contains("8901"))
                if let phone = person.phone { #expect(!text.contains(phone)) }
            }
            #expect(String(buffer: try await nb.request(.get, "/assistance/\(id)/notice").body).contains("委员会"))
            #expect(String(buffer: try await nb.request(.get, "/assistance/\(id)/notice?level=township").body).contains("办事处"))
            time.advance(days: 8)
            // Tokens live hours, not days: the officers sign in again on the 10th.
            let village2 = try await client.token("village"), county = try await client.token("county"), township2 = try await client.token("township")
            #expect(try await act(village2, #"{"action":"closeNotice"}"#) == .ok)
            #expect(try await act(county, #"{"action":"countyVisit","note":"抽查属实"}"#) != .internalServerError)
            #expect(try await act(county, #"{"action":"approve","amount":400}"#) == .ok)
            // The roll of March: built, approved, the bank's file, paid.
            func roll(_ step: String) async throws -> TestResponse {
                try await client.api(.post, "/api/v1/assistance/roll", token: county, json: #"{"regionCode":"430481000000","month":"2026-03","step":"\#(step)"}"#)
            }
            #expect(try await roll("approve").status == .unprocessableContent)
            let built = try JSONDecoder().decode(Roll.self, from: try await roll("build").body)
            let line = try #require(built.lines.first { $0.householdId == hid })
            #expect(built.status == "draft" && line.amount == 400 && line.bankAccount == "6217***********8901")
            #expect(try await roll("approve").status == .ok)
            let b = Browser(client)
            _ = try await b.login("county")
            let file = try await b.request(.get, "/assistance/roll.xlsx?regionCode=430481000000&month=2026-03")
            let rows = try XLSXReader.rows(Data(file.body.readableBytesView))
            #expect(rows.first?.first == "序号" && rows.contains { $0.contains(hid) && $0.contains("6217000012345678901") })
            let paidAnswer = try await roll("paid")
            let paid = try JSONDecoder().decode(Roll.self, from: paidAnswer.body)
            #expect(paid.status == "paid" && paid.lineCount == built.lineCount && paid.total == built.total)
            let f = try JSONDecoder().decode(Figures.self, from: try await client.api(.get, "/api/v1/assistance/figures?regionCode=430481000000&month=2026-03", token: county).body)
            #expect(f.approved >= 1 && f.approvedAndPaidSameMonth >= 1 && f.sameMonthShare != nil)
            // The township reads the roll of its own streets only, and may not change it.
            let mine = try JSONDecoder().decode(Roll.self, from: try await client.api(.get, "/api/v1/assistance/roll?regionCode=430481000000&month=2026-03", token: township2).body)
            #expect(mine.lineCount <= paid.lineCount && mine.lines.contains { $0.householdId == hid })
            #expect(try await client.api(.post, "/api/v1/assistance/roll", token: township2, json: #"{"regionCode":"430481000000","month":"2026-04","step":"build"}"#).status == .forbidden)
        }
    }
}
