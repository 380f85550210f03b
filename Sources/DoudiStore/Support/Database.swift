import DoudiDomain
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import PostgresNIO
import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization

/// Which engine a store runs on. The SQL both share is written once; where they differ, `dialect` picks.
public enum Engine: String, Sendable {
    case sqlite, postgres
}

/// What every store may answer instead of a result. A capability's own refusals are one of these with its own
/// words (a household id taken is a `conflict` on `householdId`), so pages and the API map them once.
public enum StoreError: Error, Sendable, Equatable {
    case closed
    case badLocation(String)
    /// No such record in the caller's region.
    case notFound
    /// The caller's role may not.
    case forbidden
    /// Fields at fault.
    case invalid([DoudiDomain.FieldProblem])
    /// The record clashes with one already stored (a key taken, a person in another household).
    case conflict(DoudiDomain.FieldProblem)
    /// The database server cannot be reached or is shutting down: try again shortly (HTTP 503).
    case unavailable
}

/// The database behind Doudi: where it is, and the pools of connections to it.
///
/// On SQLite, writes go one at a time through a single writer connection with a thread of its own, and callers
/// queue for it without holding a thread (as GRDB's `DatabasePool` does); reads run beside it in WAL. Writers
/// that each held one of the shared threads while waiting for SQLite's lock used to starve the writer holding
/// it: with more writers than threads, every write stalled until the busy timeout.
public final class Database: Sendable {
    public let engine: Engine
    public let location: String
    /// Reads (and, on PostgreSQL, writes too).
    let pool: ConnectionPool
    /// SQLite's one writer; PostgreSQL writes through `pool`, its rows locked by the statements themselves.
    let writer: ConnectionPool?
    private let writerThread: NIOThreadPool?
    let logger: Logger
    /// What every record is stamped with.
    public let clock: Clock
    /// Writes of one kind that arrive together share a commit (self-reports).
    let groupCommits = GroupCommits()
    /// The group commits' connection on SQLite.
    private let sqliteWriter = SQLiteWriter()
    private let closing = Mutex<Task<Void, Never>?>(nil)
    /// What seals resident IDs, phones and bank accounts, and indexes them.
    public let fields: FieldSecrets

    private init(engine: Engine, location: String, pool: ConnectionPool, writer: ConnectionPool? = nil, writerThread: NIOThreadPool? = nil,
                 logger: Logger, clock: Clock, fields: FieldSecrets) {
        self.engine = engine; self.location = location; self.pool = pool; self.writer = writer; self.writerThread = writerThread
        self.logger = logger; self.clock = clock; self.fields = fields
    }

    /// `location` is a file path (SQLite) or a `postgres://` URL; `keys` the field keys (a key file, made on
    /// first use).
    public static func open(_ location: String, clock: Clock, keys: FieldSecrets.Source, logger: Logger = Logger(label: "doudi.store")) async throws -> Database {
        let fields = try FieldSecrets(keys)
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            let config: SQLPostgresConfiguration
            do { config = try SQLPostgresConfiguration(url: location) } catch { throw StoreError.badLocation(location) }
            let core = config.coreConfiguration
            let pool = ConnectionPool(limit: 8, waitLimit: .seconds(5)) {
                let conn = try await PostgresConnection.connect(configuration: core, id: Int.random(in: 1...Int.max), logger: logger)
                // Quiet NOTICEs such as "relation already exists" from IF NOT EXISTS.
                _ = try await conn.query("SET client_min_messages TO WARNING", logger: logger)
                return .postgres(conn)
            }
            let db = Database(engine: .postgres, location: location, pool: pool, logger: logger, clock: clock, fields: fields)
            // Fail now, with the URL's host, rather than at the first request.
            try await db.withConnection { _ in }
            return db
        }
        let path = location
        func opener(_ threads: NIOThreadPool) -> @Sendable () async throws -> Connection {
            {
                let conn = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threads, logger: logger,
                                                           on: MultiThreadedEventLoopGroup.singleton.any())
                for pragma in Database.sqlitePragmas {
                    _ = try await conn.query(pragma, [])
                }
                return .sqlite(conn)
            }
        }
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let db = Database(engine: .sqlite, location: location, pool: ConnectionPool(limit: 4, make: opener(.singleton)),
                          writer: ConnectionPool(limit: 1, make: opener(thread)), writerThread: thread, logger: logger, clock: clock, fields: fields)
        do {
            // The writer first: it sets WAL, which readers then find.
            try await db.transaction { _ in }
            try await db.withConnection { _ in }
        } catch {
            await db.close()
            throw error
        }
        return db
    }

    /// Closes every connection, then the writer's thread. Callers at once (the server's shutdown and its
    /// owner's) all wait for the one closing: a second one that ran beside the first stopped the writer's thread
    /// while the first was closing its connection there, and sqlite-nio stops the process on a connection
    /// dropped unclosed.
    public func close() async {
        let task = closing.withLock { running in
            if let running { return running }
            let task = Task { await self.shutDown() }
            running = task
            return task
        }
        await task.value
    }

    /// Closes the connections not in use (opened again when needed): a process that loads a SQLite file alone
    /// then holds no other connection to it.
    func closeIdleConnections() async {
        sqliteWriter.close()
        await writer?.closeIdle()
        await pool.closeIdle()
    }

    private func shutDown() async {
        sqliteWriter.close()
        await writer?.close()
        await pool.close()
        try? await writerThread?.shutdownGracefully()
    }

    /// Page cache per SQLite connection, in KiB (negative: SQLite's convention for a size, not a page count).
    static let sqliteCacheKiB = -65_536

    /// Every SQLite connection's settings. WAL lets readers run beside the writer; synchronous=FULL makes a
    /// commit durable when it returns. The busy timeout only matters against another process (a `doudi import`
    /// beside the server): inside one, writers queue for the writer connection. The file is mapped (up to SQLite's
    /// ceiling, 2 GB): a page is read from memory instead of copied in by a `pread` (perf, a search by name: 8 % of
    /// the server's time in the page cache, 6 % copying pages out of the kernel).
    static let sqlitePragmas = ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=\(RawSQLite.busyMillis)",
                                "PRAGMA cache_size=\(sqliteCacheKiB)", "PRAGMA temp_store=MEMORY", "PRAGMA mmap_size=2147418112"]

    func withConnection<T: Sendable>(from pool: ConnectionPool? = nil, _ body: (Connection) async throws -> T) async throws -> T {
        let pool = pool ?? self.pool
        let c: Connection
        do { c = try await pool.acquire() } catch StoreError.closed { throw StoreError.closed } catch {
            // No new connection: the server is down or refuses (PostgreSQL stopped, restarting).
            throw StoreError.unavailable
        }
        do {
            let r = try await body(c)
            await pool.release(c)
            return r
        } catch {
            // A statement error leaves the connection usable; a lost connection is dropped, and the caller is
            // told to come back shortly rather than that something broke.
            if Connection.lost(error) || c.isClosed {
                await pool.discard(c, serverGone: true)
                throw StoreError.unavailable
            }
            if error is SQLiteError || error is PSQLError { await pool.release(c) } else { await pool.discard(c) }
            throw error
        }
    }

    /// Holds SQLite's writer while `body` runs, so that a write made on a connection of its own (the bulk
    /// path's RawSQLite) queues with the others instead of meeting them at SQLite's lock.
    func exclusiveWrite<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        guard let writer else { return try await body() }
        let c = try await writer.acquire()
        do {
            let r = try await body()
            await writer.release(c)
            return r
        } catch {
            await writer.release(c)
            throw error
        }
    }

    /// SQLite only: `body` in one transaction on the writer's thread, through a connection of its own whose
    /// statements are prepared once (SQLiteWriter), in line with every other write.
    func sqliteTransaction<T: Sendable>(_ body: @escaping @Sendable (SQLiteWriter.Session) throws -> T) async throws -> T {
        guard let writerThread else { throw StoreError.closed }
        do { return try await sqliteWriter.transaction(self, on: writerThread, body) } catch is NIOThreadPoolError.ThreadPoolInactive { throw StoreError.closed }
    }

    /// Runs `body` in one transaction: all of it is stored, or none.
    public func transaction<T: Sendable>(_ body: (Tx) async throws -> T) async throws -> T {
        try await withConnection(from: writer) { conn in
            let tx = Tx(sql: conn.sql(logger), connection: conn, engine: engine, logger: logger, clock: clock, fields: fields)
            // IMMEDIATE takes SQLite's write lock up front, so a write never fails halfway on another process's lock.
            try await tx.sql.raw(engine == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN").run()
            do {
                let r = try await body(tx)
                try await tx.sql.raw("COMMIT").run()
                return r
            } catch {
                // On a connection the server has closed, a ROLLBACK would wait for ever (postgres-nio queues it);
                // the server rolled the transaction back when the connection went.
                if !Connection.lost(error) && !conn.isClosed { try? await tx.sql.raw("ROLLBACK").run() }
                throw error
            }
        }
    }

    /// Read-only work outside a transaction.
    public func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await withConnection { conn in try await body(conn.sql(logger)) }
    }
}

/// A value for the bulk paths, which bypass SQLKit's per-value encoding.
public enum BulkValue: Sendable {
    case int(Int64)
    case text(String)
    case null
}

/// Where a bulk row's values go, column after column: a `[BulkValue]` for COPY and multi-row INSERT, or
/// straight into a prepared SQLite statement's parameters (RawSQLite), so a row is written down once.
protocol RowWriter {
    mutating func int(_ v: Int64)
    mutating func text(_ v: String)
    mutating func null()
}

extension RowWriter {
    mutating func int(_ v: Int64?) { if let v { int(v) } else { null() } }
    mutating func text(_ v: String?) { if let v { text(v) } else { null() } }
    mutating func values(_ row: [BulkValue]) {
        for v in row { switch v { case .int(let i): int(i); case .text(let t): text(t); case .null: null() } }
    }
    mutating func flag(_ v: Bool) { int(v ? 1 : 0) }
}

struct BulkValues: RowWriter {
    var values: [BulkValue] = []
    mutating func int(_ v: Int64) { values.append(.int(v)) }
    mutating func text(_ v: String) { values.append(.text(v)) }
    mutating func null() { values.append(.null) }

    static func row(_ write: (inout BulkValues) -> Void) -> [BulkValue] {
        var w = BulkValues()
        write(&w)
        return w.values
    }
}

/// One open transaction.
public struct Tx: Sendable {
    public let sql: any SQLDatabase
    let connection: Connection
    public let engine: Engine
    let logger: Logger
    public let clock: Clock
    public let fields: FieldSecrets

    /// Inserts many rows at once: multi-row INSERT statements on SQLite, COPY on PostgreSQL (a few rows
    /// there by one INSERT, which takes one round trip where COPY takes two).
    public func bulkInsert(table: String, columns: [String], rows: [[BulkValue]]) async throws {
        guard !rows.isEmpty else { return }
        if engine == .postgres && rows.count <= 16 {
            let insert = sql.insert(into: SQLIdentifier(table)).columns(columns.map { SQLIdentifier($0) })
            for row in rows {
                insert.values(row.map { v -> any SQLExpression in
                    switch v {
                    case .int(let i): SQLBind(i)
                    case .text(let t): SQLBind(t)
                    case .null: SQLLiteral.null
                    }
                })
            }
            try await insert.run()
            return
        }
        switch connection {
        case .sqlite(let conn):
            let perStatement = max(1, min(1_000, 30_000 / columns.count))
            let one = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
            let head = "INSERT INTO \(table) (\(columns.joined(separator: ","))) VALUES "
            var full: String?
            var start = 0
            while start < rows.count {
                let end = min(start + perStatement, rows.count)
                let n = end - start
                let sql: String
                if n == perStatement, let f = full { sql = f } else {
                    sql = head + Array(repeating: one, count: n).joined(separator: ",")
                    if n == perStatement { full = sql }
                }
                var binds: [SQLiteData] = []
                binds.reserveCapacity(n * columns.count)
                for row in rows[start..<end] {
                    for v in row {
                        switch v {
                        case .int(let i): binds.append(.integer(Int(i)))
                        case .text(let t): binds.append(.text(t))
                        case .null: binds.append(.null)
                        }
                    }
                }
                try await conn.query(sql, binds) { _ in }
                start = end
            }
        case .postgres(let conn):
            try await conn.copyFrom(table: table, columns: columns, logger: logger) { writer in
                var buffer = ByteBuffer()
                buffer.reserveCapacity(1 << 20)
                for row in rows {
                    for (i, v) in row.enumerated() {
                        if i > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                        switch v {
                        case .int(let n): buffer.writeString(String(n))
                        case .null: buffer.writeString("\\N")
                        case .text(let t): Self.writeCopyText(t, into: &buffer)
                        }
                    }
                    buffer.writeInteger(UInt8(ascii: "\n"))
                    if buffer.readableBytes > (1 << 20) - 4096 {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
            }
        }
    }

    /// COPY's text format: backslash, tab, newline and carriage return are escaped.
    static func writeCopyText(_ t: String, into buffer: inout ByteBuffer) {
        for b in t.utf8 {
            switch b {
            case UInt8(ascii: "\\"): buffer.writeString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeString("\\t")
            case UInt8(ascii: "\n"): buffer.writeString("\\n")
            case UInt8(ascii: "\r"): buffer.writeString("\\r")
            default: buffer.writeInteger(b)
            }
        }
    }
}

