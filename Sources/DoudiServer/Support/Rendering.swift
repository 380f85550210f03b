import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Pages rendered from Mustache templates inside the layout, in the reader's language.
extension Pages {
    /// A template that is not there is an error (a 500 and a log line), never an empty page.
    struct MissingTemplate: Error, CustomStringConvertible {
        let name: String
        var description: String { "no template \(name).mustache" }
    }

    func render(_ context: [String: Any], _ template: String) throws -> String {
        guard let html = library.render(context, withTemplate: template) else { throw MissingTemplate(name: template) }
        return html
    }

    func lang(_ req: Request) -> Strings.Table { strings.table(req.cookies[Self.langCookie]?.value == "en" ? "en" : "zh") }

    func page(_ req: Request, _ a: UserStore.Account?, _ csrf: String, status: HTTPResponse.Status = .ok, template: String, title: String,
              _ data: [String: Any]) throws -> Response {
        let t = lang(req)
        var context = Self.withoutNils(data)
        context["t"] = t.values
        context["csrf"] = csrf
        let content = try render(context, template)
        var layout: [String: Any] = ["t": t.values, "title": title, "content": content, "lang": t.code == "en" ? "en" : "zh-Hans",
                                     "otherLang": t.code == "en" ? "zh" : "en"]
        if let a {
            layout["user"] = ["username": a.username, "roleName": t.code == "en" ? a.role.english : a.role.chinese, "csrf": csrf,
                              "canWrite": a.role.may(.writeRegister), "canAudit": a.role.may(.readAudit),
                              "canRegions": a.role.may(.manageRegions), "canLeads": a.role.may(.readRegister),
                              "isHotline": a.role == .hotlineOperator, "isAdmin": a.role == .admin] as [String: Any]
        }
        let html = try render(layout, "layout")
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Mustache would print an absent optional as "nil": drop them, so `{{#error}}` sections stay closed.
    static func withoutNils(_ d: [String: Any]) -> [String: Any] {
        var out: [String: Any] = [:]
        for (k, v) in d {
            let m = Mirror(reflecting: v)
            if m.displayStyle == .optional {
                guard let inner = m.children.first?.value else { continue }
                out[k] = (inner as? [String: Any]).map(withoutNils) ?? inner
            } else if let nested = v as? [String: Any] {
                out[k] = withoutNils(nested)
            } else if let list = v as? [[String: Any]] {
                out[k] = list.map(withoutNils)
            } else {
                out[k] = v
            }
        }
        return out
    }

    static func options<E: CodeNamed>(_: E.Type, selected: String?, t: Strings.Table) -> [[String: Any]] {
        E.allCases.map { e in ["value": e.rawValue, "label": t.code == "en" ? e.rawValue : e.chinese, "selected": e.rawValue == selected] }
    }

    static func allOptions(_ form: Form, t: Strings.Table) -> [String: Any] {
        ["relation": options(Relation.self, selected: form["relation"] ?? "head", t: t),
         "laborAbility": options(LaborAbility.self, selected: form["laborAbility"] ?? "full", t: t),
         "health": options(HealthStatus.self, selected: form["health"] ?? "healthy", t: t),
         "schooling": options(Schooling.self, selected: form["schooling"] ?? "notInSchool", t: t),
         "employment": options(Employment.self, selected: form["employment"] ?? "notApplicable", t: t),
         "childCategory": options(ChildCategory.self, selected: form["childCategory"], t: t),
         "povertyStatus": options(PovertyStatus.self, selected: form["povertyStatus"] ?? "none", t: t)]
    }

    func say(_ m: Message, _ t: Strings.Table) -> String { t.code == "en" ? m.en : m.zh }
}

/// The zh / en strings table (Resources/strings.json): each key has its Chinese and its English text.
struct Strings: Sendable {
    let entries: [String: [String]]
    init(_ data: Data) throws { entries = try JSONDecoder().decode([String: [String]].self, from: data) }

    struct Table: Sendable {
        let code: String
        let values: [String: String]
        func t(_ key: String) -> String { values[key] ?? key }
    }

    func table(_ code: String) -> Table {
        let i = code == "en" ? 1 : 0
        return Table(code: code, values: entries.mapValues { $0.count > i ? $0[i] : $0[0] })
    }
}
