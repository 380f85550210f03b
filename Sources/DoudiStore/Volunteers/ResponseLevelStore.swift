import DoudiDomain
import Foundation
import SQLKit

/// 应急响应级别 per region, switched by the administrator, every switch kept: the level in force at a place is the
/// one set last for the nearest region above it (a county's own setting wins over its province's).
extension VolunteerStore {
    public struct LevelChange: Sendable, Hashable {
        public var region: RegionCode
        public var regionName: String
        public var level: ResponseLevel
        public var since: CivilDate
        public var note: String
        public var setBy: String
    }

    /// The level set last for each region that has one.
    static func levels(_ sql: any SQLDatabase) async throws -> [RegionCode: ResponseLevel] {
        struct R: Decodable { var region: Int64; var level: String }
        var out: [RegionCode: ResponseLevel] = [:]
        for r in try await sql.raw("SELECT region, level FROM response_levels ORDER BY id").all(decoding: R.self) {
            if let code = r.region == 0 ? RegionCode.country : RegionCode(value: UInt64(r.region)), let l = ResponseLevel(rawValue: r.level) { out[code] = l }
        }
        return out
    }

    static func inForce(_ levels: [RegionCode: ResponseLevel], _ place: RegionCode) -> ResponseLevel {
        ([place] + place.ancestors.reversed() + [.country]).lazy.compactMap { levels[$0] }.first ?? ResponseLevel.none
    }

    /// The stricter of the levels in force where the task is and in the volunteer's county.
    static func strictest(_ levels: [RegionCode: ResponseLevel], _ task: RegionCode, _ home: RegionCode) -> ResponseLevel {
        let a = inForce(levels, task), b = inForce(levels, home.truncated(to: .county))
        return ResponseLevel.allCases.firstIndex(of: a)! >= ResponseLevel.allCases.firstIndex(of: b)! ? a : b
    }

    /// The level in force at a place.
    public func level(at place: RegionCode) async throws -> ResponseLevel {
        Self.inForce(try await db.read { sql in try await Self.levels(sql) }, place)
    }

    /// Switches a region's level from a day (the administrator of a region holding it).
    public func setLevel(_ level: ResponseLevel, region: RegionCode, since: CivilDate, note: String, by actor: Actor) async throws {
        guard VolunteerAccess.mayRegisterOrgs(actor.role) else { throw StoreError.forbidden }
        guard actor.reaches(region) else { throw StoreError.invalid([FieldProblem("regionCode", .notInYourRegion)]) }
        let text = note.trimmingSpaces()
        guard text.count <= 200 else { throw StoreError.invalid([FieldProblem("note", Message("依据不超过200个字", "the grounds: at most 200 characters"))]) }
        try await db.transaction { tx in
            let known = try await tx.sql.raw("SELECT code FROM regions WHERE code = \(bind: Int64(region.value))").first() != nil
            guard region.isCountry || known else {
                throw StoreError.invalid([FieldProblem("regionCode", .regionNotInTable(region))])
            }
            let before = Self.inForce(try await Self.levels(tx.sql), region)
            try await tx.sql.raw("""
                INSERT INTO response_levels (region, level, since, note, set_by, set_at)
                VALUES (\(bind: Int64(region.value)), \(bind: level.rawValue), \(bind: since.description), \(bind: text), \(bind: actor.username), \(bind: tx.clock.nowMillis()))
                """).run()
            try await AuditLog.record(tx, actor: actor, action: "volunteer.level", subject: region.description, region: region,
                                      before: ["responseLevel": before.rawValue], after: ["responseLevel": level.rawValue, "since": since.description, "note": text])
        }
    }

    /// Every switch in the caller's subtree and above it, the newest first.
    public func levelHistory(by actor: Actor) async throws -> [LevelChange] {
        struct R: Decodable { var region: Int64; var name: String?; var level: String; var since: String; var note: String; var set_by: String }
        let above = ([actor.region] + actor.region.ancestors).map { Int64($0.value) }
        return try await db.read { sql in
            try await sql.raw("""
                SELECT l.region, g.name, l.level, l.since, l.note, l.set_by FROM response_levels l LEFT JOIN regions g ON g.code = l.region
                WHERE \(Self.within("l.region", actor.region)) OR l.region IN (\(binds: above)) OR l.region = 0 ORDER BY l.id DESC LIMIT 200
                """).all(decoding: R.self)
        }.compactMap { r in
            guard let code = r.region == 0 ? RegionCode.country : RegionCode(value: UInt64(r.region)), let l = ResponseLevel(rawValue: r.level), let d = CivilDate(r.since) else { return nil }
            return LevelChange(region: code, regionName: r.name ?? "全国", level: l, since: d, note: r.note, setBy: r.set_by)
        }
    }
}
