/// An insertion-ordered dictionary like Python's dict: shared by every name bound to it, keyed by any
/// hashable value (strings, numbers, tuples, None, objects by identity) with `1`, `1.0` and `True` the
/// same key, as in Python.
public final class ValueDictionary: Equatable {
    /// Keys in insertion order.
    public private(set) var keys: [Value] = []
    private var storage: [HashKey: Value] = [:]

    public init() {}

    public init(_ pairs: [(String, Value)]) {
        for (key, value) in pairs { self[key] = value }
    }

    /// A dict from pairs with any hashable keys; fails with Python's TypeError on an unhashable key.
    public convenience init(pairs: [(Value, Value)]) throws {
        self.init()
        for (key, value) in pairs { try set(key, value) }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public subscript(key: String) -> Value? {
        get { storage[HashKey(string: key)] }
        set {
            if let newValue { setValue(newValue, for: HashKey(string: key), original: .string(key)) } else { removeValue(for: HashKey(string: key)) }
        }
    }

    /// `d[key]`, nil when absent.
    public func value(for key: Value) throws -> Value? { storage[try HashKey(key)] }

    /// `d[key] = value`.
    public func set(_ key: Value, _ value: Value) throws { setValue(value, for: try HashKey(key), original: key) }

    /// `del d[key]` / `d.pop(key)`: the removed value, nil when absent.
    @discardableResult
    public func remove(_ key: Value) throws -> Value? { removeValue(for: try HashKey(key)) }

    public func contains(_ key: Value) throws -> Bool { storage[try HashKey(key)] != nil }

    public func removeAll() {
        keys = []
        storage = [:]
    }

    /// A shallow copy (`d.copy()`, `dict(d)`).
    public func copy() -> ValueDictionary {
        let copy = ValueDictionary()
        copy.keys = keys
        copy.storage = storage
        return copy
    }

    /// Entries in insertion order.
    public var entries: [(key: Value, value: Value)] { keys.map { ($0, storage[HashKey(unchecked: $0)]!) } }
    public var values: [Value] { keys.map { storage[HashKey(unchecked: $0)]! } }

    private func setValue(_ value: Value, for key: HashKey, original: Value) {
        if storage.updateValue(value, forKey: key) == nil { keys.append(original) }
    }

    @discardableResult
    private func removeValue(for key: HashKey) -> Value? {
        guard let removed = storage.removeValue(forKey: key) else { return nil }
        keys.removeAll { HashKey(unchecked: $0) == key }
        return removed
    }

    /// Python's dict equality: the same keys with equal values, whatever the order.
    public static func == (lhs: ValueDictionary, rhs: ValueDictionary) -> Bool {
        lhs === rhs || (lhs.count == rhs.count && lhs.storage == rhs.storage)
    }
}

/// A value usable as a dict key or set element: Python's hash and equality (numbers equal across int,
/// float and bool hash alike).
public struct HashKey: Hashable {
    public let value: Value

    /// Fails with Python's "unhashable type" TypeError for lists, dicts and slices.
    public init(_ value: Value) throws {
        try HashKey.checkHashable(value)
        self.value = value
    }

    init(string: String) { value = .string(string) }
    /// For keys already checked on insertion.
    init(unchecked value: Value) { self.value = value }

    private static func checkHashable(_ value: Value) throws {
        switch value {
        case .list, .dict, .slice: throw ScriptError(.type, "unhashable type: '\(value.typeName)'")
        case .tuple(let items): for item in items { try checkHashable(item) }
        case .object(let object) where object is ValueSet: throw ScriptError(.type, "unhashable type: 'set'")
        default: break
        }
    }

    /// Python's key equality; a NaN key finds itself (Python compares keys by identity first).
    public static func == (lhs: HashKey, rhs: HashKey) -> Bool { sameKey(lhs.value, rhs.value) }

    private static func sameKey(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.float(let x), .float(let y)) where x.isNaN && y.isNaN: return true
        case (.tuple(let xs), .tuple(let ys)): return xs.count == ys.count && zip(xs, ys).allSatisfy { sameKey($0, $1) }
        default: return a == b
        }
    }

    public func hash(into hasher: inout Hasher) { HashKey.hash(value, into: &hasher) }

    private static func hash(_ value: Value, into hasher: inout Hasher) {
        switch value {
        case .none: hasher.combine(0)
        case .bool(let b): hasher.combine(b ? 1 : 0)
        case .int(let i): hasher.combine(i)
        case .float(let d):
            // Integral floats hash as the int they equal, so 1.0 and 1 find the same entry.
            if let i = Int(exactly: d) { hasher.combine(i) } else if d.isNaN { hasher.combine(Double.nan.bitPattern) } else { hasher.combine(d) }
        case .string(let s): hasher.combine(s)
        case .tuple(let items):
            hasher.combine(items.count)
            for item in items { hash(item, into: &hasher) }
        case .object(let object): hasher.combine(ObjectIdentifier(object))
        case .command(let spec): hasher.combine(spec.name)
        case .ellipsis: hasher.combine(-1)
        case .list, .dict, .slice: hasher.combine(-2)
        }
    }
}
