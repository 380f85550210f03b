import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Backup while writing, and restore, on each backend")
struct BackupTests {
    struct N: Decodable { var n: Int }

    static func counts(_ db: Database) async throws -> (leads: Int, audited: Int) {
        try await db.read { sql in
            (try await sql.raw("SELECT COUNT(*) AS n FROM leads").first(decoding: N.self)?.n ?? -1,
             try await sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'lead.selfReport'").first(decoding: N.self)?.n ?? -1)
        }
    }

    static func report(_ i: Int) throws -> SelfReport.Checked {
        try SelfReport(name: "李四", residentID: validID("43048119800101" + String(format: "%03d", i)).text, mobile: "13812345678",
                       regionCode: Fixture.village.description, riskKinds: ["illness"], description: "", consent: true).check(today: Clock.system.today()).get()
    }

    @Test(arguments: Backend.available) func aBackupTakenWhileWritingRestoresEveryAcknowledgedWriteWhole(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            for i in 0..<20 { _ = try await LeadStore(db).submit(try Self.report(i)) }
            let acknowledged = try await Self.counts(db).leads
            // Writes go on while the copy is taken.
            let writer = Task { for i in 20..<200 { _ = try await LeadStore(db).submit(try Self.report(i)) } }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-backup-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let file = dir.appendingPathComponent("backup").path
            try await Backup.make(database: db.location, to: file)
            try await writer.value
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "a backup holds the register: readable by its owner only")
            await #expect(throws: Backup.Failure.self) { try await Backup.make(database: db.location, to: file) }

            try await withEmptyLocation(backend) { location in
                try await Backup.restore(from: file, into: location)
                // The backup holds no key: another key file is refused before anything is read or written.
                let stranger = try await Database.open(location, clock: .system, keys: .fixed(.generate()), logger: .init(label: "test"))
                await #expect(throws: KeyFile.Problem.self) { try await stranger.migrate() }
                await stranger.close()
                let restored = try await Database.open(location, clock: .system, keys: .fixed(db.fields.keys), logger: .init(label: "test"))
                try await restored.migrate()
                let people = try await LeadStore(restored).leads(by: .system(), status: nil, limit: 500).map(\.residentID)
                #expect(Set(people).isSuperset(of: (0..<20).map { try! Self.report($0).residentID.text }), "the restored people open under the database's key")
                let (leads, audited) = try await Self.counts(restored)
                let chain = try await AuditStore(restored).verify()
                await restored.close()
                #expect(chain.firstBroken == nil && chain.entries >= leads, "the restored audit log is an unbroken chain")
                #expect(leads >= acknowledged && leads <= 200)
                #expect(audited == leads, "each lead with its audit entry, nothing half-written")
                await #expect(throws: Backup.Failure.self) { try await Backup.restore(from: file, into: location) }
            }
            await #expect(throws: Backup.Failure.self) { try await Backup.restore(from: file, into: db.location) }
        }
    }
}
