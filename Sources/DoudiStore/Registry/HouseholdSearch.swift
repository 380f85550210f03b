import DoudiDomain
import SQLKit

public struct HouseholdSummary: Sendable, Hashable {
    public var id: String
    public var region: RegionCode
    public var povertyStatus: PovertyStatus
    public var dibao: Bool
    public var headName: String?
    public var headResidentID: String?
    public var memberCount: Int

    /// Read column by column: SQLKit's `Codable` row decoder took a sixth of a village page's CPU.
    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: String.self)
        region = try row.region("region")
        povertyStatus = try row.known(PovertyStatus.self, "poverty_status")
        dibao = try row.decode(column: "dibao", as: Int.self) != 0
        headName = try row.textIfPresent("head_name")
        headResidentID = try row.textIfPresent("head_resident_id")
        memberCount = try row.decode(column: "member_count", as: Int.self)
    }
}

/// The register's list filters besides the text: 低保, 建档立卡 (the poverty status), and the order.
public struct HouseholdFacets: Sendable, Hashable {
    public enum Order: String, Sendable, CaseIterable { case updated, number }
    public var dibao: Bool?
    public var povertyStatus: PovertyStatus?
    public var order: Order
    public init(dibao: Bool? = nil, povertyStatus: PovertyStatus? = nil, order: Order = .updated) {
        self.dibao = dibao; self.povertyStatus = povertyStatus; self.order = order
    }
    var isEmpty: Bool { dibao == nil && povertyStatus == nil }

    /// The conditions on `households h`.
    var conditions: SQLQueryString {
        var q: SQLQueryString = ""
        if let dibao { q.appendInterpolation(unsafeRaw: " AND h.dibao = \(dibao ? 1 : 0)") }
        if let povertyStatus { q.appendInterpolation(unsafeRaw: " AND h.poverty_status = "); q.appendInterpolation(bind: povertyStatus.rawValue) }
        return q
    }
}

extension HouseholdStore {
    /// Search by household id or any part of a member's name (a surname, a given name, a full name), by exact
    /// resident ID, by region. A search by name lists its households in the order of the parts found (the
    /// household id typed in full first); any other, by last change.
    ///
    /// Text without Chinese characters is part of a household number (灶市 no, 1001-12 yes), matched anywhere in
    /// it; `facets` narrow any of these, and order a list that is not a search by name (by number: -2 before -10).
    public func search(by actor: Actor, text: String? = nil, residentID: ResidentID? = nil, region: RegionCode? = nil,
                       facets: HouseholdFacets = HouseholdFacets(), limit: Int = 50, offset: Int = 0) async throws -> (total: Int, items: [HouseholdSummary]) {
        guard actor.role.may(.readRegister) else { throw StoreError.forbidden }
        guard actor.role.may(.browseRegister) || residentID != nil else { throw StoreError.forbidden }
        let rid = try residentID.map { try db.fields.index($0.text) }
        let page = max(1, min(limit, 200)), skip = max(0, offset)
        let window: SQLQueryString = "LIMIT \(unsafeRaw: String(page)) OFFSET \(unsafeRaw: String(skip))"
        var households = Self.filter(actor, region: region, residentIndex: rid, regionColumn: "h.region", idColumn: "h.id")
        households.appendInterpolation(facets.conditions)
        let query: (page: SQLQueryString, count: SQLQueryString)
        let typed = text?.trimmingCharacters(in: .whitespaces) ?? ""
        let number = !typed.isEmpty && typed.unicodeScalars.allSatisfy(\.isASCII)
        let postgres = db.engine == .postgres
        var from: SQLQueryString = "households h"
        if number {
            // Three characters or more are found through the trigram index (on SQLite its candidates are joined
            // first, so the planner cannot start from the list's order instead); fewer are read in the region.
            if !postgres && typed.count >= 3 {
                from = "(SELECT rowid AS r FROM household_numbers WHERE household_numbers MATCH \(bind: "\"" + typed.replacingOccurrences(of: "\"", with: "\"\"") + "\"")) n CROSS JOIN households h ON h.rowid = n.r"
            }
            households.appendInterpolation(unsafeRaw: " AND UPPER(h.id) LIKE ")
            households.appendInterpolation(bind: "%" + LeadStore.literal(typed.uppercased()) + "%")
            households.appendInterpolation(unsafeRaw: " ESCAPE '\\'")
        }
        if !number, !typed.isEmpty {
            // Any part of a name is the start of one of the name's endings (SearchParts): a range of that index,
            // which also holds region and household, so the page's households are chosen there and only they are read.
            let (low, high) = Self.prefixRange(typed)
            // With 低保 or 建档立卡 asked for, each name found reads its household; without, only the index is read.
            var hits: SQLQueryString = "SELECT np.household_id AS id, MIN(np.part) AS sort_key FROM name_parts np "
            hits.appendInterpolation(unsafeRaw: facets.isEmpty ? "WHERE " : "JOIN households h ON h.id = np.household_id WHERE ")
            hits.appendInterpolation(Self.filter(actor, region: region, residentIndex: rid, regionColumn: "np.region", idColumn: "np.household_id"))
            hits.appendInterpolation(facets.conditions)
            hits.appendInterpolation(unsafeRaw: " AND np.part >= ")
            hits.appendInterpolation(bind: low)
            hits.appendInterpolation(unsafeRaw: " AND np.part < ")
            hits.appendInterpolation(bind: high)
            hits.appendInterpolation(unsafeRaw: " GROUP BY np.household_id UNION ALL SELECT h.id, '' FROM households h WHERE ")
            hits.appendInterpolation(households)
            hits.appendInterpolation(unsafeRaw: " AND h.id = ")
            hits.appendInterpolation(bind: typed)
            let order = postgres ? "p.sort_key COLLATE \"C\", p.id" : "p.sort_key, p.id"
            query = ("""
                SELECT \(unsafeRaw: Self.summaryColumns) FROM (SELECT p.id, p.sort_key FROM (\(hits)) p ORDER BY \(unsafeRaw: order) \(window)) p
                JOIN households h ON h.id = p.id ORDER BY \(unsafeRaw: order)
                """, "SELECT COUNT(*) AS n FROM (\(hits)) p")
        } else {
            let order = facets.order == .number ? "h.region, LENGTH(h.id), h.id" : "h.updated_at DESC, h.id"
            query = ("SELECT \(unsafeRaw: Self.summaryColumns) FROM \(from) WHERE \(households) ORDER BY \(unsafeRaw: order) \(window)",
                     "SELECT COUNT(*) AS n FROM \(from) WHERE \(households)")
        }
        let (items, total) = try await db.read { sql in
            let items = try await sql.raw(query.page).all().map(HouseholdSummary.init(row:))
            // A page that is not full is the last: its end is the total, with no count (a search by resident
            // ID, a rare name).
            if !items.isEmpty && items.count < page { return (items, skip + items.count) }
            return (items, try await sql.raw(query.count).first(decoding: Count.self)?.n ?? 0)
        }
        // The head's resident ID is shown masked: opened here, for the page's few rows.
        let opened = try db.fields.withSealer { s in
            try items.map { item in
                var item = item
                item.headResidentID = try s.open(item.headResidentID)
                return item
            }
        }
        return (total, opened)
    }

    static let summaryColumns = """
        h.id, h.region, h.poverty_status, h.dibao,
          (SELECT name FROM members m WHERE m.household_id = h.id AND m.relation = 'head' LIMIT 1) AS head_name,
          (SELECT resident_sealed FROM members m WHERE m.household_id = h.id AND m.relation = 'head' LIMIT 1) AS head_resident_id,
          (SELECT COUNT(*) FROM members m WHERE m.household_id = h.id) AS member_count
        """

    /// The actor's subtree, the region asked for and the household holding a resident ID, over the columns of
    /// a household's region and id (in `households`, or the same in `members`).
    static func filter(_ actor: Actor, region: RegionCode?, residentIndex: String?, regionColumn: String, idColumn: String) -> SQLQueryString {
        var filter: SQLQueryString = "\(Self.scope(actor, column: regionColumn))"
        if let region, region.level == .village {
            // One village: an equality, so that the index hands its households over in the list's order.
            filter.appendInterpolation(unsafeRaw: " AND \(regionColumn) = ")
            filter.appendInterpolation(bind: Int64(region.value))
        } else if let region {
            let r = region.subtreeRange
            filter.appendInterpolation(unsafeRaw: " AND \(regionColumn) BETWEEN ")
            filter.appendInterpolation(bind: Int64(r.lowerBound))
            filter.appendInterpolation(unsafeRaw: " AND ")
            filter.appendInterpolation(bind: Int64(r.upperBound))
        }
        if let residentIndex {
            filter.appendInterpolation(unsafeRaw: " AND \(idColumn) IN (SELECT household_id FROM members WHERE resident_index = ")
            filter.appendInterpolation(bind: residentIndex)
            filter.appendInterpolation(unsafeRaw: ")")
        }
        return filter
    }

    /// The names that start with `prefix`, in code-point order (SQLite's and PostgreSQL's "C" order alike): from
    /// the prefix itself to the prefix with its last character one higher.
    static func prefixRange(_ prefix: String) -> (String, String) {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if next == 0xD800 { next = 0xE000 }  // past the surrogates, which no string holds
            if let s = Unicode.Scalar(next) { scalars.append(s); break }
        }
        var upper = String.UnicodeScalarView(); upper.append(contentsOf: scalars)
        return (prefix, scalars.isEmpty ? prefix + "\u{10FFFF}" : String(upper))
    }
}
