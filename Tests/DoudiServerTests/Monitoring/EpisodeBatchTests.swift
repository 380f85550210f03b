import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("批量办结: a county confirms many households at once, after a second look")
struct EpisodeBatchTests {
    @Test(arguments: Backend.available)
    func aCountyConfirmsABatch(_ backend: Backend) async throws {
        try await withServer(backend, households: 300, monitoring: true) { client, services in
            // Two households confirmed on the spot today, brought to the county's step as their village and
            // township would.
            let today = Clock.system.today()
            var ids: [Int64] = []
            for lead in try await services.leads.leads(by: .system(), status: .open, limit: 500) where ids.count < 2 && lead.householdID != nil {
                let cadre = Actor(userID: 0, username: "t.village", role: .villageCadre, region: lead.region)
                guard (try? await services.leads.verify(leadID: lead.id, decision: .confirmed(.suddenHardship, [.illness]), by: cadre)) != nil,
                      let e = try await services.episodes.episodes(by: cadre, statuses: [.identifying]).first(where: { $0.leadID == lead.id })
                else { continue }
                try await advance(e, to: .countyConfirmation, services.episodes, today: today)
                ids.append(e.id)
            }
            try #require(ids.count == 2)
            let county = Browser(client)
            _ = try await county.login("county")
            let list = String(buffer: try await county.request(.get, "/episodes").body)
            let csrf = try #require(Browser.field("_csrf", in: list))
            #expect(list.contains("action=\"/episodes/batch\"") && ids.allSatisfy { list.contains("name=\"ids\" value=\"\($0)\"") })
            // The village cadre is offered no batch: its steps are done one by one.
            let cadre = Browser(client)
            _ = try await cadre.login("village")
            #expect(!String(buffer: try await cadre.request(.get, "/episodes").body).contains("/episodes/batch"))
            // First the list again, nothing recorded; then each household done and audited on its own.
            let form = "application/x-www-form-urlencoded"
            let ask = String(buffer: try await county.request(.post, "/episodes/batch", body: ByteBuffer(string: "_csrf=\(csrf)&ids=\(ids[0])&ids=\(ids[1])"),
                                                              contentType: form).body)
            #expect(ask.contains("确认办结以下2户的本环节") && ask.contains("县级审定"))
            #expect(try await services.episodes.detail(ids[0], by: .system())?.episode.status == .identifying)
            let done = try await county.request(.post, "/episodes/batch", body: ByteBuffer(string: "_csrf=\(csrf)&ids=\(ids[0])&ids=\(ids[1])&confirmed=1"),
                                                contentType: form)
            #expect(String(buffer: done.body).contains("已办结2户"))
            for id in ids { #expect(try await services.episodes.detail(id, by: .system())?.episode.status == .monitored) }
            let log = try await services.audit.search(by: .system(), actorName: "county", limit: 20).filter { $0.action == "episode.completed" }
            #expect(Set(log.map(\.subject)) == Set(ids.map(String.init)))
            // Nothing chosen: said so, nothing done.
            let none = try await county.request(.post, "/episodes/batch", form: ["_csrf": csrf, "confirmed": "1"])
            #expect(none.status == .unprocessableContent && String(buffer: none.body).contains("请先勾选"))
        }
    }

    /// Does each step as the one whose step it is would, the notice from today for its five days.
    private func advance(_ e: EpisodeSummary, to last: ProcedureStep, _ episodes: EpisodeStore, today: CivilDate) async throws {
        var step = e.step
        while let s = step, s != last {
            let region = s.actor == .villageCadre ? e.regionCode : e.regionCode.truncated(to: .township)
            let actor = Actor(userID: 0, username: "t.\(s.actor.rawValue)", role: s.actor, region: region)
            if s == .publicNotice {
                try await episodes.act(e.id, .startNotice(from: today, to: today.adding(days: 5)), by: actor, today: today)
            }
            try await episodes.act(e.id, .complete(note: ""), by: actor, today: s == .publicNotice || s == .townshipReview ? today.adding(days: 5) : today)
            step = try await episodes.detail(e.id, by: .system())?.episode.step
        }
    }
}
