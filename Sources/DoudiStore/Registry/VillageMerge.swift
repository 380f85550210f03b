import DoudiDomain
import Foundation
import SQLKit

/// A list over several villages, last changed first: each village's index gives its own households in that
/// order, so a page is merged from the villages instead of sorting every household of the county (1,000,000 of
/// them: 86 ms on SQLite, seconds under load).
extension HouseholdStore {
    /// One ordered source of the merge: a village, or (PostgreSQL, a filtered list) one of its tallies, whose
    /// households the index on (region, 低保, poverty status, last change, id) gives in order.
    struct Arm: Hashable, Encodable {
        var region: Int64; var dibao: Int?; var status: String?
        /// Named as the columns of the record set that reads the arms asked for.
        enum CodingKeys: String, CodingKey { case region, dibao, status = "poverty_status" }
    }

    /// Whether a page is merged: deeper pages are rare and sorted whole; SQLite takes at most 500 arms in one
    /// compound query.
    static func merges(arms: Int, end: Int, engine: Engine) -> Bool {
        arms > 1 && end <= 2_000 && (engine == .postgres || arms <= 400)
    }

    /// The arms of a list within `households`' scope and facets, with how many households each has (the
    /// tallies): villages, or tallies when `byTally`.
    static func arms(_ sql: any SQLDatabase, _ households: SQLQueryString, byTally: Bool) async throws -> [(arm: Arm, n: Int)] {
        if byTally {
            return try await sql.raw("SELECT h.region, h.dibao, h.poverty_status, h.n FROM household_tallies h WHERE \(households) AND h.n > 0").all().map {
                (Arm(region: try $0.decode(column: "region", as: Int64.self), dibao: try $0.decode(column: "dibao", as: Int.self),
                     status: try $0.decode(column: "poverty_status", as: String.self)), try $0.decode(column: "n", as: Int.self))
            }
        }
        return try await sql.raw("""
            SELECT h.region, CAST(SUM(h.n) AS BIGINT) AS n FROM household_tallies h WHERE \(households) GROUP BY h.region HAVING SUM(h.n) > 0
            """).all().map { (Arm(region: try $0.decode(column: "region", as: Int64.self)), try $0.decode(column: "n", as: Int.self)) }
    }

    /// The ids of the page `skip ..< skip + page`, over `arms` (all within the caller's scope and facets).
    static func merged(_ sql: any SQLDatabase, arms: [(arm: Arm, n: Int)], facets: HouseholdFacets,
                       skip: Int, page: Int, engine: Engine) async throws -> [String] {
        if engine == .sqlite {
            // SQLite merges the ordered arms of a UNION ALL as it reads them (a coroutine per arm): exact in one
            // query, reading about the page's end and one household per village.
            var q: SQLQueryString = ""
            for (i, a) in arms.enumerated() {
                q.appendInterpolation(unsafeRaw: (i > 0 ? " UNION ALL " : "") + "SELECT x.id, x.updated_at FROM households x WHERE x.region = \(a.arm.region)")
                q.appendInterpolation(facets.conditions(on: "x"))
            }
            q.appendInterpolation(unsafeRaw: " ORDER BY 2 DESC, 1 LIMIT \(page) OFFSET \(skip)")
            return try await sql.raw(q).all().map { try $0.decode(column: "id", as: String.self) }
        }
        // PostgreSQL plans such a union slowly (11 ms for 220 arms). Each arm offers its first `k` households
        // instead; their merge is exact as far as the page's end when no arm that has more gave all `k` before
        // it. Those that did offer four times as many, until none is short (a register loaded at once has one
        // time of change, and its first page is then one village's households: a few rounds).
        let end = skip + page, has = Dictionary(uniqueKeysWithValues: arms.map { ($0.arm, $0.n) })
        var offered = has.mapValues { min($0, end / arms.count + 4) }
        // After the first round only the short arms are read again; the page's other households so far come back
        // as values (a household that was not before the page's end then cannot be after more were offered).
        var asked = offered, kept: [Offer] = []
        while true {
            let rows = try await sql.raw(offers(asked, kept: kept, facets: facets, end: end)).all().map(Offer.init(row:))
            var used: [Arm: Int] = [:]
            for row in rows { used[row.arm, default: 0] += 1 }
            let short = Set(offered.filter { arm, k in used[arm] == k && k < min(has[arm]!, end) }.keys)
            if short.isEmpty { return rows.dropFirst(skip).map(\.id) }
            for arm in short { offered[arm] = min(has[arm]!, end, offered[arm]! * 4) }
            asked = offered.filter { short.contains($0.key) }
            kept = rows.filter { !short.contains($0.arm) }
        }
    }

    /// A household offered by an arm, as the merge reads it back (and hands it over again, kept: its properties
    /// are named as the columns of the record set that reads it).
    struct Offer: Encodable {
        var id: String, region: Int64, dibao: Int?, poverty_status: String?, updated_at: Int64
        var arm: Arm { Arm(region: region, dibao: dibao, status: poverty_status) }
        init(row: any SQLRow) throws {
            id = try row.decode(column: "id", as: String.self)
            region = try row.decode(column: "region", as: Int64.self)
            dibao = try row.decode(column: "dibao", as: Int?.self)
            poverty_status = try row.decode(column: "poverty_status", as: String?.self)
            updated_at = try row.decode(column: "updated_at", as: Int64.self)
        }
    }

    /// One query: the arms asked, grouped by how many each offers (a LIMIT is a constant), and the households
    /// kept, merged. An arm that is a tally names its 低保 and poverty status (echoed back); a village names
    /// neither (NULL back).
    private static func offers(_ asked: [Arm: Int], kept: [Offer], facets: HouseholdFacets, end: Int) throws -> SQLQueryString {
        let json = { (value: any Encodable) throws -> String in String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }
        var q: SQLQueryString = """
            SELECT m.id, m.region, m.dibao, m.poverty_status, m.updated_at FROM (SELECT k.id, k.region, k.dibao, k.poverty_status, k.updated_at
              FROM jsonb_to_recordset(\(bind: try json(kept))::jsonb) AS k(id text, region bigint, dibao int, poverty_status text, updated_at bigint)
            """
        for (k, members) in Dictionary(grouping: asked, by: \.value).sorted(by: { $0.key < $1.key }) {
            let list = members.map(\.key)
            // A tally's households by equality on the whole key, so that its index hands them over in order.
            let arm: SQLQueryString = list[0].dibao == nil ? facets.conditions(on: "x") : " AND x.dibao = w.dibao AND x.poverty_status = w.poverty_status"
            q = q + """
                 UNION ALL SELECT c.id, c.region, w.dibao, w.poverty_status, c.updated_at
                  FROM jsonb_to_recordset(\(bind: try json(list))::jsonb) AS w(region bigint, dibao int, poverty_status text)
                  CROSS JOIN LATERAL (SELECT x.id, x.region, x.updated_at FROM households x WHERE x.region = w.region\(arm)
                    ORDER BY x.updated_at DESC, x.id LIMIT \(unsafeRaw: String(k))) c
                """
        }
        q.appendInterpolation(unsafeRaw: ") m ORDER BY m.updated_at DESC, m.id LIMIT \(end)")
        return q
    }
}
