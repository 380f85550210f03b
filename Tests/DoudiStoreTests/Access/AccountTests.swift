import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Accounts: password rules, lockout after wrong passwords, idle and absolute session ends, an administrator's changes")
struct AccountTests {
    @Test("password rules", arguments: [
        ("short-1", "10 to 200"), ("onlyletterswithoutanything", "two of"), ("12345678901234", "two of"),
        ("li.cadre-2026", "username"), ("Password123", "most guessed"), ("correct horse", nil), ("街道干部的密码2026年", nil),
    ] as [(String, String?)])
    func passwordRules(_ password: String, _ complaint: String?) {
        let problem = UserStore.passwordProblem(password, username: "li.cadre")
        if let complaint { #expect(problem?.message.en.contains(complaint) == true, "\(password): \(String(describing: problem))") } else { #expect(problem == nil, "\(password)") }
    }

    @Test(arguments: Backend.available)
    func lockoutAfterFiveWrongPasswords(_ backend: Backend) async throws {
        let moving = MovableClock()
        try await withFreshDatabase(backend, clock: moving.clock) { db in
            let users = UserStore(db)
            _ = try await users.add(username: "li.cadre", password: "correct horse", role: .villageCadre, region: Fixture.village, by: Fixture.system)
            // Four wrong, one right: the count starts again.
            for _ in 0..<4 { #expect(try await users.authenticate(username: "li.cadre", password: "wrong horse") == nil) }
            #expect(try await users.authenticate(username: "li.cadre", password: "correct horse") != nil)
            for _ in 0..<4 { #expect(try await users.authenticate(username: "li.cadre", password: "wrong horse") == nil) }
            #expect(try await users.authenticate(username: "li.cadre", password: "correct horse") != nil, "four wrong after a success do not lock")
            // Five in a row lock it: the right password is refused too, for 15 minutes, and the lock is audited.
            for _ in 0..<5 { #expect(try await users.authenticate(username: "li.cadre", password: "wrong horse") == nil) }
            #expect(try await users.authenticate(username: "li.cadre", password: "correct horse") == nil)
            let locked = try await AuditStore(db).search(by: Fixture.system, action: "user.locked")
            #expect(locked.count == 1 && locked.first?.subject == "li.cadre")
            moving.advance(minutes: 14)
            #expect(try await users.authenticate(username: "li.cadre", password: "correct horse") == nil)
            moving.advance(minutes: 2)
            #expect(try await users.authenticate(username: "li.cadre", password: "correct horse") != nil)
            // An administrator lifts a lock before its time.
            for _ in 0..<5 { _ = try await users.authenticate(username: "li.cadre", password: "wrong horse") }
            let admin = try await Fixture.actor(db, "county.admin", .admin, Fixture.county)
            let id = try #require(try await users.accountID(username: "li.cadre"))
            #expect(try await users.accounts(by: admin).first { $0.account.id == id }?.lockedUntil != nil)
            try await users.change(id, .unlock, by: admin)
            #expect(try await users.authenticate(username: "li.cadre", password: "correct horse") != nil)
        }
    }

    @Test(arguments: Backend.available)
    func sessionsEndWhenIdleOrOld(_ backend: Backend) async throws {
        let moving = MovableClock()
        try await withFreshDatabase(backend, clock: moving.clock) { db in
            let users = UserStore(db)
            let a = try await users.add(username: "li.cadre", password: "correct horse", role: .villageCadre, region: Fixture.village, by: Fixture.system)
            let idle = try await users.startSession(for: a, kind: .web), busy = try await users.startSession(for: a, kind: .web)
            // Used every half hour, a session lives its 12 hours; left alone for two hours, it ends.
            for _ in 0..<5 {
                moving.advance(minutes: 30)
                #expect(try await users.session(token: busy.token, kind: .web) != nil)
            }
            #expect(try await users.session(token: idle.token, kind: .web) == nil, "idle for 2.5 hours")
            for _ in 0..<19 {
                moving.advance(minutes: 30)
                _ = try await users.session(token: busy.token, kind: .web)
            }
            #expect(try await users.session(token: busy.token, kind: .web) == nil, "12 hours after it began")
        }
    }

    @Test(arguments: Backend.available)
    func anAdministratorEndsSessionsAndDisablesAccountsInTheirRegionOnly(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let users = UserStore(db)
            let cadre = try await users.add(username: "li.cadre", password: "correct horse", role: .villageCadre, region: Fixture.village, by: Fixture.system)
            let far = try await users.add(username: "far.cadre", password: "correct horse", role: .villageCadre, region: RegionCode("430482001000")!, by: Fixture.system)
            let admin = try await Fixture.actor(db, "county.admin", .admin, Fixture.county)
            let web = try await users.startSession(for: cadre, kind: .web), api = try await users.startSession(for: cadre, kind: .api)
            #expect(try await users.accounts(by: admin).first { $0.account.id == cadre.id }?.sessions == 2)
            #expect(try await users.accounts(by: admin).contains { $0.account.id == far.id } == false, "an account of another county is not listed")
            try await users.change(cadre.id, .endSessions, by: admin)
            #expect(try await users.session(token: web.token, kind: .web) == nil)
            #expect(try await users.session(token: api.token, kind: .api) == nil)
            #expect(try await users.authenticate(username: "li.cadre", password: "correct horse") != nil, "ending sessions does not lock the account")
            let again = try await users.startSession(for: cadre, kind: .web)
            try await users.change(cadre.id, .disable, by: admin)
            #expect(try await users.session(token: again.token, kind: .web) == nil)
            #expect(try await users.authenticate(username: "li.cadre", password: "correct horse") == nil)
            try await users.change(cadre.id, .enable, by: admin)
            #expect(try await users.authenticate(username: "li.cadre", password: "correct horse") != nil)
            // Outside the administrator's county, not found; a cadre may not; an administrator may not disable themself.
            await #expect(throws: StoreError.notFound) { try await users.change(far.id, .disable, by: admin) }
            await #expect(throws: StoreError.forbidden) { try await users.change(far.id, .disable, by: cadre.actor) }
            await #expect(throws: StoreError.self) { try await users.change(admin.userID, .disable, by: admin) }
            let audited = try await AuditStore(db).search(by: Fixture.system, subject: "li.cadre").map(\.action)
            #expect(Set(audited).isSuperset(of: ["user.endSessions", "user.disable", "user.enable"]), "\(audited)")
        }
    }
}
