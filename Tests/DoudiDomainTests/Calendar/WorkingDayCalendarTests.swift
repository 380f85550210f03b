import PropertyBased
import Testing
@testable import DoudiDomain

@Suite("Working-day calendar (R-MON-11, R-DB-5): holidays, adjusted working days, time limits")
struct WorkingDayCalendarTests {
    static func day(_ s: String) -> CivilDate { CivilDate(s)! }
    static func entry(_ region: RegionCode, _ date: String, _ kind: CalendarDayKind, _ name: String = "节日") -> CalendarEntry {
        CalendarEntry(region: region, day: CalendarDay(date: day(date), kind: kind, name: name))
    }
    static let leiyang = RegionCode("430481000000")!, village = RegionCode("430481100201")!, hengyang = RegionCode("430400000000")!

    /// Spring Festival 2020 as the State Council set it (国办发明电〔2019〕16号) and extended it for the epidemic
    /// (国办发明电〔2020〕1号): off from 24 January to 2 February; Sunday 19 January worked; Saturday 1 February,
    /// first set as a working day, no longer.
    static let spring2020: [CalendarEntry] = (24...31).map { entry(.country, "2020-01-\($0)", .holiday, "春节") }
        + ["2020-02-01", "2020-02-02"].map { entry(.country, $0, .holiday, "春节") } + [entry(.country, "2020-01-19", .workday, "春节调休上班")]
    /// National Day and Mid-Autumn 2025 (国办发明电〔2024〕12号): off 1–8 October, Sunday 28 September and
    /// Saturday 11 October worked.
    static let october2025: [CalendarEntry] = (1...8).map { entry(.country, "2025-10-0\($0)", .holiday, "国庆节、中秋节") }
        + [entry(.country, "2025-09-28", .workday), entry(.country, "2025-10-11", .workday)]

    @Test("the nth working day after a date", arguments: [
        // Friday + 2 working days: Tuesday.
        ("2026-11-27", 2, "2026-12-01"),
        // Started on a Saturday: Monday is the first.
        ("2026-11-28", 1, "2026-11-30"),
        // A lead the day before Spring Festival 2020: nothing is counted until Monday 3 February.
        ("2020-01-23", 2, "2020-02-04"),
        // Sunday 19 January 2020 was worked.
        ("2020-01-18", 1, "2020-01-19"),
        ("2020-01-17", 5, "2020-01-23"),
        // Before National Day 2025: Sunday 28 September is worked, then nothing until 9 October.
        ("2025-09-27", 1, "2025-09-28"), ("2025-09-30", 1, "2025-10-09"), ("2025-09-30", 3, "2025-10-11"),
        ("2025-09-30", 0, "2025-09-30"),
    ])
    func adding(_ from: String, _ n: Int, _ expected: String) {
        let calendar = WorkingDayCalendar.resolve(region: Self.village, entries: Self.spring2020 + Self.october2025)
        #expect(calendar.adding(workingDays: n, to: Self.day(from)) == Self.day(expected))
    }

    @Test("R-DB-5: thirty working days across National Day 2025 end later than thirty calendar days")
    func dibaoReview() {
        let calendar = WorkingDayCalendar.resolve(region: Self.village, entries: Self.october2025)
        let accepted = Self.day("2025-09-15")
        #expect(TimeLimit(days: 30, count: .calendarDays).due(from: accepted, calendar: calendar) == Self.day("2025-10-15"))
        // 15 Sept (Mon) + 30 working days: 12 in September (16–30 less the weekends, with Sunday 28 worked),
        // none 1–8 October, Thursday 9, Friday 10 and Saturday 11, then 15 more from Monday 13: 31 October.
        #expect(TimeLimit(days: 30, count: .workingDays).due(from: accepted, calendar: calendar) == Self.day("2025-10-31"))
    }

    @Test("a region's own day wins over the day inherited from above; a sibling is not touched")
    func regionalDays() {
        let entries = Self.october2025 + [Self.entry(Self.leiyang, "2025-10-08", .workday, "县里调整"),
                                          Self.entry(Self.hengyang, "2025-10-13", .holiday, "市里放假"),
                                          Self.entry(Self.leiyang, "2025-10-13", .workday, "县里照常上班")]
        let county = WorkingDayCalendar.resolve(region: Self.village, entries: entries)
        #expect(county.isWorkingDay(Self.day("2025-10-08")))
        #expect(county.isWorkingDay(Self.day("2025-10-13")))
        let sibling = WorkingDayCalendar.resolve(region: RegionCode("430482000000")!, entries: entries)
        #expect(!sibling.isWorkingDay(Self.day("2025-10-08")))
        #expect(!sibling.isWorkingDay(Self.day("2025-10-13")))
    }

    @Test("weekends by the weekday rule", arguments: [("2026-12-05", true), ("2026-12-06", true), ("2026-12-07", false), ("1970-01-01", false), ("1969-12-28", true)])
    func weekends(_ date: String, _ weekend: Bool) {
        #expect(WorkingDayCalendar.isWeekend(Self.day(date)) == weekend)
        #expect((Self.day(date).weekday >= 6) == weekend)
    }

    @Test func weekdays() { #expect(["2026-12-07", "2026-12-08", "2026-12-13", "1970-01-01"].map { Self.day($0).weekday } == [1, 2, 7, 4]) }

    @Test("counting back what was added gives the same number; the last day of a limit is a working day; a later start never ends earlier")
    func properties() async {
        let calendar = WorkingDayCalendar.resolve(region: Self.village, entries: Self.spring2020 + Self.october2025)
        let start = Self.day("2019-12-01").daysSinceEpoch
        await propertyCheck(input: Gen.int(in: 0...800), Gen.int(in: 0...40), Gen.int(in: 0...20)) { offset, n, later in
            let from = CivilDate(daysSinceEpoch: start + offset)
            let due = calendar.adding(workingDays: n, to: from)
            #expect(calendar.workingDays(after: from, through: due) == n)
            if n > 0 { #expect(calendar.isWorkingDay(due)) }
            #expect(calendar.adding(workingDays: n, to: from.adding(days: later)) >= due)
        }
    }

    @Test("a day as an administrator gives it", arguments: [
        ("2026-10-01", "holiday", "国庆节", nil), ("2026-10-10", "调休上班", "国庆节调休上班", nil), ("2026-02-30", "holiday", "春节", "date"),
        ("2026-10-01", "vacation", "国庆节", "kind"), ("2026-10-01", "holiday", " ", "title"), ("2026-10-01", "放假", String(repeating: "节", count: 21), "title"),
    ] as [(String, String, String, String?)])
    func check(_ date: String, _ kind: String, _ name: String, _ field: String?) {
        switch CalendarDay.check(date: date, kind: kind, name: name) {
        case .success: #expect(field == nil)
        case .failure(let p): #expect(p.problems.map(\.field) == [field])
        }
    }

    @Test("the policy chooses how time limits count; verification escalates one limit later each time")
    func policyCounts() throws {
        let settings = [(PolicyKey.deadlineCount, "工作日"), (.verificationDays, "2"), (.pledgeDays, "7"), (.reviewDays, "8"), (.noticeDays, "5"),
                        (.townshipDays, "14"), (.decisionDays, "15")]
            .map { PolicySetting(region: .country, year: 2020, key: $0.0, value: $0.0.normalized($0.1)) }
        let calendar = WorkingDayCalendar.resolve(region: Self.village, entries: Self.october2025)
        let working = Policy.resolve(region: Self.village, year: 2025, settings: settings, calendar: calendar)
        let lead = Self.day("2025-09-26")  // a Friday
        #expect(working.verification.due(createdOn: lead) == Self.day("2025-09-29"))
        #expect(working.verification.escalation(createdOn: lead, today: Self.day("2025-10-09")) == .township)
        #expect(working.verification.escalation(createdOn: lead, today: Self.day("2025-10-10")) == .county)
        // Review: 8 working days from Friday 26 Sept (28, 29, 30 Sept, 9, 10, 11, 13, 14 Oct) end on 14 October;
        // the notice's 5 days are calendar days after it.
        #expect(try ProcedureStep.democraticReview.due(startedOn: lead, policy: working) == Self.day("2025-10-14"))
        #expect(try ProcedureStep.publicNotice.due(startedOn: lead, policy: working) == Self.day("2025-10-19"))
        let calendarDays = Policy.resolve(region: Self.village, year: 2025, settings: settings.filter { $0.key != .deadlineCount }, calendar: calendar)
        #expect(calendarDays.verification.due(createdOn: lead) == Self.day("2025-09-28"))
        #expect(try ProcedureStep.countyConfirmation.due(startedOn: lead, policy: calendarDays) == Self.day("2025-10-11"))
        #expect(PolicyKey.deadlineCount.problem("工作日") == nil && PolicyKey.deadlineCount.problem("每周") != nil)
    }
}
