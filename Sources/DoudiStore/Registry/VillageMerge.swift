import DoudiDomain
import Foundation
import SQLKit

/// A list over several villages, last changed first: each village's index gives its own households in that
/// order, so a page is merged from the first few of each village instead of sorting every household of the
/// county (1,000,000 of them: 86 ms on SQLite, seconds under load).
extension HouseholdStore {
    /// Pages deeper than this are sorted whole: the merge hands every household up to the page's end to Swift.
    static let mergedDepth = 2_000

    /// The villages with households in `households`' scope and facets, with how many each has (the tallies).
    static func villages(_ sql: any SQLDatabase, _ households: SQLQueryString) async throws -> [(region: Int64, n: Int)] {
        try await sql.raw("""
            SELECT h.region, CAST(SUM(h.n) AS BIGINT) AS n FROM household_tallies h WHERE \(households) GROUP BY h.region HAVING SUM(h.n) > 0
            """).all().map { (try $0.decode(column: "region", as: Int64.self), try $0.decode(column: "n", as: Int.self)) }
    }

    /// The ids of the page `skip ..< skip + page`. Each village offers its first `k` households; the merge of
    /// those is exact as far as the page's end when no village that has more gave all `k` of its own before it.
    /// Villages that did offer four times as many, until none is short (a register loaded at once has one time of
    /// change, and its first page is then one village's households: a few rounds, never every household).
    static func merged(_ sql: any SQLDatabase, villages: [(region: Int64, n: Int)], facets: HouseholdFacets,
                       skip: Int, page: Int, engine: Engine) async throws -> [String] {
        let end = skip + page
        var offered = Dictionary(uniqueKeysWithValues: villages.map { ($0.region, min($0.n, end / villages.count + 4)) })
        while true {
            let rows = try await sql.raw(query(offered, facets: facets, end: end, engine: engine)).all()
                .map { (id: try $0.decode(column: "id", as: String.self), region: try $0.decode(column: "region", as: Int64.self)) }
            var used: [Int64: Int] = [:]
            for row in rows { used[row.region, default: 0] += 1 }
            let short = villages.filter { v in used[v.region] == offered[v.region] && offered[v.region]! < min(v.n, end) }
            if short.isEmpty { return rows.dropFirst(skip).map(\.id) }
            for v in short { offered[v.region] = min(v.n, end, offered[v.region]! * 4) }
        }
    }

    /// One query: the villages grouped by how many each offers (a LIMIT is a constant), their households merged.
    private static func query(_ offered: [Int64: Int], facets: HouseholdFacets, end: Int, engine: Engine) -> SQLQueryString {
        let groups = Dictionary(grouping: offered, by: \.value).sorted { $0.key < $1.key }
        var q: SQLQueryString = "SELECT m.id, m.region FROM ("
        for (i, (k, members)) in groups.enumerated() {
            let regions = "[" + members.map { String($0.key) }.sorted().joined(separator: ",") + "]"
            let each: SQLQueryString = """
                FROM households x WHERE x.region = \(unsafeRaw: engine == .sqlite ? "w.value" : "w.value::bigint")\(facets.conditions(on: "x")) ORDER BY x.updated_at DESC, x.id LIMIT \(unsafeRaw: String(k))
                """
            if i > 0 { q.appendInterpolation(unsafeRaw: " UNION ALL ") }
            // SQLite has no LATERAL: a correlated IN over the village's rowids does the same.
            let group: SQLQueryString = engine == .sqlite
                ? "SELECT h.id, h.region, h.updated_at FROM json_each(\(bind: regions)) w JOIN households h ON h.rowid IN (SELECT x.rowid \(each))"
                : "SELECT c.id, c.region, c.updated_at FROM jsonb_array_elements_text(\(bind: regions)::jsonb) w CROSS JOIN LATERAL (SELECT x.id, x.region, x.updated_at \(each)) c"
            q = q + group
        }
        q.appendInterpolation(unsafeRaw: ") m ORDER BY m.updated_at DESC, m.id LIMIT \(end)")
        return q
    }
}
