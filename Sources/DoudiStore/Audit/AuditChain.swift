import DoudiCrypto
import DoudiDomain
import Foundation
import SQLKit

/// The audit log as a chain (MLPS level 3 asks for the integrity of audit records): each entry carries the SM3
/// hash of the entry before it (`prev_hash`) and its own (`hash`, over that and its content). Editing, deleting
/// or reordering entries breaks the chain at the first entry touched, and `verify` names it. Deleting the newest
/// entries leaves a shorter chain that still holds: the head printed on the daily report (an anchor kept outside)
/// shows that. Appending needs the head to stay put until commit: SQLite's one writer keeps it; on PostgreSQL a
/// transaction-scoped advisory lock does, so transactions that audit commit one after another.
struct AuditChain {
    static let columns = ["prev_hash", "hash"]
    static let lockKey: Int64 = 0x646F_7564_6961_7564  // "doudiaud"

    private(set) var head: String
    private let sm3: SM3

    init(head: String) throws { self.head = head; sm3 = try SM3() }

    /// The hash of the last entry.
    static let headSQL = "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1"

    /// Takes the head for this transaction (and, on PostgreSQL, holds it until commit).
    static func start(_ tx: Tx) async throws -> AuditChain {
        if tx.engine == .postgres { try await tx.sql.raw("SELECT pg_advisory_xact_lock(\(bind: lockKey))").run() }
        let last = try await tx.textRows(headSQL, []).first?.first ?? nil
        return try AuditChain(head: last ?? "")
    }

    /// The same on SQLite through a RawSQLite connection (the bulk path), which holds SQLite's only write lock
    /// already.
    static func start(_ raw: RawSQLite) throws -> AuditChain {
        try AuditChain(head: (try raw.rows(headSQL).first?.first ?? nil) ?? "")
    }

    /// The same through the group commits' writer, the query prepared once (prepared at each commit, it was
    /// 0.55–0.64 % of a self-report load's server time in perf).
    static func start(_ w: SQLiteWriter.Session) throws -> AuditChain {
        var head = ""
        try w.statement(headSQL).query({ _ in }) { head = $0.text(0) ?? "" }
        return try AuditChain(head: head)
    }

    /// The links of the next entry, whose content is `row` in `AuditLog.columns` order.
    mutating func advance(_ row: [BulkValue]) -> (previous: String, hash: String) {
        let previous = head
        head = Self.hash(sm3, previous: previous, row)
        return (previous, head)
    }

    /// A row in `AuditLog.columns` order, with its two links added.
    mutating func link(_ row: [BulkValue]) -> [BulkValue] {
        let (previous, hash) = advance(row)
        return row + [.text(previous), .text(hash)]
    }

    /// Links the whole log afresh, in id order, as it stands (what a version-8 migration does to an older log,
    /// and what someone rewriting the log would do: anchors kept outside catch that).
    static func relink(_ sql: any SQLDatabase) async throws {
        var chain = try AuditChain(head: "")
        var after: Int64 = -1
        while true {
            let rows = try await Stored.page(sql, after: after)
            guard let last = rows.last else { return }
            for r in rows {
                let (previous, hash) = chain.advance(r.content)
                try await sql.raw("UPDATE audit_log SET prev_hash = \(bind: previous), hash = \(bind: hash) WHERE id = \(bind: r.id)").run()
            }
            after = last.id
        }
    }

    /// An entry as stored, read back by the migration that links an existing log and by `verify`.
    struct Stored: Decodable {
        var id: Int64; var at: Int64; var actor_id: Int64; var actor: String; var action: String; var subject: String; var region: Int64
        var before_json: String?; var after_json: String?; var prev_hash: String?; var hash: String?
        /// Its content in `AuditLog.columns` order, as it was hashed when written.
        var content: [BulkValue] {
            [.int(at), .int(actor_id), .text(actor), .text(action), .text(subject), .int(region),
             before_json.map(BulkValue.text) ?? .null, after_json.map(BulkValue.text) ?? .null]
        }
        static func page(_ sql: any SQLDatabase, after id: Int64) async throws -> [Stored] {
            try await sql.raw("""
                SELECT id, at, actor_id, actor, action, subject, region, before_json, after_json, prev_hash, hash
                FROM audit_log WHERE id > \(bind: id) ORDER BY id LIMIT 5000
                """).all(decoding: Stored.self)
        }
    }

    /// Each value tagged with its kind and length, so that no two different rows read the same.
    static func hash(_ sm3: SM3, previous: String, _ row: [BulkValue]) -> String {
        var text = previous + "\n"
        for v in row {
            switch v {
            case .int(let i): text += "i\(i);"
            case .text(let t): text += "t\(t.utf8.count):\(t);"
            case .null: text += "n;"
            }
        }
        // Not String(format:): on Linux it cost ~90 µs an entry, 18 of the 27 s an import of 200,000 households took.
        return Hex.encode(sm3.hash(Array(text.utf8)))
    }
}

extension AuditStore {
    /// Where the chain first breaks, or nil when it holds (and the number of entries it covers).
    public struct Verdict: Sendable, Equatable {
        public var entries: Int
        public var firstBroken: Int64?
        public var head: String
    }

    /// An entry's hash as kept outside the system (the daily roll-up prints the newest): a log rewritten and
    /// re-hashed from before that entry on verifies as a chain, and still fails its anchor.
    public struct Anchor: Sendable, Hashable, CustomStringConvertible {
        public var entry: Int64
        public var hash: String
        public init(entry: Int64, hash: String) { self.entry = entry; self.hash = hash }
        /// `1234:9f…` as `doudi audit head` prints it and `doudi audit verify --anchor` takes it.
        public init?(_ text: String) {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let id = Int64(parts[0]), parts[1].utf8.count == 64, parts[1].allSatisfy(\.isHexDigit) else { return nil }
            self.init(entry: id, hash: parts[1].lowercased())
        }
        public var description: String { "\(entry):\(hash)" }
    }

    /// The newest entry, or nil for an empty log.
    public func head() async throws -> Anchor? {
        struct Row: Decodable { var id: Int64; var hash: String? }
        let row = try await db.read { sql in try await sql.raw("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").first(decoding: Row.self) }
        return row.map { Anchor(entry: $0.id, hash: $0.hash ?? "") }
    }

    /// Walks the whole log in id order, recomputing every link; each anchor's entry must be there with its hash.
    public func verify(anchors: [Anchor] = []) async throws -> Verdict {
        let sm3 = try SM3()
        let kept = Dictionary(anchors.map { ($0.entry, $0.hash) }, uniquingKeysWith: { a, _ in a })
        var expected = "", count = 0, after: Int64 = -1
        while true {
            let rows = try await db.read { sql in try await AuditChain.Stored.page(sql, after: after) }
            guard let last = rows.last else {
                // An anchored entry the walk never met: the log was cut, or renumbered.
                let missing = kept.keys.filter { $0 > after }.min()
                return Verdict(entries: count, firstBroken: missing, head: expected)
            }
            for r in rows {
                let own = AuditChain.hash(sm3, previous: expected, r.content)
                let anchored = kept[r.id].map { $0 == own } ?? true
                let skipped = kept.keys.filter { $0 > after && $0 < r.id }.min()
                if let skipped { return Verdict(entries: count, firstBroken: skipped, head: expected) }
                guard r.prev_hash == expected, r.hash == own, anchored else { return Verdict(entries: count, firstBroken: r.id, head: expected) }
                expected = own
                count += 1
                after = r.id
            }
            after = last.id
        }
    }
}
