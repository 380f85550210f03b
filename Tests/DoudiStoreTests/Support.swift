import DoudiDomain
import DoudiStore
import Foundation
import Logging
import SQLKit

/// The storage suite runs on SQLite always, and on PostgreSQL when DOUDI_TEST_POSTGRES_URL is set (CI sets it).
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }

    static var available: [Backend] {
        ProcessInfo.processInfo.environment["DOUDI_TEST_POSTGRES_URL"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] } ?? [.sqlite]
    }
}

import Testing

/// A new, migrated database for one test, removed afterwards.
func withFreshDatabase<T: Sendable>(_ backend: Backend, _ body: (Database) async throws -> T) async throws -> T {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    switch backend {
    case .sqlite:
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try await Database.open(dir.appendingPathComponent("t.sqlite").path, logger: logger)
        do {
            try await db.migrate()
            let r = try await body(db)
            await db.close()
            return r
        } catch { await db.close(); throw error }
    case .postgres:
        let base = ProcessInfo.processInfo.environment["DOUDI_TEST_POSTGRES_URL"]!
        let name = "doudi_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let admin = try await Database.open(base, logger: logger)
        try await admin.read { sql in try await sql.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
        var c = URLComponents(string: base)!
        c.path = "/" + name
        let db = try await Database.open(c.string!, logger: logger)
        func drop() async {
            await db.close()
            try? await admin.read { sql in try await sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
            await admin.close()
        }
        do {
            try await db.migrate()
            let r = try await body(db)
            await drop()
            return r
        } catch { await drop(); throw error }
    }
}

func validID(_ body17: String) -> ResidentID {
    try! ResidentID(body17 + String(UnicodeScalar(ResidentID.checkCharacter(for: Array(body17.utf8)))))
}

enum Fixture {
    static let county = RegionCode("430481000000")!
    static let township = RegionCode("430481001000")!
    static let village = RegionCode("430481001001")!
    static let otherVillage = RegionCode("430481001002")!
    static let system = Actor.system("test")

    static func household(_ id: String, village: RegionCode = village, people: [(String, Relation, String)]) -> HouseholdRecord {
        HouseholdRecord(
            household: Household(id: id, regionCode: village, povertyStatus: .exited, incomePerCapita: 6_000),
            members: people.map { body, relation, name in
                Member(residentID: validID(body), householdID: id, name: name, relation: relation, laborAbility: .full, phone: "13812345678")
            })
    }

    static func actor(_ db: Database, _ name: String, _ role: Role, _ region: RegionCode) async throws -> Actor {
        try await UserStore(db).add(username: name, password: "password-\(name)", role: role, region: region, by: system).actor
    }
}
