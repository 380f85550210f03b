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
    /// "township village", read with the row (a query of its own was a tenth of a county list's time).
    public var regionLabel: String?

    /// Read column by column: SQLKit's `Codable` row decoder took a sixth of a village page's CPU.
    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: String.self)
        region = try row.region("region")
        povertyStatus = try row.known(PovertyStatus.self, "poverty_status")
        dibao = try row.decode(column: "dibao", as: Int.self) != 0
        headName = try row.textIfPresent("head_name")
        headResidentID = try row.textIfPresent("head_resident_id")
        memberCount = try row.decode(column: "member_count", as: Int.self)
        regionLabel = try row.textIfPresent("region_label")
    }

    /// The columns of `summaryColumns`, each read as one array over the rows of `table` in `order`; the absent
    /// texts (no head, no village) come as empty ones, which an array of text cannot hold as nulls here.
    static func pageArrays(of table: String, order: String) -> String {
        let columns = ["id", "region", "poverty_status", "dibao", "head_name?", "head_resident_id?", "member_count", "region_label?"]
        return "SELECT " + columns.map { c in
            let name = c.hasSuffix("?") ? String(c.dropLast()) : c
            let value = c.hasSuffix("?") ? "COALESCE(\(table).\(name), '')" : "\(table).\(name)"
            return "array_agg(\(value) \(order)) AS page_\(name)"
        }.joined(separator: ", ") + " FROM \(table)"
    }

    /// A page read back from `pageArrays`: none when its table had no rows.
    static func page(row: any SQLRow) throws -> [HouseholdSummary] {
        func column<T: Decodable>(_ name: String, _: T.Type) throws -> [T] { try row.decode(column: "page_" + name, as: [T]?.self) ?? [] }
        let ids = try column("id", String.self), regions = try column("region", Int64.self), status = try column("poverty_status", String.self)
        let dibao = try column("dibao", Int.self), members = try column("member_count", Int.self)
        let heads = try column("head_name", String.self), residents = try column("head_resident_id", String.self), labels = try column("region_label", String.self)
        guard [regions.count, status.count, dibao.count, members.count, heads.count, residents.count, labels.count].allSatisfy({ $0 == ids.count }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "page arrays of unequal length"))
        }
        return try ids.indices.map { i in
            let text = { (s: String) in s.isEmpty ? nil : s }
            return HouseholdSummary(id: ids[i], region: try Stored.region(regions[i]), povertyStatus: try Stored.known(PovertyStatus.self, status[i], "poverty_status"),
                                    dibao: dibao[i] != 0, headName: text(heads[i]),
                                    headResidentID: text(residents[i]), memberCount: members[i], regionLabel: text(labels[i]))
        }
    }

    init(id: String, region: RegionCode, povertyStatus: PovertyStatus, dibao: Bool, headName: String?, headResidentID: String?,
         memberCount: Int, regionLabel: String?) {
        self.id = id; self.region = region; self.povertyStatus = povertyStatus; self.dibao = dibao; self.headName = headName
        self.headResidentID = headResidentID; self.memberCount = memberCount; self.regionLabel = regionLabel
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

    /// The conditions on `households h` (or on the household tallies, which have the same columns).
    var conditions: SQLQueryString { conditions(on: "h") }
    func conditions(on table: String) -> SQLQueryString {
        var q: SQLQueryString = ""
        if let dibao { q.appendInterpolation(unsafeRaw: " AND \(table).dibao = \(dibao ? 1 : 0)") }
        if let povertyStatus { q.appendInterpolation(unsafeRaw: " AND \(table).poverty_status = "); q.appendInterpolation(bind: povertyStatus.rawValue) }
        return q
    }
}

extension HouseholdStore {
    /// Counts of a search by text stop here: one that matches more says "more than 1,000" (`countCap + 1`), not
    /// how many; nobody pages through twenty pages of a search (a single character of a name in a county), and
    /// counting a tenth of a province's names halved the rate of every search.
    public static let countCap = 1_000
    /// The deepest offset a list is read at (the API's `offset` maximum).
    static let deepest = 10_000_000

    /// Search by household id or any part of a member's name (a surname, a given name, a full name), by exact
    /// resident ID, by region. A search by name lists its households in the order of the parts found; any
    /// other, by last change.
    ///
    /// Text without Chinese characters is part of a household number (灶市 no, 1001-12 yes), matched anywhere in
    /// it; `facets` narrow any of these, and order a list that is not a search by name (by number: -2 before -10).
    /// A search by text counts at most `countCap` households, and gives `countCap + 1` when there are more.
    public func search(by actor: Actor, text: String? = nil, residentID: ResidentID? = nil, region: RegionCode? = nil,
                       facets: HouseholdFacets = HouseholdFacets(), limit: Int = 50, offset: Int = 0) async throws -> (total: Int, items: [HouseholdSummary]) {
        guard actor.role.may(.readRegister) else { throw StoreError.forbidden }
        guard actor.role.may(.browseRegister) || residentID != nil else { throw StoreError.forbidden }
        let rid = try residentID.map { try db.fields.index($0.text) }
        // An offset past any register's end is clamped: the page's end (offset + limit) must not overflow.
        let page = max(1, min(limit, 200)), skip = min(max(0, offset), Self.deepest)
        var households = Self.filter(actor, region: region, residentIndex: rid, regionColumn: "h.region", idColumn: "h.id")
        households.appendInterpolation(facets.conditions)
        let typed = text?.trimmingCharacters(in: .whitespaces) ?? ""
        let number = !typed.isEmpty && typed.unicodeScalars.allSatisfy(\.isASCII)
        let (items, total): ([HouseholdSummary], Int)
        if !number, !typed.isEmpty {
            var parts = Self.filter(actor, region: region, residentIndex: rid, regionColumn: "np.region", idColumn: "np.household_id")
            parts.appendInterpolation(facets.conditions)
            (items, total) = try await byName(typed, parts: parts, joinHouseholds: !facets.isEmpty, page: page, skip: skip)
        } else {
            var from: SQLQueryString = "households h"
            if number {
                // Three characters or more are found through the trigram index (on SQLite its candidates are joined
                // first, so the planner cannot start from the list's order instead); fewer are read in the region.
                if db.engine == .sqlite && typed.count >= 3 {
                    from = "(SELECT rowid AS r FROM household_numbers WHERE household_numbers MATCH \(bind: "\"" + typed.replacingOccurrences(of: "\"", with: "\"\"") + "\"")) n CROSS JOIN households h ON h.rowid = n.r"
                }
                households.appendInterpolation(unsafeRaw: " AND UPPER(h.id) LIKE ")
                households.appendInterpolation(bind: "%" + LeadStore.literal(typed.uppercased()) + "%")
                households.appendInterpolation(unsafeRaw: " ESCAPE '\\'")
            }
            let order = facets.order == .number ? "h.region, LENGTH(h.id), h.id" : "h.updated_at DESC, h.id"
            // The page's households are chosen first, then only they are summed up (SQLite works out every column
            // of every row before a sort: a village's 350 低保 households in number order were each summed up).
            let pageQuery: SQLQueryString = """
                SELECT \(unsafeRaw: Self.summaryColumns) FROM (SELECT h.id AS pid FROM \(from) WHERE \(households)
                  ORDER BY \(unsafeRaw: order) LIMIT \(unsafeRaw: String(page)) OFFSET \(unsafeRaw: String(skip))) p
                JOIN households h ON h.id = p.pid ORDER BY \(unsafeRaw: order)
                """
            let countQuery: SQLQueryString = number
                ? "SELECT COUNT(*) AS n FROM (SELECT 1 FROM \(from) WHERE \(households) LIMIT \(unsafeRaw: String(Self.countCap + 1))) c"
                : "SELECT COUNT(*) AS n FROM \(from) WHERE \(households)"
            (items, total) = try await db.read { sql in
                // A list (no text, no resident ID) is counted from the tallies, village by village.
                var counted: Int?
                if !number && rid == nil {
                    let kind = ArmKind.of(actor, region: region, facets: facets, engine: db.engine)
                    let arms = try await Self.arms(sql, households, kind: kind)
                    let n = arms.reduce(0) { $0 + $1.n }
                    guard n > 0 else { return ([], 0) }
                    counted = n
                    // Last changed first over several villages: merged from the villages' own orders, rather than
                    // sorting every household (a county's 1,000,000: 86 ms on SQLite). Deep pages are rare: sorted.
                    if facets.order == .updated, Self.merges(arms: arms.count, kind: kind, end: skip + page, engine: db.engine) {
                        return (try await Self.merged(sql, arms: arms, kind: kind, facets: facets, skip: skip, page: page, engine: db.engine), n)
                    }
                }
                let items = try await sql.raw(pageQuery).all().map(HouseholdSummary.init(row:))
                if let counted { return (items, counted) }
                // A page that is not full is the last: its end is the total, with no count (a search by resident
                // ID, a rare number).
                if !items.isEmpty && items.count < page { return (items, skip + items.count) }
                return (items, try await sql.raw(countQuery).first(decoding: Count.self)?.n ?? 0)
            }
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

    /// Any part of a name is the start of one of the name's endings (SearchParts): the endings are read in
    /// their index's order (part, member), which gives each household first at its smallest part, only as far
    /// as the page needs, and counted up to `countCap` (a single common character is the part of a tenth of a
    /// province's names: grouping and sorting them all took a second). Only the page's households are then read.
    private func byName(_ typed: String, parts: SQLQueryString, joinHouseholds: Bool,
                        page: Int, skip: Int) async throws -> ([HouseholdSummary], Int) {
        let (low, high) = Self.prefixRange(typed)
        var found: SQLQueryString = "SELECT np.household_id AS id FROM name_parts np "
        // With 低保 or 建档立卡 asked for, each name found reads its household; without, only the index is read.
        if joinHouseholds { found.appendInterpolation(unsafeRaw: "JOIN households h ON h.id = np.household_id ") }
        found.appendInterpolation(unsafeRaw: "WHERE ")
        found.appendInterpolation(parts)
        found.appendInterpolation(unsafeRaw: " AND np.part >= ")
        found.appendInterpolation(bind: low)
        found.appendInterpolation(unsafeRaw: " AND np.part < ")
        found.appendInterpolation(bind: high)
        let hits = found + " ORDER BY np.part, np.member_id LIMIT "
        // The count looks at twice the cap's endings first: PostgreSQL's DISTINCT reads every ending before any
        // LIMIT (112,000 of them for 强, 90 ms), so the limit goes on the endings, then on the households.
        let probe = 2 * (Self.countCap + 1)
        // PostgreSQL sorts for DISTINCT in the column's collation: byte order gives the same households (equal
        // means the same bytes in any deterministic collation) and took 1.4 ms to 0.95 ms for 2,002 endings.
        let bytewise = db.engine == .postgres ? " COLLATE \"C\"" : ""
        // SQLite's DISTINCT stops at its LIMIT: the households are counted up to the cap directly (e = 0).
        let count: SQLQueryString = db.engine == .sqlite
            ? "SELECT 0 AS e, COUNT(*) AS n FROM (SELECT DISTINCT d.id FROM (\(found)) d LIMIT \(unsafeRaw: String(Self.countCap + 1))) c"
            : "SELECT COUNT(*) AS e, COUNT(DISTINCT d.id\(unsafeRaw: bytewise)) AS n FROM (\(found) LIMIT \(unsafeRaw: String(probe))) d"
        let countAll: SQLQueryString = "SELECT COUNT(*) AS e, COUNT(DISTINCT d.id\(unsafeRaw: bytewise)) AS n FROM (\(found)) d"
        return try await db.read { sql in
            // Text with a Chinese character is never a household id (Household.idProblem): none is looked up.
            var ids: [String] = [], seen = Set<String>(), read = 0, fetch = 2 * (skip + page) + 64, exhausted = false
            while !exhausted && ids.count < skip + page {
                let rows = try await sql.raw(hits + SQLQueryString("\(fetch) OFFSET \(read)" as String)).all().map(Self.id)
                for id in rows where seen.insert(id).inserted { ids.append(id) }
                read += rows.count
                exhausted = rows.count < fetch
                fetch *= 2
            }
            let chosen = Array(ids.dropFirst(skip).prefix(page))
            // Every household found is in hand when the index ran out before the page was full: no count then.
            var total = ids.count
            if !exhausted, let c = try await sql.raw(count).first(decoding: Counted.self) {
                // Fewer endings than the probe: exact. More households than the cap among them: "more". Else (many
                // endings of few households, rare) all of them are counted.
                total = c.e < probe || c.n > Self.countCap ? c.n : (try await sql.raw(countAll).first(decoding: Counted.self)?.n ?? 0)
                total = min(total, Self.countCap + 1)
            }
            return (try await Self.summaries(sql, chosen), total)
        }
    }

    /// The summaries of households chosen in a given order, in that order.
    static func summaries(_ sql: any SQLDatabase, _ ids: [String]) async throws -> [HouseholdSummary] {
        guard !ids.isEmpty else { return [] }
        let chosen: SQLQueryString = "SELECT \(unsafeRaw: Self.summaryColumns) FROM households h WHERE h.id IN (\(binds: ids))"
        // On PostgreSQL as one row of arrays: PostgresKit decodes each column of each row through Codable, a
        // seventh of the server's time for a search by part of a name.
        let rows = sql.dialect.name == "postgresql"
            ? try await sql.raw("WITH s AS (\(chosen)) \(unsafeRaw: HouseholdSummary.pageArrays(of: "s", order: ""))").first().map(HouseholdSummary.page(row:)) ?? []
            : try await sql.raw(chosen).all().map(HouseholdSummary.init(row:))
        let byID = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return ids.compactMap { byID[$0] }
    }

    /// Read by column: SQLKit's `Codable` decoder took 4 % of a search by name's CPU for these 164-row reads.
    private static func id(_ row: any SQLRow) throws -> String { try row.decode(column: "id", as: String.self) }
    private struct Counted: Decodable { var e: Int; var n: Int }

    static let summaryColumns = """
        h.id, h.region, h.poverty_status, h.dibao,
          (SELECT name FROM members m WHERE m.household_id = h.id AND m.relation = 'head' LIMIT 1) AS head_name,
          (SELECT resident_sealed FROM members m WHERE m.household_id = h.id AND m.relation = 'head' LIMIT 1) AS head_resident_id,
          (SELECT COUNT(*) FROM members m WHERE m.household_id = h.id) AS member_count,
          (SELECT \(RegionStore.label) FROM \(RegionStore.villages) WHERE v.code = h.region) AS region_label
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
