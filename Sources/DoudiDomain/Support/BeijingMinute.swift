/// A moment as a form's `datetime-local` field writes it, in Beijing time: `2020-02-03T18:30`. China keeps
/// UTC+8 all year (no summer time since 1991), so the offset is fixed and the reading needs no time-zone data.
public enum BeijingMinute {
    static let offset: Int64 = 8 * 3_600_000

    /// Milliseconds since 1970 for the minute typed (seconds allowed and ignored), or nil for anything else.
    public static func millis(_ text: String) -> Int64? {
        let t = String(text.trimmingSpaces().map { $0 == " " ? "T" : $0 })
        let parts = t.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2, let day = CivilDate(parts[0]) else { return nil }
        let clock = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(clock.count), clock[0].count == 2, clock[1].count == 2, let h = Int(clock[0]), let m = Int(clock[1]),
              (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        if clock.count == 3 { guard let s = Double(clock[2]), s >= 0, s < 60 else { return nil } }
        return (Int64(day.daysSinceEpoch) * 1_440 + Int64(h * 60 + m)) * 60_000 - offset
    }

    /// The minute `millis` falls in, written as `millis(_:)` reads it.
    public static func text(_ millis: Int64) -> String {
        let minutes = (millis + offset).floorDivided(by: 60_000)
        let day = CivilDate(daysSinceEpoch: Int(minutes.floorDivided(by: 1_440)))
        let m = Int(minutes - Int64(day.daysSinceEpoch) * 1_440)
        return "\(day)T\(m / 60 < 10 ? "0" : "")\(m / 60):\(m % 60 < 10 ? "0" : "")\(m % 60)"
    }
}

extension Int64 {
    /// Division rounding down, so a moment before 1970 still falls in its own minute and day.
    func floorDivided(by d: Int64) -> Int64 { (self >= 0 ? self : self - d + 1) / d }
}
