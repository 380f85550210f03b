/// Monitoring's schema steps (leads, visits, policy, episodes), in the order `Database.migrations` applies them.
enum MonitoringSchema {
    /// Version 3: one lead queue for the four channels.
    static func v3(_ id: String) -> [String] {
        [
            """
            CREATE TABLE leads (
              id \(id), tracking_code TEXT NOT NULL UNIQUE, channel TEXT NOT NULL, status TEXT NOT NULL,
              region BIGINT NOT NULL, household_id TEXT, resident_id TEXT NOT NULL, name TEXT NOT NULL,
              mobile TEXT NOT NULL, risk_kinds TEXT NOT NULL, description TEXT NOT NULL,
              created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX leads_region_status ON leads (region, status)",
            "CREATE INDEX leads_resident ON leads (resident_id)",
        ]
    }

    /// Version 4: hotline and visit channels; lead details.
    static func v4(_ id: String) -> [String] {
        [
            "ALTER TABLE leads ADD COLUMN details TEXT NOT NULL DEFAULT ''",
            "CREATE INDEX leads_household_status ON leads (household_id, status)",
            """
            CREATE TABLE visits (
              id \(id), household_id TEXT NOT NULL REFERENCES households (id), region BIGINT NOT NULL,
              visited_on TEXT NOT NULL, findings TEXT NOT NULL, risk_kinds TEXT NOT NULL, hardship INTEGER NOT NULL,
              lead_id BIGINT, actor TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX visits_household ON visits (household_id)",
        ]
    }

    /// Version 5: weekly verification of leads.
    static func v5(_ id: String) -> [String] {
        [
            "ALTER TABLE leads ADD COLUMN monitoring_type TEXT",
            "ALTER TABLE leads ADD COLUMN decision_reason TEXT",
            "ALTER TABLE leads ADD COLUMN merged_into BIGINT",
            "ALTER TABLE leads ADD COLUMN verified_by TEXT",
            "ALTER TABLE leads ADD COLUMN verified_at BIGINT",
        ]
    }

    /// Version 6: policy parameters; monitoring episodes, identification and clearing.
    static func v6(_ id: String) -> [String] {
        [
            """
            CREATE TABLE policy_settings (
              region BIGINT NOT NULL, year INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
              updated_by TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (region, year, key))
            """,
            """
            CREATE TABLE episodes (
              id \(id), household_id TEXT NOT NULL REFERENCES households (id), region BIGINT NOT NULL,
              lead_id BIGINT, previous_id BIGINT, monitoring_type TEXT NOT NULL, risk_kinds TEXT NOT NULL,
              status TEXT NOT NULL, procedure_kind TEXT, step TEXT, started_on TEXT NOT NULL,
              notice_from TEXT, notice_to TEXT, found_on TEXT NOT NULL, identified_on TEXT, cleared_on TEXT,
              criteria TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX episodes_region_status ON episodes (region, status)",
            "CREATE INDEX episodes_household ON episodes (household_id)",
            """
            CREATE TABLE episode_events (
              id \(id), episode_id BIGINT NOT NULL REFERENCES episodes (id), region BIGINT NOT NULL,
              at BIGINT NOT NULL, on_day TEXT NOT NULL, procedure_kind TEXT, step TEXT, action TEXT NOT NULL,
              note TEXT NOT NULL, actor TEXT NOT NULL)
            """,
            "CREATE INDEX episode_events_episode ON episode_events (episode_id)",
            """
            CREATE TABLE objections (
              id \(id), episode_id BIGINT NOT NULL REFERENCES episodes (id), raised_on TEXT NOT NULL,
              text TEXT NOT NULL, status TEXT NOT NULL, resolution TEXT, recorded_by TEXT NOT NULL,
              resolved_by TEXT, resolved_at BIGINT)
            """,
            "CREATE INDEX objections_episode ON objections (episode_id)",
        ]
    }

    /// Version 7: one open monitoring episode per household.
    static func v7(_ id: String) -> [String] {
        [
            "CREATE UNIQUE INDEX episodes_one_open ON episodes (household_id) WHERE \(EpisodeStore.openCondition)",
        ]
    }

    /// Version 11: the person and mobile number of a lead sealed, the person found by a blind index.
    static func v11(_ tx: Tx) async throws {
        try await tx.run(["DROP INDEX leads_resident", "ALTER TABLE leads RENAME COLUMN resident_id TO resident_sealed",
                          "ALTER TABLE leads RENAME COLUMN mobile TO mobile_sealed", "ALTER TABLE leads ADD COLUMN resident_index TEXT"])
        try await SealedTable.leads.sealPlain(tx)
        try await tx.run(["CREATE INDEX leads_resident ON leads (resident_index)"])
    }
}
