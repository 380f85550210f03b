import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A browser's cookie jar, enough for the pages' login, session and CSRF.
final class Browser: @unchecked Sendable {
    var cookies: [String: String] = [:]
    let client: any TestClientProtocol
    init(_ client: any TestClientProtocol) { self.client = client }

    func remember(_ r: TestResponse) {
        for v in r.headers[values: .setCookie] {
            let pair = v.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            if pair.count == 2 { cookies[String(pair[0])] = String(pair[1]) }
        }
    }

    func request(_ method: HTTPRequest.Method, _ uri: String, form: [String: String]? = nil, body: ByteBuffer? = nil, contentType: String? = nil,
                 headers: HTTPFields = [:]) async throws -> TestResponse {
        var h = headers
        if !cookies.isEmpty { h[.cookie] = cookies.filter { !$0.value.isEmpty }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        var b = body
        if let form {
            h[.contentType] = "application/x-www-form-urlencoded"
            var c = URLComponents()
            c.queryItems = form.map { URLQueryItem(name: $0.key, value: $0.value) }
            b = ByteBuffer(string: (c.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B"))
        }
        if let contentType { h[.contentType] = contentType }
        let r = try await client.execute(uri: uri, method: method, headers: h, body: b)
        remember(r)
        return r
    }

    /// A multipart/form-data POST, as a browser sends a form with files: (name, file name for a file, content).
    func request(_ method: HTTPRequest.Method, _ uri: String, multipart parts: [(String, String?, String)], headers: HTTPFields = [:]) async throws -> TestResponse {
        try await request(method, uri, files: parts.map { ($0.0, $0.1, Array($0.2.utf8)) }, headers: headers)
    }

    /// The same with any bytes (a photo).
    func request(_ method: HTTPRequest.Method, _ uri: String, files parts: [(String, String?, [UInt8])], headers: HTTPFields = [:]) async throws -> TestResponse {
        let boundary = "----doudi"
        var body: [UInt8] = []
        for (name, file, content) in parts {
            let type = file.map { $0.hasSuffix(".jpg") ? "image/jpeg" : "text/csv" }
            body += Array(("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"" + (file.map { "; filename=\"\($0)\"\r\nContent-Type: \(type!)" } ?? "") + "\r\n\r\n").utf8)
            body += content + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return try await request(method, uri, body: ByteBuffer(bytes: body), contentType: "multipart/form-data; boundary=\(boundary)", headers: headers)
    }

    static func field(_ name: String, in html: String) -> String? {
        guard let r = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[r.upperBound...].prefix { $0 != "\"" })
    }

    func login(_ user: String, password: String = DemoLoader.password) async throws -> TestResponse {
        let page = String(buffer: try await request(.get, "/login").body)
        let csrf = Self.field("_csrf", in: page) ?? ""
        return try await request(.post, "/login", form: ["username": user, "password": password, "_csrf": csrf])
    }
}

@Suite("Web pages")
struct PageTests {
    @Test(arguments: Backend.available) func loginSearchAndViewWithMaskedNumbers(_ backend: Backend) async throws {
        try await withServer(backend) { client, _ in
            let b = Browser(client)
            #expect(try await b.request(.get, "/households").headers[.location] == "/login")
            let bad = try await b.login("village", password: "wrong-password")
            #expect(bad.status == .unauthorized)
            #expect(String(buffer: bad.body).contains("用户名或密码错误"))
            let ok = try await b.login("village")
            #expect(ok.status == .found)
            #expect(ok.headers[values: .setCookie].contains { $0.contains("HttpOnly") && $0.contains("SameSite=Lax") })
            let list = String(buffer: try await b.request(.get, "/households").body)
            #expect(list.contains("户籍登记"))
            #expect(list.contains("430481********"))
            #expect(!list.contains("role=\"alert\""))  // no empty error box
            let id = try #require(list.range(of: "href=\"/households/H").map { String(list[list.index($0.upperBound, offsetBy: -1)...].prefix { $0 != "\"" }) })
            let page = try await b.request(.get, "/households/\(id)")
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("查看完整号码"))
            #expect(html.contains("<meta name=\"viewport\""))
            #expect(!html.contains("http://") && !html.contains("https://"))  // nothing fetched from elsewhere
            // English on request, back to a page of this site only.
            let evil = try await client.execute(uri: "/lang?to=en", method: .get, headers: [.referer: "http://127.0.0.1:8080//evil.example/x"])
            #expect(evil.headers[.location] == "/")
            _ = try await b.request(.get, "/lang?to=en")
            #expect(String(buffer: try await b.request(.get, "/households").body).contains("Households"))
            // An address nothing answers: a page in the reader's language with the way back, not a blank one.
            let lost = try await b.request(.get, "/households-list")
            #expect(lost.status == .notFound && String(buffer: lost.body).contains("Page not found") && String(buffer: lost.body).contains("href=\"/\""))
            _ = try await b.request(.get, "/lang?to=zh")
            #expect(String(buffer: try await Browser(client).request(.get, "/no/such/page").body).contains("页面不存在"))
            let api = try await client.api(.get, "/api/v1/no-such-thing", token: nil)
            #expect(api.status == .notFound && String(buffer: api.body).contains("\"code\":\"notFound\""))
        }
    }

    /// A form sent in GBK (a client that ignores the page's charset) is refused, not stored with empty fields.
    @Test func aFormThatIsNotUTF8IsRefusedWhole() async throws {
        try await withServer(.sqlite, households: 5) { client, services in
            let b = Browser(client)
            _ = try await b.login("village")
            let csrf = try #require(Browser.field("_csrf", in: String(buffer: try await b.request(.get, "/households/new").body)))
            let before = try await auditCount(services.db)
            let body = "_csrf=\(csrf)&householdId=G1&regionCode=430481001001&povertyStatus=none&incomePerCapita=5000&residentId=\(validID("43048119700101001").text)"
                + "&relation=head&laborAbility=full&name=%D5%C5%C8%FD"
            let r = try await b.request(.post, "/households/new", body: ByteBuffer(string: body), contentType: "application/x-www-form-urlencoded")
            #expect(r.status == .badRequest)
            #expect(String(buffer: r.body).contains("UTF-8"))
            #expect(try await services.households.get("G1", by: Actor.system()) == nil)
            #expect(try await auditCount(services.db) == before)
        }
    }

    @Test(arguments: Backend.available) func formsNeedTheSessionCSRFToken(_ backend: Backend) async throws {
        try await withServer(backend) { client, services in
            let b = Browser(client)
            _ = try await b.login("village")
            let form = String(buffer: try await b.request(.get, "/households/new").body)
            let csrf = try #require(Browser.field("_csrf", in: form))
            let rid = validID("43048119700101001").text
            var fields = ["householdId": "W1", "regionCode": DemoLoader.village.description, "povertyStatus": "none", "incomePerCapita": "5000",
                          "name": "王强", "residentId": rid, "relation": "head", "laborAbility": "full", "health": "healthy",
                          "schooling": "notInSchool", "employment": "inCounty", "phone": "13812345678"]
            let forged = try await b.request(.post, "/households/new", form: fields)
            #expect(forged.status == .forbidden)
            fields["_csrf"] = csrf
            let created = try await b.request(.post, "/households/new", form: fields)
            #expect(created.status == .seeOther)
            #expect(created.headers[.location] == "/households/W1")
            let again = try await b.request(.post, "/households/new", form: fields.merging(["householdId": "W2"]) { $1 })
            #expect(again.status == .unprocessableContent)
            #expect(String(buffer: again.body).contains("W1"))
            // A form's problems name the field as the form labels it, never by its code name.
            let wrong = String(buffer: try await b.request(.post, "/households/new", form: fields.merging(["householdId": "W3", "phone": "123", "laborAbility": "x"]) { $1 }).body)
            #expect(wrong.contains("联系电话：") && wrong.contains("劳动能力：") && !wrong.contains("phone:") && !wrong.contains("laborAbility:"))
            // Reveal shows the full number and writes the audit log.
            let stored = try #require(try await services.households.get("W1", by: Actor.system()))
            let shown = String(buffer: try await b.request(.post, "/members/\(stored.members[0].id)/reveal", form: ["_csrf": csrf]).body)
            #expect(shown.contains(rid))
            #expect(try await services.audit.search(by: Actor.system(), action: "member.reveal").count == 1)
        }
    }

    @Test(arguments: Backend.available) func importUploadReportsRejectedRows(_ backend: Backend) async throws {
        try await withServer(backend, households: 5) { client, services in
            let b = Browser(client)
            _ = try await b.login("county")
            let page = String(buffer: try await b.request(.get, "/import").body)
            let csrf = try #require(Browser.field("_csrf", in: page))
            let h = "household_id,region_code,poverty_status,dibao,income_per_capita\nU1,430481001001,none,0,9000\nU2,430481001001,none,0,oops\n"
            let m = "resident_id,household_id,relation,labor_ability\n\(validID("43048119600101001").text),U1,head,full\n\(validID("43048119600101003").text),U2,head,full\n"
            let r = try await b.request(.post, "/import", multipart: [("_csrf", nil, csrf), ("households", "households.csv", h), ("members", "members.csv", m)])
            let html = String(buffer: r.body)
            #expect(r.status == .ok)
            #expect(html.contains("导入1户"))
            #expect(html.contains("家庭年人均纯收入") && !html.contains("income_per_capita"))
            #expect(try await services.households.get("U1", by: Actor.system()) != nil)
            #expect(try await services.households.get("U2", by: Actor.system()) == nil)
        }
    }

    @Test(arguments: Backend.available) func administratorRenamesAndAddsVillages(_ backend: Backend) async throws {
        try await withServer(backend, households: 5) { client, services in
            let b = Browser(client)
            _ = try await b.login("admin")
            let page = String(buffer: try await b.request(.get, "/regions").body)
            #expect(page.contains("牌楼居委会"))
            let csrf = try #require(Browser.field("_csrf", in: page))
            let r = try await b.request(.post, "/regions", form: ["_csrf": csrf, "code": "430481100299", "name": "试点村"])
            #expect(r.status == .ok)
            #expect(try await services.regions.region(RegionCode("430481100299")!)?.name == "试点村")
            let outside = try await b.request(.post, "/regions", form: ["_csrf": csrf, "code": "110101001001", "name": "外县村"])
            #expect(outside.status == .forbidden)
            let village = Browser(client)
            _ = try await village.login("village")
            #expect(try await village.request(.get, "/regions").status == .forbidden)
        }
    }

    @Test(arguments: Backend.available) func selfReportPageWithoutLogin(_ backend: Backend) async throws {
        try await withServer(backend, households: 5) { client, services in
            let b = Browser(client)
            let start = String(buffer: try await b.request(.get, "/report").body)
            #expect(start.contains("蔡子池街道") && start.contains("下一步") && !start.contains("下一页"))
            #expect(start.contains("<span class=\"muted\">耒阳市</span>"), "the county named")
            let form = String(buffer: try await b.request(.get, "/report?township=430481001000").body)
            #expect(form.contains("牌楼居委会") && form.contains("因疫情"))
            #expect(form.contains("<span class=\"muted\">耒阳市 蔡子池街道</span>"))
            // Nothing chosen for the reporter: the township and the village are theirs to pick.
            #expect(!start.contains("\" selected>") && form.contains("<option value=\"\" selected disabled>请选择"))
            let csrf = try #require(Browser.field("_csrf", in: form))
            let rid = validID("43048119850505001").text
            let fields = ["township": "430481001000", "name": "李四", "residentId": rid, "mobile": "13912345678",
                          "regionCode": "430481001001", "riskKinds": "illness", "description": "", "consent": "1"]
            #expect(try await b.request(.post, "/report", form: fields).status == .forbidden)  // no CSRF token
            let missing = try await b.request(.post, "/report", form: fields.merging(["_csrf": csrf, "consent": "0"]) { $1 })
            #expect(missing.status == .unprocessableContent)
            #expect(String(buffer: missing.body).contains("同意"))
            // After an error the consent given and the village chosen are still there.
            let badMobile = String(buffer: try await b.request(.post, "/report", form: fields.merging(["_csrf": csrf, "mobile": "1391234"]) { $1 }).body)
            #expect(badMobile.contains("手机号码") && badMobile.contains("name=\"consent\" value=\"1\" required checked"))
            #expect(badMobile.contains("value=\"430481001001\" selected") && !badMobile.contains("value=\"\" selected"))
            // Typed with a Chinese input method: full-width digits, spaces inside.
            let wide = String(rid.unicodeScalars.map { $0.properties.numericType != nil ? Character(Unicode.Scalar($0.value + 0xFEE0)!) : Character($0) })
            let done = try await b.request(.post, "/report", form: fields.merging(["_csrf": csrf, "residentId": " " + wide + "\u{3000}",
                                                                                   "mobile": "139 1234 5678"]) { $1 })
            #expect(done.status == .created)
            let html = String(buffer: done.body)
            let code = try #require(html.range(of: "mono code\">").map { String(html[$0.upperBound...].prefix(10)) })
            #expect(TrackingCode.isWellFormed(code))
            let lead = try await services.leads.leads(by: Actor.system(), status: .open)
            #expect(lead.count == 1 && lead[0].residentID == rid)
            // The status: the mobile number goes in the form's body, never in the URL; the answer gives the day and
            // what comes next.
            let ask = String(buffer: try await b.request(.get, "/report/status?code=\(code)&mobile=13912345678").body)
            #expect(!ask.contains("待核实") && ask.contains("method=\"post\" action=\"/report/status\""))
            let pre = try #require(Browser.field("_csrf", in: ask))
            let status = String(buffer: try await b.request(.post, "/report/status", form: ["_csrf": pre, "code": code, "mobile": "139 1234 5678"]).body)
            #expect(status.contains("待核实") && status.contains(Clock.system.today().description) && status.contains("上门核实"))
            let wrong = String(buffer: try await b.request(.post, "/report/status", form: ["_csrf": pre, "code": code, "mobile": "13900000000"]).body)
            #expect(wrong.contains("查询码或手机号码不正确") && !wrong.contains("待核实"))
            #expect(try await Browser(client).request(.post, "/report/status", form: ["code": code, "mobile": "13912345678"]).status == .forbidden)
        }
    }

    @Test(arguments: Backend.available) func hotlineVisitAndLeadPages(_ backend: Backend) async throws {
        try await withServer(backend, households: 10) { client, services in
            let op = Browser(client)
            _ = try await op.login("hotline")
            let form = String(buffer: try await op.request(.get, "/hotline").body)
            let csrf = try #require(Browser.field("_csrf", in: form))
            let call = try await op.request(.post, "/hotline", form: ["_csrf": csrf, "caller": "王大妈", "callbackNumber": "13912345678",
                                                                       "name": "王五", "residentId": validID("43048119850505001").text,
                                                                       "regionCode": "430481001001", "riskKinds": "accident", "notes": "车祸"])
            #expect(call.status == .created)
            let cadre = Browser(client)
            _ = try await cadre.login("village")
            let id = try await services.households.search(by: Actor.system(), region: DemoLoader.village, limit: 1).items[0].id
            let page = String(buffer: try await cadre.request(.get, "/households/\(id)").body)
            let c2 = try #require(Browser.field("_csrf", in: page))
            let visit = try await cadre.request(.post, "/households/\(id)/visits", form: ["_csrf": c2, "date": "2026-11-01", "findings": "户主患病",
                                                                                          "riskKinds": "illness", "hardship": "1"])
            #expect(visit.status == .ok)
            #expect(String(buffer: visit.body).contains("生成线索"))
            let leads = String(buffer: try await cadre.request(.get, "/leads").body)
            #expect(leads.contains("扶贫服务热线") && leads.contains("干部走访排查") && leads.contains("未登记"))
            #expect(!leads.contains(validID("43048119850505001").text))
        }
    }

    @Test(arguments: Backend.available) func regionFilterOffersTheUsersTownshipsAndVillages(_ backend: Backend) async throws {
        try await withServer(backend, households: 5) { client, _ in
            let b = Browser(client)
            _ = try await b.login("township")
            let page = String(buffer: try await b.request(.get, "/households").body)
            #expect(page.contains("<option value=\"430481001000\">蔡子池街道</option>"))
            #expect(page.contains("<option value=\"430481001001\">— 牌楼居委会</option>"))
            #expect(!page.contains("430481002"))  // another township's villages
            let v = Browser(client)
            _ = try await v.login("village")
            let own = String(buffer: try await v.request(.get, "/households").body)
            #expect(own.contains("<option value=\"430481001001\">牌楼居委会</option>"))
        }
    }

    @Test(arguments: Backend.available) func rolesSeeOnlyWhatTheyMay(_ backend: Backend) async throws {
        try await withServer(backend, households: 5) { client, _ in
            let b = Browser(client)
            _ = try await b.login("auditor")
            #expect(try await b.request(.get, "/import").status == .forbidden)
            #expect(try await b.request(.get, "/audit").status == .ok)
            let v = Browser(client)
            _ = try await v.login("volunteers")
            #expect(try await v.request(.get, "/households").status == .forbidden)
        }
    }
}
