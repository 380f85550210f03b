import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// Searching the audit log.
struct AuditAPI: APIPart {
    let audit: AuditStore

    func searchAudit(_ input: Operations.SearchAudit.Input) async throws -> Operations.SearchAudit.Output {
        let a = try caller
        do {
            let entries = try await audit.search(by: a.actor, actorName: input.query.actor, action: input.query.action,
                                                          subject: input.query.subject, limit: input.query.limit ?? 100)
            return .ok(.init(body: .json(entries.map { e in
                Schemas.AuditEntry(id: e.id, at: Date(timeIntervalSince1970: Double(e.at) / 1000), actor: e.actor, action: e.action,
                                   subject: e.subject, regionCode: e.region.description,
                                   before: e.beforeJSON, after: e.afterJSON)
            })))
        } catch StoreError.forbidden {
            return .forbidden(.init(body: .json(Self.forbidden)))
        }
    }
}

/// The operations of this capability, as the generated protocol names them.
extension APIHandlers {
    func searchAudit(_ input: Operations.SearchAudit.Input) async throws -> Operations.SearchAudit.Output { try await audit.searchAudit(input) }
}
