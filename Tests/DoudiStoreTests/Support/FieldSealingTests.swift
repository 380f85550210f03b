import DoudiDomain
@testable import DoudiStore
import DoudiTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Resident IDs, phones and mobile numbers sealed with SM4; the key file; rotation")
struct FieldSealingTests {
    static let head = "43048119700101001", spouse = "43048119720202002", phone = "13912345678"

    static func seed(_ db: Database) async throws -> StoredHousehold {
        let store = HouseholdStore(db)
        let h = try await store.create(Fixture.household("H1", people: [(head, .head, "张三"), (spouse, .spouse, "李梅")]), by: Fixture.system)
        _ = try await LeadStore(db).submit(try SelfReport(name: "王五", residentID: validID("43048119800101099").text, mobile: phone,
                                                          regionCode: Fixture.village.description, riskKinds: ["illness"], description: "",
                                                          consent: true).check(today: Clock.system.today()).get())
        return h
    }

    struct Text: Decodable { var v: String? }

    /// Every text a table's rows hold, as the database hands it out.
    static func cells(_ db: Database, _ table: String) async throws -> [String] {
        try await db.read { sql in
            try await sql.raw("SELECT * FROM \(unsafeRaw: table)").all().flatMap { row in
                row.allColumns.compactMap { try? row.decode(column: $0, as: String?.self) ?? nil }
            }
        }
    }

    @Test(arguments: Backend.available) func noPlainResidentIDOrPhoneIsStored(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let h = try await Self.seed(db)
            #expect(h.members.map(\.member.residentID.text) == [validID(Self.head).text, validID(Self.spouse).text], "read back opened")
            #expect(h.members.first?.member.phone == "13812345678")
            let plain = [validID(Self.head).text, validID(Self.spouse).text, validID("43048119800101099").text, Self.phone, "13812345678"]
            for table in ["members", "leads", "audit_log"] {
                let cells = try await Self.cells(db, table)
                #expect(!cells.isEmpty)
                for p in plain { #expect(!cells.contains { $0.contains(p) }, "\(table) holds \(p) in the clear") }
            }
            if backend == .sqlite {
                // The file itself, after the log is folded in: not one of them anywhere.
                try await db.transaction { tx in try await tx.sql.raw("SELECT 1").run() }
                try await db.read { sql in try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run() }
                let bytes = try Data(contentsOf: URL(fileURLWithPath: db.location))
                for p in plain { #expect(bytes.range(of: Data(p.utf8)) == nil, "the SQLite file holds \(p) in the clear") }
            }
            // Found by the blind index, and one person in one household only.
            let found = try await HouseholdStore(db).search(by: Fixture.system, residentID: validID(Self.spouse))
            #expect(found.items.map(\.id) == ["H1"] && found.items.first?.headResidentID == validID(Self.head).text)
            let again = Member(residentID: validID(Self.spouse), householdID: "H2", name: "李梅", relation: .head, laborAbility: .full)
            let second = HouseholdRecord(household: Household(id: "H2", regionCode: Fixture.village, povertyStatus: .none, incomePerCapita: 9_000), members: [again])
            await #expect(throws: HouseholdStore.elsewhere("H1")) { try await HouseholdStore(db).create(second, by: Fixture.system) }
            let lead = try await LeadStore(db).leads(by: Fixture.system, status: nil).first
            #expect(lead?.residentID == validID("43048119800101099").text && lead?.mobile == Self.phone)
        }
    }

    @Test(arguments: Backend.available) func anAlteredSealedValueIsAnErrorNotAMissingMember(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            _ = try await Self.seed(db)
            try await db.transaction { tx in
                // One character of the ciphertext changed: the tag no longer matches.
                try await tx.sql.raw("""
                    UPDATE members SET resident_sealed = SUBSTR(resident_sealed, 1, 10) || CASE WHEN SUBSTR(resident_sealed, 11, 1) = 'A' THEN 'B' ELSE 'A' END
                      || SUBSTR(resident_sealed, 12) WHERE relation = 'spouse'
                    """).run()
            }
            await #expect(throws: FieldSecrets.Unopenable.self) { _ = try await HouseholdStore(db).get("H1", by: Fixture.system) }
        }
    }

    @Test(arguments: Backend.available) func anotherKeyFileIsRefusedBeforeAnythingIsWritten(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            _ = try await Self.seed(db)
            let other = try await Database.open(db.location, clock: .system, keys: .fixed(.generate()), logger: .init(label: "test"))
            await #expect(throws: KeyFile.Problem.self) { try await other.migrate() }
            await other.close()
        }
    }

    @Test func theKeyFileIsMadeForItsOwnerOnlyAndRefusedOtherwise() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("doudi.key").path
        let (keys, created) = try KeyFile.loadOrCreate(path)
        #expect(created)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        #expect(try KeyFile.loadOrCreate(path) == (keys, false), "made once, then read")
        #expect(!"\(keys)".contains(Hex.encode(keys.index)), "a printed key set shows no key")
        chmod(path, 0o644)
        #expect(throws: KeyFile.Problem.self) { try KeyFile.load(path) }
        chmod(path, 0o600)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        #expect(throws: KeyFile.Problem.self) { try KeyFile.load(path) }
    }

    @Test(arguments: Backend.available) func version11SealsWhatEarlierVersionsStoredInTheClear(_ backend: Backend) async throws {
        try await withFreshDatabase(backend, migrate: false) { db in
            try await db.migrate(upTo: 10)
            let rid = validID(Self.head).text
            try await db.transaction { tx in
                try await tx.sql.raw("""
                    INSERT INTO households (id, region, poverty_status, dibao, near_dibao, extreme_hardship, income_per_capita, address, created_at, updated_at)
                    VALUES ('H1', \(bind: Int64(Fixture.village.value)), 'exited', 0, 0, 0, 6000, '', 0, 0)
                    """).run()
                try await tx.sql.raw("""
                    INSERT INTO members (resident_id, household_id, region, name, relation, sex, birth_date, labor_ability, health, schooling, employment, phone)
                    VALUES (\(bind: rid), 'H1', \(bind: Int64(Fixture.village.value)), '张三', 'head', 'male', '1970-01-01', 'full', 'healthy', 'notInSchool', 'notWorking', \(bind: Self.phone))
                    """).run()
                try await tx.sql.raw("""
                    INSERT INTO leads (tracking_code, channel, status, region, household_id, resident_id, name, mobile, risk_kinds, description, created_at, updated_at)
                    VALUES ('ABCDEFGHJK', 'selfReport', 'open', \(bind: Int64(Fixture.village.value)), 'H1', \(bind: rid), '张三', \(bind: Self.phone), 'illness', '', 0, 0)
                    """).run()
            }
            try await db.migrate()
            let h = try await HouseholdStore(db).get("H1", by: Fixture.system)
            #expect(h?.members.first?.member.residentID.text == rid && h?.members.first?.member.phone == Self.phone)
            #expect(try await HouseholdStore(db).search(by: Fixture.system, residentID: ResidentID(rid)).total == 1)
            #expect(try await LeadStore(db).status(trackingCode: "ABCDEFGHJK", mobile: Self.phone)?.status == .open)
            for table in ["members", "leads"] {
                #expect(!(try await Self.cells(db, table)).contains { $0.contains(rid) || $0.contains(Self.phone) }, "\(table) still holds plain values")
            }
        }
    }

    @Test(arguments: Backend.available) func rotationReSealsEverythingUnderANewKeyWhileWritesGoOn(_ backend: Backend) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-rotate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("doudi.key").path
        _ = try KeyFile.loadOrCreate(path)
        try await withFreshDatabase(backend, keys: .file(path)) { db in
            _ = try await Self.seed(db)
            func body(_ i: Int) -> String { "430481196001" + String(format: "%02d", i % 28 + 1) + String(format: "%03d", i) }
            let store = HouseholdStore(db)
            for i in 0..<30 {
                _ = try await store.create(Fixture.household("R\(i)", people: [(body(i), .head, "户主\(i)")]), by: Fixture.system)
            }
            let writer = Task {
                for i in 30..<70 { _ = try await store.create(Fixture.household("R\(i)", people: [(body(i), .head, "户主\(i)")]), by: Fixture.system) }
            }
            let r = try await db.rotateFieldKeys(keyFile: path, by: .system(), settle: .milliseconds(20))
            try await writer.value
            #expect(r.from == 1 && r.to == 2 && r.resealed >= 33)
            #expect(try KeyFile.load(path).versions.map(\.number) == [2], "the old key is gone from the file")
            struct N: Decodable { var n: Int }
            let left = try await db.read { sql in
                try await sql.raw("""
                    SELECT (SELECT COUNT(*) FROM members WHERE resident_sealed NOT LIKE 'k2:%' OR phone_sealed NOT LIKE 'k2:%')
                         + (SELECT COUNT(*) FROM leads WHERE resident_sealed NOT LIKE 'k2:%' OR mobile_sealed NOT LIKE 'k2:%')
                         + (SELECT COUNT(*) FROM field_keys WHERE version <> 2) AS n
                    """).first(decoding: N.self)?.n
            }
            #expect(left == 0, "nothing left under the old key")
            for i in 0..<70 {
                let h = try await store.get("R\(i)", by: Fixture.system)
                #expect(h?.members.first?.member.residentID == validID(body(i)), "R\(i) opens under the new key")
            }
            #expect(try await store.search(by: Fixture.system, residentID: validID(body(5))).items.map(\.id) == ["R5"], "the blind index is unchanged")
            let audited = try await db.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'keys.rotate'").first(decoding: N.self)?.n }
            #expect(audited == 1)
            // It opens again with the file as it now stands.
            let reopened = try await Database.open(db.location, clock: .system, keys: .file(path), logger: .init(label: "test"))
            try await reopened.migrate()
            await reopened.close()
        }
    }
}
