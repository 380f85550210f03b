import CompressNIO
import DoudiDomain
import Foundation
import NIOCore
import SQLKit

/// The division table: shipped with Doudi (2023 codes to townships, the villages of 430481), extended by
/// administrators with their county's villages.
public enum RegionTable {
    /// The shipped table: one line per region, its code without trailing zero groups, a tab, its name.
    public static func shipped() throws -> [Region] {
        guard let url = Bundle.module.url(forResource: "regions.tsv", withExtension: "gz") else {
            throw StoreError.badLocation("regions.tsv.gz resource")
        }
        var gz = ByteBuffer(bytes: try Data(contentsOf: url))
        var text = try gz.decompress(with: .gzip())
        let bytes = text.readBytes(length: text.readableBytes) ?? []
        var out: [Region] = []
        out.reserveCapacity(45_000)
        for line in bytes.split(separator: 10) {
            guard let tab = line.firstIndex(of: 9),
                  let code = RegionCode(prefix: String(decoding: line[line.startIndex..<tab], as: UTF8.self)) else { continue }
            out.append(Region(code: code, name: String(decoding: line[(tab + 1)...], as: UTF8.self)))
        }
        return out
    }

    static func row(_ r: Region, now: Int64) -> [BulkValue] {
        [.int(Int64(r.code.value)), .text(r.name), .int(Int64(r.level.rawValue)),
         r.code.parent.map { .int(Int64($0.value)) } ?? .null, .int(now)]
    }

    static let columns = ["code", "name", "level", "parent", "updated_at"]

    static func loadShipped(_ tx: Tx) async throws {
        let regions = try shipped()
        try await tx.bulkInsert(table: "regions", columns: columns, rows: regions.map { row($0, now: 0) })
    }
}

/// Reads and changes regions.
public struct RegionStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    struct Row: Decodable { var code: Int64; var name: String }

    public func region(_ code: RegionCode) async throws -> Region? {
        try await db.read { sql in
            try await sql.raw("SELECT code, name FROM regions WHERE code = \(bind: Int64(code.value))").first(decoding: Row.self)
        }.flatMap(Self.region)
    }

    static func region(_ r: Row) -> Region? {
        RegionCode(value: UInt64(r.code)).map { Region(code: $0, name: r.name) }
    }

    public func children(of code: RegionCode) async throws -> [Region] {
        try await db.read { sql in
            try await sql.raw("SELECT code, name FROM regions WHERE parent = \(bind: Int64(code.value)) ORDER BY code").all(decoding: Row.self)
        }.compactMap(Self.region)
    }

    /// Every region of a subtree (the root included) at the given levels, in code order, in one query.
    public func regions(in scope: RegionCode, levels: ClosedRange<RegionCode.Level>) async throws -> [Region] {
        let r = scope.subtreeRange
        return try await db.read { sql in
            try await sql.raw("""
                SELECT code, name FROM regions WHERE code BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))
                AND level BETWEEN \(bind: levels.lowerBound.rawValue) AND \(bind: levels.upperBound.rawValue) ORDER BY code
                """).all(decoding: Row.self)
        }.compactMap(Self.region)
    }

    struct Labelled: Decodable { var code: Int64; var label: String }

    /// A village's label, "township village", as SQL over `villages` (its `v.code` and `t.name`): the one place
    /// its form is written, for the label lists here and the register's rows (HouseholdStore.summaryColumns).
    static let villages = "regions v JOIN regions t ON t.code = v.parent AND v.level = 5"
    static let label = "t.name || ' ' || v.name"

    /// "township village" for each village of a subtree, in code order, in one query.
    public func villageLabels(in scope: RegionCode) async throws -> [(code: RegionCode, label: String)] {
        let r = scope.subtreeRange
        return try await db.read { sql in
            try await sql.raw("""
                SELECT v.code, \(unsafeRaw: Self.label) AS label FROM \(unsafeRaw: Self.villages)
                WHERE v.code BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound)) ORDER BY v.code
                """).all(decoding: Labelled.self)
        }.compactMap { row in RegionCode(value: UInt64(row.code)).map { ($0, row.label) } }
    }

    /// Each place in words from its county down (耒阳市蔡子池街道牌楼居委会), in one query.
    public func placeNames(_ codes: [RegionCode]) async throws -> [RegionCode: String] {
        try await db.read { sql in try await Self.placeNames(sql, codes) }
    }

    static func placeNames(_ sql: any SQLDatabase, _ codes: [RegionCode]) async throws -> [RegionCode: String] {
        let places = Set(codes)
        let keys = Set(places.flatMap { ([$0] + $0.ancestors).filter { $0.level >= .county } }).map { Int64($0.value) }
        guard !keys.isEmpty else { return [:] }
        let rows = try await sql.raw("SELECT code, name FROM regions WHERE code IN (\(binds: keys))").all(decoding: Row.self)
        let names = Dictionary(uniqueKeysWithValues: rows.compactMap { r in RegionCode(value: UInt64(r.code)).map { ($0, r.name) } })
        return Dictionary(uniqueKeysWithValues: places.map { c in
            (c, ([c] + c.ancestors).filter { $0.level >= .county }.sorted { $0.level < $1.level }.compactMap { names[$0] }.joined())
        })
    }

    /// "township village" for the given villages, in one query.
    public func villageLabels(_ codes: [RegionCode]) async throws -> [RegionCode: String] {
        let keys = Array(Set(codes.map { Int64($0.value) }))
        guard !keys.isEmpty else { return [:] }
        let rows = try await db.read { sql in
            try await sql.raw("""
                SELECT v.code, \(unsafeRaw: Self.label) AS label FROM \(unsafeRaw: Self.villages) WHERE v.code IN (\(binds: keys))
                """).all(decoding: Labelled.self)
        }
        var out: [RegionCode: String] = [:]
        for row in rows { if let c = RegionCode(value: UInt64(row.code)) { out[c] = row.label } }
        // A lead filed at a township (no village list): the township's own name.
        for c in codes where c.level == .township && out[c] == nil { out[c] = try await region(c)?.name }
        return out
    }

    /// Every township of the counties whose villages are in the table: where the public self-report page starts.
    /// A township without a village list (11 of 耒阳市's 30) takes reports at its own level.
    public func townshipsServed() async throws -> [(township: Region, hasVillages: Bool)] {
        struct Served: Decodable { var code: Int64; var name: String; var villages: Int }
        let rows = try await db.read { sql in
            try await sql.raw("""
                SELECT t.code, t.name, (SELECT COUNT(*) FROM regions v WHERE v.parent = t.code AND v.level = 5) AS villages
                FROM regions t WHERE t.level = 4 AND t.parent IN (
                  SELECT DISTINCT w.parent FROM regions w WHERE w.level = 4 AND w.code IN (SELECT parent FROM regions WHERE level = 5))
                ORDER BY t.code
                """).all(decoding: Served.self)
        }
        return rows.compactMap { r in RegionCode(value: UInt64(r.code)).map { (Region(code: $0, name: r.name), r.villages > 0) } }
    }

    /// The names from the province down, e.g. 湖南省 衡阳市 耒阳市 蔡子池街道 牌楼居委会.
    public func path(_ code: RegionCode) async throws -> [Region] {
        let codes = ([code] + code.ancestors).map { Int64($0.value) }
        let rows = try await db.read { sql in
            try await sql.raw("SELECT code, name FROM regions WHERE code IN (\(binds: codes))").all(decoding: Row.self)
        }
        return rows.compactMap(Self.region).sorted { $0.code.level < $1.code.level }
    }

    /// Every known code at village level in a subtree: what an import checks its households against.
    public func villageCodes(in scope: RegionCode) async throws -> Set<UInt64> {
        let r = scope.subtreeRange
        let rows = try await db.read { sql in
            try await sql.raw("SELECT code, name FROM regions WHERE level = 5 AND code BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))").all(decoding: Row.self)
        }
        return Set(rows.map { UInt64($0.code) })
    }

    /// Adds a region or renames it; its parent must exist and lie in the actor's reach.
    public func upsert(_ region: Region, by actor: Actor) async throws {
        guard actor.role.may(.manageRegions), actor.reaches(region.code) else { throw StoreError.forbidden }
        guard let parent = region.code.parent else { throw StoreError.forbidden }
        let name = region.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 60 else {
            throw StoreError.invalid([FieldProblem("name", Message("名称应为1至60个字", "a name has 1 to 60 characters"))])
        }
        try await db.transaction { tx in
            guard try await tx.sql.raw("SELECT code, name FROM regions WHERE code = \(bind: Int64(parent.value))").first() != nil else {
                throw StoreError.invalid([FieldProblem("code", Message("上级区划\(parent)不存在", "the parent region \(parent) does not exist"))])
            }
            let old = try await tx.sql.raw("SELECT code, name FROM regions WHERE code = \(bind: Int64(region.code.value))").first(decoding: Row.self)
            if let old {
                if old.name == name { return }
                try await tx.sql.raw("UPDATE regions SET name = \(bind: name), updated_at = \(bind: tx.clock.nowMillis()) WHERE code = \(bind: old.code)").run()
            } else {
                try await tx.bulkInsert(table: "regions", columns: RegionTable.columns, rows: [RegionTable.row(Region(code: region.code, name: name), now: tx.clock.nowMillis())])
            }
            try await AuditLog.record(tx, actor: actor, action: old == nil ? "region.add" : "region.rename", subject: region.code.description,
                                      region: region.code, before: old.map { ["name": $0.name] }, after: ["name": name])
        }
    }

    /// Loads a county's village list (`code,name,level,parent_code`, the shape of shared/data): adds new
    /// villages and renames changed ones. Either the whole file is taken, or nothing when a row is wrong.
    public func loadVillages(csv bytes: [UInt8], file: String, by actor: Actor) async throws -> (added: Int, renamed: Int) {
        guard actor.role.may(.manageRegions) else { throw StoreError.forbidden }
        let table: CSVTable
        do { table = try RegisterImport.table(bytes, file: file, required: ["code", "name"]) } catch {
            throw StoreError.invalid([FieldProblem("file", error)])
        }
        var regions: [Region] = []
        var problems: [FieldProblem] = []
        let codeCol = table.column("code")!, nameCol = table.column("name")!
        table.forEachRow { line, f in
            guard f.count == table.header.count, let code = RegionCode(digits: f[codeCol]), code.level == .village,
                  let name = f[nameCol].utf8String, !name.isEmpty else {
                problems.append(FieldProblem("\(file):\(line)", Message("第\(line)行：需要12位村级区划代码和名称", "line \(line): needs a 12-digit village code and a name")))
                return
            }
            if !actor.reaches(code) {
                problems.append(FieldProblem("\(file):\(line)", Message("第\(line)行：\(code)不在您的辖区内", "line \(line): \(code) is outside your region")))
            }
            regions.append(Region(code: code, name: name))
        }
        if !problems.isEmpty { throw StoreError.invalid(problems) }
        var added = 0, renamed = 0
        try await db.transaction { tx in
            let existing = try await tx.sql.raw("SELECT code, name FROM regions WHERE level >= 4").all(decoding: Row.self)
            var names: [Int64: String] = [:]
            for r in existing { names[r.code] = r.name }
            var fresh: [[BulkValue]] = []
            let now = tx.clock.nowMillis()
            for r in regions {
                let key = Int64(r.code.value)
                guard let parent = r.code.parent, names[Int64(parent.value)] != nil else {
                    throw StoreError.invalid([FieldProblem("parent_code", Message("\(r.code)的上级乡镇不存在", "the township above \(r.code) does not exist"))])
                }
                if let old = names[key] {
                    if old != r.name {
                        try await tx.sql.raw("UPDATE regions SET name = \(bind: r.name), updated_at = \(bind: now) WHERE code = \(bind: key)").run()
                        renamed += 1
                    }
                } else {
                    fresh.append(RegionTable.row(r, now: now)); names[key] = r.name; added += 1
                }
            }
            try await tx.bulkInsert(table: "regions", columns: RegionTable.columns, rows: fresh)
            try await AuditLog.record(tx, actor: actor, action: "region.loadVillages", subject: file, region: actor.region,
                                      before: nil, after: ["added": String(added), "renamed": String(renamed)])
        }
        return (added, renamed)
    }
}
