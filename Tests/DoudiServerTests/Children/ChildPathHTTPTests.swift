import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("A child's whole path through the API: reported by a hospital, acknowledged, cared for, referred and accepted, followed up, assessed, the allowance paid through the county's roll, closed")
struct ChildPathHTTPTests {
    struct Case: Decodable {
        var id: Int64; var status: String; var category: String?; var care: [Care]; var referrals: [Referral]?; var contacts: [Contact]?; var allowance: Allowance?
        struct Care: Decodable { var kind: String; var to: String? }
        struct Referral: Decodable { var id: Int64; var status: String }
        struct Contact: Decodable { var recordedBy: String }
        struct Allowance: Decodable { var monthlyAmount: Int; var pledged: Bool; var endMonth: String?; var payments: [Payment] }
        struct Payment: Decodable { var month: String; var amount: Int; var status: String }
    }

    @Test(arguments: Backend.available) func wholePath(_ backend: Backend) async throws {
        try await withServer(backend, households: 40, monitoring: true) { client, services in
            let hospital = try await client.token("hospital"), children = try await client.token("children"), education = try await client.token("education")
            let protection = try await client.token("protection"), county = try await client.token("county")
            func read(_ r: TestResponse, _ expected: HTTPResponse.Status = .ok) throws -> Case {
                #expect(r.status == expected, "\(String(buffer: r.body))")
                return try JSONDecoder().decode(Case.self, from: Data(buffer: r.body))
            }
            let made = try read(try await client.api(.post, "/api/v1/children/cases", token: hospital, json: #"""
                {"childName":"卫小满","birthDate":"2016-10-10","regionCode":"\#(DemoLoader.village)","situation":"患者入院，孩子独自在家","guardianName":"卫某","guardianAbsence":"infected"}
                """#), .created)
            func act(_ token: String, _ json: String) async throws -> Case {
                try read(try await client.api(.post, "/api/v1/children/cases/\(made.id)/actions", token: token, json: json))
            }
            _ = try await act(children, #"{"action":"acknowledge","risk":"high","kind":"isolationObservation","carer":"县集中隔离观察点"}"#)
            let cared = try await act(children, #"{"action":"care","kind":"relativeCare","carer":"外婆 卫某某"}"#)
            #expect(cared.care.map(\.kind) == ["isolationObservation", "relativeCare"] && cared.care.first?.to != nil && cared.care.last?.to == nil, "one after the other, no gap")
            let referred = try await act(children, #"{"action":"refer","unit":"school","unitName":"耒阳市第一小学","note":"安排网课设备"}"#)
            let referral = try #require(referred.referrals?.first?.id)
            let accepted = try await act(education, #"{"action":"acceptReferral","referralId":\#(referral)}"#)
            #expect(accepted.referrals?.map(\.status) == ["accepted"])
            #expect(try await act(children, #"{"action":"contact","note":"电话回访：外婆照看良好"}"#).contacts?.map(\.recordedBy) == ["children"])
            #expect(try await act(children, #"{"action":"assess","parentA":"dead","parentB":"dead"}"#).category == "orphan")

            // The allowance on the grandmother's pledge, on this month's roll (a draft in the demo), approved and paid.
            let granted = try await act(protection, #"{"action":"allowance","payee":"外婆 卫某某","bankAccount":"6228480000111122223","papers":"pledge"}"#)
            let month = YearMonth(services.db.clock.today()).description
            #expect(granted.allowance?.pledged == true && granted.allowance?.payments.map(\.status) == ["draft"] && granted.allowance?.payments.first?.month == month)
            for step in ["approve", "paid"] {
                let r = try await client.api(.post, "/api/v1/assistance/roll", token: county, json: #"{"regionCode":"\#(DemoLoader.county)","month":"\#(month)","step":"\#(step)"}"#)
                #expect(r.status == .ok, "\(step): \(String(buffer: r.body))")
            }
            let paid = try read(try await client.api(.get, "/api/v1/children/cases/\(made.id)", token: children))
            #expect(paid.allowance?.payments.map(\.status) == ["paid"] && paid.allowance?.payments.first?.amount == paid.allowance?.monthlyAmount)

            let closed = try await act(children, #"{"action":"close","note":"父亲出院接回"}"#)
            #expect(closed.status == "closed" && closed.allowance?.endMonth == month && closed.care.allSatisfy { $0.to != nil })
        }
    }
}
