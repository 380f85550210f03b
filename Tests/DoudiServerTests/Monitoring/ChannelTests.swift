import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

struct VisitRecorded: Decodable { var leadTrackingCode: String? }
struct LeadWithDetails: Decodable { var channel: String; var householdId: String?; var details: String?; var riskKinds: [String] }

@Suite("Lead channels: hotline, visits, screening")
struct ChannelTests {
    @Test(arguments: Backend.available) func hotlineCallBecomesALeadInsideTheOperatorsRegion(_ backend: Backend) async throws {
        try await withServer(backend, households: 10) { client, _ in
            let t = try await client.token("hotline")
            let rid = validID("43048119850505001").text
            func call(_ region: String) -> String {
                #"{"caller":"王大妈","callbackNumber":"13912345678","residentId":"\#(rid)","name":"王五","regionCode":"\#(region)","riskKinds":["accident"],"notes":"儿子车祸住院"}"#
            }
            let r = try await client.api(.post, "/api/v1/leads/hotline", token: t, json: call("430481001001"))
            #expect(r.status == .created)
            // Outside the operator's county: refused.
            let outside = try await client.api(.post, "/api/v1/leads/hotline", token: t, json: call("110101001001"))
            #expect(outside.status == .unprocessableContent)
            #expect(try JSONDecoder().decode(APIError.self, from: outside.body).field == "regionCode")
            let bad = try await client.api(.post, "/api/v1/leads/hotline", token: t, json: call("430481001001").replacingOccurrences(of: "13912345678", with: "12"))
            #expect(bad.status == .unprocessableContent)
            #expect(try JSONDecoder().decode(APIError.self, from: bad.body).field == "callbackNumber")
            let cadre = try await client.token("village")
            let leads = try JSONDecoder().decode([LeadWithDetails].self, from: try await client.api(.get, "/api/v1/leads", token: cadre).body)
            #expect(leads.count == 1 && leads[0].channel == "hotline" && leads[0].riskKinds == ["accident"])
            #expect(leads[0].details?.contains("王大妈") == true)
            #expect(leads[0].details?.contains("13912345678") == false)  // the callback number stays masked
        }
    }

    @Test(arguments: Backend.available) func aVisitFindingHardshipMakesALeadAndOneWithoutDoesNot(_ backend: Backend) async throws {
        try await withServer(backend, households: 10) { client, services in
            let t = try await client.token("village")
            let id = try await services.households.search(by: Actor.system(), region: DemoLoader.village, limit: 1).items[0].id
            let quiet = try await client.api(.post, "/api/v1/households/\(id)/visits", token: t, json: #"{"date":"2026-11-01","findings":"一切正常","hardship":false}"#)
            #expect(quiet.status == .created)
            #expect(try JSONDecoder().decode(VisitRecorded.self, from: quiet.body).leadTrackingCode == nil)
            let hard = try await client.api(.post, "/api/v1/households/\(id)/visits", token: t,
                                             json: #"{"date":"2026-11-02","findings":"户主患重病","riskKinds":["illness"],"hardship":true}"#)
            #expect(try JSONDecoder().decode(VisitRecorded.self, from: hard.body).leadTrackingCode != nil)
            let noKinds = try await client.api(.post, "/api/v1/households/\(id)/visits", token: t, json: #"{"date":"2026-11-02","findings":"困难","hardship":true}"#)
            #expect(try JSONDecoder().decode(APIError.self, from: noKinds.body).field == "riskKinds")
            let future = try await client.api(.post, "/api/v1/households/\(id)/visits", token: t, json: #"{"date":"2999-01-01","findings":"x","hardship":false}"#)
            #expect(try JSONDecoder().decode(APIError.self, from: future.body).field == "date")
            let leads = try JSONDecoder().decode([LeadWithDetails].self, from: try await client.api(.get, "/api/v1/leads?status=open", token: t).body)
            #expect(leads.map(\.channel) == ["visit"] && leads[0].householdId == id)
            // A household outside the cadre's village is one that does not exist.
            let county = try await services.households.search(by: Actor.system(), limit: 200).items
            let far = try #require(county.first { $0.region != DemoLoader.village }).id
            #expect(try await client.api(.post, "/api/v1/households/\(far)/visits", token: t, json: #"{"date":"2026-11-01","findings":"x","hardship":false}"#).status == .notFound)
        }
    }

    @Test(arguments: Backend.available) func screeningTheRegisterMakesLeadsAndUpdatesOpenOnes(_ backend: Backend) async throws {
        try await withServer(backend, households: 10) { _, services in
            let store = services.leads
            let register = try await store.screeningRegister(by: Actor.system())
            let ids = register.households.map(\.id)
            #expect(ids.count == 10)
            #expect(register.members.count >= 10 && register.members.allSatisfy { $0.household >= 0 && $0.household < 10 })
            let flagged = [ScreeningFinding(householdID: ids[0], regionCode: "", category: .marginalAtRisk, signals: [.illness], adjusted: "5000.00"),
                           ScreeningFinding(householdID: ids[1], regionCode: "", category: .suddenHardship, signals: [.death, .disaster], adjusted: "-10.00")]
            let auditBefore = try await auditCount(services.db)
            let first = try await store.recordScreening(flagged, asOf: CivilDate("2026-11-20")!, by: Actor.system("screening"))
            #expect(first.created == 2 && first.updated == 0)
            #expect(try await auditCount(services.db) == auditBefore + 2)
            // The lead is about the household's head.
            let head = try #require(try await services.households.get(ids[0], by: Actor.system())?.record.head)
            #expect(try await store.leads(by: Actor.system(), status: .open).first { $0.householdID == ids[0] }?.residentID == head.residentID.text)
            let again = try await store.recordScreening(flagged, asOf: CivilDate("2026-11-27")!, by: Actor.system("screening"))
            #expect(again.created == 0 && again.updated == 2)
            #expect(try await auditCount(services.db) == auditBefore + 4)
            let leads = try await store.leads(by: Actor.system(), status: .open)
            #expect(leads.count == 2)
            let second = try #require(leads.first { $0.householdID == ids[1] })
            #expect(second.riskKinds == [.lackOfLabour, .disaster])
            #expect(second.details.contains("2026-11-20") && second.details.contains("2026-11-27"))
            // Once confirmed, the household is being identified: a new signal goes on its case file, not into a new lead.
            let cadre = Actor(userID: 0, username: "cadre", role: .villageCadre, region: second.region)
            try await store.verify(leadID: second.id, decision: .confirmed(.suddenHardship, [.disaster]), by: cadre)
            let third = try await store.recordScreening([flagged[1]], asOf: CivilDate("2026-12-04")!, by: Actor.system("screening"))
            #expect(third.created == 0 && third.updated == 1)
            let episode = try #require(try await services.episodes.episodes(by: cadre, statuses: [.identifying]).first)
            let events = try #require(try await services.episodes.detail(episode.id, by: cadre)).events
            #expect(events.last?.action == .screeningUpdate && events.last?.note.contains("2026-12-04") == true)
            #expect(try await store.leads(by: Actor.system(), status: .open).count == 1)
        }
    }
}

struct LeadState: Decodable { var id: Int64; var status: String; var householdId: String?; var monitoringType: String?; var verifyBy: String?; var escalation: String? }

@Suite("Weekly verification through the API")
struct VerificationAPITests {
    @Test(arguments: Backend.available) func confirmNotConfirmMergeAndTheRulesOfEach(_ backend: Backend) async throws {
        try await withServer(backend, households: 30) { client, services in
            let cadre = try await client.token("village")
            let items = try await services.households.search(by: Actor.system(), region: DemoLoader.village, limit: 30).items
            let none = try #require(items.first { $0.povertyStatus == .none }).id
            func report(_ rid: String) async throws {
                let body = #"{"name":"张三","residentId":"\#(rid)","mobile":"13912345678","regionCode":"430481001001","riskKinds":["illness"],"description":"","consent":true}"#
                #expect(try await client.api(.post, "/api/v1/public/self-reports", token: nil, json: body).status == .created)
            }
            let person = try #require(try await services.households.get(none, by: Actor.system())).members[0].member.residentID.text
            try await report(person)
            try await report(validID("43048119850505001").text)
            try await report(validID("43048119850505019").text)
            var leads = try JSONDecoder().decode([LeadState].self, from: try await client.api(.get, "/api/v1/leads?status=open", token: cadre).body)
            #expect(leads.count == 3 && leads.allSatisfy { $0.escalation == "village" && $0.verifyBy != nil })
            let registered = try #require(leads.first { $0.householdId == none }).id
            let strangers = leads.filter { $0.householdId == nil }.map(\.id)

            func verify(_ id: Int64, _ json: String) async throws -> TestResponse {
                try await client.api(.post, "/api/v1/leads/\(id)/verification", token: cadre, json: json)
            }
            // A household never on the poverty register cannot be "unstable exited".
            let wrongType = try await verify(registered, #"{"decision":"confirmed","monitoringType":"unstableExited","riskKinds":["illness"]}"#)
            #expect(wrongType.status == .unprocessableContent)
            #expect(try JSONDecoder().decode(APIError.self, from: wrongType.body).field == "monitoringType")
            #expect(try await verify(registered, #"{"decision":"confirmed","monitoringType":"marginalAtRisk","riskKinds":["illness","accident"]}"#).status == .noContent)
            #expect(try await verify(registered, #"{"decision":"notConfirmed","reason":"again"}"#).status == .unprocessableContent)  // decided already
            // An unregistered person cannot be confirmed before the household is registered.
            #expect(try await verify(strangers[0], #"{"decision":"confirmed","monitoringType":"suddenHardship","riskKinds":["illness"]}"#).status == .unprocessableContent)
            #expect(try await verify(strangers[0], #"{"decision":"notConfirmed","reason":"收入稳定，无困难"}"#).status == .noContent)
            #expect(try await verify(strangers[1], #"{"decision":"merged","mergeInto":\#(registered)}"#).status == .noContent)
            leads = try JSONDecoder().decode([LeadState].self, from: try await client.api(.get, "/api/v1/leads", token: cadre).body)
            #expect(Set(leads.map(\.status)) == ["confirmed", "notConfirmed", "merged"])
            #expect(leads.first { $0.id == registered }?.monitoringType == "marginalAtRisk")
            #expect(leads.allSatisfy { $0.escalation == nil })  // nothing open is left to escalate
            // Another village's cadre cannot touch them; an auditor cannot decide.
            _ = try await services.users.add(username: "other.village", password: "password-other", role: .villageCadre,
                                             region: RegionCode("430481001002")!, by: Actor.system())
            let other = try await client.token("other.village", "password-other")
            #expect(try await client.api(.post, "/api/v1/leads/\(registered)/verification", token: other, json: #"{"decision":"notConfirmed","reason":"x"}"#).status == .notFound)
            let auditor = try await client.token("auditor")
            #expect(try await client.api(.post, "/api/v1/leads/\(registered)/verification", token: auditor, json: #"{"decision":"notConfirmed","reason":"x"}"#).status == .forbidden)
        }
    }
}
