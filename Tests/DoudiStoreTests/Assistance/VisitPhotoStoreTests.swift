import DoudiDomain
@testable import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("Photos of visits: kept with the visit, byte for byte, seen only inside the caller's subtree")
struct VisitPhotoStoreTests {
    static let day = CivilDate("2026-11-20")!

    /// Every byte value, zeros included, in a picture the size of a real one (about 300 KB).
    static func bytes(_ seed: UInt8, count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) } }

    static func visit(_ photos: Int, key: String?) throws -> Visit.Checked {
        let ps = (0..<photos).map { VisitPhoto(jpeg: bytes(UInt8($0), count: 300_000), thumbnail: bytes(UInt8(100 + $0), count: 9_000), width: 1280, height: 960) }
        return try Visit(date: day.description, findings: "入户查看住房", riskKinds: [], hardship: false, met: "户主本人", key: key, photos: ps).check(today: day).get()
    }

    @Test(arguments: Backend.available)
    func keptAndScoped(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let far = try await Fixture.actor(db, "far", .villageCadre, RegionCode("430481002001")!)
            _ = try await ApplicationStoreTests.household(db, "P1", village)
            let store = LeadStore(db)
            #expect(try await store.visits(household: "P1", by: village).isEmpty)
            await #expect(throws: StoreError.notFound) { try await store.visits(household: "P1", by: far) }
            await #expect(throws: StoreError.notFound) { try await store.visits(household: "NOPE", by: village) }

            _ = try await store.recordVisit(try Self.visit(2, key: "visit-with-photos-1"), householdID: "P1", by: village)
            var visits = try await store.visits(household: "P1", by: village)
            #expect(visits.count == 1 && visits[0].photos.count == 2 && visits[0].met == "户主本人")
            let first = try #require(visits.first?.photos.first), second = try #require(visits.first?.photos.last)
            #expect(try await store.visitPhoto(first, thumbnail: false, by: village) == Self.bytes(0, count: 300_000), "stored byte for byte")
            #expect(try await store.visitPhoto(second, thumbnail: false, by: village) == Self.bytes(1, count: 300_000), "in the order taken")
            #expect(try await store.visitPhoto(first, thumbnail: true, by: village) == Self.bytes(100, count: 9_000))
            #expect(try await store.visitPhoto(first, thumbnail: false, by: far) == nil, "outside the subtree: no photo")
            #expect(try await store.visitPhoto(second + 1000, thumbnail: false, by: village) == nil)

            // The phone sends the same visit again, now with three photos: still one visit, its two photos.
            _ = try await store.recordVisit(try Self.visit(3, key: "visit-with-photos-1"), householdID: "P1", by: village)
            visits = try await store.visits(household: "P1", by: village)
            #expect(visits.count == 1 && visits[0].photos == [first, second])
            // A visit without photos lists none.
            _ = try await store.recordVisit(try Self.visit(0, key: nil), householdID: "P1", by: village)
            #expect(try await store.visits(household: "P1", by: village).map(\.photos.count).sorted() == [0, 2])
            let audit = try await AuditStore(db).search(by: .system(), action: "visit.record")
            #expect(audit.count == 2 && audit.filter { $0.afterJSON?.contains("\"photos\":\"2\"") == true }.count == 1, "the log says how many photos")
            #expect(audit.allSatisfy { ($0.afterJSON ?? "").count < 300 }, "never their bytes")
        }
    }

    @Test("four photos are one too many") func tooMany() throws {
        #expect(throws: ProblemList([FieldProblem("photos", VisitPhoto.tooMany)])) { try Self.visit(4, key: nil) }
    }
}
