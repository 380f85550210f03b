import Foundation
import SQLKit
import Synchronization

/// Group commit: small writes of one kind that arrive together go into one transaction, written in a few
/// statements for the whole group, made durable by one flush; each caller is answered only once that commit
/// has returned, so nothing is acknowledged that a crash could take back. A group is whatever queued while
/// the previous one was being written (at most `largest`).
actor GroupCommit<Item: Sendable, Output: Sendable> {
    /// Writes a group in the transaction: one outcome per item, in order (an item refused leaves the others).
    typealias Write = @Sendable (Tx, [Item]) async throws -> [Result<Output, any Error>]
    /// The same on SQLite, through the writer's own connection in one go (SQLiteWriter).
    typealias SQLiteWrite = @Sendable (SQLiteWriter.Session, [Item]) throws -> [Result<Output, any Error>]

    private let db: Database
    private let write: Write
    private let sqliteWrite: SQLiteWrite
    private var queue: [(Item, CheckedContinuation<Output, any Error>)] = []
    private var running = false
    static var largest: Int { 256 }

    init(_ db: Database, write: @escaping Write, sqlite: @escaping SQLiteWrite) {
        self.db = db
        self.write = write
        self.sqliteWrite = sqlite
    }

    func submit(_ item: Item) async throws -> Output {
        try await withCheckedThrowingContinuation { c in
            queue.append((item, c))
            guard !running else { return }
            running = true
            Task { await drain() }
        }
    }

    private func drain() async {
        while !queue.isEmpty {
            let group = Array(queue.prefix(Self.largest))
            queue.removeFirst(group.count)
            let items = group.map(\.0), write = self.write, sqliteWrite = self.sqliteWrite
            do {
                let outcomes = db.engine == .sqlite
                    ? try await db.sqliteTransaction { s in try sqliteWrite(s, items) }
                    : try await db.transaction { tx in try await write(tx, items) }
                for ((_, c), outcome) in zip(group, outcomes) { c.resume(with: outcome) }
            } catch {
                for (_, c) in group { c.resume(throwing: error) }
            }
        }
        running = false
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
