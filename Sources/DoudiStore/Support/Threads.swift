import Foundation

/// Hands values from one thread to another, in order: `next` waits until there is one. The values stay in
/// memory until taken, so a producer never waits for a slower consumer.
final class Handoff<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [T?] = []
    private var head = 0

    func push(_ value: T) {
        condition.lock()
        queue.append(value)
        condition.signal()
        condition.unlock()
    }

    func next() -> T {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count { condition.wait() }
        let value = queue[head]!
        queue[head] = nil
        head += 1
        return value
    }
}

/// Runs blocking work on a thread of its own, so that it never holds one of the few threads Swift's
/// concurrency shares among all requests.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { k in
        let thread = Thread { k.resume(with: Result { try body() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
