import DoudiDomain
import Foundation
import SQLKit

/// What an administrator does to the accounts of their region: see who has live sessions or is locked, end
/// sessions, disable and enable an account, lift a lock. Each is audited; each reaches only accounts whose
/// region lies in the administrator's subtree.
extension UserStore {
    public struct Listing: Sendable, Hashable {
        public var account: Account
        /// Live sessions, pages and API tokens together.
        public var sessions: Int
        public var lockedUntil: Int64?
    }

    struct ListingRow: Decodable {
        var id: Int64; var username: String; var role: String; var region: Int64; var active: Int; var locked_until: Int64; var sessions: Int
        var department: String?
    }

    public func accounts(by actor: Actor) async throws -> [Listing] {
        guard actor.role.may(.manageUsers) else { throw StoreError.forbidden }
        let r = actor.region.subtreeRange, now = db.clock.nowMillis(), idle = now - Self.idleMinutes * 60_000
        let rows = try await db.read { sql in
            try await sql.raw("""
                SELECT u.id, u.username, u.role, u.region, u.active, u.locked_until, u.department,
                  (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND s.expires_at > \(bind: now) AND s.last_seen > \(bind: idle)) AS sessions
                FROM users u WHERE u.region BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound)) ORDER BY u.region, u.username
                """).all(decoding: ListingRow.self)
        }
        return rows.compactMap { row in
            Row(id: row.id, username: row.username, password_hash: "", role: row.role, region: row.region, active: row.active, department: row.department).account
                .map { Listing(account: $0, sessions: row.sessions, lockedUntil: row.locked_until > now ? row.locked_until : nil) }
        }
    }

    public func accountID(username: String) async throws -> Int64? {
        struct ID: Decodable { var id: Int64 }
        return try await db.read { sql in try await sql.raw("SELECT id FROM users WHERE username = \(bind: username)").first(decoding: ID.self)?.id }
    }

    public enum AccountChange: String, Sendable, CaseIterable {
        /// Every live session and API token of the account ends; it can log in again.
        case endSessions
        /// The account can no longer log in, and its sessions end.
        case disable
        case enable
        /// A lock after wrong passwords is lifted before its time.
        case unlock
    }

    /// Applies `change` to the account `userID`; nil when it lies outside the administrator's region.
    public func change(_ userID: Int64, _ change: AccountChange, by actor: Actor) async throws {
        guard actor.role.may(.manageUsers) else { throw StoreError.forbidden }
        try await editing(userID, by: actor) { tx, row, target in
            if change == .disable && target.id == actor.userID {
                throw StoreError.invalid([FieldProblem("account", Message("不能停用自己的账户", "you cannot disable your own account"))])
            }
            var before = ["active": String(row.active)], after = before
            switch change {
            case .endSessions: break
            case .disable, .enable:
                let active = change == .enable ? 1 : 0
                try await tx.sql.raw("UPDATE users SET active = \(bind: active) WHERE id = \(bind: userID)").run()
                after["active"] = String(active)
            case .unlock:
                before["lockedUntil"] = String(row.locked_until ?? 0)
                try await tx.sql.raw("UPDATE users SET locked_until = 0, failed_logins = 0 WHERE id = \(bind: userID)").run()
                after["lockedUntil"] = "0"
            }
            if change == .endSessions || change == .disable {
                struct N: Decodable { var n: Int }
                let live = try await tx.sql.raw("SELECT COUNT(*) AS n FROM sessions WHERE user_id = \(bind: userID)").first(decoding: N.self)?.n ?? 0
                try await tx.sql.raw("DELETE FROM sessions WHERE user_id = \(bind: userID)").run()
                before["sessions"] = String(live); after["sessions"] = "0"
            }
            try await AuditLog.record(tx, actor: actor, action: "user.\(change.rawValue)", subject: target.username, region: target.region, before: before, after: after)
        }
    }
}
