/// A Python object as far as state_dict pickles need them.
///
/// Lists and dicts are reference types because pickles build them in place: the object is created
/// empty, memoized, and filled later by APPENDS / SETITEMS through any of its references.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too large for `Int`, as its little-endian two's-complement bytes (LONG1 / LONG4).
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// A callable or class named by GLOBAL / STACK_GLOBAL, already checked against the allowed list.
    case global(TorchGlobal)
    /// A storage, as BINPERSID resolves it.
    case storage(TorchStorageReference)
    /// A tensor rebuilt by `_rebuild_tensor_v2`, its values still in the storage.
    case tensor(TensorRecipe)

    /// Python's name for the value's type, for error messages.
    var typeName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case let .global(global): return global.qualifiedName
        case .storage: return "storage"
        case .tensor: return "tensor"
        }
    }

    /// A tuple's or list's items.
    var sequence: [PickleValue]? {
        switch self {
        case let .tuple(items): return items
        case let .list(list): return list.items
        default: return nil
        }
    }

    var integer: Int? {
        if case let .int(value) = self { return value }
        if case let .bool(value) = self { return value ? 1 : 0 }
        return nil
    }
}

/// A Python list (also used for sets, whose order does not matter here).
final class PickleList {
    var items: [PickleValue]
    init(_ items: [PickleValue] = []) { self.items = items }
}

/// A Python dict or `collections.OrderedDict`: both keep insertion order, which is the state_dict order.
final class PickleDict {
    private(set) var entries: [(key: PickleValue, value: PickleValue)] = []
    /// Positions of string and integer keys, so assigning an existing key replaces it as Python does.
    private var positions: [PickleKey: Int] = [:]

    func set(_ key: PickleValue, _ value: PickleValue) {
        if let hashable = PickleKey(key), let index = positions[hashable] {
            entries[index].value = value
            return
        }
        if let hashable = PickleKey(key) { positions[hashable] = entries.count }
        entries.append((key, value))
    }

    subscript(key: String) -> PickleValue? {
        positions[.string(key)].map { entries[$0].value }
    }
}

/// The dict keys that can be compared: strings and integers.
private enum PickleKey: Hashable {
    case string(String), int(Int)
    init?(_ value: PickleValue) {
        switch value {
        case let .string(text): self = .string(text)
        case let .int(number): self = .int(number)
        default: return nil
        }
    }
}
