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
    /// A session not used for this long ends (a phone left on a table in the village office).
    public static let idleMinutes: Int64 = 120
    /// Wrong passwords in a row that lock an account, and for how long.
    public static let maxFailures = 5
    public static let lockMinutes: Int64 = 15
    /// bcrypt's work factor: about 60 ms a check on this machine kind.
    static let cost: UInt8 = 10

    public struct Account: Sendable, Hashable {
        public var id: Int64
        public var username: String
        public var role: Role
        public var region: RegionCode
        public var active: Bool
        /// A department officer's department.
        public var department: Department? = nil
        public var actor: Actor { Actor(userID: id, username: username, role: role, region: region, department: department) }
    }

    struct Row: Decodable {
        var id: Int64; var username: String; var password_hash: String; var role: String; var region: Int64; var active: Int
        var failed_logins: Int? = nil; var locked_until: Int64? = nil; var department: String? = nil
        var account: Account? {
            guard let role = Role(rawValue: role) else { return nil }
            let code = region == 0 ? RegionCode.country : RegionCode(value: UInt64(region))
            return code.map { Account(id: id, username: username, role: role, region: $0, active: active == 1, department: department.flatMap(Department.init)) }
        }
    }

    /// A department officer names their department; no other role has one.
    public static func departmentProblem(role: Role, _ department: Department?) -> FieldProblem? {
        if role == .departmentOfficer, department == nil || department == .civilAffairs {
            return FieldProblem("department", Message("行业部门工作人员须选择所在部门", "a department officer's department is required"))
        }
        if role != .departmentOfficer, department != nil {
            return FieldProblem("department", Message("只有行业部门工作人员有所在部门", "only a department officer has a department"))
        }
        return nil
    }

    public static func usernameProblem(_ u: String) -> FieldProblem? {
        let ok = (3...64).contains(u.utf8.count) && u.utf8.allSatisfy { b in
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 46 || b == 45 || b == 95
        }
        return ok ? nil : FieldProblem("username", Message("用户名应为3至64位字母、数字、.、-或_", "a username is 3 to 64 letters, digits, ., - or _"))
    }

    /// GB/T 22239 asks for passwords of some complexity: 10 to 200 characters of at least two kinds (letters,
    /// digits, other signs), not the username, not one of the passwords every list of guesses starts with.
    public static func passwordProblem(_ p: String, username: String = "") -> FieldProblem? {
        guard (10...200).contains(p.count) else { return FieldProblem("password", Message("密码应为10至200个字符", "a password has 10 to 200 characters")) }
        let kinds = [p.contains(where: \.isLetter), p.contains(where: \.isNumber), p.contains(where: { !$0.isLetter && !$0.isNumber })].filter { $0 }.count
        guard kinds >= 2 else {
            return FieldProblem("password", Message("密码应至少包含字母、数字、符号中的两类", "a password mixes at least two of letters, digits and other signs"))
        }
        let lower = p.lowercased()
        if !username.isEmpty, lower.contains(username.lowercased()) {
            return FieldProblem("password", Message("密码不能包含用户名", "a password may not contain the username"))
        }
        if ["password123", "1234567890", "qwertyuiop", "admin12345", "a123456789", "1qaz2wsx3edc", "doudi12345"].contains(lower) {
            return FieldProblem("password", Message("密码过于常见，请换一个", "that password is among the most guessed; choose another"))
        }
        return nil
    }

    /// Creates an account; `by` must be an administrator whose region holds the new account's region.
    @discardableResult
    public func add(username: String, password: String, role: Role, region: RegionCode, department: Department? = nil, by actor: Actor) async throws -> Account {
        guard actor.role.may(.manageUsers), actor.reaches(region) else { throw StoreError.forbidden }
        let hash = try await Self.hashed(username: username, password: password, role: role, department: department)
        return try await db.transaction { tx in try await Self.insert(tx, username: username, hash: hash, role: role, region: region, department: department, by: actor) }
    }

    /// A new account's name and password checked, and the password hashed (off the event loop).
    static func hashed(username: String, password: String, role: Role, department: Department? = nil) async throws -> String {
        let problems = [Self.usernameProblem(username), Self.passwordProblem(password, username: username),
                        Self.departmentProblem(role: role, department)].compactMap { $0 }
        if !problems.isEmpty { throw StoreError.invalid(problems) }
        return try await Self.hashing.runIfActive { Bcrypt.hash(password, cost: Self.cost) }
    }

    /// Inserts an account inside a caller's transaction (an organization registered with its administrator, a
    /// volunteer with their login), audited.
    static func insert(_ tx: Tx, username: String, hash: String, role: Role, region: RegionCode, department: Department? = nil, by actor: Actor) async throws -> Account {
        guard try await tx.sql.raw("SELECT code FROM regions WHERE code = \(bind: Int64(region.value))").first() != nil else {
            throw StoreError.invalid([FieldProblem("region", .regionNotInTable(region))])
        }
        guard try await tx.sql.raw("SELECT id FROM users WHERE username = \(bind: username)").first() == nil else {
            throw StoreError.invalid([FieldProblem("username", Message("用户名\(username)已存在", "username \(username) is taken"))])
        }
        try await tx.sql.raw("""
            INSERT INTO users (username, password_hash, role, region, active, created_at, department)
            VALUES (\(bind: username), \(bind: hash), \(bind: role.rawValue), \(bind: Int64(region.value)), 1, \(bind: tx.clock.nowMillis()),
                    \(bind: department?.rawValue))
            """).run()
        let row = try await tx.sql.raw("SELECT id, username, password_hash, role, region, active, department FROM users WHERE username = \(bind: username)").first(decoding: Row.self)
        guard let account = row?.account else { throw StoreError.notFound }
        var after = ["username": username, "role": role.rawValue, "region": region.description]
        if let d = department { after["department"] = d.rawValue }
        try await AuditLog.record(tx, actor: actor, action: "user.add", subject: username, region: region, before: nil, after: after)
        return account
    }

    /// The account for a username and password, or nil: a wrong password, an unknown name, a disabled or a
    /// locked account all look alike, and take as long. `maxFailures` wrong passwords in a row lock the account
    /// for `lockMinutes` (audited), whoever sends them from wherever.
    public func authenticate(username: String, password: String) async throws -> Account? {
        let row = try await db.read { sql in
            try await sql.raw("""
                SELECT id, username, password_hash, role, region, active, failed_logins, locked_until, department FROM users WHERE username = \(bind: username)
                """).first(decoding: Row.self)
        }
        let hash = row?.password_hash ?? Self.decoyHash
        let ok = try await Self.hashing.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard let row, let account = row.account else { return nil }
        let now = db.clock.nowMillis()
        if (row.locked_until ?? 0) > now { return nil }
        guard ok else {
            try await recordFailure(account, now: now)
            return nil
        }
        guard account.active else { return nil }
        if (row.failed_logins ?? 0) > 0 {
            try await db.transaction { tx in try await tx.sql.raw("UPDATE users SET failed_logins = 0 WHERE id = \(bind: account.id)").run() }
        }
        return account
    }

    private func recordFailure(_ account: Account, now: Int64) async throws {
        struct N: Decodable { var failed_logins: Int }
        try await db.transaction { tx in
            let n = try await tx.sql.raw("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = \(bind: account.id) RETURNING failed_logins")
                .first(decoding: N.self)?.failed_logins ?? 0
            guard n >= Self.maxFailures else { return }
            let until = now + Self.lockMinutes * 60_000
            try await tx.sql.raw("UPDATE users SET failed_logins = 0, locked_until = \(bind: until) WHERE id = \(bind: account.id)").run()
            try await AuditLog.record(tx, actor: Actor.system("login"), action: "user.locked", subject: account.username, region: account.region,
                                      before: nil, after: ["failures": String(n), "until": String(until)])
        }
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
                INSERT INTO sessions (token_hash, user_id, kind, csrf, created_at, expires_at, last_seen)
                VALUES (\(bind: Self.digest(token)), \(bind: account.id), \(bind: kind.rawValue), \(bind: csrf), \(bind: now), \(bind: expires), \(bind: now))
                """).run()
            try await tx.sql.raw("DELETE FROM sessions WHERE expires_at < \(bind: now)").run()
            try await AuditLog.record(tx, actor: account.actor, action: "session.start", subject: kind.rawValue, region: account.region, before: nil, after: nil)
        }
        return Session(token: token, csrf: csrf, expiresAt: Date(timeIntervalSince1970: Double(expires) / 1000))
    }

    struct SessionRow: Decodable {
        var id: Int64; var username: String; var password_hash: String; var role: String; var region: Int64; var active: Int
        var department: String?; var csrf: String; var last_seen: Int64
    }

    /// The account behind a live token of this kind, and the session's CSRF secret.
    public func session(token: String, kind: SessionKind) async throws -> (Account, csrf: String)? {
        guard !token.isEmpty, token.utf8.count <= 100 else { return nil }
        let now = db.clock.nowMillis(), digest = Self.digest(token)
        let row = try await db.read { sql in
            try await sql.raw("""
                SELECT u.id, u.username, u.password_hash, u.role, u.region, u.active, u.department, s.csrf, s.last_seen
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = \(bind: digest) AND s.kind = \(bind: kind.rawValue) AND s.expires_at > \(bind: now)
                  AND s.last_seen > \(bind: now - Self.idleMinutes * 60_000)
                """).first(decoding: SessionRow.self)
        }
        guard let row, let account = Row(id: row.id, username: row.username, password_hash: "", role: row.role, region: row.region, active: row.active,
                                        department: row.department).account,
              account.active else { return nil }
        // Marked as used at most once a minute: a write per request would cost more than the idle limit is worth.
        if now - row.last_seen > 60_000 {
            try await db.transaction { tx in try await tx.sql.raw("UPDATE sessions SET last_seen = \(bind: now) WHERE token_hash = \(bind: digest)").run() }
        }
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
        Hex.encode(Array(SHA256.hash(data: Data(token.utf8))))
    }
}

struct Count: Decodable { var n: Int }
