/// The arguments of one call, bound to the command's parameters (defaults filled in), with typed
/// accessors whose errors name the argument and the command.
public struct CallArguments {
    /// The command being called, for messages.
    public let commandName: String
    /// Every declared parameter's value (given or default).
    public var values: [String: Value]
    /// Names the caller actually passed.
    public var provided: Set<String>
    /// Positional arguments beyond the declared parameters (only when the command accepts them).
    public var extraPositional: [Value]
    /// Keyword arguments not declared (only when the command accepts them), in call order.
    public var extraKeywords: [(name: String, value: Value)]

    public init(commandName: String, values: [String: Value] = [:], provided: Set<String> = [],
                extraPositional: [Value] = [], extraKeywords: [(name: String, value: Value)] = []) {
        self.commandName = commandName
        self.values = values
        self.provided = provided
        self.extraPositional = extraPositional
        self.extraKeywords = extraKeywords
    }

    /// The value of a parameter; None for unknown names.
    public subscript(name: String) -> Value { values[name] ?? .none }

    /// Whether the caller passed `name` explicitly.
    public func isProvided(_ name: String) -> Bool { provided.contains(name) }

    /// An error naming the argument: `argument 'epochs' of fit() must be a number, got string "3"`.
    public func typeError(_ name: String, expected: String) -> ScriptError {
        ScriptError(.type, "argument '\(name)' of \(commandName)() must be \(expected), got \(describeForError(self[name]))")
    }

    public func value(_ name: String) -> Value { self[name] }

    public func int(_ name: String) throws -> Int {
        let value = self[name]
        if let i = value.asInt { return i }
        if case .float(let d) = value, d == d.rounded(), abs(d) < 1e15 { return Int(d) }
        throw typeError(name, expected: "an integer")
    }

    public func double(_ name: String) throws -> Double {
        guard let d = self[name].asDouble else { throw typeError(name, expected: "a number") }
        return d
    }

    public func bool(_ name: String) throws -> Bool {
        switch self[name] {
        case .bool(let b): return b
        case .int(let i) where i == 0 || i == 1: return i == 1
        default: throw typeError(name, expected: "True or False")
        }
    }

    public func string(_ name: String) throws -> String {
        guard let s = self[name].asString else { throw typeError(name, expected: "a string") }
        return s
    }

    /// A list or tuple.
    public func list(_ name: String) throws -> [Value] {
        guard let items = self[name].asSequence else { throw typeError(name, expected: "a list") }
        return items
    }

    /// A list or tuple of numbers.
    public func doubles(_ name: String) throws -> [Double] {
        let items = try list(name)
        let numbers = items.compactMap(\.asDouble)
        guard numbers.count == items.count else { throw typeError(name, expected: "a list of numbers") }
        return numbers
    }

    /// A list or tuple of integers (a single integer is accepted as a one-element list).
    public func ints(_ name: String) throws -> [Int] {
        if let single = self[name].asInt { return [single] }
        let items = try list(name)
        let numbers = items.compactMap(\.asInt)
        guard numbers.count == items.count else { throw typeError(name, expected: "a list of integers") }
        return numbers
    }

    /// A string or a list of strings (`metrics=['acc']` or `metrics='acc'`).
    public func strings(_ name: String) throws -> [String] {
        if let single = self[name].asString { return [single] }
        let items = try list(name)
        let strings = items.compactMap(\.asString)
        guard strings.count == items.count else { throw typeError(name, expected: "a list of strings") }
        return strings
    }

    /// A host object of a given Swift type, e.g. `try arguments.object("model", as: ModelObject.self)`.
    public func object<T>(_ name: String, as type: T.Type, described: String? = nil) throws -> T {
        if case .object(let object) = self[name], let typed = object as? T { return typed }
        throw typeError(name, expected: described ?? "a \(T.self)")
    }

    /// nil when the argument is None (or was omitted with a None default).
    public func optional<T>(_ name: String, _ accessor: (CallArguments) -> (String) throws -> T) throws -> T? {
        if self[name].isNone { return nil }
        return try accessor(self)(name)
    }
}
