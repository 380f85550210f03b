import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

/// Self-reports that arrive together share one commit (on SQLite through the writer's own connection): each is
/// still refused or stored on its own, answered with a code that finds it, and audited in an unbroken chain.
@Suite("Self-reports arriving together")
struct GroupCommitTests {
    @Test("forty at once: the ten for a township with villages are refused, the thirty others stored and audited", arguments: Backend.available)
    func fortyAtOnce(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let store = LeadStore(db)
            let outcomes = try await withThrowingTaskGroup(of: (Int, Result<String, any Error>).self) { group in
                for i in 0..<40 {
                    let place = i % 4 == 3 ? Fixture.township : Fixture.village
                    let report = try SelfReport(name: "报告人\(i)", residentID: validID("43048119800101" + String(format: "%03d", i)).text,
                                                mobile: "1390000" + String(format: "%04d", i), regionCode: place.description,
                                                riskKinds: ["illness"], description: "", consent: true).check(today: Clock.system.today()).get()
                    group.addTask { (i, await Result { try await store.submit(report) }) }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            for i in 0..<40 {
                let outcome = try #require(outcomes[i])
                if i % 4 == 3 {
                    guard case .failure(StoreError.invalid(let problems)) = outcome else { Issue.record("report \(i): \(outcome)"); continue }
                    #expect(problems.map(\.field) == ["regionCode"])
                } else {
                    let code = try outcome.get()
                    let status = try #require(try await store.status(trackingCode: code, mobile: "1390000" + String(format: "%04d", i)), "report \(i)")
                    #expect(status.status == .open)
                }
            }
            let codes = Set(outcomes.values.compactMap { try? $0.get() })
            #expect(codes.count == 30)
            let cadre = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            #expect(try await store.leads(by: cadre, status: .open).count == 30)
            #expect(try await AuditStore(db).search(by: Fixture.system, action: "lead.selfReport").count == 30)
            #expect(try await AuditStore(db).verify().firstBroken == nil)
        }
    }
}
