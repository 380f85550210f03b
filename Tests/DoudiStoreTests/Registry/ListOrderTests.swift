@testable import DoudiStore
import DoudiDomain
import DoudiTestSupport
import SQLKit
import Testing

@Suite("A list by last change over several villages is read village by village and gives the register's order, on each backend")
struct ListOrderTests {
    /// Every page, against the register ordered by SQL: villages with fewer households than a page (nothing taken
    /// from them for the threshold) and with more, ties in the time of change, a township's and a county's list.
    @Test(arguments: Backend.available)
    func everyPageInTheRegistersOrder(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let county = try await Fixture.actor(db, "county", .countyOfficer, Fixture.county)
            let (h, m) = ImportTests.files(45)
            _ = try await RegisterImporter(db).run(households: "h.csv", Array(h.utf8), members: "m.csv", Array(m.utf8), by: county)
            // Changes at scattered times, some equal; one village's households all older than the others'.
            try await db.transaction { tx in
                try await tx.sql.raw("UPDATE households SET updated_at = (CAST(SUBSTR(id, LENGTH(id) - 1) AS INTEGER) * 37) % 97").run()
                try await tx.sql.raw("UPDATE households SET updated_at = 50 WHERE id LIKE '%-1' OR id LIKE '%-2' OR id LIKE '%-3'").run()
                try await tx.sql.raw("UPDATE households SET updated_at = updated_at - 100 WHERE region = 430481001003").run()
            }
            let expected = try await db.read { sql in
                try await sql.raw("SELECT id FROM households ORDER BY updated_at DESC, id").all().map { try $0.decode(column: "id", as: String.self) }
            }
            #expect(expected.count == 45)
            let store = HouseholdStore(db)
            let township = try #require(RegionCode("430481001000"))
            for limit in [1, 5, 14, 20, 50] {
                for offset in [0, 3, 17, 40] {
                    let page = try await store.search(by: county, limit: limit, offset: offset)
                    #expect(page.items.map(\.id) == Array(expected.dropFirst(offset).prefix(limit)), "limit \(limit), offset \(offset)")
                    #expect(page.total == 45)
                    let inTownship = try await store.search(by: county, region: township, limit: limit, offset: offset)
                    #expect(inTownship.items.map(\.id) == Array(expected.dropFirst(offset).prefix(limit)), "township, limit \(limit), offset \(offset)")
                }
            }
        }
    }
}
