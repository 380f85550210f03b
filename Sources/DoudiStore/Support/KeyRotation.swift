import DoudiDomain
import Foundation
import SQLKit

/// The database's record of its field keys (a check value per version, never a key), and the rotation.
enum FieldKeySchema {
    static let table = "CREATE TABLE field_keys (version INTEGER PRIMARY KEY, check_value TEXT NOT NULL, created_at BIGINT NOT NULL)"
}

extension Database {
    struct KeyRow: Decodable { var version: Int; var check_value: String }

    /// Refuses a key file that is not this database's: a key version the database knows with another check
    /// value, or one it still uses that the file lacks. Records the file's current version if it is new.
    func checkFieldKeys() async throws {
        let keys = fields.keys
        try await transaction { tx in
            for row in try await tx.sql.raw("SELECT version, check_value FROM field_keys").all(decoding: KeyRow.self) {
                guard let check = keys.check(row.version) else {
                    throw KeyFile.Problem(zh: "密钥文件缺少本数据库使用的第\(row.version)版密钥：请使用本数据库的密钥文件",
                                          en: "the key file lacks key version \(row.version), which this database uses: give the database's own key file")
                }
                guard check == row.check_value else {
                    throw KeyFile.Problem(zh: "密钥文件与本数据库不符（第\(row.version)版密钥不同）：请使用本数据库的密钥文件",
                                          en: "the key file does not belong to this database (key version \(row.version) differs): give the database's own key file")
                }
            }
            guard let current = keys.check(keys.current) else { return }
            if try await tx.sql.raw("SELECT version FROM field_keys WHERE version = \(bind: keys.current)").first() == nil {
                try await tx.sql.raw("INSERT INTO field_keys (version, check_value, created_at) VALUES (\(bind: keys.current), \(bind: current), \(bind: tx.clock.nowMillis()))").run()
            }
        }
    }

    public struct Rotation: Sendable {
        public var from: Int
        public var to: Int
        public var resealed: Int
    }

    /// `doudi keys rotate`: a new sealing key in the file, every sealed value re-sealed under it while the
    /// server goes on, then the old key taken out of the file and the database. Servers read the file again
    /// within two seconds of a change; the passes go on until one finds nothing under an old key.
    public func rotateFieldKeys(keyFile path: String, by actor: Actor, settle: Duration = .seconds(3),
                                progress: @Sendable (String) -> Void = { _ in }) async throws -> Rotation {
        guard actor.role == .admin else { throw StoreError.forbidden }
        let old = try KeyFile.load(path)
        guard old == fields.keys else {
            throw KeyFile.Problem(zh: "密钥文件 \(path) 不是本数据库打开时使用的文件", en: "the key file \(path) is not the one this database was opened with")
        }
        let new = old.adding()
        try KeyFile.write(new, to: path)
        try fields.reload()
        try await checkFieldKeys()
        progress("key version \(new.current) written; waiting \(settle) for running servers to read it")
        try await Task.sleep(for: settle)
        var resealed = 0
        while true {
            var pass = 0
            for table in SealedTable.all { pass += try await table.reseal(self) }
            progress("re-sealed \(pass) rows")
            resealed += pass
            if pass == 0 { break }
        }
        // The last pass with writers held off (SQLite's single writer; a lock on PostgreSQL that waits for
        // writes in progress), so that nothing under the old key is committed after it.
        resealed += try await transaction { tx in
            var last = 0
            if tx.engine == .postgres {
                try await tx.sql.raw("LOCK TABLE \(unsafeRaw: SealedTable.all.map(\.table).joined(separator: ", ")) IN SHARE ROW EXCLUSIVE MODE").run()
            }
            for table in SealedTable.all { last += try await table.reseal(tx) }
            try await tx.sql.raw("DELETE FROM field_keys WHERE version <> \(bind: new.current)").run()
            try await AuditLog.record(tx, actor: actor, action: "keys.rotate", subject: "field_keys", region: actor.region, before: ["version": old.current],
                                      after: ["version": new.current, "resealed": resealed + last])
            return last
        }
        try KeyFile.write(new.retiring(), to: path)
        try fields.reload()
        return Rotation(from: old.current, to: new.current, resealed: resealed)
    }
}
