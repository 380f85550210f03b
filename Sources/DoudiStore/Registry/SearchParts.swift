import SQLKit

/// What lets a province's register be searched by part of a name or of a household number.
///
/// Names: every ending of every member's name (王小明, 小明, 明) is a row of `name_parts`, so any part of a name
/// is the start of one of them and is found as a range of that table's key, whatever its length. Trigram
/// indexes (SQLite's FTS5 trigram tokenizer, PostgreSQL's pg_trgm) cannot serve the parts people type: a
/// Chinese name has two or three characters, a part of it one or two, shorter than a trigram.
///
/// Household numbers (ASCII, a dozen characters or more): a trigram index, an FTS5 table on SQLite (rowid =
/// the household's rowid; Doudi never runs VACUUM on SQLite, which could renumber them) and pg_trgm on
/// PostgreSQL, for parts of three characters or more.
///
/// Triggers keep both up to date on every write; a bulk load as large as the register drops them and rebuilds
/// both from the loaded rows at the end, as it does the register's indexes.
enum SearchParts {
    /// The longest name whose endings are all kept; a longer one is found by its first 64 characters' endings.
    static let longestName = 64

    /// Version 13: the tables, their triggers, filled from the register as it stands.
    static func v13(_ tx: Tx) async throws {
        let postgres = tx.engine == .postgres
        try await tx.run([
            "CREATE TABLE name_part_positions (k INTEGER PRIMARY KEY)",
            "INSERT INTO name_part_positions (k) \(positions)",
            postgres
                ? """
                  CREATE TABLE name_parts (part TEXT COLLATE "C" NOT NULL, member_id BIGINT NOT NULL, region BIGINT NOT NULL,
                    household_id TEXT NOT NULL, CONSTRAINT name_parts_pkey PRIMARY KEY (part, member_id) INCLUDE (region, household_id))
                  """
                : """
                  CREATE TABLE name_parts (part TEXT NOT NULL, member_id BIGINT NOT NULL, region BIGINT NOT NULL,
                    household_id TEXT NOT NULL, PRIMARY KEY (part, member_id)) WITHOUT ROWID
                  """,
            // The start of a name is now a range of name_parts: the index of whole names only slowed writes.
            "DROP INDEX members_name",
        ])
        if postgres {
            let trgm = try await tx.sql.raw("SELECT COUNT(*) AS n FROM pg_available_extensions WHERE name = 'pg_trgm'").first(decoding: Count.self)?.n ?? 0
            if trgm > 0 {
                try await tx.run(["CREATE EXTENSION IF NOT EXISTS pg_trgm",
                                  "CREATE INDEX households_number ON households USING gin (UPPER(id) gin_trgm_ops)"])
            }
        } else {
            try await tx.run(["CREATE VIRTUAL TABLE household_numbers USING fts5(number, content='', contentless_delete=1, tokenize='trigram')"])
        }
        try await tx.run(postgres ? postgresFunction + rebuild(.postgres) : rebuild(.sqlite))
    }

    /// 1 to `longestName`, as rows, in SQL both backends read.
    static let positions = "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < \(longestName)) SELECT k FROM n"

    static func endings(of m: String) -> String {
        "SELECT substr(\(m).name, p.k), \(m).id, \(m).region, \(m).household_id FROM name_part_positions p WHERE p.k <= length(\(m).name)"
    }

    static func forget(_ m: String) -> String {
        "DELETE FROM name_parts WHERE member_id = \(m).id AND part IN (SELECT substr(\(m).name, p.k) FROM name_part_positions p WHERE p.k <= length(\(m).name))"
    }

    /// Stops the triggers for a bulk load; `rebuild` brings them back.
    static func suspend(_ engine: Engine) -> [String] {
        switch engine {
        case .postgres: ["DROP TRIGGER members_parts ON members"]
        case .sqlite: ["DROP TRIGGER members_parts_in", "DROP TRIGGER members_parts_out", "DROP TRIGGER members_parts_change",
                       "DROP TRIGGER households_number_in", "DROP TRIGGER households_number_out"]
        }
    }

    /// Every part from the register as it stands, written in key order (a sorted build, not random inserts), and
    /// the triggers that keep them from then on.
    static func rebuild(_ engine: Engine) -> [String] {
        let fill = """
            INSERT INTO name_parts (part, member_id, region, household_id)
            SELECT substr(m.name, p.k), m.id, m.region, m.household_id FROM members m JOIN name_part_positions p ON p.k <= length(m.name) ORDER BY 1, 2
            """
        switch engine {
        case .postgres:
            return ["ALTER TABLE name_parts DROP CONSTRAINT name_parts_pkey", "TRUNCATE name_parts", fill,
                    "ALTER TABLE name_parts ADD CONSTRAINT name_parts_pkey PRIMARY KEY (part, member_id) INCLUDE (region, household_id)",
                    """
                    CREATE TRIGGER members_parts AFTER INSERT OR DELETE OR UPDATE OF name, region, household_id ON members
                      FOR EACH ROW EXECUTE FUNCTION name_parts_sync()
                    """]
        case .sqlite:
            return ["DELETE FROM name_parts", fill,
                    "INSERT INTO household_numbers (household_numbers) VALUES ('delete-all')",
                    "INSERT INTO household_numbers (rowid, number) SELECT rowid, id FROM households",
                    "CREATE TRIGGER members_parts_in AFTER INSERT ON members BEGIN INSERT INTO name_parts (part, member_id, region, household_id) \(endings(of: "NEW")); END",
                    "CREATE TRIGGER members_parts_out AFTER DELETE ON members BEGIN \(forget("OLD")); END",
                    """
                    CREATE TRIGGER members_parts_change AFTER UPDATE OF name, region, household_id ON members BEGIN
                      \(forget("OLD")); INSERT INTO name_parts (part, member_id, region, household_id) \(endings(of: "NEW")); END
                    """,
                    "CREATE TRIGGER households_number_in AFTER INSERT ON households BEGIN INSERT INTO household_numbers (rowid, number) VALUES (NEW.rowid, NEW.id); END",
                    "CREATE TRIGGER households_number_out AFTER DELETE ON households BEGIN DELETE FROM household_numbers WHERE rowid = OLD.rowid; END"]
        }
    }

    static let postgresFunction = ["""
        CREATE FUNCTION name_parts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('DELETE', 'UPDATE') THEN \(forget("OLD")); END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN INSERT INTO name_parts (part, member_id, region, household_id) \(endings(of: "NEW")); END IF;
          RETURN NULL;
        END $$
        """]
}
