/// One parameter of a command: its name, whether it is required, its default and the kind of value
/// it takes (checked before the command runs, so messages name the argument).
public struct ParameterSpec {
    /// The kind of value a parameter accepts.
    public enum Kind: String {
        case any, number, int, bool, string, list, object
    }

    public var name: String
    /// The value used when the argument is omitted; nil for a required parameter.
    public var defaultValue: Value?
    public var kind: Kind
    /// When true, None is accepted whatever `kind` says.
    public var allowsNone: Bool
    /// Only passable by name (like Python's parameters after `*`), e.g. print's `sep`.
    public var isKeywordOnly = false

    /// A required parameter.
    public init(_ name: String, kind: Kind = .any) {
        self.name = name
        self.defaultValue = nil
        self.kind = kind
        self.allowsNone = false
    }

    /// An optional parameter with a default (None defaults also accept None when passed explicitly).
    public init(_ name: String, default defaultValue: Value, kind: Kind = .any, keywordOnly: Bool = false) {
        self.name = name
        self.defaultValue = defaultValue
        self.kind = kind
        self.allowsNone = defaultValue.isNone
        self.isKeywordOnly = keywordOnly
    }

    public var isRequired: Bool { defaultValue == nil }

    /// How the parameter reads in a signature: `epochs=1`, `x`.
    public var signature: String {
        guard let defaultValue else { return name }
        return "\(name)=\(defaultValue.repr)"
    }

    /// Whether `value` is of this parameter's kind.
    func accepts(_ value: Value) -> Bool {
        if allowsNone && value.isNone { return true }
        switch kind {
        case .any: return true
        case .number: return value.asDouble != nil
        case .int: return value.asInt != nil
        case .bool: if case .bool = value { return true }; return value.asInt != nil
        case .string: return value.asString != nil
        case .list: return value.asSequence != nil
        case .object: return value.asObject != nil
        }
    }

    /// The kind in words, for "must be a number" messages.
    var kindDescription: String {
        switch kind {
        case .any: return "a value"
        case .number: return "a number"
        case .int: return "an integer"
        case .bool: return "True or False"
        case .string: return "a string"
        case .list: return "a list"
        case .object: return "an object"
        }
    }
}

/// Describes a value in an error message: `string "3"`, `int 3`, `list of 2 items`.
func describeForError(_ value: Value) -> String {
    switch value {
    case .string(let s):
        let shown = s.count > 40 ? String(s.prefix(40)) + "..." : s
        return "string \"\(shown)\""
    case .int(let i): return "int \(i)"
    case .float(let d): return "float \(formatFloat(d))"
    case .bool(let b): return "bool \(b ? "True" : "False")"
    case .none: return "None"
    case .list(let items): return "list of \(items.count) item\(items.count == 1 ? "" : "s")"
    case .tuple(let items): return "tuple of \(items.count) item\(items.count == 1 ? "" : "s")"
    case .dict(let d): return "dict of \(d.count) item\(d.count == 1 ? "" : "s")"
    case .command(let spec): return "function \(spec.name)"
    case .object(let object): return "\(object.typeName) object"
    case .slice: return "slice"
    case .ellipsis: return "Ellipsis"
    }
}
