/// The audit log's schema steps, in the order `Database.migrations` applies them.
enum AuditSchema {
    /// Version 1: the append-only log.
    static func v1(_ id: String) -> [String] {
        [
            """
            CREATE TABLE audit_log (
              id \(id), at BIGINT NOT NULL, actor_id BIGINT NOT NULL, actor TEXT NOT NULL,
              action TEXT NOT NULL, subject TEXT NOT NULL, region BIGINT NOT NULL,
              before_json TEXT, after_json TEXT)
            """,
            "CREATE INDEX audit_region_at ON audit_log (region, at)",
        ]
    }

    /// Version 8: the chain (`AuditChain`); entries written before it are linked in id order as they stand.
    static func v8(_ tx: Tx) async throws {
        try await tx.run(["ALTER TABLE audit_log ADD COLUMN prev_hash TEXT", "ALTER TABLE audit_log ADD COLUMN hash TEXT"])
        var chain = try AuditChain(head: "")
        var after: Int64 = -1
        while true {
            let rows = try await tx.textRows("""
                SELECT CAST(id AS TEXT), CAST(at AS TEXT), CAST(actor_id AS TEXT), actor, action, subject, CAST(region AS TEXT), before_json, after_json
                FROM audit_log WHERE id > CAST(? AS BIGINT) ORDER BY id LIMIT 5000
                """, [String(after)])
            guard !rows.isEmpty else { return }
            for r in rows {
                let id = Int64(r[0] ?? "") ?? 0
                let linked = chain.link([.int(Int64(r[1] ?? "") ?? 0), .int(Int64(r[2] ?? "") ?? 0), .text(r[3] ?? ""), .text(r[4] ?? ""),
                                         .text(r[5] ?? ""), .int(Int64(r[6] ?? "") ?? 0), r[7].map(BulkValue.text) ?? .null, r[8].map(BulkValue.text) ?? .null])
                guard case .text(let previous) = linked[8], case .text(let hash) = linked[9] else { continue }
                try await tx.sql.raw("UPDATE audit_log SET prev_hash = \(bind: previous), hash = \(bind: hash) WHERE id = \(bind: id)").run()
                after = id
            }
        }
    }
}
