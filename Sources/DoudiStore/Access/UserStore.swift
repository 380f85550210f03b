import Crypto
import DoudiDomain
import Foundation
import HummingbirdBcrypt
import NIOPosix
import SQLKit

/// Accounts, passwords (bcrypt) and login sessions. A session token is shown once and stored only as
/// its SHA-256, so a copy of the database does not let anyone log in.
public struct UserStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    public static let sessionHours: Int64 = 12
    /// bcrypt's work factor: about 60 ms a check on this machine kind.
    static let cost: UInt8 = 10

    public struct Account: Sendable, Hashable {
        public var id: Int64
        public var username: String
        public var role: Role
        public var region: RegionCode
        public var active: Bool
        public var actor: Actor { Actor(userID: id, username: username, role: role, region: region) }
    }

    struct Row: Decodable {
        var id: Int64; var username: String; var password_hash: String; var role: String; var region: Int64; var active: Int
        var account: Account? {
            guard let role = Role(rawValue: role) else { return nil }
            let code = region == 0 ? RegionCode.country : RegionCode(value: UInt64(region))
            return code.map { Account(id: id, username: username, role: role, region: $0, active: active == 1) }
        }
    }

    public static func usernameProblem(_ u: String) -> FieldProblem? {
        let ok = (3...64).contains(u.utf8.count) && u.utf8.allSatisfy { b in
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 46 || b == 45 || b == 95
        }
        return ok ? nil : FieldProblem("username", Message("用户名应为3至64位字母、数字、.、-或_", "a username is 3 to 64 letters, digits, ., - or _"))
    }

    public static func passwordProblem(_ p: String) -> FieldProblem? {
        (8...200).contains(p.count) ? nil : FieldProblem("password", Message("密码应为8至200个字符", "a password has 8 to 200 characters"))
    }

    /// Creates an account; `by` must be an administrator whose region holds the new account's region.
    @discardableResult
    public func add(username: String, password: String, role: Role, region: RegionCode, by actor: Actor) async throws -> Account {
        guard actor.role.may(.manageUsers), actor.reaches(region) else { throw StoreError.forbidden }
        let problems = [Self.usernameProblem(username), Self.passwordProblem(password)].compactMap { $0 }
        if !problems.isEmpty { throw StoreError.invalid(problems) }
        let hash = try await Self.hashing.runIfActive { Bcrypt.hash(password, cost: Self.cost) }
        return try await db.transaction { tx in
            guard try await tx.sql.raw("SELECT code FROM regions WHERE code = \(bind: Int64(region.value))").first() != nil else {
                throw StoreError.invalid([FieldProblem("region", .regionNotInTable(region))])
            }
            guard try await tx.sql.raw("SELECT id FROM users WHERE username = \(bind: username)").first() == nil else {
                throw StoreError.invalid([FieldProblem("username", Message("用户名\(username)已存在", "username \(username) is taken"))])
            }
            try await tx.sql.raw("""
                INSERT INTO users (username, password_hash, role, region, active, created_at)
                VALUES (\(bind: username), \(bind: hash), \(bind: role.rawValue), \(bind: Int64(region.value)), 1, \(bind: tx.clock.nowMillis()))
                """).run()
            let row = try await tx.sql.raw("SELECT id, username, password_hash, role, region, active FROM users WHERE username = \(bind: username)").first(decoding: Row.self)
            guard let account = row?.account else { throw StoreError.notFound }
            try await AuditLog.record(tx, actor: actor, action: "user.add", subject: username, region: region, before: nil,
                                      after: ["username": username, "role": role.rawValue, "region": region.description])
            return account
        }
    }

    /// The account for a username and password, or nil. Takes as long for an unknown name as for a wrong password.
    public func authenticate(username: String, password: String) async throws -> Account? {
        let row = try await db.read { sql in
            try await sql.raw("SELECT id, username, password_hash, role, region, active FROM users WHERE username = \(bind: username)").first(decoding: Row.self)
        }
        let hash = row?.password_hash ?? Self.decoyHash
        let ok = try await Self.hashing.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard ok, let account = row?.account, account.active else { return nil }
        return account
    }

    static let decoyHash = Bcrypt.hash("decoy-password-never-matches", cost: cost)

    /// Bcrypt keeps a core busy for tens of milliseconds: on threads of its own, queued, so a burst of logins
    /// never holds the threads that every other request shares.
    static let hashing: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(1, ProcessInfo.processInfo.activeProcessorCount))
        pool.start()
        return pool
    }()

    public struct Session: Sendable {
        public var token: String
        public var csrf: String
        public var expiresAt: Date
    }

    public enum SessionKind: String, Sendable { case web, api }

    public func startSession(for account: Account, kind: SessionKind) async throws -> Session {
        let token = Self.randomToken(), csrf = Self.randomToken()
        let now = db.clock.nowMillis()
        let expires = now + Self.sessionHours * 3_600_000
        try await db.transaction { tx in
            try await tx.sql.raw("""
                INSERT INTO sessions (token_hash, user_id, kind, csrf, created_at, expires_at)
                VALUES (\(bind: Self.digest(token)), \(bind: account.id), \(bind: kind.rawValue), \(bind: csrf), \(bind: now), \(bind: expires))
                """).run()
            try await tx.sql.raw("DELETE FROM sessions WHERE expires_at < \(bind: now)").run()
            try await AuditLog.record(tx, actor: account.actor, action: "session.start", subject: kind.rawValue, region: account.region, before: nil, after: nil)
        }
        return Session(token: token, csrf: csrf, expiresAt: Date(timeIntervalSince1970: Double(expires) / 1000))
    }

    struct SessionRow: Decodable {
        var id: Int64; var username: String; var password_hash: String; var role: String; var region: Int64; var active: Int
        var csrf: String
    }

    /// The account behind a live token of this kind, and the session's CSRF secret.
    public func session(token: String, kind: SessionKind) async throws -> (Account, csrf: String)? {
        guard !token.isEmpty, token.utf8.count <= 100 else { return nil }
        let row = try await db.read { sql in
            try await sql.raw("""
                SELECT u.id, u.username, u.password_hash, u.role, u.region, u.active, s.csrf
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = \(bind: Self.digest(token)) AND s.kind = \(bind: kind.rawValue) AND s.expires_at > \(bind: db.clock.nowMillis())
                """).first(decoding: SessionRow.self)
        }
        guard let row, let account = Row(id: row.id, username: row.username, password_hash: "", role: row.role, region: row.region, active: row.active).account,
              account.active else { return nil }
        return (account, row.csrf)
    }

    public func endSession(token: String) async throws {
        _ = try await db.transaction { tx in
            try await tx.sql.raw("DELETE FROM sessions WHERE token_hash = \(bind: Self.digest(token))").run()
        }
    }

    public func count() async throws -> Int {
        try await db.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM users").first(decoding: Count.self)?.n ?? 0
        }
    }

    static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

struct Count: Decodable { var n: Int }
