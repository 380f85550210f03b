import DoudiDomain
import Foundation
import VaporCSQLite

/// One sqlite3 connection for the bulk path: statements prepared once and stepped row after row, as
/// `executemany` does, instead of a thousand-row statement parsed and planned again for every batch.
/// It uses the very SQLite that sqlite-nio bundles (its `VaporCSQLite` module), never a second copy: two
/// copies of SQLite in one process break each other's file locks.
final class RawSQLite {
    private let handle: OpaquePointer

    struct Failure: Error, CustomStringConvertible {
        var code: Int32
        var message: String
        var description: String { "SQLite \(code): \(message)" }
    }

    init(path: String, create: Bool = false) throws {
        var h: OpaquePointer?
        let rc = sqlite_nio_sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_EXRESCODE | (create ? SQLITE_OPEN_CREATE : 0), nil)
        guard rc == SQLITE_OK, let h else {
            let message = h.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            sqlite_nio_sqlite3_close(h)
            throw Failure(code: rc, message: message)
        }
        handle = h
        sqlite_nio_sqlite3_busy_timeout(h, Self.busyMillis)
    }

    deinit { sqlite_nio_sqlite3_close_v2(handle) }

    /// How long a statement waits for another connection's lock, as every connection of Doudi's does.
    static let busyMillis: Int32 = 10_000

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW else {
            throw Failure(code: rc, message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
        }
    }

    /// Copies this whole database into `destination` in one step of SQLite's online backup: one read
    /// snapshot of the source (in WAL mode writers go on meanwhile), the destination replaced page by page.
    func backup(into destination: RawSQLite) throws {
        guard let b = sqlite_nio_sqlite3_backup_init(destination.handle, "main", handle, "main") else {
            throw Failure(code: sqlite_nio_sqlite3_errcode(destination.handle), message: String(cString: sqlite_nio_sqlite3_errmsg(destination.handle)))
        }
        var rc: Int32
        repeat {
            rc = sqlite_nio_sqlite3_backup_step(b, -1)
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { usleep(20_000) }
        } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
        let finished = sqlite_nio_sqlite3_backup_finish(b)
        guard rc == SQLITE_DONE, finished == SQLITE_OK else {
            throw Failure(code: rc == SQLITE_DONE ? finished : rc, message: String(cString: sqlite_nio_sqlite3_errmsg(destination.handle)))
        }
    }

    /// Asks for another journal mode without waiting: a file another connection holds keeps its mode.
    func journal(_ mode: String) {
        sqlite_nio_sqlite3_busy_timeout(handle, 0)
        try? exec("PRAGMA journal_mode=\(mode)")
        sqlite_nio_sqlite3_busy_timeout(handle, Self.busyMillis)
    }

    func exec(_ sql: String) throws {
        try check(sqlite_nio_sqlite3_exec(handle, sql, nil, nil, nil))
    }

    /// The rows of a query, every column as text (NULL as nil): for the few small reads of the bulk path.
    func rows(_ sql: String) throws -> [[String?]] {
        let s = try prepare(sql)
        var out: [[String?]] = []
        while try s.step() {
            out.append((0..<sqlite_nio_sqlite3_column_count(s.handle)).map { i in
                sqlite_nio_sqlite3_column_text(s.handle, i).map { String(cString: $0) }
            })
        }
        return out
    }

    func count(_ table: String) throws -> Int { Int(try scalar("SELECT COUNT(*) FROM \(table)")) }

    /// The first column of a query's first row as an integer (0 when there is none). The statement is
    /// finished on return: one left open would lock the schema against DROP INDEX.
    func scalar(_ sql: String) throws -> Int64 {
        let s = try prepare(sql)
        return try s.step() ? s.int(0) ?? 0 : 0
    }

    /// An INSERT of one row into `columns`, each a parameter.
    static func insertSQL(_ table: String, _ columns: [String]) -> String {
        "INSERT INTO \(table) (\(columns.joined(separator: ","))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ",")))"
    }

    func prepare(_ sql: String) throws -> Statement {
        var s: OpaquePointer?
        try check(sqlite_nio_sqlite3_prepare_v2(handle, sql, -1, &s, nil))
        guard let s else { throw Failure(code: SQLITE_MISUSE, message: "empty statement") }
        return Statement(handle: s, connection: self)
    }

    final class Statement {
        fileprivate let handle: OpaquePointer
        private let connection: RawSQLite
        fileprivate init(handle: OpaquePointer, connection: RawSQLite) { self.handle = handle; self.connection = connection }
        deinit { sqlite_nio_sqlite3_finalize(handle) }

        /// Binds the parameters as `write` gives them, one after another, steps the statement, and makes it
        /// ready for the next: no array of values in between.
        func run(_ write: (inout Binder) -> Void) throws {
            var binder = Binder(statement: handle)
            write(&binder)
            try connection.check(binder.rc)
            try connection.check(sqlite_nio_sqlite3_step(handle))
            try connection.check(sqlite_nio_sqlite3_reset(handle))
        }

        /// Binds the parameters, hands each row to `row`, and makes the statement ready for the next use.
        func query(_ bind: (inout Binder) -> Void, _ row: (Statement) throws -> Void) throws {
            var binder = Binder(statement: handle)
            bind(&binder)
            defer { sqlite_nio_sqlite3_reset(handle) }
            try connection.check(binder.rc)
            while try step() { try row(self) }
        }

        /// Column `i` of the current row: text, or nil for NULL.
        func text(_ i: Int32) -> String? {
            guard sqlite_nio_sqlite3_column_type(handle, i) != SQLITE_NULL, let p = sqlite_nio_sqlite3_column_text(handle, i) else { return nil }
            let n = Int(sqlite_nio_sqlite3_column_bytes(handle, i))
            return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
        }

        /// The bytes of column `i` of the current row as text, valid only inside `body` (empty for NULL).
        func withText<R>(_ i: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
            let p = sqlite_nio_sqlite3_column_text(handle, i)
            return body(UnsafeBufferPointer(start: p, count: p == nil ? 0 : Int(sqlite_nio_sqlite3_column_bytes(handle, i))))
        }

        /// Column `i` of the current row as an integer, or nil for NULL.
        func int(_ i: Int32) -> Int64? {
            sqlite_nio_sqlite3_column_type(handle, i) == SQLITE_NULL ? nil : sqlite_nio_sqlite3_column_int64(handle, i)
        }

        /// Steps a query: true while there is a row.
        func step() throws -> Bool {
            let rc = sqlite_nio_sqlite3_step(handle)
            try connection.check(rc)
            return rc == SQLITE_ROW
        }
    }

    /// Runs `body` in one write transaction on a thread of its own (the calls block), committing when it
    /// returns and rolling back when it throws. It holds the database's writer meanwhile, so the server's
    /// other writes wait their turn in line rather than at SQLite's lock.
    static func transaction<T: Sendable>(_ db: Database, pragmas: [String], _ body: @escaping @Sendable (RawSQLite) throws -> T) async throws -> T {
        try await db.exclusiveWrite { try await session(path: db.location, pragmas: pragmas, begin: "BEGIN IMMEDIATE", body) }
    }

    /// `transaction` for a process that has the file to itself (`doudi import`, `alone`): its idle connections
    /// are closed and the load goes through a rollback journal instead of the WAL, written into the file once
    /// rather than into the WAL and then the file (Python into Doudi's schema, 200,000 households: 12.8 s in WAL
    /// mode, 8.9 s so). When another process has the file open the mode cannot change and the load stays in
    /// the WAL; the file is back in WAL mode when the load ends, as every connection opened later sets it too.
    static func transaction<T: Sendable>(_ db: Database, alone: Bool, pragmas: [String], _ body: @escaping @Sendable (RawSQLite) throws -> T) async throws -> T {
        guard alone else { return try await transaction(db, pragmas: pragmas, body) }
        // Nothing else in the process writes meanwhile: the writer's line, which holds a connection, is not taken.
        await db.closeIdleConnections()
        return try await session(path: db.location, pragmas: pragmas.filter { !$0.contains("journal_mode") }, begin: "BEGIN IMMEDIATE", switching: true, body)
    }

    /// Runs `body` on one snapshot of the database, on a thread of its own: for large reads that would cost
    /// more through the row decoding of the ordinary path.
    static func read<T: Sendable>(path: String, _ body: @escaping @Sendable (RawSQLite) throws -> T) async throws -> T {
        // A whole roll looks up a head's name and a benefit per line, all over the file: mapped, its pages are read
        // without a system call each (measured: a tenth of a bank file's time was in pread).
        try await session(path: path, pragmas: ["PRAGMA mmap_size=1073741824"], begin: "BEGIN", body)
    }

    private static func session<T: Sendable>(path: String, pragmas: [String], begin: String, switching: Bool = false,
                                             _ body: @escaping @Sendable (RawSQLite) throws -> T) async throws -> T {
        try await onThread {
            let db = try RawSQLite(path: path)
            if switching { db.journal("DELETE") }
            for p in pragmas { try db.exec(p) }
            try db.exec(begin)
            do {
                let value = try body(db)
                try db.exec("COMMIT")
                if switching { db.journal("WAL") }
                return value
            } catch {
                try? db.exec("ROLLBACK")
                if switching { db.journal("WAL") }
                throw error
            }
        }
    }
}

/// Binds a prepared statement's parameters in order; the first failure is kept in `rc`.
struct Binder: RowWriter {
    let statement: OpaquePointer
    var next: Int32 = 1
    var rc = SQLITE_OK

    private mutating func record(_ r: Int32) {
        if rc == SQLITE_OK { rc = r }
        next += 1
    }
    mutating func int(_ v: Int64) { record(sqlite_nio_sqlite3_bind_int64(statement, next, v)) }
    mutating func null() { record(sqlite_nio_sqlite3_bind_null(statement, next)) }
    mutating func text(_ v: String) {
        // A native Swift string hands out its UTF-8 without a copy; SQLite copies it (TRANSIENT).
        var v = v
        let r = v.withUTF8 { u in
            u.withMemoryRebound(to: CChar.self) { c in
                guard let base = c.baseAddress else { return sqlite_nio_sqlite3_bind_text64(statement, next, "", 0, rawTransient, UInt8(SQLITE_UTF8)) }
                return sqlite_nio_sqlite3_bind_text64(statement, next, base, UInt64(c.count), rawTransient, UInt8(SQLITE_UTF8))
            }
        }
        record(r)
    }
}

private let rawTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
