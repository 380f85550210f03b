import DoudiDomain
@testable import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

/// A clock the test moves on by hours.
final class MovingClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Int64
    init(_ start: Int64) { now = start }
    var clock: Clock { Clock { [self] in lock.withLock { now } } }
    func advance(hours: Int64) { lock.withLock { now += hours * 3_600_000 } }
    var millis: Int64 { lock.withLock { now } }
}

@Suite("Children's cases over time: acknowledgement overdue in hours, follow-ups by risk, care ending, closure")
struct ChildFollowUpTests {
    @Test(arguments: Backend.available)
    func overTime(_ backend: Backend) async throws {
        let time = MovingClock(1_795_600_800_000)  // 2026-11-25 10:00 in China
        try await withFreshDatabase(backend, clock: time.clock) { db in
            let director = try await Fixture.actor(db, "dir", .childDirector, Fixture.village)
            let supervisor = try await Fixture.actor(db, "sup", .childDirector, Fixture.township)
            let countyChild = try await Fixture.actor(db, "cch", .childDirector, Fixture.county)
            let store = ChildCaseStore(db)
            let id = try await store.report(try ChildCaseStoreTests.report("陈小", birth: "2017-03-03"), by: director)

            // 24 hours and a moment later, nobody has acknowledged it: it stands out for the township and the county.
            time.advance(hours: 23)
            #expect(try await store.attention(by: countyChild).unacknowledged.isEmpty)
            time.advance(hours: 2)
            #expect(try await store.attention(by: countyChild).unacknowledged.map(\.id) == [id])
            #expect(try await store.attention(by: supervisor).unacknowledged.map(\.id) == [id])
            // A township that gives itself 48 hours: the same report is not late there yet, and the county sees that too.
            try await PolicyStore(db).set(region: Fixture.township, year: time.clock.today().year, key: .childAcknowledgeHours, value: "48", by: .system())
            #expect(try await store.attention(by: countyChild).unacknowledged.isEmpty, "a region's own time")
            try await PolicyStore(db).set(region: Fixture.township, year: time.clock.today().year, key: .childAcknowledgeHours, value: "24", by: .system())

            // Acknowledged, high risk, with relatives for 40 hours: the care ending soon shows at once.
            let now = time.millis
            try await store.acknowledge(id, risk: .high, care: CarePeriod(kind: .relativeCare, carer: "姑姑", from: now, to: now + 40 * 3_600_000), by: supervisor)
            var a = try await store.attention(by: supervisor)
            #expect(a.unacknowledged.isEmpty && a.followUpsOverdue.isEmpty)
            #expect(a.careEnding.map(\.childCase.id) == [id] && a.careEnding.first?.at == now + 40 * 3_600_000)

            // High risk: daily contact. A day and an hour on, overdue; a contact clears it.
            time.advance(hours: 25)
            #expect(try await store.attention(by: director).followUpsOverdue.map(\.id) == [id])
            await #expect(throws: StoreError.self) { try await store.recordContact(id, note: "  ", by: director) }
            try await store.recordContact(id, note: "电话回访：孩子情绪稳定，姑姑照看", by: director)
            #expect(try await store.attention(by: director).followUpsOverdue.isEmpty)

            // The risk falls, with a reason, by the township only.
            await #expect(throws: StoreError.forbidden) { try await store.changeRisk(id, to: .low, reason: "父母已解除隔离", by: director) }
            await #expect(throws: StoreError.self) { try await store.changeRisk(id, to: .low, reason: "", by: supervisor) }
            try await store.changeRisk(id, to: .low, reason: "母亲已解除隔离，下周接回", by: supervisor)
            #expect(try await store.childCase(id, by: director)?.risk == .low)
            // Care arranged on without an end: nothing ends soon any more.
            try await store.arrange(id, CarePeriod(kind: .relativeCare, carer: "外婆", from: time.millis), by: director)
            a = try await store.attention(by: supervisor)
            #expect(a.careEnding.isEmpty)

            // Closed by the township: the care in force ends now, and the case needs nothing more.
            await #expect(throws: StoreError.forbidden) { try await store.close(id, reason: "母亲接回", by: director) }
            try await store.close(id, reason: "母亲解除隔离后接回，监护恢复", by: supervisor)
            let closed = try #require(try await store.childCase(id, by: supervisor))
            #expect(closed.status == .closed && closed.care.allSatisfy { $0.to != nil && $0.to! <= time.millis })
            time.advance(hours: 200)
            #expect(try await store.attention(by: supervisor) == ChildCaseStore.Attention())
            await #expect(throws: StoreError.self) { try await store.recordContact(id, note: "回访", by: director) }
            let actions = try await AuditStore(db).search(by: .system(), subject: String(id)).map(\.action)
            for a in ["child.report", "child.acknowledge", "child.contact", "child.risk", "child.care", "child.close"] { #expect(actions.contains(a), "\(a) is logged") }
        }
    }
}
