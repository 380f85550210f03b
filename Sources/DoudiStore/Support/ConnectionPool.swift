import Foundation
import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import SQLiteKit
import SQLiteNIO

/// One open connection of either engine, with the SQLKit view used for ordinary queries.
enum Connection: Sendable {
    case sqlite(SQLiteConnection)
    case postgres(PostgresConnection)

    func sql(_ logger: Logger) -> any SQLDatabase {
        switch self {
        case .sqlite(let c): c.sql(queryLogLevel: nil)
        case .postgres(let c): c.sql(queryLogLevel: nil, logger: logger)
        }
    }

    func close() async {
        switch self {
        case .sqlite(let c): try? await c.close()
        case .postgres(let c): try? await c.close()
        }
    }

    var id: ObjectIdentifier {
        switch self {
        case .sqlite(let c): ObjectIdentifier(c)
        case .postgres(let c): ObjectIdentifier(c)
        }
    }

    /// A PostgreSQL connection whose server went away (restarted, stopped): never handed out again.
    var isClosed: Bool {
        if case .postgres(let c) = self { return c.isClosed }
        return false
    }

    /// Whether `error` says the connection, rather than the statement, failed: the connection is dropped, and
    /// the caller told the database is unavailable. Operator intervention (57…, a server shutting down) and
    /// connection exceptions (08…) come as server errors; the rest as the client's own connection codes.
    static func lost(_ error: any Error) -> Bool {
        if error is ChannelError || error is IOError { return true }
        guard let e = error as? PSQLError else { return false }
        guard e.code == .server else { return true }
        let state = e.serverInfo?[.sqlState] ?? ""
        return state.hasPrefix("57") || state.hasPrefix("08")
    }
}

/// A small pool: each caller gets a connection to itself for the length of its work, so a transaction
/// never interleaves with another request's statements. Callers beyond the limit wait in line, in order,
/// without holding a thread.
actor ConnectionPool {
    private var idle: [Connection] = []
    /// Connections handed out and not yet back: closed at once when the server is found gone.
    private var lent: [ObjectIdentifier: Connection] = [:]
    private var open = 0
    private let limit: Int
    private var waiters: [(id: Int, continuation: CheckedContinuation<Connection, any Error>)] = []
    private var lastWaiter = 0
    /// How long a caller may wait in line before it is told the database is unavailable (nil: as long as it
    /// takes). On PostgreSQL, connections held by statements the stopped server never answers must not keep
    /// every later request waiting: each gets its 503 instead.
    private let waitLimit: Duration?
    private let make: @Sendable () async throws -> Connection
    private var closed = false

    init(limit: Int, waitLimit: Duration? = nil, make: @escaping @Sendable () async throws -> Connection) {
        self.limit = limit
        self.waitLimit = waitLimit
        self.make = make
    }

    func acquire() async throws -> Connection {
        if closed { throw StoreError.closed }
        while let c = idle.popLast() {
            if !c.isClosed { return lend(c) }
            open -= 1
            await c.close()
        }
        if open < limit {
            open += 1
            do { return lend(try await make()) } catch { open -= 1; throw error }
        }
        lastWaiter += 1
        let id = lastWaiter
        if let waitLimit {
            Task { [weak self] in
                try? await Task.sleep(for: waitLimit)
                await self?.expire(id)
            }
        }
        return try await withCheckedThrowingContinuation { waiters.append((id, $0)) }
    }

    /// Closes the connections nobody holds; the next caller opens a new one.
    func closeIdle() async {
        let idle = self.idle
        self.idle = []
        open -= idle.count
        for c in idle { await c.close() }
    }

    private func expire(_ id: Int) {
        guard let i = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: i).continuation.resume(throwing: StoreError.unavailable)
    }

    private func lend(_ c: Connection) -> Connection {
        lent[c.id] = c
        return c
    }

    func release(_ c: Connection) async {
        lent[c.id] = nil
        if closed { open -= 1; await c.close(); return }
        if !waiters.isEmpty { waiters.removeFirst().continuation.resume(returning: lend(c)) } else { idle.append(c) }
    }

    /// A connection that failed mid-work is dropped rather than handed to the next caller; the next in line
    /// gets a new one. When the server itself went away (`serverGone`), every other connection is closed too:
    /// idle ones would fail their next caller, and a statement sent on one as the server stopped can wait for
    /// an answer for ever (postgres-nio); closed, it fails, and its caller is told to come back.
    func discard(_ c: Connection, serverGone: Bool = false) async {
        lent[c.id] = nil
        open -= 1
        await c.close()
        if serverGone {
            open -= idle.count
            let others = idle + Array(lent.values)
            idle = []
            for o in others { Task { await o.close() } }
        }
        await refill()
    }

    /// Serves those waiting in line with new connections while there is room: room freed by dropped
    /// connections must not leave anyone waiting for a release that may never come.
    private func refill() async {
        while !closed, !waiters.isEmpty, open < limit {
            let next = waiters.removeFirst().continuation
            open += 1
            do { next.resume(returning: lend(try await make())) } catch {
                open -= 1
                next.resume(throwing: error)
            }
        }
    }

    /// Once: the idle connections are taken before the first await, so a caller arriving meanwhile finds none.
    func close() async {
        guard !closed else { return }
        closed = true
        for w in waiters { w.continuation.resume(throwing: StoreError.closed) }
        waiters = []
        let closing = idle
        idle = []
        open -= closing.count
        for c in closing { await c.close() }
    }
}
