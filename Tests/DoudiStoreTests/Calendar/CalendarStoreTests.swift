import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

extension Message {
    func onLine(_ n: Int) -> Message { Message("第\(n)行：\(zh)", "line \(n): \(en)") }
}

@Suite("The working-day calendar as stored: the national days shipped, a county's own days, time limits that follow them")
struct CalendarStoreTests {
    static func day(_ s: String) -> CivilDate { CivilDate(s)! }

    @Test(arguments: Backend.available)
    func theNationalCalendarIsShipped(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let calendar = try await CalendarStore(db).calendar(region: Fixture.village)
            // The epidemic's extension of Spring Festival 2020, and the Sundays worked for it.
            #expect(!calendar.isWorkingDay(Self.day("2020-01-31")) && !calendar.isWorkingDay(Self.day("2020-02-01")))
            #expect(calendar.isWorkingDay(Self.day("2020-01-19")) && calendar.isWorkingDay(Self.day("2020-02-03")))
            #expect(calendar.isWorkingDay(Self.day("2025-09-28")) && calendar.isWorkingDay(Self.day("2026-02-14")))
            for year in 2020...2026 {
                let days = try await CalendarStore(db).year(region: .country, year: year, by: Fixture.system).days
                let holidays = Set(days.filter { $0.day.kind == .holiday }.map { $0.day.date.description })
                #expect(holidays.contains("\(year)-01-01") && holidays.contains("\(year)-10-01") && holidays.contains("\(year)-05-01"), "\(year)")
                // Every adjusted working day is a Saturday or a Sunday, and named for the holiday it makes up for.
                for d in days where d.day.kind == .workday {
                    #expect(WorkingDayCalendar.isWeekend(d.day.date) && d.day.name.hasSuffix("调休上班"), "\(d.day.date)")
                }
                #expect(days.allSatisfy { !$0.own || $0.source == .country })
            }
        }
    }

    @Test(arguments: Backend.available)
    func aCountysOwnDaysAndWhoMaySetThem(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let store = CalendarStore(db)
            let countyAdmin = try await Fixture.actor(db, "cad", .admin, Fixture.county)
            let otherAdmin = try await Fixture.actor(db, "oad", .admin, RegionCode("430482000000")!)
            let officer = try await Fixture.actor(db, "off", .countyOfficer, Fixture.county)
            let local = CalendarDay(date: Self.day("2026-12-07"), kind: .holiday, name: "县庆")
            try await store.set(region: Fixture.county, day: local, by: countyAdmin)
            #expect(!(try await store.calendar(region: Fixture.village)).isWorkingDay(local.date))
            #expect(try await store.calendar(region: RegionCode("430482000000")!).isWorkingDay(local.date))
            for actor in [otherAdmin, officer] {
                await #expect(throws: StoreError.forbidden) { try await store.set(region: Fixture.county, day: local, by: actor) }
                await #expect(throws: StoreError.forbidden) { try await store.remove(region: Fixture.county, date: local.date, by: actor) }
            }
            // The county's list marks its own day; the township below sees it as inherited.
            let national = try await store.year(region: .country, year: 2026, by: Fixture.system).workingDays
            #expect(try await store.year(region: Fixture.county, year: 2026, by: officer).workingDays == national - 1)
            let listed = try await store.year(region: Fixture.county, year: 2026, by: officer).days
            #expect(listed.first { $0.day.date == local.date }?.own == true)
            let township = try await store.year(region: Fixture.township, year: 2026, by: officer).days
            #expect(township.first { $0.day.date == local.date }.map { ($0.own, $0.source) } ?? (true, .country) == (false, Fixture.county))
            // Replacing a national holiday for the county only; removing brings the nation's day back.
            try await store.set(region: Fixture.county, day: CalendarDay(date: Self.day("2026-10-07"), kind: .workday, name: "县里照常上班"), by: countyAdmin)
            #expect(try await store.calendar(region: Fixture.village).isWorkingDay(Self.day("2026-10-07")))
            try await store.remove(region: Fixture.county, date: Self.day("2026-10-07"), by: countyAdmin)
            #expect(!(try await store.calendar(region: Fixture.village)).isWorkingDay(Self.day("2026-10-07")))
            await #expect(throws: StoreError.notFound) { try await store.remove(region: Fixture.county, date: Self.day("2026-10-07"), by: countyAdmin) }
            let audit = try await AuditStore(db).search(by: countyAdmin, action: "calendar.set") + AuditStore(db).search(by: countyAdmin, action: "calendar.remove")
            #expect(audit.count == 3)
        }
    }

    @Test(arguments: Backend.available)
    func aYearsNoticeLoadedWholeOrNotAtAll(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let store = CalendarStore(db)
            let bad = Array("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n2027-02-06,vacation,春节\n2027-01-01,放假,元旦\n".utf8)
            await #expect(throws: StoreError.invalid([FieldProblem("y.csv:3", Message("第3行：日期应为年-月-日，如2026-10-01", "line 3: a date is year-month-day, such as 2026-10-01")),
                                                      FieldProblem("y.csv:4", CalendarDayKind.problem(field: "kind", text: "vacation").message.onLine(4)),
                                                      FieldProblem("y.csv:5", Message("第5行：2027-01-01已在第2行", "line 5: 2027-01-01 is already on line 2"))])) {
                try await store.load(csv: bad, file: "y.csv", region: .country, by: Fixture.system)
            }
            #expect(try await store.calendar(region: Fixture.village).isWorkingDay(Self.day("2027-01-01")))
            let good = Array("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-07,调休上班,春节调休上班\n".utf8)
            #expect(try await store.load(csv: good, file: "y.csv", region: .country, by: Fixture.system) == 2)
            let calendar = try await store.calendar(region: Fixture.village)
            #expect(!calendar.isWorkingDay(Self.day("2027-01-01")) && calendar.isWorkingDay(Self.day("2027-02-07")))
        }
    }

    @Test(arguments: Backend.available)
    func timeLimitsFollowTheCalendarWhereTheCountyCountsWorkingDays(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let lead = Self.day("2025-09-30")
            let before = try await PolicyStore(db).policy(region: Fixture.village, year: 2025)
            #expect(before.verification.due(createdOn: lead) == Self.day("2025-10-07"))
            try await PolicyStore(db).set(region: Fixture.county, year: 2020, key: .deadlineCount, value: "工作日", by: Fixture.system)
            let after = try await PolicyStore(db).policy(region: Fixture.village, year: 2025)
            // Seven working days after 30 September 2025: 9, 10, 11 (Saturday, worked), 13, 14, 15, 16 October.
            #expect(after.verification.due(createdOn: lead) == Self.day("2025-10-16"))
            #expect(try await PolicyStore(db).policy(region: RegionCode("430482000000")!, year: 2025).verification.due(createdOn: lead) == Self.day("2025-10-07"))
        }
    }
}
