import DoudiDomain
import Foundation
import SQLKit
import Synchronization

/// Policy parameters per region and year (PolicyKey), inherited down the region tree (Policy.resolve).
public struct PolicyStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    /// What every new database starts with, for the whole country: the national floor of the monitoring line
    /// (R-MON-3: 6,000 yuan in 2020–2021, then as recalled in domain-rules, to be confirmed by each province),
    /// the screening defaults of specs/screening.md, and the national time limits (R-MON-6/7/9).
    static let shipped: [(year: Int, key: PolicyKey, value: String)] = [
        (2020, .monitoringLine, "6000"), (2022, .monitoringLine, "6600"), (2023, .monitoringLine, "7100"),
        (2024, .monitoringLine, "7300"), (2025, .monitoringLine, "7500"),
        (2020, .medicalThreshold, "10000"), (2020, .disasterThreshold, "10000"),
        (2020, .verificationDays, "7"), (2020, .pledgeDays, "7"), (2020, .reviewDays, "8"), (2020, .noticeDays, "5"),
        (2020, .townshipDays, "14"), (2020, .decisionDays, "15"), (2020, .clearingIncomeMonths, "6"),
        (2020, .riskKinds, RiskKind.allCases.map(\.rawValue).joined(separator: ",")),
    ]

    /// Shipped with the working-day calendar (version 14): time limits count calendar days until a region
    /// chooses working days.
    static let shippedWithCalendar: [(year: Int, key: PolicyKey, value: String)] = [(2020, .deadlineCount, DayCount.calendarDays.rawValue)]

    static func seed(_ tx: Tx, _ settings: [(year: Int, key: PolicyKey, value: String)] = shipped) async throws {
        let now = tx.clock.nowMillis()
        for s in settings {
            try await tx.sql.raw("""
                INSERT INTO policy_settings (region, year, key, value, updated_by, updated_at)
                VALUES (0, \(bind: s.year), \(bind: s.key.rawValue), \(bind: s.value), 'shipped', \(bind: now))
                """).run()
        }
    }

    struct Row: Decodable { var region: Int64; var year: Int; var key: String; var value: String }

    static func settings(_ sql: any SQLDatabase, along region: RegionCode) async throws -> [PolicySetting] {
        let path = [Int64(0)] + ([region] + region.ancestors).filter { !$0.isCountry }.map { Int64($0.value) }
        return try await sql.raw("SELECT region, year, key, value FROM policy_settings WHERE region IN (\(binds: path))")
            .all(decoding: Row.self).compactMap(\.setting)
    }

    /// The parameters in force for a region in a year, with the region's working-day calendar.
    static func policy(_ sql: any SQLDatabase, region: RegionCode, year: Int) async throws -> Policy {
        Policy.resolve(region: region, year: year, settings: try await settings(sql, along: region),
                       calendar: try await CalendarStore.calendar(sql, region: region))
    }

    /// Every setting, read once, for the lists that need the policy of many regions and years (a few hundred
    /// rows at most: values are set per region and year by hand).
    static func book(_ sql: any SQLDatabase) async throws -> PolicyBook {
        PolicyBook(settings: try await sql.raw("SELECT region, year, key, value FROM policy_settings").all(decoding: Row.self).compactMap(\.setting),
                   calendarEntries: try await CalendarStore.allEntries(sql))
    }

    public func policy(region: RegionCode, year: Int) async throws -> Policy {
        try await db.read { sql in try await Self.policy(sql, region: region, year: year) }
    }

    /// The settings a user may see: those of their region, of the regions above it (inherited) and below it.
    public func settings(by actor: Actor) async throws -> [PolicySetting] {
        guard actor.role.may(.readRegister) || actor.role.may(.manageRegions) else { throw StoreError.forbidden }
        let r = actor.region.subtreeRange
        return try await db.read { sql in
            let above = try await Self.settings(sql, along: actor.region)
            let below = try await sql.raw("""
                SELECT region, year, key, value FROM policy_settings
                WHERE region BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound)) AND region <> \(bind: Int64(actor.region.value))
                """).all(decoding: Row.self).compactMap(\.setting)
            return (above + below).sorted { ($0.key.rawValue, $0.region.value, $0.year) < ($1.key.rawValue, $1.region.value, $1.year) }
        }
    }

    /// Sets one value for a region from a year on (an administrator, inside their region); an empty value
    /// removes the region's own setting so the inherited one applies again.
    public func set(region: RegionCode, year: Int, key: PolicyKey, value: String, by actor: Actor) async throws {
        guard actor.role.may(.setPolicy) else { throw StoreError.forbidden }
        guard actor.region.contains(region) else { throw StoreError.forbidden }
        let v = key.normalized(value)
        guard (2000...2100).contains(year) else {
            throw StoreError.invalid([FieldProblem("year", Message("年度应在2000到2100之间", "the year lies between 2000 and 2100"))])
        }
        if !v.isEmpty, let p = key.problem(v) { throw StoreError.invalid([p]) }
        if v.isEmpty && region.isCountry {
            throw StoreError.invalid([FieldProblem(key.rawValue, Message("全国的设置不能删除，只能修改", "a country-wide setting can be changed, not removed"))])
        }
        try await db.transaction { tx in
            try await CalendarStore.requireKnown(tx, region)
            let old = try await tx.sql.raw("SELECT region, year, key, value FROM policy_settings WHERE region = \(bind: Int64(region.value)) AND year = \(bind: year) AND key = \(bind: key.rawValue)").first(decoding: Row.self)
            try await tx.sql.raw("DELETE FROM policy_settings WHERE region = \(bind: Int64(region.value)) AND year = \(bind: year) AND key = \(bind: key.rawValue)").run()
            if !v.isEmpty {
                try await tx.sql.raw("""
                    INSERT INTO policy_settings (region, year, key, value, updated_by, updated_at)
                    VALUES (\(bind: Int64(region.value)), \(bind: year), \(bind: key.rawValue), \(bind: v), \(bind: actor.username), \(bind: tx.clock.nowMillis()))
                    """).run()
            }
            try await AuditLog.record(tx, actor: actor, action: "policy.set", subject: "\(region)/\(year)/\(key.rawValue)", region: region,
                                      before: old.map { ["value": $0.value] }, after: v.isEmpty ? nil : ["value": v])
        }
    }
}

extension PolicyStore.Row {
    var setting: PolicySetting? {
        guard let key = PolicyKey(rawValue: key), let code = region == 0 ? RegionCode.country : RegionCode(value: UInt64(region)) else { return nil }
        return PolicySetting(region: code, year: year, key: key, value: value)
    }
}

/// All policy settings and calendar days in memory: the policy of any region and year without another query.
final class PolicyBook: Sendable {
    let settings: [PolicySetting]
    let calendarEntries: [CalendarEntry]
    /// A list asks for the same few villages' calendars once per row: each is resolved once.
    private let calendars = Mutex<[RegionCode: WorkingDayCalendar]>([:])

    init(settings: [PolicySetting], calendarEntries: [CalendarEntry]) { self.settings = settings; self.calendarEntries = calendarEntries }

    func policy(region: RegionCode, year: Int) -> Policy {
        let calendar = calendars.withLock { cache in
            if let c = cache[region] { return c }
            let c = WorkingDayCalendar.resolve(region: region, entries: calendarEntries)
            cache[region] = c
            return c
        }
        return Policy.resolve(region: region, year: year, settings: settings, calendar: calendar)
    }
}
