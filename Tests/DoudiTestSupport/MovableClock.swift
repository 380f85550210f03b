import DoudiStore
import Synchronization

/// A clock the test moves on: hourly limits, lockouts and idle sessions without waiting for them.
public final class MovableClock: Sendable {
    let start: Int64
    let offset = Mutex<Int64>(0)
    public init(start: Int64 = Clock.system.nowMillis()) { self.start = start }
    public var clock: Clock { Clock { [self] in start + offset.withLock { $0 } } }
    public func advance(hours: Int64 = 0, minutes: Int64 = 0) { offset.withLock { $0 += hours * 3_600_000 + minutes * 60_000 } }
}
