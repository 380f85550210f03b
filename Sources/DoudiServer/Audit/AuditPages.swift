import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// Searching the audit log.
struct AuditPages: Sendable {
    let web: WebShell
    let audit: AuditStore

    func register(on router: Router<DoudiContext>) {
        router.get("/audit") { req, _ in try await web.withUser(req) { w in try await auditPage(w) } }
    }

    func auditPage(_ w: Web) async throws -> Response {
        let t = w.t
        guard w.role.may(.readAudit) else { return try w.forbidden() }
        let q = w.req.uri.queryParameters
        let actor = q["actor"].map(String.init) ?? "", action = q["action"].map(String.init) ?? "", subject = q["subject"].map(String.init) ?? ""
        let entries = try await audit.search(by: w.actor, actorName: actor, action: action, subject: subject, limit: 200)
        let fmt = ISO8601DateFormatter()
        fmt.timeZone = TimeZone(identifier: "Asia/Shanghai")
        return try w.page(template: "audit/audit", title: t.t("audit"), [
            "actor": actor, "subject": subject,
            "actions": AuditText.actions.map { ["value": $0, "label": AuditText.action($0, t), "selected": $0 == action] as [String: Any] },
            "entries": entries.map { e in
                ["at": fmt.string(from: Date(timeIntervalSince1970: Double(e.at) / 1000)), "actor": e.actor, "action": AuditText.action(e.action, t),
                 "subject": AuditText.subject(e.action, e.subject, t), "changes": AuditText.changes(before: e.beforeJSON, after: e.afterJSON, t)] as [String: Any]
            }])
    }
}
