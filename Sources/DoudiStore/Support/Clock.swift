import DoudiDomain
import Foundation

/// Wall-clock time for records; the domain never reads it, storage stamps it.
public enum Clock {
    public static func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
    public static func today() -> CivilDate { day(ofMillis: nowMillis()) }

    /// The calendar day in China (UTC+8, no daylight saving) of a time stamp.
    public static func day(ofMillis ms: Int64) -> CivilDate {
        CivilDate(daysSinceEpoch: Int((ms + 8 * 3_600_000) / 86_400_000))
    }
}
