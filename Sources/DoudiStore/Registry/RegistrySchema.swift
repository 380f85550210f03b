/// The register's schema steps, in the order `Database.migrations` applies them.
enum RegistrySchema {
    /// Version 1: households and members.
    static func v1(_ id: String) -> [String] {
        [
            """
            CREATE TABLE households (
              id TEXT PRIMARY KEY, region BIGINT NOT NULL, poverty_status TEXT NOT NULL,
              dibao INTEGER NOT NULL, near_dibao INTEGER NOT NULL, extreme_hardship INTEGER NOT NULL,
              income_per_capita BIGINT NOT NULL, address TEXT NOT NULL, created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX households_region ON households (region)",  // secondary indexes: see HouseholdStore.insertMany
            """
            CREATE TABLE members (
              id \(id), resident_id TEXT NOT NULL,
              household_id TEXT NOT NULL REFERENCES households (id), region BIGINT NOT NULL,
              name TEXT NOT NULL, relation TEXT NOT NULL, sex TEXT NOT NULL, birth_date TEXT NOT NULL,
              labor_ability TEXT NOT NULL, health TEXT NOT NULL, disability_grade INTEGER,
              schooling TEXT NOT NULL, employment TEXT NOT NULL, phone TEXT, child_category TEXT)
            """,
            // A person belongs to one household only: the register's own guarantee, beside the checks.
            "CREATE UNIQUE INDEX members_resident ON members (resident_id)",
            "CREATE INDEX members_household ON members (household_id)",
        ]
    }

    /// Version 10: a village's households in the order its list shows them (newest change first), so a page of
    /// a village of 1,000,000 households is read, not sorted.
    static func v10() -> [String] {
        ["DROP INDEX households_region", "CREATE INDEX households_region ON households (region, updated_at DESC, id)"]
    }

    /// Version 11: resident IDs and phones sealed (SM4-CTR with HMAC-SM3), people found by a blind index.
    static func v11(_ tx: Tx) async throws {
        try await tx.run(["DROP INDEX members_resident", "ALTER TABLE members RENAME COLUMN resident_id TO resident_sealed",
                          "ALTER TABLE members RENAME COLUMN phone TO phone_sealed", "ALTER TABLE members ADD COLUMN resident_index TEXT"])
        try await SealedTable.members.sealPlain(tx)
        try await tx.run(["CREATE UNIQUE INDEX members_resident ON members (resident_index)"])
    }

    /// Version 12: members found by the start of their name (a county's search by name read every name). The
    /// region and household are in the index too, so a search never reads the members' rows; PostgreSQL orders
    /// by code point here, as SQLite does, whatever the database's collation.
    static func v12(_ tx: Tx) async throws {
        let name = tx.engine == .postgres ? "name COLLATE \"C\"" : "name"
        try await tx.run(["CREATE INDEX members_name ON members (\(name), region, household_id)"])
    }

    /// Version 13 (besides SearchParts): a village's households by 低保 and poverty status, so a filtered list
    /// reads the few it shows and counts them in the index (the village's 4,500 households were each read).
    static func v13() -> [String] {
        ["CREATE INDEX households_facets ON households (region, dibao, poverty_status)"]
    }

    /// Version 35: the same index ends with the list's order (last change, id), so that each tally's
    /// households come in that order: PostgreSQL merges a county's filtered list tally by tally (VillageMerge)
    /// instead of reading each village until enough of a rare kind turn up (85–140 ms for one request).
    static func v35() -> [String] {
        ["DROP INDEX households_facets", "CREATE INDEX households_facets ON households (region, dibao, poverty_status, updated_at DESC, id)"]
    }

    /// Version 36 (PostgreSQL): a county's households by 低保 and poverty status in the list's order, so that a
    /// county officer's list is merged from at most six arms instead of its 220 villages (VillageMerge). SQLite
    /// merges its villages in one query and is not given the index (every household written keeps it). The
    /// region is included so that the index alone answers (PostgreSQL reads an indexed expression's column).
    static func v36(_ engine: Engine) -> [String] {
        engine == .postgres
            ? ["CREATE INDEX households_county ON households ((region / \(HouseholdStore.countyDivisor)), dibao, poverty_status, updated_at DESC, id) INCLUDE (region)"]
            : []
    }

    /// Version 37. PostgreSQL: households in number order (village, then -2 before -10), so that a county's
    /// list in that order is read from an index instead of sorting a village's households for each page (2.5 ms
    /// of PostgreSQL's time for a page, 0.06 ms with it); SQLite meets its target there without it. SQLite:
    /// the village index carries 低保 and the poverty status after the list's order, so that a county's list
    /// narrowed by either, merged from its villages, reads the index alone (2.0 → 0.74 ms for the 低保 households,
    /// 4.5 → 2.3 ms for the rare poverty status); it replaces the index rather than adding one to the import.
    static func v37(_ engine: Engine) -> [String] {
        engine == .postgres ? ["CREATE INDEX households_number_order ON households (region, (LENGTH(id)), id)"]
            : ["DROP INDEX households_region", "CREATE INDEX households_region ON households (region, updated_at DESC, id, dibao, poverty_status)"]
    }
}
