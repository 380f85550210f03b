import DoudiDomain
import Foundation
import SQLKit

/// A list over several villages, last changed first: each village's index gives its own households in that
/// order, so a page is merged from the villages instead of sorting every household of the county (1,000,000 of
/// them: 86 ms on SQLite, seconds under load).
extension HouseholdStore {
    /// One ordered source of the merge: a village, or (PostgreSQL) one of its tallies, or a county's households
    /// of one 低保 and poverty status, whose households an index on (region or county, 低保, poverty status, last
    /// change, id) gives in order.
    struct Arm {
        var region: Int64; var dibao: Int?; var status: PovertyStatus?
    }

    /// What an arm is: a village; one of a village's tallies; or one of a county's (its region is the county's
    /// six digits), for a list whose scope takes in whole counties.
    enum ArmKind {
        case village, tally, county

        /// PostgreSQL merges a county's list from its tallies summed per county (at most six arms, read through
        /// the index on the county's digits) rather than from its villages (220 arms: each round of the merge
        /// read and sorted what they all offered); SQLite, from its villages (one query, merged as it reads).
        static func of(_ actor: Actor, region: RegionCode?, facets: HouseholdFacets, engine: Engine) -> ArmKind {
            guard engine == .postgres else { return .village }
            if max(actor.region.level, region?.level ?? .province) <= .county { return .county }
            return facets.isEmpty ? .village : .tally
        }
    }

    /// Whether a page is merged: deeper pages are rare and sorted whole; SQLite takes at most 500 arms in one
    /// compound query. A county's one arm is read through its index, in order, as the merge reads it.
    static func merges(arms: Int, kind: ArmKind, end: Int, engine: Engine) -> Bool {
        (arms > 1 || kind == .county) && end <= 2_000 && (engine == .postgres || arms <= 400)
    }

    /// The arms of a list within `households`' scope and facets, with how many households each has (the tallies;
    /// a village's count fits an integer, whose sum PostgreSQL adds faster than a numeric: 0.67 → 0.42 ms for a
    /// county's 1,319 tallies).
    static func arms(_ sql: any SQLDatabase, _ households: SQLQueryString, kind: ArmKind) async throws -> [(arm: Arm, n: Int)] {
        let n = "SUM(CAST(h.n AS INTEGER))"
        if kind != .village {
            let region = kind == .county ? "h.region / \(countyDivisor)" : "h.region"
            return try await sql.raw("""
                SELECT \(unsafeRaw: region) AS region, h.dibao, h.poverty_status, \(unsafeRaw: n) AS n FROM household_tallies h
                WHERE \(households) GROUP BY 1, 2, 3 HAVING \(unsafeRaw: n) > 0 ORDER BY 1, 2, 3
                """).all().map {
                (Arm(region: try $0.decode(column: "region", as: Int64.self), dibao: try $0.decode(column: "dibao", as: Int.self),
                     status: try $0.known(PovertyStatus.self, "poverty_status")), try $0.decode(column: "n", as: Int.self))
            }
        }
        return try await sql.raw("""
            SELECT h.region, \(unsafeRaw: n) AS n FROM household_tallies h WHERE \(households) GROUP BY h.region HAVING \(unsafeRaw: n) > 0 ORDER BY 1
            """).all().map { (Arm(region: try $0.decode(column: "region", as: Int64.self)), try $0.decode(column: "n", as: Int.self)) }
    }

    /// The page `skip ..< skip + page`, over `arms` (all within the caller's scope and facets), read by the same
    /// statement that merges it.
    static func merged(_ sql: any SQLDatabase, arms: [(arm: Arm, n: Int)], kind: ArmKind, facets: HouseholdFacets,
                       skip: Int, page: Int, engine: Engine, branchesUpTo: Int = branchesUpTo) async throws -> [HouseholdSummary] {
        if engine == .sqlite {
            // SQLite merges the ordered arms of a UNION ALL as it reads them (a coroutine per arm): exact in one
            // query, reading about the page's end and one household per village.
            var q: SQLQueryString = "SELECT \(unsafeRaw: summaryColumns) FROM ("
            for (i, a) in arms.enumerated() {
                q.appendInterpolation(unsafeRaw: (i > 0 ? " UNION ALL " : "") + "SELECT x.id, x.updated_at FROM households x WHERE x.region = \(a.arm.region)")
                q.appendInterpolation(facets.conditions(on: "x"))
            }
            q.appendInterpolation(unsafeRaw: " ORDER BY 2 DESC, 1 LIMIT \(page) OFFSET \(skip)) p JOIN households h ON h.id = p.id ORDER BY h.updated_at DESC, h.id")
            return try await sql.raw(q).all().map(HouseholdSummary.init(row:))
        }
        // PostgreSQL plans such a union slowly (11 ms for 220 arms). Each arm offers its first `k` households
        // instead; their merge is exact as far as the page's end when no arm that has more gave all `k` before
        // it. Those that did offer four times as many, until none is short. The first offer is half again the
        // arm's share of the page's end: a county's arms of 低保 and poverty status differ a hundredfold in size,
        // and an even share took three rounds for the largest (a register loaded at once, one time of change).
        let end = skip + page, all = Double(max(1, arms.reduce(0) { $0 + $1.n }))
        // No arm's own count bounds its offer (an arm that has fewer gives what it has): the first round's text
        // then stays the same while the arms' shares do, and its prepared plan serves (PreparedReads).
        var offered = arms.map { a in min(end, Int((1.5 * Double(end) * Double(a.n) / all).rounded(.up)) + 4) }
        // After the first round only the short arms are read again; the page's other households so far come back
        // as values (a household that was not before the page's end then cannot be after more were offered).
        var asked = Array(arms.indices), kept: [Offer] = []
        while true {
            let q = try offers(asked.map { (i: $0, arm: arms[$0].arm, k: offered[$0]) }, kind: kind, kept: kept, facets: facets,
                               skip: skip, end: end, branchesUpTo: branchesUpTo)
            guard let merge = try await PreparedReads.first(sql, q) else { return [] }
            let rows = try Offer.list(row: merge)
            var used = [Int](repeating: 0, count: arms.count)
            for row in rows { used[row.arm] += 1 }
            let short = asked.filter { used[$0] == offered[$0] && offered[$0] < min(arms[$0].n, end) }
            if short.isEmpty { return try HouseholdSummary.page(row: merge) }
            for i in short { offered[i] = min(end, offered[i] * 4) }
            asked = short
            kept = rows.filter { !short.contains($0.arm) }
        }
    }

    /// A county's digits from a 12-digit code.
    static let countyDivisor = 1_000_000

    /// A household offered by an arm (its index in the list's arms), as the merge reads it back, and hands it
    /// over again, kept: its properties are named as the columns of the record set that reads it.
    struct Offer: Encodable {
        var id: String, arm: Int, updated_at: Int64

        /// The merged households come as one row of three arrays: decoding a row per household, column by column,
        /// was a fifth of the server's time for a county's list.
        static func list(row: any SQLRow) throws -> [Offer] {
            let ids = try row.decode(column: "ids", as: [String]?.self) ?? []
            let arms = try row.decode(column: "arms", as: [Int]?.self) ?? []
            let times = try row.decode(column: "times", as: [Int64]?.self) ?? []
            return zip(ids, zip(arms, times)).map { Offer(id: $0, arm: $1.0, updated_at: $1.1) }
        }
    }

    /// How many arms one query reads each as a branch of its own: planning them costs PostgreSQL about 0.1 ms
    /// apiece, and more are read as rows of a record set, grouped by how many each offers.
    static let branchesUpTo = 32

    /// One query: the arms asked and the households kept, merged, as arrays in the list's order, each household
    /// with its arm's index; and the summaries of those from `skip` on, the page if the merge holds (read by a
    /// statement of their own, they took the server 1.75 ms per county page instead of 1.33 ms). A tally's households are
    /// read by equality on its whole key, so that its index hands them over in order (a county's: the index's
    /// expression, as written there).
    static func offers(_ asked: [(i: Int, arm: Arm, k: Int)], kind: ArmKind, kept: [Offer], facets: HouseholdFacets, skip: Int, end: Int,
                       branchesUpTo: Int = branchesUpTo) throws -> SQLQueryString {
        let json = { (value: any Encodable) throws -> String in String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }
        let region = kind == .county ? "x.region / \(countyDivisor)" : "x.region"
        var arms: [SQLQueryString] = []
        if !kept.isEmpty {
            arms.append("SELECT k.id, k.arm, k.updated_at FROM jsonb_to_recordset(\(bind: try json(kept))::jsonb) AS k(id text, arm int, updated_at bigint)")
        }
        if asked.count <= branchesUpTo {
            for a in asked {
                // The values are written out (numbers, and a poverty status's code name): a first round's text
                // then has no parameter, and is prepared once per connection (PreparedReads).
                var q: SQLQueryString = "(SELECT x.id, \(unsafeRaw: String(a.i)) AS arm, x.updated_at FROM households x WHERE \(unsafeRaw: region) = CAST(\(unsafeRaw: String(a.arm.region)) AS BIGINT)"
                if let dibao = a.arm.dibao, let status = a.arm.status {
                    q = q + " AND x.dibao = \(unsafeRaw: String(dibao)) AND x.poverty_status = '\(unsafeRaw: status.rawValue)'"
                } else {
                    q = q + facets.conditions(on: "x")
                }
                arms.append(q + " ORDER BY x.updated_at DESC, x.id LIMIT \(unsafeRaw: String(a.k)))")
            }
        } else {
            struct Row: Encodable { var i: Int, region: Int64, dibao: Int?, poverty_status: String? }
            let arm: SQLQueryString = kind == .village ? facets.conditions(on: "x") : " AND x.dibao = w.dibao AND x.poverty_status = w.poverty_status"
            for (k, members) in Dictionary(grouping: asked, by: \.k).sorted(by: { $0.key < $1.key }) {
                let rows = members.map { Row(i: $0.i, region: $0.arm.region, dibao: $0.arm.dibao, poverty_status: $0.arm.status?.rawValue) }
                arms.append("""
                    SELECT c.id, w.i, c.updated_at
                      FROM jsonb_to_recordset(\(bind: try json(rows))::jsonb) AS w(i int, region bigint, dibao int, poverty_status text)
                      CROSS JOIN LATERAL (SELECT x.id, x.updated_at FROM households x WHERE \(unsafeRaw: region) = w.region\(arm)
                        ORDER BY x.updated_at DESC, x.id LIMIT \(unsafeRaw: String(k))) c
                    """)
            }
        }
        var q: SQLQueryString = "WITH m AS (SELECT u.id, u.arm, u.updated_at FROM ("
        for (i, arm) in arms.enumerated() { q = q + (i > 0 ? " UNION ALL " : "") + arm }
        let order = { (t: String) in "ORDER BY \(t).updated_at DESC, \(t).id" }
        return q + """
            ) u(id, arm, updated_at) \(unsafeRaw: order("u")) LIMIT \(unsafeRaw: String(end))),
            s AS (SELECT \(unsafeRaw: HouseholdStore.summaryColumns), h.updated_at FROM (SELECT m.id FROM m \(unsafeRaw: order("m"))
              OFFSET \(unsafeRaw: String(skip))) p JOIN households h ON h.id = p.id)
            SELECT o.*, g.* FROM (SELECT array_agg(m.id \(unsafeRaw: order("m"))) AS ids, array_agg(m.arm \(unsafeRaw: order("m"))) AS arms,
              array_agg(m.updated_at \(unsafeRaw: order("m"))) AS times FROM m) o, (\(unsafeRaw: HouseholdSummary.pageArrays(of: "s", order: order("s")))) g
            """
    }
}
