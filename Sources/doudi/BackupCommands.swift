import ArgumentParser
import DoudiStore
import Foundation

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the whole database, consistently, while the server runs.",
        discussion: """
        SQLite: SQLite's online backup into a new file (one snapshot: writes go on meanwhile; an existing file
        is not overwritten). PostgreSQL: pg_dump in its custom format (PostgreSQL's client tools must be installed).
        """)
    @OptionGroup var db: DatabaseOption
    @Option(help: "The backup file to write.") var out: String

    func run() async throws {
        do { try await Backup.make(database: db.location, to: out) } catch let f as Backup.Failure { throw CLIError(f.message.zh, f.message.en) }
        print("已备份到 \(out) / backed up to \(out)")
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into a new or empty database.",
        discussion: """
        The database given must be new or hold no tables: a restore never mixes two registers. The backup holds no
        key: give the backed-up database's key file (--key-file), which is checked against the restored records.
        """)
    @OptionGroup var db: DatabaseOption
    @Option(help: "The backup file to restore.") var from: String

    func run() async throws {
        guard case .file(let path) = try db.keys(.existing) else { return }
        let keys = try KeyFile.load(path)
        do { try await Backup.restore(from: from, into: db.location, keys: keys) } catch let f as Backup.Failure { throw CLIError(f.message.zh, f.message.en) }
        // Opening migrates: a backup of an older version comes up to date. The key file is not in the backup: the
        // backed-up database's own file must be given, and is checked against the restored records.
        try await db.with(makeLogger("doudi"), keys: .existing) { database in
            print("已恢复，数据库版本 \(try await database.schemaVersion()) / restored, schema version \(try await database.schemaVersion())")
        }
    }
}
