import DoudiDomain
import Foundation
import HummingbirdBcrypt
import SQLKit

/// An administrator's edits of one account of their region: its role and region, a new password. Audited, the
/// password never written to the log; each reaches only accounts, and regions, in the administrator's subtree.
extension UserStore {
    /// One account of the administrator's region with its sessions and lock, or nil.
    public func account(_ userID: Int64, by actor: Actor) async throws -> Listing? {
        try await accounts(by: actor).first { $0.account.id == userID }
    }

    /// Gives the account another role or region. The change holds from the account's next request: a session
    /// reads the account's row each time.
    public func update(_ userID: Int64, role: Role, region: RegionCode, department: Department? = nil, by actor: Actor) async throws {
        guard actor.role.may(.manageUsers), actor.reaches(region) else { throw StoreError.forbidden }
        if let p = Self.departmentProblem(role: role, department) { throw StoreError.invalid([p]) }
        try await editing(userID, by: actor) { tx, row, target in
            if target.id == actor.userID && (role != target.role || region != target.region) {
                throw StoreError.invalid([FieldProblem("role", Message("不能更改自己的角色或地区", "you cannot change your own role or region"))])
            }
            guard try await tx.sql.raw("SELECT code FROM regions WHERE code = \(bind: Int64(region.value))").first() != nil else {
                throw StoreError.invalid([FieldProblem("region", .regionNotInTable(region))])
            }
            try await tx.sql.raw("""
                UPDATE users SET role = \(bind: role.rawValue), region = \(bind: Int64(region.value)), department = \(bind: department?.rawValue) WHERE id = \(bind: userID)
                """).run()
            try await AuditLog.record(tx, actor: actor, action: "user.update", subject: target.username, region: target.region,
                                      before: ["role": target.role.rawValue, "region": target.region.description, "department": target.department?.rawValue ?? ""],
                                      after: ["role": role.rawValue, "region": region.description, "department": department?.rawValue ?? ""])
        }
    }

    /// Sets a new password (the same rules as at creation), lifts a lock and ends the account's sessions, so
    /// that whoever held the old password is signed out.
    public func resetPassword(_ userID: Int64, to password: String, by actor: Actor) async throws {
        guard actor.role.may(.manageUsers) else { throw StoreError.forbidden }
        guard let target = try await account(userID, by: actor)?.account else { throw StoreError.notFound }
        if let p = Self.passwordProblem(password, username: target.username) { throw StoreError.invalid([p]) }
        let hash = try await Self.hashing.runIfActive { Bcrypt.hash(password, cost: Self.cost) }
        try await editing(userID, by: actor) { tx, _, target in
            try await tx.sql.raw("UPDATE users SET password_hash = \(bind: hash), failed_logins = 0, locked_until = 0 WHERE id = \(bind: userID)").run()
            try await tx.sql.raw("DELETE FROM sessions WHERE user_id = \(bind: userID)").run()
            try await AuditLog.record(tx, actor: actor, action: "user.resetPassword", subject: target.username, region: target.region,
                                      before: nil, after: ["sessions": "0"])
        }
    }

    /// Runs `body` in a transaction on the account's row, found only inside the administrator's subtree.
    func editing(_ userID: Int64, by actor: Actor, _ body: @Sendable (Tx, Row, Account) async throws -> Void) async throws {
        let r = actor.region.subtreeRange
        try await db.transaction { tx in
            guard let row = try await tx.sql.raw("""
                SELECT id, username, password_hash, role, region, active, failed_logins, locked_until, department FROM users
                WHERE id = \(bind: userID) AND region BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))
                """).first(decoding: Row.self), let target = row.account else { throw StoreError.notFound }
            try await body(tx, row, target)
        }
    }
}
