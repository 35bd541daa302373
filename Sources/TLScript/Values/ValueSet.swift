/// Python's set: unordered in Python, kept in insertion order here; elements must be hashable.
final class ValueSet: HostObject {
    private(set) var members: [HashKey] = []
    private var lookup: Set<HashKey> = []

    init(_ values: [Value] = []) throws {
        for value in values { try insert(value) }
    }

    var typeName: String { "set" }
    var summaryDescription: String {
        members.isEmpty ? "set()" : "{" + values.map(\.repr).joined(separator: ", ") + "}"
    }
    var count: Int? { members.count }
    /// The members in the order Python shows them as far as it is predictable: small non-negative ints
    /// hash to themselves, so CPython lists them ascending; anything else in insertion order (CPython's
    /// order for strings changes from run to run).
    var values: [Value] {
        let items = members.map(\.value)
        let smallInts = items.compactMap { value -> Int? in
            if case .int(let i) = value, (0..<(1 << 31)).contains(i) { return i }
            return nil
        }
        return smallInts.count == items.count ? smallInts.sorted().map { .int($0) } : items
    }
    func elements() throws -> [Value]? { values }
    func containsElement(_ item: Value) throws -> Bool? { lookup.contains(try HashKey(item)) }

    func insert(_ value: Value) throws {
        let key = try HashKey(value)
        if lookup.insert(key).inserted { members.append(key) }
    }

    @discardableResult
    func remove(_ value: Value) throws -> Bool {
        let key = try HashKey(value)
        guard lookup.remove(key) != nil else { return false }
        members.removeAll { $0 == key }
        return true
    }

    func contains(_ value: Value) -> Bool { (try? HashKey(value)).map { lookup.contains($0) } ?? false }

    var attributeNames: [String] { Array(ValueSet.methods.keys).sorted() }

    private typealias Method = (ValueSet, [Value]) throws -> Value
    private static let methods: [String: Method] = [
        "add": { set, args in try set.insert(try one(args, "add")); return .none },
        "remove": { set, args in
            let item = try one(args, "remove")
            guard try set.remove(item) else { throw ScriptError(.key, item.repr) }
            return .none
        },
        "discard": { set, args in try set.remove(try one(args, "discard")); return .none },
        "pop": { set, _ in
            guard let first = set.values.first else { throw ScriptError(.key, "'pop from an empty set'") }
            try set.remove(first)
            return first
        },
        "clear": { set, _ in set.members = []; set.lookup = []; return .none },
        "copy": { set, _ in .object(try ValueSet(set.values)) },
        "update": { set, args in for other in args { for item in try members(of: other) { try set.insert(item) } }; return .none },
        "union": { set, args in try set.combined("|", args) },
        "intersection": { set, args in try set.combined("&", args) },
        "difference": { set, args in try set.combined("-", args) },
        "symmetric_difference": { set, args in try set.combined("^", args) },
        "issubset": { set, args in .bool(try set.isSubset(of: try ValueSet(try members(of: try one(args, "issubset"))))) },
        "issuperset": { set, args in .bool(try ValueSet(try members(of: try one(args, "issuperset"))).isSubset(of: set)) },
    ]

    func attribute(_ name: String) throws -> Value? {
        guard let method = ValueSet.methods[name] else { return nil }
        return .command(CommandSpec(name: "set.\(name)", acceptsExtraPositional: true) { args, _ in
            try method(self, args.extraPositional)
        })
    }

    private static func one(_ args: [Value], _ name: String) throws -> Value {
        guard args.count == 1 else { throw ScriptError(.type, "set.\(name)() takes exactly one argument (\(args.count) given)") }
        return args[0]
    }

    /// The items of a set, list, tuple, dict (keys) or string, for the set methods that take any iterable.
    private static func members(of value: Value) throws -> [Value] {
        if case .object(let object as ValueSet) = value { return object.values }
        if let items = value.asSequence { return items }
        if case .dict(let dict) = value { return dict.keys }
        if case .string(let text) = value { return text.map { .string(String($0)) } }
        throw ScriptError(.type, "'\(value.typeName)' object is not iterable")
    }

    private func combined(_ op: String, _ others: [Value]) throws -> Value {
        var result = try ValueSet(values)
        for other in others { result = try result.applying(op, try ValueSet(try ValueSet.members(of: other))) }
        return .object(result)
    }

    private func applying(_ op: String, _ other: ValueSet) throws -> ValueSet {
        switch op {
        case "|": return try ValueSet(values + other.values)
        case "&": return try ValueSet(values.filter { other.contains($0) })
        case "-": return try ValueSet(values.filter { !other.contains($0) })
        default: return try ValueSet(values.filter { !other.contains($0) } + other.values.filter { !contains($0) })
        }
    }

    private func isSubset(of other: ValueSet) throws -> Bool { members.allSatisfy { other.lookup.contains($0) } }

    func binaryOperation(_ op: String, _ other: Value, reflected: Bool) throws -> Value? {
        guard case .object(let object as ValueSet) = other else {
            if op == "==" { return .bool(false) }
            if op == "!=" { return .bool(true) }
            return nil
        }
        let (left, right) = reflected ? (object, self) : (self, object)
        switch op {
        case "|", "&", "-", "^": return .object(try left.applying(op, right))
        case "==": return .bool(left.lookup == right.lookup)
        case "!=": return .bool(left.lookup != right.lookup)
        case "<=": return .bool(try left.isSubset(of: right))
        case "<": return .bool(try left.isSubset(of: right) && left.members.count < right.members.count)
        case ">=": return .bool(try right.isSubset(of: left))
        case ">": return .bool(try right.isSubset(of: left) && left.members.count > right.members.count)
        default: return nil
        }
    }

    func inPlaceOperation(_ op: String, _ other: Value) throws -> Bool {
        guard ["|", "&", "-", "^"].contains(op), case .object(let object as ValueSet) = other else { return false }
        let result = try applying(op, object)
        members = result.members
        lookup = result.lookup
        return true
    }
}
