/// An insertion-ordered dictionary with string keys, like Python's dict for the uses scripts have
/// (`history.history['acc']`, `class_indices`).
public struct ValueDictionary: Equatable {
    public private(set) var keys: [String] = []
    private var storage: [String: Value] = [:]

    public init() {}

    public init(_ pairs: [(String, Value)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public subscript(key: String) -> Value? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Entries in insertion order.
    public var entries: [(key: String, value: Value)] { keys.map { ($0, storage[$0]!) } }
    public var values: [Value] { keys.map { storage[$0]! } }
}
