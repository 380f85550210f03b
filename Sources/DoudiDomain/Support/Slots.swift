/// Results written by parallel workers, one slot per piece of work, each read only after its writer is done
/// (`DispatchQueue.concurrentPerform` has returned, or the writer has signalled). Each slot has one writer.
public final class Slots<T>: @unchecked Sendable {
    @usableFromInline let storage: UnsafeMutableBufferPointer<T>

    public init(count: Int, initial: T) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: initial)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    // Inlinable so that hot loops in other modules get it specialized, not through value witnesses.
    @inlinable public subscript(_ i: Int) -> T {
        get { storage[i] }
        set { storage[i] = newValue }
    }
}
