/// 工作日（含调休）(R-MON-11, R-DB-5): which days are worked. Monday to Friday, except the public holidays of the
/// State Council's yearly notice, plus the weekend days it makes working days (调休上班). A region may add its own
/// days (a local holiday, a day worked); its entry wins over the one inherited from above for that date.
public struct WorkingDayCalendar: Sendable, Hashable {
    /// Days that differ from the weekday rule, by `CivilDate.daysSinceEpoch`.
    public private(set) var exceptions: [Int: CalendarDayKind]

    public init(_ days: [CalendarDay] = []) {
        exceptions = [:]
        for d in days { exceptions[d.date.daysSinceEpoch] = d.kind }
    }

    /// The calendar of `region`: entries of the region and of the regions above it, the nearest region's entry
    /// winning for a date.
    public static func resolve(region: RegionCode, entries: [CalendarEntry]) -> WorkingDayCalendar {
        var best: [Int: CalendarEntry] = [:]
        for e in entries where e.region.contains(region) {
            let k = e.day.date.daysSinceEpoch
            if let b = best[k], b.region.depth >= e.region.depth { continue }
            best[k] = e
        }
        return WorkingDayCalendar(best.values.map(\.day))
    }

    public static func isWeekend(_ date: CivilDate) -> Bool {
        // 1970-01-01 was a Thursday: 0 is Thursday, 2 Saturday, 3 Sunday.
        let w = ((date.daysSinceEpoch % 7) + 7) % 7
        return w == 2 || w == 3
    }

    public func isWorkingDay(_ date: CivilDate) -> Bool {
        switch exceptions[date.daysSinceEpoch] {
        case .holiday: false
        case .workday: true
        case nil: !Self.isWeekend(date)
        }
    }

    /// The `n`th working day after `date` (the day itself not counted): the last day of a time limit of `n`
    /// working days that starts on `date`. Zero gives `date`.
    public func adding(workingDays n: Int, to date: CivilDate) -> CivilDate {
        var d = date.daysSinceEpoch, left = n
        while left > 0 {
            d += 1
            if isWorkingDay(CivilDate(daysSinceEpoch: d)) { left -= 1 }
        }
        return CivilDate(daysSinceEpoch: d)
    }

    /// Working days after `from` up to and including `to` (zero when `to` is not after `from`).
    public func workingDays(after from: CivilDate, through to: CivilDate) -> Int {
        guard to > from else { return 0 }
        return (from.daysSinceEpoch + 1...to.daysSinceEpoch).count(where: { isWorkingDay(CivilDate(daysSinceEpoch: $0)) })
    }
}

public enum CalendarDayKind: String, CodeNamed {
    /// 放假: not worked although Monday to Friday (or marked off whatever the weekday).
    case holiday
    /// 调休上班: worked although Saturday or Sunday.
    case workday
    public var chinese: String { self == .holiday ? "放假" : "调休上班" }
    public var english: String { self == .holiday ? "Holiday" : "Working day (adjusted)" }
}

extension CivilDate {
    /// 1 for Monday to 7 for Sunday.
    public var weekday: Int { ((daysSinceEpoch % 7) + 7 + 3) % 7 + 1 }
}

/// One day that differs from the weekday rule, with what it is for (春节, 国庆节调休上班).
public struct CalendarDay: Sendable, Hashable {
    public var date: CivilDate
    public var kind: CalendarDayKind
    public var name: String
    public init(date: CivilDate, kind: CalendarDayKind, name: String) { self.date = date; self.kind = kind; self.name = name }

    /// A day as an administrator gives it: a real date, a name of at most 20 characters.
    public static func check(date: String, kind: String, name: String) -> Result<CalendarDay, ProblemList> {
        var problems: [FieldProblem] = []
        let d = CivilDate(date.trimmingSpaces())
        if d == nil { problems.append(FieldProblem("date", Message("日期应为年-月-日，如2026-10-01", "a date is year-month-day, such as 2026-10-01"))) }
        let k = CalendarDayKind(rawValue: kind) ?? CalendarDayKind.allCases.first { $0.chinese == kind }
        if k == nil { problems.append(CalendarDayKind.problem(field: "kind", text: kind)) }
        let n = name.trimmingSpaces()
        if n.isEmpty || n.count > 20 {
            problems.append(FieldProblem("title", Message("请填写名称（不超过20个字），如春节", "give a name of at most 20 characters, such as Spring Festival")))
        }
        guard let d, let k, problems.isEmpty else { return .failure(ProblemList(problems)) }
        return .success(CalendarDay(date: d, kind: k, name: n))
    }
}

/// A day of a region's calendar; the country's are the shipped national ones.
public struct CalendarEntry: Sendable, Hashable {
    public var region: RegionCode
    public var day: CalendarDay
    public init(region: RegionCode, day: CalendarDay) { self.region = region; self.day = day }
}

/// How a time limit is counted (R-MON-6/7 count calendar days; R-MON-11's provinces and R-DB-5 working days).
public enum DayCount: String, CodeNamed {
    case calendarDays, workingDays
    public var chinese: String { self == .calendarDays ? "自然日" : "工作日" }
    public var english: String { self == .calendarDays ? "Calendar days" : "Working days" }
}

/// A time limit: so many days of a kind from the day something started.
public struct TimeLimit: Sendable, Hashable {
    public var days: Int
    public var count: DayCount
    public init(days: Int, count: DayCount = .calendarDays) { self.days = days; self.count = count }

    /// The last day on which the step is still on time.
    public func due(from start: CivilDate, calendar: WorkingDayCalendar) -> CivilDate {
        switch count {
        case .calendarDays: start.adding(days: days)
        case .workingDays: calendar.adding(workingDays: days, to: start)
        }
    }
}
