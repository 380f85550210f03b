import DoudiDomain
import Foundation
import SQLKit

/// A list over several villages, last changed first: each village's index gives its own households in that
/// order, so a page is merged from the villages instead of sorting every household of the county (1,000,000 of
/// them: 86 ms on SQLite, seconds under load).
extension HouseholdStore {
    /// Whether a page is merged: deeper pages are rare and sorted whole; SQLite takes at most 500 arms in one
    /// compound query.
    static func merges(villages: Int, end: Int, engine: Engine) -> Bool {
        villages > 1 && end <= 2_000 && (engine == .postgres || villages <= 400)
    }

    /// The villages with households in `households`' scope and facets, with how many each has (the tallies).
    static func villages(_ sql: any SQLDatabase, _ households: SQLQueryString) async throws -> [(region: Int64, n: Int)] {
        try await sql.raw("""
            SELECT h.region, CAST(SUM(h.n) AS BIGINT) AS n FROM household_tallies h WHERE \(households) GROUP BY h.region HAVING SUM(h.n) > 0
            """).all().map { (try $0.decode(column: "region", as: Int64.self), try $0.decode(column: "n", as: Int.self)) }
    }

    /// The ids of the page `skip ..< skip + page`, over `villages` (all within the caller's scope).
    static func merged(_ sql: any SQLDatabase, villages: [(region: Int64, n: Int)], facets: HouseholdFacets,
                       skip: Int, page: Int, engine: Engine) async throws -> [String] {
        if engine == .sqlite {
            // SQLite merges the ordered arms of a UNION ALL as it reads them (a coroutine per arm): exact in one
            // query, reading about the page's end and one household per village.
            var q: SQLQueryString = ""
            for (i, v) in villages.enumerated() {
                q.appendInterpolation(unsafeRaw: (i > 0 ? " UNION ALL " : "") + "SELECT x.id, x.updated_at FROM households x WHERE x.region = \(v.region)")
                q.appendInterpolation(facets.conditions(on: "x"))
            }
            q.appendInterpolation(unsafeRaw: " ORDER BY 2 DESC, 1 LIMIT \(page) OFFSET \(skip)")
            return try await sql.raw(q).all().map { try $0.decode(column: "id", as: String.self) }
        }
        // PostgreSQL plans such a union slowly (11 ms for 220 arms). Each village offers its first `k` households
        // instead; their merge is exact as far as the page's end when no village that has more gave all `k`
        // before it. Those that did offer four times as many, until none is short (a register loaded at once has
        // one time of change, and its first page is then one village's households: a few rounds).
        let end = skip + page
        var offered = Dictionary(uniqueKeysWithValues: villages.map { ($0.region, min($0.n, end / villages.count + 4)) })
        while true {
            let rows = try await sql.raw(offers(offered, facets: facets, end: end)).all()
                .map { (id: try $0.decode(column: "id", as: String.self), region: try $0.decode(column: "region", as: Int64.self)) }
            var used: [Int64: Int] = [:]
            for row in rows { used[row.region, default: 0] += 1 }
            let short = villages.filter { v in used[v.region] == offered[v.region] && offered[v.region]! < min(v.n, end) }
            if short.isEmpty { return rows.dropFirst(skip).map(\.id) }
            for v in short { offered[v.region] = min(v.n, end, offered[v.region]! * 4) }
        }
    }

    /// One query: the villages grouped by how many each offers (a LIMIT is a constant), their offers merged.
    private static func offers(_ offered: [Int64: Int], facets: HouseholdFacets, end: Int) -> SQLQueryString {
        var q: SQLQueryString = "SELECT m.id, m.region FROM ("
        for (i, (k, members)) in Dictionary(grouping: offered, by: \.value).sorted(by: { $0.key < $1.key }).enumerated() {
            let regions = "[" + members.map { String($0.key) }.sorted().joined(separator: ",") + "]"
            if i > 0 { q.appendInterpolation(unsafeRaw: " UNION ALL ") }
            q = q + """
                SELECT c.id, c.region, c.updated_at FROM jsonb_array_elements_text(\(bind: regions)::jsonb) w CROSS JOIN LATERAL (SELECT x.id, x.region,
                  x.updated_at FROM households x WHERE x.region = w.value::bigint\(facets.conditions(on: "x")) ORDER BY x.updated_at DESC, x.id LIMIT \(unsafeRaw: String(k))) c
                """
        }
        q.appendInterpolation(unsafeRaw: ") m ORDER BY m.updated_at DESC, m.id LIMIT \(end)")
        return q
    }
}
