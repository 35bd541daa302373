/// A value of the language. As in Python, lists and dicts are shared references (`b = a; b.append(1)`
/// changes `a`), tuples and strings are immutable values, and engine objects (models, generators,
/// histories) are shared references through `.object`.
public enum Value {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    /// A list, shared by every name bound to it; build one with `.list([...])`.
    case list(ValueList)
    case tuple([Value])
    case dict(ValueDictionary)
    /// A command, builtin or user-defined function.
    case command(CommandSpec)
    /// An engine object supplied by the host (model, layer, generator, history...).
    case object(HostObject)
    /// `start:stop:step` inside a subscript (`a[1:3]`, `x[:, ::-1]`); each part is None when omitted.
    indirect case slice(start: Value, stop: Value, step: Value)
    /// `...` (Python's Ellipsis), meaningful inside a subscript (`x[..., 0]`).
    case ellipsis

    /// The Python-like type name used in error messages.
    public var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .command: return "function"
        case .object(let object): return object.typeName
        case .slice: return "slice"
        case .ellipsis: return "ellipsis"
        }
    }

    /// Python truthiness: empty containers, zero and None are false.
    public var isTruthy: Bool {
        switch self {
        case .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let list): return !list.isEmpty
        case .tuple(let items): return !items.isEmpty
        case .dict(let dict): return !dict.isEmpty
        case .command, .slice, .ellipsis: return true
        case .object(let object):
            if let truth = try? object.truthValue() { return truth }
            return object.count.map { $0 > 0 } ?? true
        }
    }

    /// The value as a Double when it is a number (bools count, as in Python).
    public var asDouble: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// The value as an Int when it is an int or bool.
    public var asInt: Int? {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    public var asString: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The elements of a list, tuple or `range` (so commands taking a list accept the book's
    /// `epochs = range(1, len(acc) + 1)`).
    public var asSequence: [Value]? {
        switch self {
        case .list(let list): return list.items
        case .tuple(let items): return items
        case .object(let range as RangeObject): return try? range.elements()
        case .object(let view as DictView): return view.items
        default: return nil
        }
    }

    public var asObject: HostObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The Python number an object stands for (a NumPy scalar, a one-element array), else the value itself.
    public func scalarOrSelf() throws -> Value {
        if case .object(let object) = self, let scalar = try object.scalarValue() { return scalar }
        return self
    }

    public var isNone: Bool {
        if case .none = self { return true }
        return false
    }

    /// A new list holding `items` (each call makes a distinct list, as a Python list display does).
    public static func list(_ items: [Value]) -> Value { .list(ValueList(items)) }

    /// A list of floats, e.g. for `history.history['acc']`.
    public static func floats(_ values: [Double]) -> Value { .list(values.map { .float($0) }) }
    public static func floats(_ values: [Float]) -> Value { .list(values.map { .float(Double($0)) }) }
}

extension Value: Equatable {
    /// Python equality: numbers compare by value across int/float/bool, objects by identity.
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.none, .none): return true
        case (.string(let a), .string(let b)): return CodePoints.equal(a, b)
        case (.list(let a), .list(let b)): return a === b || a.items == b.items
        case (.tuple(let a), .tuple(let b)): return a == b
        case (.dict(let a), .dict(let b)): return a == b
        case (.command(let a), .command(let b)): return a.name == b.name && a.identity == b.identity
        case (.object(let a), .object(let b)): return a === b
        case (.slice(let a0, let a1, let a2), .slice(let b0, let b1, let b2)): return a0 == b0 && a1 == b1 && a2 == b2
        case (.ellipsis, .ellipsis): return true
        default:
            if let i = lhs.asInt, let j = rhs.asInt { return i == j }
            // An int equals a float only when the float is exactly that integer (2**60 + 1 != 2.0**60),
            // which keeps equality consistent with dict and set hashing.
            if let i = lhs.asInt, case .float(let d) = rhs { return Int(exactly: d) == i }
            if case .float(let d) = lhs, let j = rhs.asInt { return Int(exactly: d) == j }
            if case .float(let x) = lhs, case .float(let y) = rhs { return x == y }
            return false
        }
    }
}

extension Value: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
                 ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral {
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .list(ValueList(elements)) }
    public init(nilLiteral: ()) { self = .none }
}

/// The shared storage of a Python list. Pattern matches (`case .list(let items)`) bind this object; it is
/// a collection of values, so `items.count`, `items[0]`, `items.map` and `for item in items` read as before.
public final class ValueList: RandomAccessCollection, MutableCollection {
    public var items: [Value]

    public init(_ items: [Value] = []) { self.items = items }

    public var startIndex: Int { items.startIndex }
    public var endIndex: Int { items.endIndex }
    public subscript(position: Int) -> Value {
        get { items[position] }
        set { items[position] = newValue }
    }
}
