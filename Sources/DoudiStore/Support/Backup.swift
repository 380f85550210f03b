import DoudiDomain
import Foundation

/// A consistent copy of the whole database while the server runs, and its restoration into an empty one.
/// SQLite: SQLite's online backup (one snapshot; writers go on). PostgreSQL: `pg_dump` and `pg_restore` in their
/// custom format, found on the PATH or in Debian's /usr/lib/postgresql/*/bin.
public enum Backup {
    public struct Failure: Error, CustomStringConvertible {
        public var message: Message
        public var description: String { message.description }
    }

    public static func make(database location: String, to file: String) async throws {
        guard !FileManager.default.fileExists(atPath: file) else {
            throw Failure(message: Message("备份文件\(file)已存在，不会覆盖", "the backup file \(file) exists already; it is not overwritten"))
        }
        let postgres = location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
        guard postgres || FileManager.default.fileExists(atPath: location) else {
            throw Failure(message: Message("数据库文件\(location)不存在", "there is no database file \(location)"))
        }
        // The copy holds the register: readable by its owner only, from its first byte.
        guard FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw Failure(message: Message("无法创建备份文件\(file)", "cannot create the backup file \(file)"))
        }
        if postgres {
            do { try run("pg_dump", ["--format=custom", "--no-owner", "--file", file, location]) } catch {
                try? FileManager.default.removeItem(atPath: file)
                throw error
            }
            return
        }
        do {
            try await onThread {
                let source = try RawSQLite(path: location), copy = try RawSQLite(path: file, create: true)
                try source.backup(into: copy)
                try copy.exec("PRAGMA journal_mode=DELETE")  // one self-contained file, no -wal beside it
            }
        } catch {
            try? FileManager.default.removeItem(atPath: file)
            throw error
        }
    }

    /// Restores `file` into `location`, which must be new or hold no tables: a restore never mixes two registers.
    /// With `keys`, a SQLite backup whose sealed fields they do not open is refused before anything is written.
    public static func restore(from file: String, into location: String, keys: FieldKeys? = nil) async throws {
        guard FileManager.default.fileExists(atPath: file) else {
            throw Failure(message: Message("备份文件\(file)不存在", "there is no backup file \(file)"))
        }
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            // Only to count tables: no record is read, so no key is needed.
            let db = try await Database.open(location, clock: .system, keys: .fixed(.generate()), logger: .init(label: "doudi.restore"))
            let tables = try await db.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'").first(decoding: Count.self)?.n ?? 0
            }
            await db.close()
            guard tables == 0 else { throw notEmpty(location) }
            try run("pg_restore", ["--no-owner", "--exit-on-error", "--single-transaction", "--dbname", location, file])
            return
        }
        try await onThread {
            let backup = try RawSQLite(path: file)
            guard (try? backup.scalar("SELECT COUNT(*) FROM schema_migrations")) != nil else {
                throw Failure(message: Message("\(file)不是兜底的数据库备份", "\(file) is not a Doudi database backup"))
            }
            if let keys, let rows = try? backup.rows("SELECT version, check_value FROM field_keys"),
               rows.contains(where: { row in row.count == 2 && keys.check(Int(row[0] ?? "") ?? -1) != row[1] }) {
                throw Failure(message: Message("密钥文件不是备份所属数据库的密钥文件：请使用该数据库的密钥文件（--key-file）",
                                               "the key file is not the backed-up database's: give that database's key file (--key-file)"))
            }
            let target = try RawSQLite(path: location, create: true)
            guard try target.scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'") == 0 else { throw notEmpty(location) }
            try backup.backup(into: target)
        }
    }

    static func notEmpty(_ location: String) -> Failure {
        Failure(message: Message("目标数据库\(redact(location))不是空的：只能恢复到新的或空的数据库",
                                 "the database \(redact(location)) is not empty: a backup is restored into a new or empty one only"))
    }

    /// A URL's password is never printed.
    static func redact(_ location: String) -> String {
        location.replacing(#/://([^:/@]+):[^@]*@/#) { "://\($0.output.1):***@" }
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin" } ?? [])
        guard let path = dirs.map({ "\($0)/\(tool)" }).first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw Failure(message: Message("找不到\(tool)（PostgreSQL 客户端工具）", "\(tool) (PostgreSQL's client tools) is not installed"))
        }
        let p = Process(), errors = Pipe()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        p.standardError = errors
        try p.run()
        let said = errors.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let text = redact(String(decoding: said, as: UTF8.self)).prefix(2000)
            throw Failure(message: Message("\(tool)失败：\(text)", "\(tool) failed: \(text)"))
        }
    }
}
