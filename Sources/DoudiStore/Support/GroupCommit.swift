import Foundation
import SQLKit
import Synchronization

/// Group commit: small writes of one kind that arrive together go into one transaction, written in a few
/// statements for the whole group, made durable by one flush; each caller is answered only once that commit
/// has returned, so nothing is acknowledged that a crash could take back. A group is whatever queued while
/// the previous one was being written (at most `largest`). The queue is behind a lock rather than in an
/// actor: a caller only appends to it, and no hop to an actor's executor is needed for that.
final class GroupCommit<Item: Sendable, Output: Sendable>: Sendable {
    /// Writes a group in the transaction: one outcome per item, in order (an item refused leaves the others).
    typealias Write = @Sendable (Tx, [Item]) async throws -> [Result<Output, any Error>]
    /// The same on SQLite, through the writer's own connection in one go (SQLiteWriter).
    typealias SQLiteWrite = @Sendable (SQLiteWriter.Session, [Item]) throws -> [Result<Output, any Error>]
    typealias Waiting = (item: Item, answer: CheckedContinuation<Output, any Error>)

    private let db: Database
    private let write: Write
    private let sqliteWrite: SQLiteWrite
    private struct State { var queue: [Waiting] = []; var running = false }
    private let state = Mutex(State())
    static var largest: Int { 256 }

    init(_ db: Database, write: @escaping Write, sqlite: @escaping SQLiteWrite) {
        self.db = db
        self.write = write
        self.sqliteWrite = sqlite
    }

    func submit(_ item: Item) async throws -> Output {
        try await withCheckedThrowingContinuation { c in
            let start = state.withLock { s in
                s.queue.append((item, c))
                defer { s.running = true }
                return !s.running
            }
            if start { Task { await drain() } }
        }
    }

    /// The next group, or nil (and no longer running) when none is waiting.
    private func next() -> [Waiting]? {
        state.withLock { s in
            guard !s.queue.isEmpty else { s.running = false; return nil }
            let group = Array(s.queue.prefix(Self.largest))
            s.queue.removeFirst(group.count)
            return group
        }
    }

    private func drain() async {
        while let group = next() {
            let items = group.map(\.item), write = self.write, sqliteWrite = self.sqliteWrite
            do {
                let outcomes = db.engine == .sqlite
                    ? try await db.sqliteTransaction { s in try sqliteWrite(s, items) }
                    : try await db.transaction { tx in try await write(tx, items) }
                for (w, outcome) in zip(group, outcomes) { w.answer.resume(with: outcome) }
            } catch {
                for w in group { w.answer.resume(throwing: error) }
            }
        }
    }
}

/// The group commits of one database, one per kind of write, made on first use.
final class GroupCommits: Sendable {
    private let made = Mutex<[String: any Sendable]>([:])

    func named<I: Sendable, O: Sendable>(_ name: String, _ make: () -> GroupCommit<I, O>) -> GroupCommit<I, O> {
        made.withLock { all in
            if let g = all[name] as? GroupCommit<I, O> { return g }
            let g = make()
            all[name] = g
            return g
        }
    }
}
