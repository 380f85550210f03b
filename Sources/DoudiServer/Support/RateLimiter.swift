import DoudiStore
import Synchronization

/// At most `limit` attempts per key within a sliding window. An attempt is checked and counted in one step
/// (`take`), so a burst of requests at once cannot all pass a check made before any of them was counted;
/// an attempt that should not count after all (a login that succeeded) is given back with `refund`.
/// A lock, not an actor: each check takes microseconds, and a self-report made two hops to actors for them.
final class RateLimiter: Sendable {
    let limit: Int
    let windowMillis: Int64
    let clock: Clock
    private struct State {
        var attempts: [String: [Int64]] = [:]
        /// Keys held before the next sweep for keys with no attempt left in the window.
        var sweepAt = 10_000
    }
    private let state = Mutex(State())
    init(limit: Int, seconds: Int64, clock: Clock) { self.limit = limit; self.windowMillis = seconds * 1000; self.clock = clock }

    /// True, and counted, when `key` is still under the limit.
    func take(_ key: String) -> Bool {
        let now = clock.nowMillis(), cutoff = now - windowMillis
        return state.withLock { s in
            var recent = s.attempts[key]?.filter { $0 > cutoff } ?? []
            // Swept when the keys have doubled since the last sweep, not at every attempt past 10,000 keys: with
            // that many reporters inside the window, each self-report read every key (a third of the server's
            // time at 44,000 reports in 12 s).
            if s.attempts.count > s.sweepAt {
                s.attempts = s.attempts.filter { $0.value.contains { $0 > cutoff } }
                s.sweepAt = max(10_000, 2 * s.attempts.count)
            }
            guard recent.count < limit else { s.attempts[key] = recent; return false }
            recent.append(now)
            s.attempts[key] = recent
            return true
        }
    }

    /// How many keys are held (attempts still in the window, or not swept yet).
    var keys: Int { state.withLock { $0.attempts.count } }

    /// Gives back the latest attempt of `key`.
    func refund(_ key: String) {
        state.withLock { s in
            guard var recent = s.attempts[key], !recent.isEmpty else { return }
            recent.removeLast()
            s.attempts[key] = recent.isEmpty ? nil : recent
        }
    }
}
