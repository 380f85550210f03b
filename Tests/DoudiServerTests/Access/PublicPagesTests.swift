import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Access: the public pages tell nobody whether a person is in the register")
struct PublicPagesTests {
    @Test("a self-report gets the same answer, in the same time, whether or not the resident ID is registered; a status look-up the same for a wrong mobile as for no such code",
          arguments: Backend.available)
    func revealNothing(_ backend: Backend) async throws {
        let moving = MovableClock()
        try await withServer(backend, households: 60, clock: moving.clock) { client, services in
            let all = Actor.system()
            var registered: [String] = []
            for item in try await services.households.search(by: all).items {
                if let h = try await services.households.get(item.id, by: all) { registered += h.members.map(\.member.residentID.text) }
            }
            #expect(registered.count >= 8)
            let village = DemoLoader.village.description
            var times: [Bool: [Double]] = [true: [], false: []]
            var answers: [Bool: Set<String>] = [true: [], false: []]
            var codes: [String] = []
            for i in 0..<16 {
                let known = i % 2 == 0
                let person = known ? registered[i / 2] : MatrixRequest.freshID(50_000 + i).text
                moving.advance(hours: 2)
                // The page, as a phone sends it.
                let b = Browser(client)
                let csrf = try #require(Browser.field("_csrf", in: String(buffer: try await b.request(.get, "/report?township=\(DemoLoader.township)").body)))
                let form = ["_csrf": csrf, "name": "求助人", "residentId": person, "mobile": "13700000000", "regionCode": village, "riskKinds": "illness", "consent": "1"]
                let began = ContinuousClock.now
                let page = try await b.request(.post, "/report", form: form)
                let took = (ContinuousClock.now - began).components
                times[known]!.append(Double(took.seconds) * 1_000 + Double(took.attoseconds) / 1e15)
                let body = String(buffer: page.body)
                let code = try #require(body.firstMatch(of: /[A-Z0-9]{8,}/).map { String($0.output) }, "no tracking code in \(body.prefix(200))")
                codes.append(code)
                answers[known]!.insert("\(page.status.code) " + body.replacingOccurrences(of: code, with: "CODE"))
                // The API, as another app sends it.
                moving.advance(hours: 2)
                let api = try await client.api(.post, "/api/v1/public/self-reports", token: nil, json: """
                    {"name":"求助人","residentId":"\(person)","mobile":"13700000000","regionCode":"\(village)","riskKinds":["illness"],"consent":true}
                    """)
                let apiBody = String(buffer: api.body).replacing(/"trackingCode"\s*:\s*"[^"]*"/, with: "CODE")
                answers[known]!.insert("\(api.status.code) \(apiBody)")
            }
            #expect(answers[true] == answers[false], "answers differ: \(answers[true]!.map { $0.prefix(80) }) vs \(answers[false]!.map { $0.prefix(80) })")
            #expect(answers[true]!.count == 2, "page and API each answer one way: \(answers[true]!.count)")
            let median = { (xs: [Double]) in xs.sorted()[xs.count / 2] }
            let (k, u) = (median(times[true]!), median(times[false]!))
            #expect(max(k, u) / max(min(k, u), 0.001) < 10, "medians \(k) ms registered, \(u) ms not: more than ten times apart")
            // A real code with someone else's mobile, and a code that never was: the same page, the same API answer.
            let real = try #require(codes.first)
            var lookups: Set<String> = []
            for (code, mobile) in [(real, "13900000000"), ("ZZZZZZZZ", "13700000000")] {
                let b = Browser(client)
                let pre = try #require(Browser.field("_csrf", in: String(buffer: try await b.request(.get, "/report/status").body)))
                let page = try await b.request(.post, "/report/status", form: ["_csrf": pre, "code": code, "mobile": mobile])
                lookups.insert("page \(page.status.code) " + String(buffer: page.body).replacingOccurrences(of: code, with: "CODE").replacingOccurrences(of: pre, with: "PRE"))
                let api = try await client.api(.get, "/api/v1/public/self-reports/\(code)?mobile=\(mobile)", token: nil)
                lookups.insert("api \(api.status.code) " + String(buffer: api.body))
            }
            #expect(lookups.count == 2, "a wrong mobile and an unknown code answer differently: \(lookups.map { $0.prefix(120) })")
        }
    }
}
