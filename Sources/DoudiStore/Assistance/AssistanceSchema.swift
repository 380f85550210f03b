/// Assistance's schema steps (applications, their timeline, the county's list of staff relatives).
enum AssistanceSchema {
    /// Version 15: applications and their procedure (R-DB-5), 备案近亲属.
    static func v15(_ id: String) -> [String] {
        [
            """
            CREATE TABLE assistance_applications (
              id \(id), household_id TEXT NOT NULL REFERENCES households (id), region BIGINT NOT NULL, kind TEXT NOT NULL,
              covered TEXT NOT NULL, income TEXT NOT NULL, income_months INTEGER NOT NULL, assets TEXT NOT NULL,
              relative_of_staff INTEGER NOT NULL, spot_check INTEGER NOT NULL, delegated INTEGER NOT NULL,
              status TEXT NOT NULL, step TEXT NOT NULL, submitted_on TEXT NOT NULL, accepted_on TEXT,
              home_visited INTEGER NOT NULL DEFAULT 0, county_visited INTEGER NOT NULL DEFAULT 0, extended INTEGER NOT NULL DEFAULT 0,
              proposed_amount BIGINT, approved_amount BIGINT, notice_from TEXT, notice_to TEXT,
              unresolved_objections INTEGER NOT NULL DEFAULT 0, decided_on TEXT, reasons TEXT, episode_id BIGINT,
              created_by TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX assistance_applications_region ON assistance_applications (region, status)",
            "CREATE INDEX assistance_applications_household ON assistance_applications (household_id)",
            """
            CREATE TABLE assistance_events (
              id \(id), application_id BIGINT NOT NULL REFERENCES assistance_applications (id), region BIGINT NOT NULL,
              at BIGINT NOT NULL, on_day TEXT NOT NULL, step TEXT NOT NULL, action TEXT NOT NULL, note TEXT NOT NULL, actor TEXT NOT NULL)
            """,
            "CREATE INDEX assistance_events_application ON assistance_events (application_id)",
            """
            CREATE TABLE staff_relatives (
              id \(id), region BIGINT NOT NULL, resident_sealed TEXT NOT NULL, resident_index TEXT NOT NULL,
              staff_name TEXT NOT NULL, relation TEXT NOT NULL, created_by TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX staff_relatives_resident ON staff_relatives (resident_index)",
        ]
    }
}

extension AssistanceSchema {
    /// Version 16: the bank account on an application, benefits in force, the monthly payment roll.
    static func v16(_ id: String) -> [String] {
        [
            "ALTER TABLE assistance_applications ADD COLUMN bank_sealed TEXT",
            """
            CREATE TABLE benefits (
              id \(id), application_id BIGINT NOT NULL UNIQUE REFERENCES assistance_applications (id), household_id TEXT NOT NULL,
              region BIGINT NOT NULL, kind TEXT NOT NULL, persons INTEGER NOT NULL, monthly_amount BIGINT NOT NULL,
              start_month TEXT NOT NULL, end_month TEXT, approved_on TEXT NOT NULL, bank_sealed TEXT, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX benefits_region ON benefits (region, start_month)",
            """
            CREATE TABLE payment_rolls (
              id \(id), county BIGINT NOT NULL, month TEXT NOT NULL, status TEXT NOT NULL, built_by TEXT NOT NULL, built_at BIGINT NOT NULL,
              approved_by TEXT, paid_on TEXT, UNIQUE (county, month))
            """,
            """
            CREATE TABLE payment_lines (
              id \(id), roll_id BIGINT NOT NULL REFERENCES payment_rolls (id), benefit_id BIGINT NOT NULL REFERENCES benefits (id),
              household_id TEXT NOT NULL, region BIGINT NOT NULL, kind TEXT NOT NULL, persons INTEGER NOT NULL, amount BIGINT NOT NULL)
            """,
            "CREATE INDEX payment_lines_roll ON payment_lines (roll_id)",
            "CREATE INDEX payment_lines_benefit ON payment_lines (benefit_id)",
        ]
    }
}

extension AssistanceSchema {
    /// Version 17: 家庭经济状况核对 — each file the county loaded, and the answers kept from it (those about
    /// people whose applications were being checked).
    static func v17(_ id: String) -> [String] {
        [
            """
            CREATE TABLE check_batches (
              id \(id), county BIGINT NOT NULL, file TEXT NOT NULL, rows_read INTEGER NOT NULL, kept INTEGER NOT NULL,
              applications INTEGER NOT NULL, loaded_by TEXT NOT NULL, loaded_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE check_answers (
              id \(id), batch_id BIGINT NOT NULL REFERENCES check_batches (id), application_id BIGINT NOT NULL REFERENCES assistance_applications (id),
              member_id BIGINT NOT NULL, region BIGINT NOT NULL, source TEXT NOT NULL, item TEXT NOT NULL, value BIGINT NOT NULL, as_of TEXT NOT NULL)
            """,
            "CREATE INDEX check_answers_application ON check_answers (application_id)",
        ]
    }
}

extension AssistanceSchema {
    /// Version 18: each benefit's review class and the month its next review is due (R-DB-7).
    static func v18() -> [String] {
        [
            "ALTER TABLE benefits ADD COLUMN review_class TEXT",
            "ALTER TABLE benefits ADD COLUMN reviewed_month TEXT",
            "ALTER TABLE benefits ADD COLUMN review_due TEXT",
            "CREATE INDEX benefits_review ON benefits (review_due, region)",
        ]
    }
}

extension AssistanceSchema {
    /// Version 19: a benefit's changes (变更) and the amounts they set, month by month from the month after each
    /// (a phased exit is a row per month); a month with no row of its own takes the latest row before it, or the
    /// amount approved.
    static func v19(_ id: String) -> [String] {
        [
            """
            CREATE TABLE benefit_changes (
              id \(id), benefit_id BIGINT NOT NULL REFERENCES benefits (id), region BIGINT NOT NULL, on_day TEXT NOT NULL,
              from_month TEXT NOT NULL, outcome TEXT NOT NULL, persons INTEGER NOT NULL, covered TEXT NOT NULL, income TEXT NOT NULL,
              income_months INTEGER NOT NULL, before_amount BIGINT NOT NULL, after_amount BIGINT NOT NULL, end_month TEXT, reason TEXT NOT NULL,
              recorded_by TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX benefit_changes_benefit ON benefit_changes (benefit_id)",
            """
            CREATE TABLE benefit_amounts (
              benefit_id BIGINT NOT NULL REFERENCES benefits (id), from_month TEXT NOT NULL, persons INTEGER NOT NULL, amount BIGINT NOT NULL,
              change_id BIGINT NOT NULL REFERENCES benefit_changes (id), PRIMARY KEY (benefit_id, from_month))
            """,
        ]
    }
}

extension AssistanceSchema {
    /// Version 20: 先行救助 — aid the township paid at once, for a household of the register or a person it does
    /// not hold, with the paperwork's deadline; each township's reserve fund (备用金), its balance and movements;
    /// who approves a temporary-aid application, by its amount's tier.
    static func v20(_ id: String) -> [String] {
        [
            """
            CREATE TABLE aid_first (
              id \(id), region BIGINT NOT NULL, township BIGINT NOT NULL, household_id TEXT REFERENCES households (id), person_name TEXT NOT NULL,
              resident_sealed TEXT, resident_index TEXT, registered_at TEXT NOT NULL, aid_kind TEXT NOT NULL, amount BIGINT NOT NULL, reason TEXT NOT NULL,
              paid_on TEXT NOT NULL, due_on TEXT NOT NULL, completed_on TEXT, completion_note TEXT, paid_by TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX aid_first_region ON aid_first (region, paid_on)",
            "CREATE INDEX aid_first_open ON aid_first (due_on) WHERE completed_on IS NULL",
            "CREATE TABLE reserve_funds (township BIGINT PRIMARY KEY, balance BIGINT NOT NULL CHECK (balance >= 0))",
            """
            CREATE TABLE reserve_movements (
              id \(id), township BIGINT NOT NULL, on_day TEXT NOT NULL, amount BIGINT NOT NULL, aid_id BIGINT REFERENCES aid_first (id),
              note TEXT NOT NULL, recorded_by TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX reserve_movements_township ON reserve_movements (township, id)",
            "ALTER TABLE assistance_applications ADD COLUMN aid_approver TEXT",
        ]
    }
}
