import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// One page request of a signed-in user: what every page handler is given, in place of the request, the
/// account and the session's CSRF token passed side by side.
struct Web: Sendable {
    let req: Request
    let account: UserStore.Account
    let csrf: String
    let t: Strings.Table
    let shell: WebShell

    /// The page of a list asked for (`?page=`, from 0), bounded so that no number typed into the address can
    /// overflow the offset it becomes.
    var pageNumber: Int { min(max(0, Int(req.uri.queryParameters["page"].map(String.init) ?? "") ?? 0), 1_000_000) }

    var actor: Actor { account.actor }
    var role: Role { account.role }
    var region: RegionCode { account.region }

    func page(status: HTTPResponse.Status = .ok, template: String, title: String, _ data: [String: Any]) throws -> Response {
        try shell.page(req, account, csrf, status: status, template: template, title: title, data)
    }

    func message(status: HTTPResponse.Status, title: String, text: String) throws -> Response {
        try page(status: status, template: "message", title: title, ["title": title, "text": text])
    }

    func notFound() throws -> Response { try message(status: .notFound, title: t.t("notFound"), text: t.t("notFound")) }
    func forbidden() throws -> Response { try message(status: .forbidden, title: t.t("forbidden"), text: t.t("forbidden")) }

    /// A refusal whose cause is the region, not the role: it names both regions, so the reader knows whom to ask.
    func outsideRegion(_ code: RegionCode, _ regions: RegionStore) async throws -> Response {
        func name(_ c: RegionCode) async throws -> String {
            let path = c.isCountry ? [] : try await regions.path(c).map(\.name)
            return c.isCountry ? t.t("country") : path.isEmpty ? c.description : path.joined(separator: " ")
        }
        let text = t.say(Message.outsideYourRegion(try await name(code), try await name(region)))
        return try message(status: .forbidden, title: t.t("outsideTitle"), text: text)
    }

    func say(_ m: Message) -> String { t.say(m) }

    /// Problems as a form lists them: the field as the form labels it (`strings/fields.json`), then what is wrong
    /// with it, in the reader's language. A field the form has no label for (a policy key) shows the words alone:
    /// the API's field names are code, not for people.
    func lines(_ problems: [FieldProblem]) -> [String] {
        problems.map { p in
            guard let label = t.values["field." + p.field] else { return say(p.message) }
            return t.code == "en" ? "\(label): \(say(p.message))" : "\(label)：\(say(p.message))"
        }
    }

    /// A page's answer to a store's refusal: not found, forbidden, or the form again with the fields at fault;
    /// anything else is a server failure.
    func refused(_ error: any Error, form: ([FieldProblem]) async throws -> Response) async throws -> Response {
        switch error as? StoreError {
        case .notFound?: try notFound()
        case .forbidden?: try forbidden()
        case .invalid(let p)?: try await form(p)
        case .conflict(let p)?: try await form([p])
        default: throw error
        }
    }
}
