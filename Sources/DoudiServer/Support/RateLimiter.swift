import DoudiStore

/// At most `limit` attempts per key within a sliding window. An attempt is checked and counted in one step
/// (`take`), so a burst of requests at once cannot all pass a check made before any of them was counted;
/// an attempt that should not count after all (a login that succeeded) is given back with `refund`.
actor RateLimiter {
    let limit: Int
    let windowMillis: Int64
    let clock: Clock
    private var attempts: [String: [Int64]] = [:]
    init(limit: Int, seconds: Int64, clock: Clock) { self.limit = limit; self.windowMillis = seconds * 1000; self.clock = clock }

    /// True, and counted, when `key` is still under the limit.
    func take(_ key: String) -> Bool {
        let now = clock.nowMillis(), cutoff = now - windowMillis
        var recent = attempts[key]?.filter { $0 > cutoff } ?? []
        if attempts.count > 10_000 { attempts = attempts.filter { $0.value.contains { $0 > cutoff } } }
        guard recent.count < limit else { attempts[key] = recent; return false }
        recent.append(now)
        attempts[key] = recent
        return true
    }

    /// Gives back the latest attempt of `key`.
    func refund(_ key: String) {
        guard var recent = attempts[key], !recent.isEmpty else { return }
        recent.removeLast()
        attempts[key] = recent.isEmpty ? nil : recent
    }
}
