import DoudiDomain
import Foundation
import SQLKit

/// Visits to a household (走访): the cadre's finding of hardship, the helper's monthly visit (issue 14 item 3)
/// with who was met, what is needed and up to three photos, and the phone's key that stores a visit once.
extension LeadStore {
    /// A cadre records a visit to a household of the cadre's region; a finding of hardship makes a lead
    /// on the household's head. Returns the lead's tracking code when one was made. A visit with a key already
    /// stored (a phone sending its queue again) is not stored twice: the first one's answer is returned.
    public func recordVisit(_ visit: Visit.Checked, householdID: String, by actor: Actor) async throws -> String? {
        guard actor.role.may(.writeRegister) else { throw StoreError.forbidden }
        struct Stored: Decodable { var id: Int64; var household_id: String; var actor: String; var lead_code: String? }
        return try await db.transaction { tx in
            guard let h = try await HouseholdStore.load(tx.sql, tx.fields, id: householdID, actor: actor), let head = h.record.head ?? h.record.members.first else {
                throw StoreError.notFound
            }
            // The key is claimed first, in one statement: two copies of a visit sent at once cannot both insert.
            guard let inserted = try await tx.sql.raw("""
                INSERT INTO visits (household_id, region, visited_on, findings, risk_kinds, hardship, lead_id, actor, created_at, met, needs, client_key)
                VALUES (\(bind: householdID), \(bind: Int64(h.household.regionCode.value)), \(bind: visit.date.description), \(bind: visit.findings),
                        \(bind: visit.riskKinds.map(\.rawValue).joined(separator: ",")), \(bind: visit.hardship ? 1 : 0), NULL, \(bind: actor.username),
                        \(bind: tx.clock.nowMillis()), \(bind: visit.met), \(bind: visit.needs), \(bind: visit.key))
                ON CONFLICT (client_key) DO NOTHING
                RETURNING id
                """).first(decoding: EpisodeStore.ID.self) else {
                let first = try await tx.sql.raw("SELECT id, household_id, actor, lead_code FROM visits WHERE client_key = \(bind: visit.key ?? "")").first(decoding: Stored.self)
                guard let first, first.household_id == householdID, first.actor == actor.username else {
                    throw StoreError.invalid([FieldProblem("key", Message("该唯一码已用于另一条走访记录", "this key belongs to another visit"))])
                }
                return first.lead_code
            }
            var code: String?
            if visit.hardship {
                code = try await Self.insert(tx, NewLead(channel: .visit, person: head.residentID, name: head.name, mobile: head.phone ?? "",
                                                         village: h.household.regionCode, riskKinds: visit.riskKinds, description: visit.findings,
                                                         details: "走访 visit \(visit.date)"), by: actor, scope: actor.region).code
                try await tx.sql.raw("UPDATE visits SET lead_code = \(bind: code) WHERE id = \(bind: inserted.id)").run()
            }
            try await Self.insertPhotos(tx, visit.photos, visit: inserted.id, household: householdID, region: h.household.regionCode)
            var after = ["date": visit.date.description, "hardship": visit.hardship ? "yes" : "no", "lead": code ?? ""]
            if !visit.photos.isEmpty { after["photos"] = String(visit.photos.count) }
            if !visit.met.isEmpty { after["met"] = visit.met }
            if !visit.needs.isEmpty { after["needs"] = visit.needs }
            try await AuditLog.record(tx, actor: actor, action: "visit.record", subject: householdID, region: h.household.regionCode, before: nil, after: after)
            return code
        }
    }

    /// A visit as a household's page lists it.
    public struct VisitRecord: Sendable, Hashable {
        public var id: Int64
        public var date: CivilDate
        public var actor: String
        public var met: String
        public var findings: String
        public var needs: String
        public var hardship: Bool
        /// The ids of its photos, in the order they were taken (`visitPhoto`).
        public var photos: [Int64] = []
    }

    /// The household's latest visits, newest first, with their photos' ids (none outside the caller's subtree).
    public func visits(household: String, by actor: Actor, limit: Int = 10) async throws -> [VisitRecord] {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        struct Row: Decodable { var id: Int64; var visited_on: String; var actor: String; var met: String; var findings: String; var needs: String; var hardship: Int }
        struct Photo: Decodable { var id: Int64; var visit_id: Int64 }
        let (rows, photos) = try await db.read { sql in
            let rows = try await sql.raw("""
                SELECT id, visited_on, actor, met, findings, needs, hardship FROM visits
                WHERE household_id = \(bind: household) AND \(HouseholdStore.scope(actor)) ORDER BY visited_on DESC, id DESC LIMIT \(unsafeRaw: String(max(1, min(limit, 100))))
                """).all(decoding: Row.self)
            guard let last = rows.map(\.id).min() else {
                // No visit yet, or no such household for this caller: a list API answers the two apart.
                guard try await sql.raw("SELECT id FROM households WHERE id = \(bind: household) AND \(HouseholdStore.scope(actor))").first() != nil else {
                    throw StoreError.notFound
                }
                return (rows, [Photo]())
            }
            let photos = try await sql.raw("""
                SELECT id, visit_id FROM visit_photos WHERE household_id = \(bind: household) AND visit_id >= \(bind: last) AND \(HouseholdStore.scope(actor))
                ORDER BY visit_id, position
                """).all(decoding: Photo.self)
            return (rows, photos)
        }
        let byVisit = Dictionary(grouping: photos, by: \.visit_id)
        return rows.compactMap { r in
            CivilDate(r.visited_on).map {
                VisitRecord(id: r.id, date: $0, actor: r.actor, met: r.met, findings: r.findings, needs: r.needs, hardship: r.hardship == 1,
                            photos: byVisit[r.id]?.map(\.id) ?? [])
            }
        }
    }

    static func v25(_ id: String, blob: String) -> [String] {
        [
            """
            CREATE TABLE visit_photos (
              id \(id), visit_id BIGINT NOT NULL REFERENCES visits (id), household_id TEXT NOT NULL, region BIGINT NOT NULL, position INTEGER NOT NULL,
              width INTEGER NOT NULL, height INTEGER NOT NULL, jpeg \(blob) NOT NULL, thumbnail \(blob) NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX visit_photos_household ON visit_photos (household_id, visit_id, position)",
        ]
    }

    /// Stored in the visit's own transaction: a visit is kept with all of its photos or not at all.
    static func insertPhotos(_ tx: Tx, _ photos: [VisitPhoto], visit: Int64, household: String, region: RegionCode) async throws {
        for (position, p) in photos.enumerated() {
            try await tx.sql.raw("""
                INSERT INTO visit_photos (visit_id, household_id, region, position, width, height, jpeg, thumbnail, created_at)
                VALUES (\(bind: visit), \(bind: household), \(bind: Int64(region.value)), \(bind: position), \(bind: p.width), \(bind: p.height),
                        \(bind: Data(p.jpeg)), \(bind: Data(p.thumbnail)), \(bind: tx.clock.nowMillis()))
                """).run()
        }
    }

    /// A visit's photo (or its small copy) as JPEG bytes; nil when there is none inside the caller's subtree.
    public func visitPhoto(_ id: Int64, thumbnail: Bool, by actor: Actor) async throws -> [UInt8]? {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        struct Row: Decodable { var picture: Data }
        return try await db.read { sql in
            try await sql.raw("""
                SELECT \(unsafeRaw: thumbnail ? "thumbnail" : "jpeg") AS picture FROM visit_photos WHERE id = \(bind: id) AND \(HouseholdStore.scope(actor))
                """).first(decoding: Row.self)
        }.map { Array($0.picture) }
    }
}
