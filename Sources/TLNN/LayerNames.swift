import Foundation

/// Session-wide automatic layer names, as Keras 2 gives them: `dense_1`, `dense_2`, `flatten_1`, `input_1`.
public enum LayerNames {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var counters: [String: Int] = [:]

    /// The next free name with this prefix.
    public static func next(_ prefix: String) -> String {
        lock.lock(); defer { lock.unlock() }
        let n = (counters[prefix] ?? 0) + 1
        counters[prefix] = n
        return "\(prefix)_\(n)"
    }

    /// Forgets all counters (a new session).
    public static func reset() {
        lock.lock(); defer { lock.unlock() }
        counters = [:]
    }
}
