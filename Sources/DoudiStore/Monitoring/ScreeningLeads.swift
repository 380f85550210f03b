import DoudiDomain
import Foundation
import PostgresNIO
import SQLKit

/// Department screening over the register in the database: the register read for the engine, its findings
/// written back as leads. Both are bulk paths: a county of a million households is read in one pass and its
/// findings written in a few hundred statements, where one query after another per household took minutes.
extension LeadStore {
    /// The register of the actor's region as the screening reads it: households and members read at once on two
    /// connections, on SQLite through RawSQLite, on PostgreSQL cell by cell (SQLKit's row decoding, or postgres-nio's
    /// decoding into tuples, cost seconds per million rows). The two reads are two snapshots: a member whose
    /// household was added between them counts as a member without a household, as a file with that row would.
    public func screeningRegister(by actor: Actor) async throws -> ScreeningRegister {
        guard actor.role.may(.readRegister) else { throw StoreError.forbidden }
        let r = actor.region.subtreeRange
        let within = "region BETWEEN \(Int64(r.lowerBound)) AND \(Int64(r.upperBound))"
        let households = "SELECT id, region, poverty_status, dibao, income_per_capita FROM households WHERE \(within)"
        let members = "SELECT resident_id, household_id, labor_ability FROM members WHERE \(within)"
        // Households are counted through their region index; members (no such index) are not counted, which
        // would read the whole table once more: room for four per household, and arrays grow past it.
        let countHouseholds = "SELECT COUNT(*) FROM households WHERE \(within)"
        switch db.engine {
        case .sqlite:
            async let h = RawSQLite.read(path: db.location) { raw in
                var rows = HouseholdRows(capacity: Int(try raw.scalar(countHouseholds)))
                let s = try raw.prepare(households)
                while try s.step() { rows.add(id: s.text(0) ?? "", region: s.int(1) ?? 0, status: s.text(2) ?? "", dibao: s.int(3) ?? 0, income: s.int(4) ?? 0) }
                return rows
            }
            async let m = RawSQLite.read(path: db.location) { raw in
                var rows = MemberRows(capacity: 4 * Int(try raw.scalar(countHouseholds)))
                let s = try raw.prepare(members)
                while try s.step() { rows.add(residentID: s.text(0) ?? "", householdID: s.text(1) ?? "", labor: s.text(2) ?? "") }
                return rows
            }
            return try await m.register(with: h)
        case .postgres:
            async let h = db.withConnection { conn in
                guard case .postgres(let pg) = conn else { throw StoreError.closed }
                var rows = HouseholdRows(capacity: try await pg.count(countHouseholds, db.logger))
                for try await row in try await pg.query(PostgresQuery(unsafeSQL: households), logger: db.logger) {
                    var c = row.makeIterator()
                    rows.add(id: c.text(), region: c.int64(), status: c.text(), dibao: Int64(c.int32()), income: c.int64())
                }
                return rows
            }
            async let m = db.withConnection { conn in
                guard case .postgres(let pg) = conn else { throw StoreError.closed }
                var rows = MemberRows(capacity: 4 * (try await pg.count(countHouseholds, db.logger)))
                for try await row in try await pg.query(PostgresQuery(unsafeSQL: members), logger: db.logger) {
                    var c = row.makeIterator()
                    rows.add(residentID: c.text(), householdID: c.text(), labor: c.text())
                }
                return rows
            }
            return try await m.register(with: h)
        }
    }

    /// Households as stored (the schema's checks keep them valid), and where each stands in the list.
    struct HouseholdRows: Sendable {
        var list: [ScreeningRegister.Household] = []
        var index: [String: Int32] = [:]

        /// Room made up front: a dictionary of a million ids grown step by step is rehashed again and again.
        init(capacity: Int) {
            index.reserveCapacity(capacity)
            list.reserveCapacity(capacity)
        }

        mutating func add(id: String, region: Int64, status: String, dibao: Int64, income: Int64) {
            guard let code = RegionCode(value: UInt64(region)), let s = PovertyStatus(rawValue: status) else { return }
            index[id] = Int32(list.count)
            list.append(.init(id: id, region: code, povertyStatus: s, dibao: dibao != 0, incomePerCapita: income))
        }
    }

    struct MemberRows: Sendable {
        var residentIDs: [String] = [], householdIDs: [String] = [], labour: [LaborAbility] = []

        init(capacity: Int) {
            residentIDs.reserveCapacity(capacity); householdIDs.reserveCapacity(capacity); labour.reserveCapacity(capacity)
        }

        mutating func add(residentID: String, householdID: String, labor: String) {
            residentIDs.append(residentID); householdIDs.append(householdID); labour.append(LaborAbility(rawValue: labor) ?? .none)
        }

        func register(with households: HouseholdRows) -> ScreeningRegister {
            var members: [ScreeningRegister.Member] = []
            members.reserveCapacity(residentIDs.count)
            // Members of a household were stored together and are read together: the previous row's lookup mostly holds.
            var previous: (id: String, index: Int32)?
            for i in residentIDs.indices {
                let h: Int32
                if let p = previous, p.id == householdIDs[i] { h = p.index } else {
                    h = households.index[householdIDs[i]] ?? -1
                    previous = (householdIDs[i], h)
                }
                members.append(.init(residentID: residentIDs[i], household: h, laborAbility: labour[i]))
            }
            return ScreeningRegister(households: households.list, members: members)
        }
    }

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
            for batch in stride(from: 0, to: findings.count, by: 500).map({ findings[$0..<min($0 + 500, findings.count)] }) {
                let ids = batch.map(\.householdID)
                var leads: [String: OpenLead] = [:], episodes: [String: OpenEpisode] = [:], heads: [String: Person] = [:]
                for l in try await tx.sql.raw("""
                    SELECT id, household_id, details, region FROM leads
                    WHERE household_id IN (\(binds: ids)) AND status = 'open' AND \(within) ORDER BY id DESC
                    """).all(decoding: OpenLead.self) { leads[l.household_id] = l }
                for e in try await tx.sql.raw("""
                    SELECT id, household_id, region FROM episodes
                    WHERE household_id IN (\(binds: ids)) AND \(unsafeRaw: EpisodeStore.openCondition) AND \(within) ORDER BY id DESC
                    """).all(decoding: OpenEpisode.self) { episodes[e.household_id] = e }
                // The person a new lead is about, for households with neither: the head, or in a household
                // without one, its first member.
                let unfollowed = ids.filter { leads[$0] == nil && episodes[$0] == nil }
                if !unfollowed.isEmpty {
                    for m in try await tx.sql.raw("""
                        SELECT household_id, resident_id, name, phone, region FROM members
                        WHERE household_id IN (\(binds: unfollowed)) AND relation = 'head' AND \(within)
                        """).all(decoding: Person.self) { heads[m.household_id] = m }
                }
                let headless = unfollowed.filter { heads[$0] == nil }
                if !headless.isEmpty {
                    for m in try await tx.sql.raw("""
                        SELECT household_id, resident_id, name, phone, region FROM members
                        WHERE household_id IN (\(binds: headless)) AND \(within) ORDER BY id DESC
                        """).all(decoding: Person.self) { heads[m.household_id] = m }
                }
                for f in batch {
                    let note = f.note(asOf: asOf)
                    if let l = leads[f.householdID] {
                        leadUpdates.append((l.id, l.details.isEmpty ? note : l.details + "\n" + note))
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
        var id: Int64; var household_id: String; var details: String; var region: Int64
        var regionCode: RegionCode? { RegionCode(value: UInt64(region)) }
    }
    struct OpenEpisode: Decodable { var id: Int64; var household_id: String; var region: Int64 }
    struct Person: Decodable { var household_id: String; var resident_id: String; var name: String; var phone: String?; var region: Int64 }
}

extension PostgresRow.Iterator {
    mutating func text() -> String { next()?.bytes.map { String(buffer: $0) } ?? "" }
    mutating func int64() -> Int64 { next()?.bytes.flatMap { $0.getInteger(at: $0.readerIndex, as: Int64.self) } ?? 0 }
    mutating func int32() -> Int32 { next()?.bytes.flatMap { $0.getInteger(at: $0.readerIndex, as: Int32.self) } ?? 0 }
}

extension PostgresConnection {
    func count(_ sql: String, _ logger: Logger) async throws -> Int {
        for try await n in try await query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) { return n }
        return 0
    }
}
