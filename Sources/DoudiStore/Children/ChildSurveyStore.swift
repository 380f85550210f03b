import DoudiDomain
import Foundation
import SQLKit

/// 全面排查 (issue 15 item 7): each village's survey of its children's guardianship, one per village and day, and
/// the coverage a township or the county reads: villages surveyed in full since a day, per child region.
public struct ChildSurveyStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    static func v30(_ id: String) -> [String] {
        [
            """
            CREATE TABLE child_surveys (
              id \(id), village BIGINT NOT NULL, surveyed_on TEXT NOT NULL, children_checked INTEGER NOT NULL, without_care INTEGER NOT NULL,
              items TEXT NOT NULL, complete INTEGER NOT NULL, note TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at BIGINT NOT NULL,
              UNIQUE (village, surveyed_on))
            """,
            "CREATE INDEX child_surveys_day ON child_surveys (surveyed_on, village)",
        ]
    }

    /// Who records a village's survey: a child director whose region holds the village.
    public static func mayRecord(_ actor: Actor, village: RegionCode) -> Bool { actor.role == .childDirector && actor.region.contains(village) }
    /// Who reads coverage: the child directors and the auditors (counts only, no child in them).
    public static func mayRead(_ role: Role) -> Bool { role == .childDirector || role == .auditor }

    /// Records the village's survey of that day; the same day recorded again replaces it (audited before and after).
    public func record(_ s: ChildSurvey, by actor: Actor) async throws {
        guard Self.mayRecord(actor, village: s.village) else {
            throw actor.role == .childDirector ? StoreError.invalid([FieldProblem("regionCode", .chooseYourVillage)]) : StoreError.forbidden
        }
        let items = SurveyItem.allCases.filter(s.items.contains).map(\.rawValue).joined(separator: ",")
        try await db.transaction { tx in
            guard try await tx.sql.raw("SELECT code FROM regions WHERE code = \(bind: Int64(s.village.value))").first() != nil else {
                throw StoreError.invalid([FieldProblem("regionCode", .chooseVillage)])
            }
            struct R: Decodable { var children_checked: Int; var without_care: Int; var items: String }
            let before = try await tx.sql.raw("""
                SELECT children_checked, without_care, items FROM child_surveys WHERE village = \(bind: Int64(s.village.value)) AND surveyed_on = \(bind: s.day.description)
                """).first(decoding: R.self)
            try await tx.sql.raw("DELETE FROM child_surveys WHERE village = \(bind: Int64(s.village.value)) AND surveyed_on = \(bind: s.day.description)").run()
            try await tx.sql.raw("""
                INSERT INTO child_surveys (village, surveyed_on, children_checked, without_care, items, complete, note, recorded_by, recorded_at)
                VALUES (\(bind: Int64(s.village.value)), \(bind: s.day.description), \(bind: s.childrenChecked), \(bind: s.withoutCare), \(bind: items),
                        \(bind: s.isComplete ? 1 : 0), \(bind: s.note), \(bind: actor.username), \(bind: tx.clock.nowMillis()))
                """).run()
            try await AuditLog.record(tx, actor: actor, action: "child.survey", subject: "\(s.village)/\(s.day)", region: s.village,
                                      before: before.map { ["childrenChecked": String($0.children_checked), "withoutCare": String($0.without_care), "surveyItems": $0.items] },
                                      after: ["childrenChecked": String(s.childrenChecked), "withoutCare": String(s.withoutCare), "surveyItems": items])
        }
    }

    /// A village's surveys, the newest first.
    public func surveys(village: RegionCode, by actor: Actor) async throws -> [ChildSurvey] {
        guard Self.mayRead(actor.role) else { throw StoreError.forbidden }
        guard actor.region.contains(village) else { return [] }
        struct R: Decodable { var surveyed_on: String; var children_checked: Int; var without_care: Int; var items: String; var note: String }
        return try await db.read { sql in
            try await sql.raw("""
                SELECT surveyed_on, children_checked, without_care, items, note FROM child_surveys WHERE village = \(bind: Int64(village.value))
                ORDER BY surveyed_on DESC LIMIT 100
                """).all(decoding: R.self)
        }.compactMap { r in
            CivilDate(r.surveyed_on).map {
                ChildSurvey(village: village, day: $0, childrenChecked: r.children_checked, withoutCare: r.without_care,
                            items: Set(r.items.split(separator: ",").compactMap { SurveyItem(rawValue: String($0)) }), note: r.note)
            }
        }
    }

    public struct Coverage: Sendable, Hashable {
        public struct Row: Sendable, Hashable {
            public var region: RegionCode
            public var name: String
            public var villages = 0
            /// Villages with a complete survey on or after `since`.
            public var surveyed = 0
            public var childrenChecked = 0
            public var withoutCare = 0
            /// For a village: its latest complete survey.
            public var last: CivilDate?
        }
        public var region: RegionCode
        public var since: CivilDate
        /// One row per child region, then the region's own total.
        public var rows: [Row]
    }

    /// Coverage of `region` (inside the caller's subtree) since `since`: the latest complete survey of each village counts.
    public func coverage(region: RegionCode, since: CivilDate, by actor: Actor) async throws -> Coverage? {
        guard Self.mayRead(actor.role) else { throw StoreError.forbidden }
        guard actor.region.contains(region) else { return nil }
        let regions = RegionStore(db)
        let children = try await regions.children(of: region)
        let villages = try await regions.villageCodes(in: region).compactMap { RegionCode(value: $0) }
        let r = region.subtreeRange
        struct S: Decodable { var village: Int64; var surveyed_on: String; var children_checked: Int; var without_care: Int }
        let done = try await db.read { sql in
            try await sql.raw("""
                SELECT village, surveyed_on, children_checked, without_care FROM child_surveys
                WHERE complete = 1 AND surveyed_on >= \(bind: since.description) AND village BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))
                ORDER BY surveyed_on
                """).all(decoding: S.self)
        }
        var latest: [RegionCode: S] = [:]
        for s in done { if let v = RegionCode(value: UInt64(s.village)) { latest[v] = s } }
        let level = children.first?.level
        let names = Dictionary(uniqueKeysWithValues: children.map { ($0.code, $0.name) })
        var rows: [RegionCode: Coverage.Row] = [:]
        for v in villages {
            for key in Set([level.map { v.truncated(to: $0) } ?? region, region]) {
                var row = rows[key] ?? Coverage.Row(region: key, name: names[key] ?? "")
                row.villages += 1
                if let s = latest[v] {
                    row.surveyed += 1; row.childrenChecked += s.children_checked; row.withoutCare += s.without_care
                    if key == v { row.last = CivilDate(s.surveyed_on) }
                }
                rows[key] = row
            }
        }
        let ordered = children.map { c in rows[c.code] ?? Coverage.Row(region: c.code, name: c.name) }
        return Coverage(region: region, since: since, rows: ordered + [rows[region] ?? Coverage.Row(region: region, name: "")])
    }
}
