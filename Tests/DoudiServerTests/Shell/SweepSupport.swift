import DoudiDomain
import DoudiServer
import DoudiStore
import Foundation
import Hummingbird
import HummingbirdTesting

/// A form as a page offers it: where it posts, and the values a person would send without changing anything.
struct PageForm: Hashable, Sendable {
    var action: String
    var fields: [String: String]
    var multipart: Bool
    /// The fields that take a file.
    var files: Set<String> = []

    /// The same form on another record counts once: digits and household ids are left out of the pattern.
    var pattern: String { SitePattern.of(action) }

    static func all(in html: String) -> [PageForm] {
        html.matches(of: /<form([^>]*)>(.*?)<\/form>/.dotMatchesNewlines()).compactMap { m in
            let head = String(m.output.1), inner = String(m.output.2)
            guard attribute("method", in: head)?.lowercased() == "post", let action = attribute("action", in: head) else { return nil }
            var fields: [String: String] = [:], files: Set<String> = []
            for input in inner.matches(of: /<input([^>]*)>/) {
                let a = String(input.output.1)
                guard let name = attribute("name", in: a) else { continue }
                let type = attribute("type", in: a)?.lowercased() ?? "text"
                if type == "file" { files.insert(name) }
                if (type == "checkbox" || type == "radio") && !a.contains("checked") { continue }
                if fields[name] == nil { fields[name] = attribute("value", in: a).map(unescape) ?? "" }
            }
            for area in inner.matches(of: /<textarea([^>]*)>(.*?)<\/textarea>/.dotMatchesNewlines()) {
                if let name = attribute("name", in: String(area.output.1)) { fields[name] = unescape(String(area.output.2)) }
            }
            for select in inner.matches(of: /<select([^>]*)>(.*?)<\/select>/.dotMatchesNewlines()) {
                guard let name = attribute("name", in: String(select.output.1)) else { continue }
                let options = String(select.output.2).matches(of: /<option([^>]*)>/).map { String($0.output.1) }
                let chosen = options.first { $0.contains("selected") } ?? options.first
                fields[name] = chosen.flatMap { attribute("value", in: $0) }.map(unescape) ?? ""
            }
            return PageForm(action: unescape(action), fields: fields, multipart: head.contains("multipart/form-data"), files: files)
        }
    }

    static func attribute(_ name: String, in tag: String) -> String? {
        guard let r = tag.range(of: " \(name)=\"") else { return nil }
        return String(tag[r.upperBound...].prefix { $0 != "\"" })
    }

    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
}

extension Browser {
    /// Sends `form` with `fields` the way a browser would: url-encoded, or multipart with its files (empty).
    func submit(_ form: PageForm, _ fields: [String: String]) async throws -> TestResponse {
        guard form.multipart else { return try await request(.post, form.action, form: fields) }
        return try await request(.post, form.action, multipart: fields.sorted { $0.key < $1.key }.map { ($0.key, form.files.contains($0.key) ? "\($0.key).csv" : nil, $0.value) })
    }
}

enum SitePattern {
    /// `/households/H430481001001-7/edit?page=2` → `/households/#/edit?page`: one pattern per kind of page.
    static func of(_ uri: String) -> String {
        let parts = uri.split(separator: "?", maxSplits: 1)
        let path = parts[0].split(separator: "/").map { $0.contains(where: \.isNumber) ? "#" : String($0) }.joined(separator: "/")
        let keys = parts.count > 1 ? parts[1].split(separator: "&").map { String($0.prefix { $0 != "=" }) }.sorted().joined(separator: "&") : ""
        return "/" + path + (keys.isEmpty ? "" : "?" + keys)
    }
}

/// Walks a logged-in user's pages from `/` by every link on this site, a few of each kind.
func crawl(_ b: Browser, perPattern: Int = 3, limit: Int = 160) async throws -> [(uri: String, status: HTTPResponse.Status, body: String)] {
    var queue = ["/households", "/leads", "/episodes", "/dashboard", "/rollup", "/audit", "/policy", "/hotline", "/import", "/regions", "/households/new"]
    var seen = Set<String>(), perKind: [String: Int] = [:]
    var out: [(String, HTTPResponse.Status, String)] = []
    while let uri = queue.first, out.count < limit {
        queue.removeFirst()
        guard seen.insert(uri).inserted else { continue }
        let r = try await b.request(.get, uri)
        let body = String(buffer: r.body)
        out.append((uri, r.status, body))
        for m in body.matches(of: /href="(\/[^"#]*)"/) {
            let link = PageForm.unescape(String(m.output.1))
            guard !link.hasPrefix("/static/"), !link.hasPrefix("/lang"), !link.hasPrefix("//"), !seen.contains(link) else { continue }
            let kind = SitePattern.of(link)
            guard perKind[kind, default: 0] < perPattern else { continue }
            perKind[kind, default: 0] += 1
            queue.append(link)
        }
    }
    return out
}

/// Every full resident ID, phone and mobile number the demo holds, and each person's birth date as a page could
/// write it: none may appear in an answer that is not an audited reveal.
struct Secrets: Sendable {
    var numbers: Set<String> = []
    /// A person's masked ID and the spellings of their birth date that would rebuild the number beside it.
    var births: [(masked: String, dates: [String])] = []

    static func of(_ services: Services) async throws -> Secrets {
        var s = Secrets()
        let all = Actor.system()
        let page = try await services.households.search(by: all, limit: 10_000)
        for item in page.items {
            guard let h = try await services.households.get(item.id, by: all) else { continue }
            for m in h.members.map(\.member) {
                s.numbers.insert(m.residentID.text)
                if let p = m.phone { s.numbers.insert(p) }
                let d = m.birthDate
                s.births.append((m.residentID.masked, [d.description, String(format: "%04d%02d%02d", d.year, d.month, d.day), "\(d.year)年\(d.month)月\(d.day)日"]))
            }
        }
        for l in try await services.leads.leads(by: all, status: nil, limit: 10_000) {
            s.numbers.insert(l.residentID)
            if !l.mobile.isEmpty { s.numbers.insert(l.mobile) }
        }
        return s
    }

    /// What an answer gives away: full numbers, or a masked number beside its birth date.
    /// "Beside": within the same row or record, 300 characters either way of the masked number. A page of
    /// many people holds many dates; a date far from a mask that happens to match someone else's is not theirs.
    func leaks(in body: String) -> [String] {
        var out = numbers.filter { body.contains($0) }.map { "full number \($0)" }
        let text = Array(body.unicodeScalars)
        for b in births where body.contains(b.masked) {
            let mask = Array(b.masked.unicodeScalars)
            var near = ""
            var i = 0
            while i + mask.count <= text.count {
                if text[i] == mask[0], Array(text[i..<(i + mask.count)]) == mask {
                    near += String(String.UnicodeScalarView(text[max(0, i - 300)..<min(text.count, i + mask.count + 300)])) + "\u{0}"
                    i += mask.count
                } else { i += 1 }
            }
            out += b.dates.filter { near.contains($0) }.map { "\(b.masked) beside \($0)" }
        }
        return out
    }
}
