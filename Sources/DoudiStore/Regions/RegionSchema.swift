/// The division table's schema steps, in the order `Database.migrations` applies them.
enum RegionSchema {
    /// Version 1: the division table.
    static func v1(_ id: String) -> [String] {
        [
            """
            CREATE TABLE regions (
              code BIGINT PRIMARY KEY, name TEXT NOT NULL, level INTEGER NOT NULL, parent BIGINT,
              updated_at BIGINT NOT NULL DEFAULT 0)
            """,
            "CREATE INDEX regions_parent ON regions (parent)",
        ]
    }
}
