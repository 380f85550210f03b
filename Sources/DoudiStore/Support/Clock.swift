import DoudiDomain
import Foundation

/// The time Doudi runs by, given once at start: the command line passes `.system`, tests a stopped clock.
/// Storage stamps records with it and the pages ask it for today; the domain never reads it (the day is passed in).
public struct Clock: Sendable {
    private let millis: @Sendable () -> Int64

    public init(millis: @escaping @Sendable () -> Int64) { self.millis = millis }

    /// The machine's clock.
    public static let system = Clock { Int64(Date().timeIntervalSince1970 * 1000) }

    /// A clock stopped at noon, China time, of `day`.
    public static func stopped(on day: CivilDate) -> Clock {
        let ms = Int64(day.daysSinceEpoch) * 86_400_000 + 4 * 3_600_000
        return Clock { ms }
    }

    public func nowMillis() -> Int64 { millis() }
    public func today() -> CivilDate { Self.day(ofMillis: nowMillis()) }

    /// The calendar day in China (UTC+8, no daylight saving) of a time stamp.
    public static func day(ofMillis ms: Int64) -> CivilDate {
        CivilDate(daysSinceEpoch: Int((ms + 8 * 3_600_000) / 86_400_000))
    }
}
