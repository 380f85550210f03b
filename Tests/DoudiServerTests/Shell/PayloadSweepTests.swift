import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// What an attacker types into a form or a file: script, HTML, SQL, spreadsheet formulas, template tags.
enum Payload {
    static let all = [
        "<script>alert('x')</script>", "\"><img src=x onerror=alert(1)>", "'; DROP TABLE households; --",
        "=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "{{t.login}}{{{csrf}}}",
    ]

    /// Markup that would run if a page let a payload through unescaped.
    static func liveMarkup(in html: String) -> [String] {
        ["<script>alert", "<img src=x", "onerror=alert(1)>"].filter { html.contains($0) && !isEscapedOnly($0, html) }
    }

    private static func isEscapedOnly(_ s: String, _ html: String) -> Bool {
        // "onerror=alert(1)&gt;" is inert text; "onerror=alert(1)>" after an unescaped "<img" is not.
        s == "onerror=alert(1)>" && !html.contains("<img src=x")
    }

    /// Cells of a CSV export that a spreadsheet would run as a formula.
    static func liveFormulas(in csv: String) -> [String] {
        var out: [String] = []
        for line in csv.split(whereSeparator: \.isNewline) {
            for cell in cells(String(line)) {
                guard let first = cell.first, "=+@-".contains(first) else { continue }
                if first == "-", Double(cell) != nil { continue }  // a negative number
                out.append(cell)
            }
        }
        return out
    }

    static func cells(_ line: String) -> [String] {
        var out: [String] = [], cell = "", quoted = false, chars = Array(line.replacingOccurrences(of: "\u{FEFF}", with: "")), i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" { if i + 1 < chars.count && chars[i + 1] == "\"" { cell.append("\""); i += 1 } else { quoted = false } } else { cell.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { out.append(cell); cell = "" } else { cell.append(c) }
            i += 1
        }
        return out + [cell]
    }
}

@Suite("Sweeps: script, HTML, SQL and formula payloads in every field and file, inert on every page and export")
struct PayloadSweepTests {
    /// Where the first live payload sits, for the failure message.
    static func around(_ body: String) -> String {
        guard let r = body.range(of: "<script>alert") ?? body.range(of: "<img src=x") else { return "" }
        let start = body.index(r.lowerBound, offsetBy: -120, limitedBy: body.startIndex) ?? body.startIndex
        return String(body[start..<r.upperBound])
    }

    @Test(arguments: Backend.available)
    func payloadsAreInert(_ backend: Backend) async throws {
        try await withServer(backend, households: 30, monitoring: true) { client, services in
            let all = Actor.system()
            let village = try await client.token("village"), hotline = try await client.token("hotline")
            let v = DemoLoader.village.description
            var stored = 0, refused = 0, answers: [(String, TestResponse)] = []
            func send(_ what: String, _ method: HTTPRequest.Method, _ path: String, _ token: String?, _ json: String) async throws {
                let r = try await client.api(method, "/api/v1" + path, token: token, json: json)
                #expect(r.status.code < 500, "\(what): \(r.status)")
                if (200..<300).contains(r.status.code) { stored += 1 } else { refused += 1 }
                answers.append((what, r))
            }
            func j(_ s: String) -> String { String(decoding: try! JSONEncoder().encode(s), as: UTF8.self) }
            for (i, p) in Payload.all.enumerated() {
                let hid = "HP-\(i)", person = MatrixRequest.freshID(70_000 + i * 10).text
                // The household: the payload as its number (refused: a number has its own shape), then as names and address.
                try await send("household id", .post, "/households", village, #"{"householdId":\#(j(p)),"regionCode":"\#(v)","members":[{"residentId":"\#(person)","relation":"head","laborAbility":"full","name":"甲"}]}"#)
                try await send("head's name", .post, "/households", village, #"{"householdId":"\#(hid)","regionCode":"\#(v)","address":\#(j(p)),"members":[{"residentId":"\#(person)","relation":"head","laborAbility":"full","name":\#(j(p))}]}"#)
                try await send("member's name", .post, "/households/\(hid)/members", village, #"{"residentId":"\#(MatrixRequest.freshID(70_001 + i * 10).text)","relation":"child","laborAbility":"none","name":\#(j(p))}"#)
                try await send("address", .put, "/households/\(hid)", village, #"{"regionCode":"\#(v)","povertyStatus":"exited","address":\#(j(p))}"#)
                try await send("visit findings", .post, "/households/\(hid)/visits", village, #"{"date":"\#(services.clock.today())","findings":\#(j(p)),"hardship":true,"riskKinds":["illness"]}"#)
                try await send("hotline call", .post, "/leads/hotline", hotline, #"{"caller":\#(j(p)),"callbackNumber":"13912345678","residentId":"\#(MatrixRequest.freshID(70_002 + i * 10).text)","name":\#(j(p)),"regionCode":"\#(v)","riskKinds":["accident"],"notes":\#(j(p))}"#)
                try await send("self-report", .post, "/public/self-reports", nil, #"{"name":\#(j(p)),"residentId":"\#(MatrixRequest.freshID(70_003 + i * 10).text)","mobile":"13800000000","regionCode":"\#(v)","riskKinds":["illness"],"description":\#(j(p)),"consent":true}"#)
                if let lead = try await services.leads.leads(by: all, status: .open).first(where: { $0.region == DemoLoader.village && $0.householdID?.hasPrefix("HP-") != true }) {
                    try await send("verification reason", .post, "/leads/\(lead.id)/verification", village, #"{"decision":"notConfirmed","reason":\#(j(p))}"#)
                }
                // Wrong values in fields that take codes: the refusal quotes nothing live back.
                try await send("relation", .post, "/households/\(hid)/members", village, #"{"residentId":"\#(MatrixRequest.freshID(70_004 + i * 10).text)","relation":\#(j(p)),"laborAbility":"none","name":"乙"}"#)
                try await send("region", .post, "/households", village, #"{"householdId":"HQ-\#(i)","regionCode":\#(j(p)),"members":[{"residentId":"\#(person)","relation":"head","laborAbility":"full","name":"甲"}]}"#)
            }
            // The households whose head is a payload go on the roster, so the exports of episodes carry them.
            for lead in try await services.leads.leads(by: all, status: .open, limit: 1_000) where lead.householdID?.hasPrefix("HP-") == true {
                try await send("confirmation", .post, "/leads/\(lead.id)/verification", village, #"{"decision":"confirmed","monitoringType":"unstableExited","riskKinds":["illness"]}"#)
            }
            // The pages that have no API twin: a village's name, an imported file (its cells and its name), a
            // login name and a search, which pages echo back.
            let admin = Browser(client), cadre = Browser(client)
            _ = try await admin.login("admin")
            _ = try await cadre.login("village")
            let csrf = try #require(Browser.field("_csrf", in: String(buffer: try await admin.request(.get, "/regions").body)))
            let cadreCSRF = try #require(Browser.field("_csrf", in: String(buffer: try await cadre.request(.get, "/import").body)))
            for (i, p) in Payload.all.enumerated() {
                answers.append(("village name", try await admin.request(.post, "/regions", form: ["_csrf": csrf, "code": "43048100100\(i)", "name": p])))
                answers.append(("search", try await cadre.request(.get, "/households?q=" + (p.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))))
                answers.append(("login name", try await Browser(client).login(p, password: "x")))
                let quoted = "\"" + p.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                let households = "household_id,region_code,poverty_status,dibao,income_per_capita,address\nHI-\(i),\(v),none,0,6000,\(quoted)\n"
                let members = "resident_id,household_id,relation,labor_ability,name\n\(MatrixRequest.freshID(71_000 + i).text),HI-\(i),head,full,\(quoted)\n12345,HI-\(i),\(quoted),full,\(quoted)\n"
                answers.append(("import", try await cadre.request(.post, "/import", multipart: [("_csrf", nil, cadreCSRF), ("households", "\(p).csv", households), ("members", "\(p)m.csv", members)])))
            }
            for (what, r) in answers {
                #expect(r.status.code < 500, "\(what): \(r.status)")
                // JSON carries what was sent as data; only a page is read as markup.
                guard r.headers[.contentType]?.hasPrefix("text/html") == true else { continue }
                let body = String(buffer: r.body)
                #expect(Payload.liveMarkup(in: body).isEmpty, "\(what) answered with live markup: \(Payload.liveMarkup(in: body)) \(Self.around(body))")
            }
            #expect(stored >= Payload.all.count * 5, "too few payloads were stored to test their display: \(stored) stored, \(refused) refused")
            // The SQL payload was kept as text, and the table is there.
            #expect(try await services.households.counts().households > 30)
            // Every page and export each role reaches shows the payloads inert.
            var csvs = 0, seenPayload = 0
            for user in SweepTests.accounts {
                let b = Browser(client)
                _ = try await b.login(user)
                for page in try await crawl(b, perPattern: 4, limit: 200) {
                    #expect(page.status.code < 500, "\(user) \(page.uri): \(page.status)")
                    if page.uri.contains(".xlsx") {
                        // A workbook's text cells are shared strings, never formulas: read back, each payload is text.
                        #expect(page.body.hasPrefix("PK"), "\(user) \(page.uri): not a workbook")
                        continue
                    }
                    if page.uri.contains(".csv") {
                        csvs += 1
                        #expect(Payload.liveFormulas(in: page.body).isEmpty, "\(user) \(page.uri): \(Payload.liveFormulas(in: page.body).prefix(3))")
                        continue
                    }
                    #expect(Payload.liveMarkup(in: page.body).isEmpty, "\(user) \(page.uri): \(Payload.liveMarkup(in: page.body)) \(Self.around(page.body))")
                    if page.body.contains("&lt;script&gt;alert") || page.body.contains("HYPERLINK") { seenPayload += 1 }
                }
            }
            #expect(csvs > 0 && seenPayload > 0, "the walk met no export (\(csvs)) or no stored payload (\(seenPayload))")
        }
    }
}
