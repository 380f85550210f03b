import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The administrator's division table page and the audit log page.
extension Pages {
    func regionsPage(_ w: Web, message: String? = nil, error: String? = nil,
                     status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.manageRegions) else { return try w.forbidden() }
        // An administrator of a county sees its townships; of a township, that township.
        var townships: [Region] = []
        if w.region.level == .township, let own = try await services.regions.region(w.region) { townships = [own] }
        else if w.region.level == .county { townships = try await services.regions.children(of: w.region) }
        var out: [[String: Any]] = []
        for tw in townships {
            let villages = try await services.regions.children(of: tw.code)
            out.append(["code": tw.code.description, "name": tw.name, "villages": villages.map { ["code": $0.code.description, "name": $0.name] }])
        }
        return try w.page(status: status, template: "regions", title: t.t("regions"),
                        ["townships": out, "message": message as Any, "error": error as Any])
    }

    func auditPage(_ w: Web) async throws -> Response {
        let t = w.t
        guard w.role.may(.readAudit) else { return try w.forbidden() }
        let q = w.req.uri.queryParameters
        let actor = q["actor"].map(String.init) ?? "", action = q["action"].map(String.init) ?? "", subject = q["subject"].map(String.init) ?? ""
        let entries = try await services.audit.search(by: w.actor, actorName: actor, action: action, subject: subject, limit: 200)
        let fmt = ISO8601DateFormatter()
        fmt.timeZone = TimeZone(identifier: "Asia/Shanghai")
        return try w.page(template: "audit", title: t.t("audit"), [
            "actor": actor, "action": action, "subject": subject,
            "entries": entries.map { e in
                ["at": fmt.string(from: Date(timeIntervalSince1970: Double(e.at) / 1000)), "actor": e.actor, "action": e.action,
                 "subject": e.subject, "before": e.beforeJSON ?? "", "after": e.afterJSON ?? ""] as [String: Any]
            }])
    }
}
