/// Users' and sessions' schema steps, in the order `Database.migrations` applies them.
enum AccessSchema {
    /// Version 1: users and their sessions.
    static func v1(_ id: String) -> [String] {
        [
            """
            CREATE TABLE users (
              id \(id), username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, role TEXT NOT NULL,
              region BIGINT NOT NULL, active INTEGER NOT NULL DEFAULT 1, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE sessions (
              token_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id), kind TEXT NOT NULL,
              csrf TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
            """,
        ]
    }

    /// Version 9: accounts lock after repeated wrong passwords; sessions end after a spell of inactivity.
    static func v9() -> [String] {
        [
            "ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE users ADD COLUMN locked_until BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE sessions ADD COLUMN last_seen BIGINT NOT NULL DEFAULT 0",
            "UPDATE sessions SET last_seen = created_at",
        ]
    }
}
