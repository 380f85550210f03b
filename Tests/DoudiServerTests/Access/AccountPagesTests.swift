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
            #expect(found.contains(">village</a>") && !found.contains(">county</a>") && found.contains("共 1"))
            let auditors = String(buffer: try await admin.request(.get, "/users?role=auditor").body)
            #expect(auditors.contains(">auditor</a>") && !auditors.contains(">village</a>"))
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

    @Test(arguments: Backend.available)
    func anAdministratorCreatesChangesAndResetsAnAccountByPickingRegions(_ backend: Backend) async throws {
        try await withServer(backend, households: 10) { client, services in
            let admin = Browser(client)
            _ = try await admin.login("admin")
            let list = String(buffer: try await admin.request(.get, "/users").body)
            let csrf = try #require(Browser.field("_csrf", in: list))
            // The region is picked, township then village, never typed: 牌楼居委会 sits under 蔡子池街道.
            #expect(list.contains(#"<optgroup label="蔡子池街道"><option value="430481001000">蔡子池街道（全部）</option><option value="430481001001">牌楼居委会</option>"#))
            let made = try await admin.request(.post, "/users", form: ["_csrf": csrf, "username": "cadre.new", "password": "Pailou-2026-x",
                                                                       "role": "villageCadre", "region": "430481001001"])
            let page = String(buffer: made.body)
            #expect(made.status == .ok && page.contains("账户已创建") && page.contains("蔡子池街道 牌楼居委会") && page.contains("村干部"))
            let id = try #require(try await services.users.accountID(username: "cadre.new"))
            let cadre = Browser(client)
            #expect(try await cadre.login("cadre.new", password: "Pailou-2026-x").headers[.location] == "/households")
            // A weak password is refused with the field named in words; nothing is created.
            let weak = try await admin.request(.post, "/users", form: ["_csrf": csrf, "username": "cadre.weak", "password": "short",
                                                                       "role": "villageCadre", "region": "430481001001"])
            #expect(weak.status == .unprocessableContent && String(buffer: weak.body).contains("密码：密码应为10至200个字符"))
            #expect(try await services.users.accountID(username: "cadre.weak") == nil)
            // Outside the administrator's county, the refusal names the region, not the role.
            let far = try await admin.request(.post, "/users", form: ["_csrf": csrf, "username": "cadre.far", "password": "Pailou-2026-x",
                                                                      "role": "villageCadre", "region": "110101001001"])
            #expect(far.status == .forbidden && String(buffer: far.body).contains("不在您的管辖范围（湖南省 衡阳市 耒阳市）内"))
            #expect(!String(buffer: far.body).contains("您的角色无权"))
            // Promoted to the township: the next request already sees the township's role.
            let moved = try await admin.request(.post, "/users/\(id)", form: ["_csrf": csrf, "change": "update", "role": "townshipOfficer", "region": "430481001000"])
            #expect(moved.status == .ok && String(buffer: moved.body).contains("乡镇干部"))
            #expect(try await services.users.account(id, by: .system())?.account.region.description == "430481001000")
            // A new password signs the holder out everywhere; the old one no longer opens the account.
            let differ = try await admin.request(.post, "/users/\(id)", form: ["_csrf": csrf, "change": "password", "password": "Second-2026-y", "password2": "Second-2026-z"])
            #expect(differ.status == .unprocessableContent && String(buffer: differ.body).contains("两次输入的密码不一致"))
            let reset = try await admin.request(.post, "/users/\(id)", form: ["_csrf": csrf, "change": "password", "password": "Second-2026-y", "password2": "Second-2026-y"])
            #expect(reset.status == .ok && String(buffer: reset.body).contains("密码已重置"))
            #expect(try await cadre.request(.get, "/households").headers[.location] == "/login")
            #expect(try await Browser(client).login("cadre.new", password: "Pailou-2026-x").status == .unauthorized)
            #expect(try await Browser(client).login("cadre.new", password: "Second-2026-y").headers[.location] == "/households")
            // The administrator cannot change their own role; every change is in the audit log, no password in it.
            let own = try #require(try await services.users.accountID(username: "admin"))
            let selfChange = try await admin.request(.post, "/users/\(own)", form: ["_csrf": csrf, "change": "update", "role": "auditor", "region": "430481000000"])
            #expect(selfChange.status == .unprocessableContent && String(buffer: selfChange.body).contains("不能更改自己的角色或地区"))
            let log = try await services.audit.search(by: .system(), subject: "cadre.new")
            #expect(Set(log.map(\.action)).isSuperset(of: ["user.add", "user.update", "user.resetPassword"]))
            let text = log.map { ($0.beforeJSON ?? "") + ($0.afterJSON ?? "") }.joined()
            #expect(!text.contains("Second-2026-y") && !text.contains("Pailou-2026-x"))
            // The audit page says it in words: the action, and each value before and after.
            let view = String(buffer: try await admin.request(.get, "/audit?subject=cadre.new").body)
            #expect(view.contains("修改角色与地区") && view.contains("角色：村干部 → 乡镇干部") && view.contains("重置密码") && view.contains("新建账户"))
            let seen = WordsTests.visible(view)
            #expect(!seen.contains("user.update") && !seen.contains("villageCadre") && !seen.contains("{\""))
            let filtered = String(buffer: try await admin.request(.get, "/audit?action=user.resetPassword").body)
            #expect(filtered.contains("重置密码") && !filtered.contains("修改角色与地区</td>"))
        }
    }

    static func error(_ r: TestResponse) -> String {
        let body = String(buffer: r.body)
        return body.firstMatch(of: /<div class="error"[^>]*>([^<]*)</).map { String($0.output.1) } ?? "(no error shown)"
    }
}
