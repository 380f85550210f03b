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
        try await AuditChain.relink(tx.sql)
    }
}
