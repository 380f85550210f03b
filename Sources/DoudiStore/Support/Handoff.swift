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
