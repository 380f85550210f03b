import DoudiDomain
import SQLKit

/// The working-day calendar (WorkingDayCalendar): the national holidays and adjusted working days shipped for
/// 2020–2026 (the State Council's yearly notices), and each region's own days, inherited down the tree.
public struct CalendarStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    /// A day of a region's calendar for a year's list: where it comes from, and whether it is the region's own.
    public struct Listed: Sendable, Hashable {
        public var day: CalendarDay
        public var source: RegionCode
        /// A day set above that the region's own entry replaces is listed once, as the region's.
        public var own: Bool
    }

    /// Version 14: the table, filled with the national calendar.
    static func v14(_ tx: Tx) async throws {
        try await tx.run(["""
            CREATE TABLE work_calendar (
              region BIGINT NOT NULL, day TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
              updated_by TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (region, day))
            """])
        let rows = try national().map { d -> [BulkValue] in
            [.int(0), .text(d.date.description), .text(d.kind.rawValue), .text(d.name), .text("shipped"), .int(tx.clock.nowMillis())]
        }
        try await tx.bulkInsert(table: "work_calendar", columns: ["region", "day", "kind", "name", "updated_by", "updated_at"], rows: rows)
    }

    /// The shipped national days (Resources/national-calendar.csv, in the format `load` reads).
    static func national() throws -> [CalendarDay] {
        try parse(PackageResources.national_calendar_csv, file: "national-calendar.csv")
    }

    /// A calendar file: a header `date,kind,name`, then a day per line (kind: holiday or workday, or 放假 /
    /// 调休上班). Every bad line is named; a file with one is refused whole.
    static func parse(_ bytes: [UInt8], file: String) throws -> [CalendarDay] {
        let table: CSVTable
        do { table = try RegisterImport.table(bytes, file: file, required: ["date", "kind", "name"]) } catch {
            throw StoreError.invalid([FieldProblem("file", error)])
        }
        let cols = (table.column("date")!, table.column("kind")!, table.column("name")!)
        var days: [CalendarDay] = [], seen: [CivilDate: Int] = [:], problems: [FieldProblem] = []
        table.forEachRow { line, f in
            let text = { (i: Int) in i < f.count ? f[i].utf8String ?? "" : "" }
            switch CalendarDay.check(date: text(cols.0), kind: text(cols.1), name: text(cols.2)) {
            case .failure(let p):
                problems += p.problems.map { FieldProblem("\(file):\(line)", Message("第\(line)行：\($0.message.zh)", "line \(line): \($0.message.en)")) }
            case .success(let d):
                if let first = seen[d.date] {
                    problems.append(FieldProblem("\(file):\(line)", Message("第\(line)行：\(d.date)已在第\(first)行", "line \(line): \(d.date) is already on line \(first)")))
                }
                seen[d.date] = line
                days.append(d)
            }
        }
        if !problems.isEmpty { throw StoreError.invalid(problems) }
        return days
    }

    /// Sets every day of a calendar file for a region (a year's notice for the country, a county's own days),
    /// in one transaction: all of them or, when a line is wrong, none.
    public func load(csv bytes: [UInt8], file: String, region: RegionCode, by actor: Actor) async throws -> Int {
        let days = try Self.parse(bytes, file: file)
        try await set(region: region, days: days, by: actor)
        return days.count
    }

    struct Row: Decodable { var region: Int64; var day: String; var kind: String; var name: String }

    /// The entries of `region` and of the regions above it, the country's included.
    static func entries(_ sql: any SQLDatabase, along region: RegionCode) async throws -> [CalendarEntry] {
        let path = [Int64(0)] + ([region] + region.ancestors).filter { !$0.isCountry }.map { Int64($0.value) }
        return try await sql.raw("SELECT region, day, kind, name FROM work_calendar WHERE region IN (\(binds: path))")
            .all(decoding: Row.self).compactMap(\.entry)
    }

    /// Every entry, for the lists that need the calendars of many regions (a few hundred rows per region that
    /// sets its own days, and few do).
    static func allEntries(_ sql: any SQLDatabase) async throws -> [CalendarEntry] {
        try await sql.raw("SELECT region, day, kind, name FROM work_calendar").all(decoding: Row.self).compactMap(\.entry)
    }

    static func calendar(_ sql: any SQLDatabase, region: RegionCode) async throws -> WorkingDayCalendar {
        WorkingDayCalendar.resolve(region: region, entries: try await entries(sql, along: region))
    }

    public func calendar(region: RegionCode) async throws -> WorkingDayCalendar {
        try await db.read { sql in try await Self.calendar(sql, region: region) }
    }

    /// A region's year: the days that differ from the weekday rule, in date order, and how many are worked.
    public struct Year: Sendable, Hashable {
        public var year: Int
        public var days: [Listed]
        public var workingDays: Int
    }

    /// Anyone who may read the register or manage regions, for a region they can see from where they stand
    /// (their own, one above it, one below it).
    public func year(region: RegionCode, year: Int, by actor: Actor) async throws -> Year {
        guard actor.role.may(.readRegister) || actor.role.may(.manageRegions) else { throw StoreError.forbidden }
        guard actor.region.contains(region) || region.contains(actor.region) else { throw StoreError.forbidden }
        let entries = try await db.read { sql in try await Self.entries(sql, along: region) }
        var best: [CivilDate: CalendarEntry] = [:]
        for e in entries where e.day.date.year == year {
            if let b = best[e.day.date], b.region.depth >= e.region.depth { continue }
            best[e.day.date] = e
        }
        let calendar = WorkingDayCalendar(best.values.map(\.day))
        let worked = CivilDate(year: year, month: 1, day: 1).map { first in
            calendar.workingDays(after: first.adding(days: -1), through: CivilDate(year: year, month: 12, day: 31)!)
        } ?? 0
        return Year(year: year, days: best.values.sorted { $0.day.date < $1.day.date }.map { Listed(day: $0.day, source: $0.region, own: $0.region == region) },
                    workingDays: worked)
    }

    /// Sets a day of a region's calendar (an administrator, inside their region), replacing the region's own
    /// entry for that date.
    public func set(region: RegionCode, day: CalendarDay, by actor: Actor) async throws {
        try await set(region: region, days: [day], by: actor)
    }

    func set(region: RegionCode, days: [CalendarDay], by actor: Actor) async throws {
        try authorize(region, actor)
        try await db.transaction { tx in
            try await Self.requireKnown(tx, region)
            for day in days {
                let old = try await Self.own(tx, region, day.date)
                try await tx.sql.raw("DELETE FROM work_calendar WHERE region = \(bind: Int64(region.value)) AND day = \(bind: day.date.description)").run()
                try await tx.sql.raw("""
                    INSERT INTO work_calendar (region, day, kind, name, updated_by, updated_at)
                    VALUES (\(bind: Int64(region.value)), \(bind: day.date.description), \(bind: day.kind.rawValue), \(bind: day.name),
                            \(bind: actor.username), \(bind: tx.clock.nowMillis()))
                    """).run()
                try await AuditLog.record(tx, actor: actor, action: "calendar.set", subject: "\(region)/\(day.date)", region: region,
                                          before: old.map(Self.audited), after: Self.audited(day))
            }
        }
    }

    /// Removes a region's own entry for a date: the day is again as the region above has it. Not found when
    /// the region has none for that date.
    public func remove(region: RegionCode, date: CivilDate, by actor: Actor) async throws {
        try authorize(region, actor)
        try await db.transaction { tx in
            guard let old = try await Self.own(tx, region, date) else { throw StoreError.notFound }
            try await tx.sql.raw("DELETE FROM work_calendar WHERE region = \(bind: Int64(region.value)) AND day = \(bind: date.description)").run()
            try await AuditLog.record(tx, actor: actor, action: "calendar.remove", subject: "\(region)/\(date)", region: region,
                                      before: Self.audited(old), after: nil as [String: String]?)
        }
    }

    private func authorize(_ region: RegionCode, _ actor: Actor) throws {
        guard actor.role.may(.setPolicy), actor.region.contains(region) else { throw StoreError.forbidden }
    }

    static func requireKnown(_ tx: Tx, _ region: RegionCode) async throws {
        if region.isCountry { return }
        guard try await tx.sql.raw("SELECT code FROM regions WHERE code = \(bind: Int64(region.value))").first() != nil else {
            throw StoreError.invalid([FieldProblem("region", .regionNotInTable(region))])
        }
    }

    static func own(_ tx: Tx, _ region: RegionCode, _ date: CivilDate) async throws -> CalendarDay? {
        try await tx.sql.raw("SELECT region, day, kind, name FROM work_calendar WHERE region = \(bind: Int64(region.value)) AND day = \(bind: date.description)")
            .first(decoding: Row.self)?.entry?.day
    }

    static func audited(_ d: CalendarDay) -> [String: String] { ["date": d.date.description, "kind": d.kind.rawValue, "title": d.name] }
}

extension CalendarStore.Row {
    var entry: CalendarEntry? {
        guard let date = CivilDate(day), let kind = CalendarDayKind(rawValue: kind),
              let code = region == 0 ? RegionCode.country : RegionCode(value: UInt64(region)) else { return nil }
        return CalendarEntry(region: code, day: CalendarDay(date: date, kind: kind, name: name))
    }
}
