/// How many households each village has, by 低保 and poverty status, kept by the database itself (triggers, so
/// that no write path can forget it). A county's list counted its 1,000,000 households on every page (31 ms on
/// SQLite, 51 ms on PostgreSQL); it now adds up a few hundred tallies, and learns which villages to read
/// (HouseholdStore.search, VillageMerge).
enum HouseholdTallies {
    static let key = "region, dibao, poverty_status"

    /// Version 34: the table, filled from the register as it stands, and its triggers.
    static func v34(_ engine: Engine) -> [String] {
        ["CREATE TABLE household_tallies (region BIGINT NOT NULL, dibao INTEGER NOT NULL, poverty_status TEXT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (\(key)))"]
            + (engine == .sqlite ? rebuild(.sqlite) : [fill] + postgresTriggers)
    }

    static let fill = "INSERT INTO household_tallies (\(key), n) SELECT \(key), COUNT(*) FROM households GROUP BY \(key)"

    /// A bulk load as large as the register stops the triggers (as it does SearchParts') and `rebuild` counts
    /// afresh. SQLite's run once per row (0.19 s per 200,000 households). PostgreSQL's run once per COPY of
    /// 20,000 households, each writing a new version of every tally it touches: a million households left the
    /// table at 379 pages for its 1,319 rows, which a county's list reads whole (0.8 ms; 10 pages counted afresh).
    static func suspend(_ engine: Engine) -> [String] {
        engine == .sqlite ? ["DROP TRIGGER households_tally_insert", "DROP TRIGGER households_tally_delete", "DROP TRIGGER households_tally_update"]
            : ["DROP TRIGGER household_tally_insert ON households"]
    }

    static func rebuild(_ engine: Engine) -> [String] {
        guard engine == .sqlite else { return ["TRUNCATE household_tallies", fill, trigger("INSERT", "NEW TABLE AS new_rows")] }
        let add = "INSERT INTO household_tallies (\(key), n) VALUES (NEW.region, NEW.dibao, NEW.poverty_status, 1) ON CONFLICT (\(key)) DO UPDATE SET n = n + 1;"
        let remove = "UPDATE household_tallies SET n = n - 1 WHERE region = OLD.region AND dibao = OLD.dibao AND poverty_status = OLD.poverty_status;"
        return [
            "DELETE FROM household_tallies", fill,
            "CREATE TRIGGER households_tally_insert AFTER INSERT ON households BEGIN \(add) END",
            "CREATE TRIGGER households_tally_delete AFTER DELETE ON households BEGIN \(remove) END",
            "CREATE TRIGGER households_tally_update AFTER UPDATE OF \(key) ON households BEGIN \(remove) \(add) END",
        ]
    }

    /// Once per statement over its rows (a bulk load's COPY is one statement), only the tallies that change (a
    /// household's last change alone changes none), in key order so that two writers lock them alike.
    static var postgresTriggers: [String] {
        [("INSERT", "NEW TABLE AS new_rows", "SELECT \(key), 1 AS n FROM new_rows"),
         ("DELETE", "OLD TABLE AS old_rows", "SELECT \(key), -1 AS n FROM old_rows"),
         ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows", "SELECT \(key), 1 AS n FROM new_rows UNION ALL SELECT \(key), -1 FROM old_rows")]
            .flatMap { op, rows, delta in
                let name = "household_tally_\(op.lowercased())"
                return [
                    """
                    CREATE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      INSERT INTO household_tallies (\(key), n)
                        SELECT \(key), SUM(n) FROM (\(delta)) d GROUP BY \(key) HAVING SUM(n) <> 0 ORDER BY \(key)
                        ON CONFLICT (\(key)) DO UPDATE SET n = household_tallies.n + EXCLUDED.n;
                      RETURN NULL;
                    END $$
                    """,
                    trigger(op, rows),
                ]
            }
    }

    static func trigger(_ op: String, _ rows: String) -> String {
        let name = "household_tally_\(op.lowercased())"
        return "CREATE TRIGGER \(name) AFTER \(op) ON households REFERENCING \(rows) FOR EACH STATEMENT EXECUTE FUNCTION \(name)()"
    }
}
