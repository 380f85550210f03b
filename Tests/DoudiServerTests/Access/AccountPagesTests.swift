import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Access: an administrator's accounts page; a locked account at the login page")
struct AccountPagesTests {
    @Test(arguments: Backend.available)
    func anAdministratorSignsAnAccountOutEverywhere(_ backend: Backend) async throws {
        try await withServer(backend, households: 10) { client, services in
            let phone = Browser(client), desk = Browser(client)
            _ = try await phone.login("village")
            _ = try await desk.login("village")
            let token = try await client.token("village")
            #expect(try await phone.request(.get, "/households").status == .ok)
            let admin = Browser(client)
            _ = try await admin.login("admin")
            let page = String(buffer: try await admin.request(.get, "/users").body)
            #expect(page.contains("账户管理") && page.contains("村干部") && page.contains("牌楼居委会"))
            // Found by part of a name, or by role.
            let found = String(buffer: try await admin.request(.get, "/users?q=VILL").body)
            #expect(found.contains("<td>village</td>") && !found.contains("<td>county</td>") && found.contains("共 1"))
            let auditors = String(buffer: try await admin.request(.get, "/users?role=auditor").body)
            #expect(auditors.contains("<td>auditor</td>") && !auditors.contains("<td>village</td>"))
            let id = try #require(try await services.users.accountID(username: "village"))
            #expect(page.contains("action=\"/users/\(id)\"") && page.contains("结束会话"))
            let csrf = try #require(Browser.field("_csrf", in: page))
            let done = try await admin.request(.post, "/users/\(id)", form: ["_csrf": csrf, "change": "endSessions"])
            #expect(done.status == .ok && String(buffer: done.body).contains("已结束该账户的全部会话"))
            // Both browsers and the API token are signed out at once.
            #expect(try await phone.request(.get, "/households").headers[.location] == "/login")
            #expect(try await desk.request(.get, "/households").headers[.location] == "/login")
            #expect(try await client.api(.get, "/api/v1/me", token: token).status == .unauthorized)
            // Disabled, the account cannot log in; enabled, it can.
            _ = try await admin.request(.post, "/users/\(id)", form: ["_csrf": csrf, "change": "disable"])
            #expect(try await Browser(client).login("village").status == .unauthorized)
            _ = try await admin.request(.post, "/users/\(id)", form: ["_csrf": csrf, "change": "enable"])
            #expect(try await Browser(client).login("village").headers[.location] == "/households")
            // The administrator's own row offers no way to disable itself.
            let own = try #require(try await services.users.accountID(username: "admin"))
            let rows = String(buffer: try await admin.request(.get, "/users").body)
            let forms = PageForm.all(in: rows)
            #expect(forms.contains { $0.action == "/users/\(id)" && $0.fields["change"] == "disable" })
            #expect(!forms.contains { $0.action == "/users/\(own)" && $0.fields["change"] == "disable" })
        }
    }

    @Test(arguments: Backend.available)
    func fiveWrongPasswordsLockTheAccountWithTheSameWords(_ backend: Backend) async throws {
        try await withServer(backend, households: 10) { client, _ in
            var words: Set<String> = []
            for _ in 0..<5 {
                let r = try await Browser(client).login("township", password: "not-the-password-1")
                #expect(r.status == .unauthorized)
                words.insert(Self.error(r))
            }
            // The right password now meets the same answer as a wrong one, and as an unknown name.
            let locked = try await Browser(client).login("township")
            #expect(locked.status == .unauthorized)
            words.insert(Self.error(locked))
            words.insert(Self.error(try await Browser(client).login("no.such.user", password: "not-the-password-1")))
            #expect(words.count == 1, "\(words)")
            #expect(words.first?.contains("锁定") == true)
            #expect(try await client.execute(uri: "/api/v1/auth/token", method: .post, headers: [.contentType: "application/json"],
                                             body: ByteBuffer(string: #"{"username":"township","password":"doudi-demo-2026"}"#)).status == .unauthorized)
        }
    }

    static func error(_ r: TestResponse) -> String {
        let body = String(buffer: r.body)
        return body.firstMatch(of: /<div class="error"[^>]*>([^<]*)</).map { String($0.output.1) } ?? "(no error shown)"
    }
}
