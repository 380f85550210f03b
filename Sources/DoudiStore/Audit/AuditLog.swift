import DoudiDomain
import Foundation
import SQLKit

/// The append-only record of every write and every full view of personal data (who, when, what, before,
/// after). Storage writes an entry in the same transaction as the change it describes, so neither exists
/// without the other. Nothing updates or deletes these rows.
public enum AuditLog {
    public struct Entry: Sendable, Decodable, Hashable {
        public var id: Int64
        public var at: Int64
        public var actor: String
        public var action: String
        public var subject: String
        public var region: RegionCode
        public var beforeJSON: String?
        public var afterJSON: String?

        enum CodingKeys: String, CodingKey {
            case id, at, actor, action, subject, region
            case beforeJSON = "before_json", afterJSON = "after_json"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(Int64.self, forKey: .id)
            at = try c.decode(Int64.self, forKey: .at)
            actor = try c.decode(String.self, forKey: .actor)
            action = try c.decode(String.self, forKey: .action)
            subject = try c.decode(String.self, forKey: .subject)
            region = try c.region(forKey: .region)
            beforeJSON = try c.decodeIfPresent(String.self, forKey: .beforeJSON)
            afterJSON = try c.decodeIfPresent(String.self, forKey: .afterJSON)
        }
    }

    static let columns = ["at", "actor_id", "actor", "action", "subject", "region", "before_json", "after_json"]

    static func json(_ value: (any Encodable & Sendable)?, with encoder: JSONEncoder = encoder()) -> String? {
        guard let value else { return nil }
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    public static func record(_ tx: Tx, actor: Actor, action: String, subject: String, region: RegionCode,
                              before: (any Encodable & Sendable)?, after: (any Encodable & Sendable)?) async throws {
        try await record(tx, [Pending(actor: actor, action: action, subject: subject, region: region, before: before, after: after)])
    }

    /// An entry still to be written.
    struct Pending {
        var actor: Actor
        var action: String
        var subject: String
        var region: RegionCode
        var before: (any Encodable & Sendable)?
        var after: (any Encodable & Sendable)?
    }

    /// Writes many entries in a few statements (a batch of findings, an import), all stamped with one time.
    static func record(_ tx: Tx, _ entries: [Pending], now: Int64? = nil) async throws {
        let now = now ?? tx.clock.nowMillis(), encoder = encoder()
        var chain = try await AuditChain.start(tx)
        try await tx.bulkInsert(table: "audit_log", columns: columns + AuditChain.columns, rows: entries.map { chain.link(row($0, now: now, encoder)) })
    }

    /// The same through the SQLite writer's own connection (SQLiteWriter): the statement prepared once.
    static func record(_ w: SQLiteWriter.Session, _ entries: [Pending], now: Int64) throws {
        let encoder = encoder()
        var chain = try AuditChain.start(w)
        let insert = try w.statement(RawSQLite.insertSQL("audit_log", columns + AuditChain.columns))
        for e in entries { try insert.run { $0.values(chain.link(row(e, now: now, encoder))) } }
    }

    /// An entry's content, in `columns` order.
    private static func row(_ e: Pending, now: Int64, _ encoder: JSONEncoder) -> [BulkValue] {
        [.int(now), .int(e.actor.userID), .text(e.actor.username), .text(e.action), .text(e.subject), .int(Int64(e.region.value)),
         json(e.before, with: encoder).map(BulkValue.text) ?? .null, json(e.after, with: encoder).map(BulkValue.text) ?? .null]
    }
}

/// Searching the log: auditors and administrators, within their region.
public struct AuditStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    public func search(by actor: Actor, actorName: String? = nil, action: String? = nil, subject: String? = nil,
                       limit: Int = 100) async throws -> [AuditLog.Entry] {
        guard actor.role.may(.readAudit) else { throw StoreError.forbidden }
        let r = actor.region.subtreeRange
        var q = SQLQueryString("SELECT id, at, actor, action, subject, region, before_json, after_json FROM audit_log WHERE region BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))")
        if let actorName, !actorName.isEmpty { q.appendInterpolation(unsafeRaw: " AND actor = "); q.appendInterpolation(bind: actorName) }
        if let action, !action.isEmpty { q.appendInterpolation(unsafeRaw: " AND action = "); q.appendInterpolation(bind: action) }
        if let subject, !subject.isEmpty { q.appendInterpolation(unsafeRaw: " AND subject = "); q.appendInterpolation(bind: subject) }
        q.appendInterpolation(unsafeRaw: " ORDER BY id DESC LIMIT \(max(1, min(limit, 500)))")
        return try await db.read { sql in try await sql.raw(q).all(decoding: AuditLog.Entry.self) }
    }
}
