import DoudiDomain
import Foundation
import SQLKit

/// Department screening over the register in the database: its findings written back as leads, in a few
/// hundred statements, where one query after another per household took minutes. (The register's read for
/// the engine is in ScreeningRegisterRead.swift.)
extension LeadStore {
    /// The findings become leads, in one transaction: a household with an open lead gets the finding added to
    /// it, one with an open case file (being identified, monitored or cleared) gets it as an event there, any
    /// other a new lead on its head. Returns how many leads were made and how many leads or files updated.
    public func recordScreening(_ findings: [ScreeningFinding], asOf: CivilDate, by actor: Actor) async throws -> (created: Int, updated: Int) {
        guard actor.role.may(.writeRegister) else { throw StoreError.forbidden }
        let within = HouseholdStore.scope(actor)
        return try await db.transaction { tx in
            let now = tx.clock.nowMillis(), today = tx.clock.today()
            var leadUpdates: [(id: Int64, details: String)] = [], events: [[BulkValue]] = [], audits: [AuditLog.Pending] = []
            var fresh: [LeadStore.Placed] = []
            // The region's open leads and case files, read once: as many rows as its backlog, where a probe per
            // finding cost three index lookups each. The oldest open lead of a household is the one updated.
            var leads: [String: OpenLead] = [:], episodes: [String: OpenEpisode] = [:]
            for l in try await tx.sql.raw("""
                SELECT id, household_id, region FROM leads WHERE household_id IS NOT NULL AND status = 'open' AND \(within) ORDER BY id DESC
                """).all(decoding: OpenLead.self) { leads[l.household_id] = l }
            for e in try await tx.sql.raw("""
                SELECT id, household_id, region FROM episodes WHERE \(unsafeRaw: EpisodeStore.openCondition) AND \(within) ORDER BY id DESC
                """).all(decoding: OpenEpisode.self) { episodes[e.household_id] = e }
            let updated = findings.compactMap { leads[$0.householdID]?.id }
            var details: [Int64: String] = [:]
            for batch in stride(from: 0, to: updated.count, by: 5000).map({ updated[$0..<min($0 + 5000, updated.count)] }) {
                for d in try await tx.sql.raw("SELECT id, details FROM leads WHERE id IN (\(binds: Array(batch)))").all(decoding: LeadDetails.self) { details[d.id] = d.details }
            }
            let r = actor.region.subtreeRange
            let people = "SELECT household_id, resident_sealed, name, phone_sealed, CAST(region AS TEXT) FROM members WHERE region BETWEEN \(r.lowerBound) AND \(r.upperBound) AND household_id IN "
            func marks(_ n: Int) -> String { "(" + Array(repeating: "?", count: n).joined(separator: ",") + ")" }
            for batch in stride(from: 0, to: findings.count, by: 5000).map({ findings[$0..<min($0 + 5000, findings.count)] }) {
                let ids = batch.map(\.householdID)
                var heads: [String: Person] = [:]
                // The person a new lead is about, for households with neither: the head, or in a household
                // without one, its first member.
                let unfollowed = ids.filter { leads[$0] == nil && episodes[$0] == nil }
                if !unfollowed.isEmpty {
                    for m in try await tx.textRows(people + marks(unfollowed.count) + " AND relation = 'head'", unfollowed) {
                        if let p = Person(m) { heads[p.household_id] = p }
                    }
                }
                let headless = unfollowed.filter { heads[$0] == nil }
                if !headless.isEmpty {
                    for m in try await tx.textRows(people + marks(headless.count) + " ORDER BY id DESC", headless) {
                        if let p = Person(m) { heads[p.household_id] = p }
                    }
                }
                // Opened here, for the new leads only (sealed again there, under a fresh IV).
                try tx.fields.withSealer { s in
                    for (k, p) in heads { heads[k] = try p.opened(s) }
                }
                for f in batch {
                    let note = f.note(asOf: asOf)
                    if let l = leads[f.householdID] {
                        let before = details[l.id] ?? ""
                        leadUpdates.append((l.id, before.isEmpty ? note : before + "\n" + note))
                        audits.append(.init(actor: actor, action: "lead.screeningUpdate", subject: String(l.id), region: l.regionCode ?? actor.region, before: nil, after: ["note": note]))
                    } else if let e = episodes[f.householdID] {
                        let region = RegionCode(value: UInt64(e.region)) ?? actor.region
                        events.append(EpisodeStore.eventRow(e.id, region: region, kind: nil, step: nil, action: .screeningUpdate, note: note, by: actor, today: today, at: now))
                        audits.append(.init(actor: actor, action: "episode.screeningUpdate", subject: String(e.id), region: region, before: nil, after: ["note": note]))
                    } else if let h = heads[f.householdID], let person = try? ResidentID(h.resident_id), let region = RegionCode(value: UInt64(h.region)) {
                        fresh.append(.init(lead: NewLead(channel: .screening, person: person, name: h.name, mobile: h.phone ?? "", village: region,
                                                         riskKinds: f.riskKinds, description: "", details: note), householdID: f.householdID, region: region))
                    }
                }
            }
            for batch in stride(from: 0, to: leadUpdates.count, by: 400).map({ leadUpdates[$0..<min($0 + 400, leadUpdates.count)] }) {
                var q = SQLQueryString("UPDATE leads SET details = CASE id")
                for u in batch { q.appendInterpolation(unsafeRaw: " WHEN "); q.appendInterpolation(bind: u.id); q.appendInterpolation(unsafeRaw: " THEN "); q.appendInterpolation(bind: u.details) }
                q.appendInterpolation(unsafeRaw: " END, updated_at = "); q.appendInterpolation(bind: now)
                q.appendInterpolation(unsafeRaw: " WHERE id IN ("); q.appendInterpolation(binds: batch.map(\.id)); q.appendInterpolation(unsafeRaw: ")")
                try await tx.sql.raw(q).run()
            }
            try await tx.bulkInsert(table: "episode_events", columns: EpisodeStore.eventColumns, rows: events)
            try await AuditLog.record(tx, audits)
            _ = try await LeadStore.write(tx, fresh, by: actor)
            return (fresh.count, leadUpdates.count + events.count)
        }
    }

    struct OpenLead: Decodable {
        var id: Int64; var household_id: String; var region: Int64
        var regionCode: RegionCode? { RegionCode(value: UInt64(region)) }
    }
    struct LeadDetails: Decodable { var id: Int64; var details: String }
    struct OpenEpisode: Decodable { var id: Int64; var household_id: String; var region: Int64 }
    struct Person {
        var household_id: String; var resident_id: String; var name: String; var phone: String?; var region: Int64
        init?(_ cells: [String?]) {
            guard cells.count == 5, let h = cells[0], let r = cells[1], let n = cells[2], let region = cells[4].flatMap({ Int64($0) }) else { return nil }
            household_id = h; resident_id = r; name = n; phone = cells[3]; self.region = region
        }
        func opened(_ s: FieldSecrets.Sealer) throws -> Person {
            var p = self
            p.resident_id = try s.open(resident_id)
            p.phone = try s.open(phone)
            return p
        }
    }
}
