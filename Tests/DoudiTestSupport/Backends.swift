import DoudiStore
import Foundation
import Logging
import SQLKit
import Testing

/// The storage suite runs on SQLite always, and on PostgreSQL when DOUDI_TEST_POSTGRES_URL is set (CI sets it).
public enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    public var testDescription: String { rawValue }

    /// SQLite, and PostgreSQL when its URL is given or when the run requires it (`scripts/test` sets
    /// DOUDI_TEST_REQUIRE_POSTGRES): then a missing server fails every PostgreSQL case instead of skipping it.
    public static var available: [Backend] {
        let env = ProcessInfo.processInfo.environment
        let url = env["DOUDI_TEST_POSTGRES_URL"] ?? ""
        return !url.isEmpty || env["DOUDI_TEST_REQUIRE_POSTGRES"] == "1" ? [.sqlite, .postgres] : [.sqlite]
    }
}

/// A run that requires PostgreSQL was not given one.
public struct PostgresMissing: Error, CustomStringConvertible {
    public var description: String {
        "DOUDI_TEST_REQUIRE_POSTGRES is set but DOUDI_TEST_POSTGRES_URL is not: start PostgreSQL (scripts/start-postgres.sh) or run scripts/test --sqlite-only"
    }
}

/// A new, migrated database for one test, removed afterwards.
/// `migrate`: false leaves the schema empty (a test of the migrations themselves).
public func withFreshDatabase<T: Sendable>(_ backend: Backend, clock: Clock = .system, keys: FieldSecrets.Source = .fixed(.generate()),
                                           migrate: Bool = true, _ body: (Database) async throws -> T) async throws -> T {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    switch backend {
    case .sqlite:
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try await Database.open(dir.appendingPathComponent("t.sqlite").path, clock: clock, keys: keys, logger: logger)
        do {
            if migrate { try await db.migrate() }
            let r = try await body(db)
            await db.close()
            return r
        } catch { await db.close(); throw error }
    case .postgres:
        guard let base = ProcessInfo.processInfo.environment["DOUDI_TEST_POSTGRES_URL"], !base.isEmpty else { throw PostgresMissing() }
        let name = "doudi_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let admin = try await Database.open(base, clock: clock, keys: keys, logger: logger)
        var c = URLComponents(string: base)!
        c.path = "/" + name
        let db: Database
        do {
            try await admin.read { sql in try await sql.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
            db = try await Database.open(c.string!, clock: clock, keys: keys, logger: logger)
        } catch {
            // A database dropped with its connections open stops the whole test process (postgres-nio).
            await admin.close()
            throw error
        }
        func drop() async {
            await db.close()
            try? await admin.read { sql in try await sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
            await admin.close()
        }
        do {
            if migrate { try await db.migrate() }
            let r = try await body(db)
            await drop()
            return r
        } catch { await drop(); throw error }
    }
}


extension StoreError {
    /// The fields a refusal names: a test that expects one refusal does not pass on another (not found, forbidden).
    public var fields: [String] {
        if case .invalid(let problems) = self { return problems.map(\.field) }
        return []
    }
}

/// How many writes the audit log holds: a write that was acknowledged adds at least one, a refused one none. A
/// view of a child's case is logged too, but it is a read (a refused act shows the case again, and that is logged).
public func auditCount(_ db: Database) async throws -> Int {
    struct N: Decodable { var n: Int }
    return try await db.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action <> 'child.view'").first(decoding: N.self)?.n ?? 0 }
}

/// Where a restore may go: a SQLite path not yet created, or a new PostgreSQL database with no tables; removed
/// afterwards.
public func withEmptyLocation<T: Sendable>(_ backend: Backend, _ body: (String) async throws -> T) async throws -> T {
    switch backend {
    case .sqlite:
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try await body(dir.appendingPathComponent("r.sqlite").path)
    case .postgres:
        guard let base = ProcessInfo.processInfo.environment["DOUDI_TEST_POSTGRES_URL"], !base.isEmpty else { throw PostgresMissing() }
        let name = "doudi_e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let admin = try await Database.open(base, clock: .system, keys: .fixed(.generate()), logger: logger)
        var c = URLComponents(string: base)!
        c.path = "/" + name
        do {
            try await admin.read { sql in try await sql.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
            let r = try await body(c.string!)
            try? await admin.read { sql in try await sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
            await admin.close()
            return r
        } catch {
            try? await admin.read { sql in try await sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
            await admin.close()
            throw error
        }
    }
}
