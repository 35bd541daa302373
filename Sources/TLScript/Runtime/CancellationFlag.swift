import Synchronization

/// A flag raised to stop a running script at the next statement, loop iteration or batch boundary.
///
/// Safe to raise from a signal handler: `cancel()` is a single atomic store.
public final class CancellationFlag: @unchecked Sendable {
    private let state = Atomic<Bool>(false)

    public init() {}

    public var isCancelled: Bool { state.load(ordering: .relaxed) }
    public func cancel() { state.store(true, ordering: .relaxed) }
    public func reset() { state.store(false, ordering: .relaxed) }
}
