import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

/// `doudi import` has the SQLite file to itself: the load goes through a rollback journal, and the file is left in
/// WAL mode, whole, for the server that opens it next. With the file held by another process it stays in the WAL.
@Suite("A load alone on SQLite")
struct LoadAloneTests {
    /// SQLite's header says WAL mode with 2 in its read and write versions (bytes 18 and 19), 1 otherwise.
    static func inWALMode(_ path: String) throws -> Bool {
        let header = try #require(FileManager.default.contents(atPath: path)?.prefix(20))
        return Array(header.suffix(2)) == [2, 2]
    }

    @Test("the register is loaded whole and the file is back in WAL mode, read again through the same database")
    func aloneLeavesTheFileInWALMode() async throws {
        try await withFreshDatabase(.sqlite) { db in
            let (h, m) = ImportTests.files(40)
            let county = try await Fixture.actor(db, "county", .countyOfficer, Fixture.county)
            let loaded = try await RegisterImporter(db, alone: true).run(households: "households.csv", Array(h.utf8), members: "members.csv", Array(m.utf8), by: county)
            #expect(loaded.importedHouseholds == 40 && loaded.rejections.isEmpty)
            #expect(try Self.inWALMode(db.location))
            #expect(!FileManager.default.fileExists(atPath: db.location + "-journal"), "no journal left behind")
            // The connections closed for the load are opened again: the same files now change nothing.
            let again = try await RegisterImporter(db, alone: true).run(households: "households.csv", Array(h.utf8), members: "members.csv", Array(m.utf8), by: county)
            #expect(again.unchangedHouseholds == 40 && again.importedHouseholds == 0)
            #expect(try await AuditStore(db).verify().firstBroken == nil, "the audit chain holds")
        }
    }

    @Test("with the file open elsewhere (a server beside it), the load goes through the WAL and the other side sees it")
    func heldElsewhereStaysInTheWAL() async throws {
        let keys = FieldKeys.generate()
        try await withFreshDatabase(.sqlite, keys: .fixed(keys)) { db in
            let other = try await Database.open(db.location, clock: .system, keys: .fixed(keys))
            let (h, m) = ImportTests.files(25)
            let county = try await Fixture.actor(db, "county", .countyOfficer, Fixture.county)
            let loaded = try await RegisterImporter(db, alone: true).run(households: "households.csv", Array(h.utf8), members: "members.csv", Array(m.utf8), by: county)
            #expect(loaded.importedHouseholds == 25)
            #expect(try Self.inWALMode(db.location))
            let seen = try await RegisterImporter(other).run(households: "households.csv", Array(h.utf8), members: "members.csv", Array(m.utf8), by: county)
            #expect(seen.unchangedHouseholds == 25, "the other connection reads the loaded register")
            await other.close()
        }
    }
}
