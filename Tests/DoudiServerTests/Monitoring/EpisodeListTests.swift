import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("The monitoring list: by step, type, village, part of a name or number, overdue, soonest due, pages with the total")
struct EpisodeListTests {
    struct Item: Decodable { var id: Int64; var householdId: String; var step: String?; var monitoringType: String; var stepDue: String? }

    @Test(arguments: Backend.available)
    func aCountyOfficerNarrowsTheList(_ backend: Backend) async throws {
        try await withServer(backend, households: 600, monitoring: true) { client, services in
            let today = Clock.system.today()
            let everyone = try await services.episodes.episodes(by: .system(), statuses: [], limit: 5000)
            let running = everyone.filter { $0.status == .identifying }
            try #require(everyone.count >= 6 && !running.isEmpty)
            let token = try await client.token("county")
            func api(_ query: String) async throws -> (items: [Item], total: String?) {
                let r = try await client.api(.get, "/api/v1/episodes?" + query, token: token)
                #expect(r.status == .ok, "\(query)")
                return (try JSONDecoder().decode([Item].self, from: r.body), r.headers[HTTPField.Name("X-Total-Count")!])
            }
            // The step waiting: exactly the episodes at it.
            let step = try #require(running.first?.step)
            let atStep = try await api("status=identifying&step=\(step.rawValue)")
            #expect(Set(atStep.items.map(\.id)) == Set(running.filter { $0.step == step }.map(\.id)) && atStep.items.allSatisfy { $0.step == step.rawValue })
            // The type, and the total in a header when a page is shorter than all.
            let type = everyone[0].monitoringType
            let ofType = everyone.filter { $0.monitoringType == type }
            let firstTwo = try await api("monitoringType=\(type.rawValue)&limit=2")
            #expect(firstTwo.total == String(ofType.count) && firstTwo.items.count == min(2, ofType.count))
            let next = try await api("monitoringType=\(type.rawValue)&limit=2&offset=2")
            #expect(Set(next.items.map(\.id)).isDisjoint(with: firstTwo.items.map(\.id)))
            // Part of the head's name, part of the household number.
            let someone = try #require(everyone.first { ($0.headName ?? "").count >= 2 })
            let given = String(someone.headName!.dropFirst())
            let byName = try await api("q=\(given.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            #expect(byName.items.contains { $0.id == someone.id })
            let byNumber = try await api("q=\(someone.householdID.suffix(4))")
            #expect(byNumber.items.contains { $0.id == someone.id } && byNumber.items.allSatisfy { $0.householdId.hasSuffix(someone.householdID.suffix(4)) || $0.householdId.contains(someone.householdID.suffix(4)) })
            // Overdue only, and soonest due first.
            let late = try await api("overdue=true")
            #expect(Set(late.items.map(\.id)) == Set(everyone.filter { $0.overdue(today: today) }.map(\.id)))
            let due = try await api("status=identifying&sort=due").items.compactMap(\.stepDue)
            #expect(!due.isEmpty && due == due.sorted())

            // The page: the filters are kept in the address, the export takes the same list.
            let county = Browser(client)
            _ = try await county.login("county")
            let page = String(buffer: try await county.request(.get, "/episodes?status=identifying&step=\(step.rawValue)").body)
            #expect(page.contains("共 \(running.filter { $0.step == step }.count)"))
            #expect(page.contains("<option value=\"\(step.rawValue)\" selected>") && page.contains("href=\"/episodes.csv?status=identifying&amp;step=\(step.rawValue)\""))
            let csv = String(buffer: try await county.request(.get, "/episodes.csv?status=identifying&step=\(step.rawValue)").body)
            #expect(csv.split(separator: "\n").count == 1 + running.filter { $0.step == step }.count)
            let wrongType = String(buffer: try await county.request(.get, "/episodes?status=all&type=\(MonitoringType.allCases.first { $0 != type }!.rawValue)").body)
            #expect(!ofType.contains { wrongType.contains("/episodes/\($0.id)\"") })
        }
    }
}
