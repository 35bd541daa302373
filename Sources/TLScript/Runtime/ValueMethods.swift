import Foundation

/// The Python methods of lists, dicts and strings. Lists and dicts are shared, so mutating methods
/// change them in place and every name bound to them sees the change.
enum ValueMethods {
    static let listMethods = ["append", "extend", "insert", "pop", "remove", "index", "count", "clear", "reverse", "sort", "copy"]
    static let dictMethods = ["keys", "values", "items", "get", "update", "pop", "popitem", "setdefault", "copy", "clear"]
    static let stringMethods = ["upper", "lower", "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "join",
                                "startswith", "endswith", "replace", "format", "find", "rfind", "index", "count", "title",
                                "capitalize", "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "zfill",
                                "center", "ljust", "rjust", "partition", "rpartition", "casefold", "swapcase", "isnumeric",
                                "isdecimal", "removeprefix", "removesuffix"]

    static func names(for value: Value) -> [String] {
        switch value {
        case .list: return listMethods
        case .tuple: return ["index", "count"]
        case .dict: return dictMethods
        case .string: return stringMethods
        default: return []
        }
    }

    static func handles(_ name: String, on value: Value) -> Bool { names(for: value).contains(name) }

    /// `xs.append` as a value, callable later.
    static func boundMethod(_ name: String, on receiver: Value) -> CommandSpec {
        CommandSpec(name: "\(receiver.typeName).\(name)", acceptsExtraPositional: true, acceptsExtraKeywords: true) { args, interpreter in
            let passed = args.extraPositional.map { PassedArgument(value: $0) }
                + args.extraKeywords.map { PassedArgument(keyword: $0.name, value: $0.value) }
            return try call(name, on: receiver, passed, interpreter: interpreter)
        }
    }

    /// The arguments of one method call, with Python's arity messages.
    struct MethodArguments {
        let method: String
        let positional: [Value]
        let keywords: [String: Value]

        func expect(_ range: ClosedRange<Int>, keywords allowed: Set<String> = []) throws {
            if let unexpected = keywords.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw ScriptError(.type, "\(method)() takes no keyword argument '\(unexpected)'")
            }
            guard range.contains(positional.count) else {
                if range.lowerBound == range.upperBound {
                    let count = range.lowerBound
                    throw ScriptError(.type, count == 0 ? "\(method)() takes no arguments (\(positional.count) given)"
                                      : "\(method)() takes exactly \(count == 1 ? "one argument" : "\(count) arguments") (\(positional.count) given)")
                }
                throw ScriptError(.type, "\(method)() expected at most \(range.upperBound) arguments, got \(positional.count)")
            }
        }

        subscript(index: Int) -> Value { positional[index] }
        var count: Int { positional.count }

        func string(_ index: Int) throws -> String {
            guard let text = positional[index].asString else {
                throw ScriptError(.type, "\(method)() argument must be str, not \(positional[index].typeName)")
            }
            return text
        }

        func optionalInt(_ index: Int) throws -> Int? {
            guard index < positional.count, !positional[index].isNone else { return nil }
            guard let i = try positional[index].scalarOrSelf().asInt else {
                throw ScriptError(.type, "'\(positional[index].typeName)' object cannot be interpreted as an integer")
            }
            return i
        }
    }

    static func call(_ name: String, on receiver: Value, _ arguments: [PassedArgument], interpreter: Interpreter) throws -> Value {
        var keywords: [String: Value] = [:]
        for argument in arguments { if let keyword = argument.keyword { keywords[keyword] = argument.value } }
        let args = MethodArguments(method: "\(receiver.typeName).\(name)", positional: arguments.filter { $0.keyword == nil }.map(\.value),
                                   keywords: keywords)
        switch receiver {
        case .list(let list):
            return try listMethod(name, list, args, interpreter)
        case .tuple(let items):
            return try sequenceMethod(name, items, args)
        case .dict(let dict):
            return try dictMethod(name, dict, args, interpreter)
        case .string(let s):
            if name == "format" {
                return .string(try TextFormatting.format(s, args.positional, keywords: try ValueDictionary(pairs: keywords.map { (.string($0.key), $0.value) }),
                                                         attribute: { try interpreter.attribute($1, of: $0) }))
            }
            return try stringMethod(name, s, args)
        default:
            throw ScriptError(.attribute, "'\(receiver.typeName)' object has no attribute '\(name)'")
        }
    }

    private static func listMethod(_ name: String, _ list: ValueList, _ args: MethodArguments, _ interpreter: Interpreter) throws -> Value {
        switch name {
        case "append": try args.expect(1...1); list.items.append(args[0])
        case "extend": try args.expect(1...1); list.items += try interpreter.iterate(args[0])
        case "insert":
            try args.expect(2...2)
            let i = try args.optionalInt(0) ?? 0
            let position = i < 0 ? max(0, list.count + i) : min(i, list.count)
            list.items.insert(args[1], at: position)
        case "pop":
            try args.expect(0...1)
            guard !list.isEmpty else { throw ScriptError(.index, "pop from empty list") }
            let i = try Operators.normalizedIndex(args.count > 0 ? args[0] : .int(-1), count: list.count, container: "pop")
            return list.items.remove(at: i)
        case "remove":
            try args.expect(1...1)
            guard let i = try list.items.firstIndex(where: { try Operators.equal($0, args[0]) }) else {
                throw ScriptError(.value, "list.remove(x): x not in list")
            }
            list.items.remove(at: i)
        case "clear": try args.expect(0...0); list.items = []
        case "reverse": try args.expect(0...0); list.items.reverse()
        case "sort":
            try args.expect(0...0, keywords: ["key", "reverse"])
            list.items = try Operators.sorted(list.items, key: interpreter.keyFunction(args.keywords["key"] ?? .none),
                                              reverse: try interpreter.truth(args.keywords["reverse"] ?? .bool(false)))
        case "copy": try args.expect(0...0); return .list(list.items)
        default: return try sequenceMethod(name, list.items, args)
        }
        return .none
    }

    private static func sequenceMethod(_ name: String, _ items: [Value], _ args: MethodArguments) throws -> Value {
        if name == "count" {
            try args.expect(1...1)
            return .int(try items.filter { try Operators.equal($0, args[0]) }.count)
        }
        try args.expect(1...3)
        let bounds = try Operators.sliceBounds((args.count > 1 ? args[1] : .none, args.count > 2 ? args[2] : .none, .none), count: items.count)
        for position in bounds.start..<(bounds.start + bounds.count) where try Operators.equal(items[position], args[0]) {
            return .int(position)
        }
        throw ScriptError(.value, "\(args[0].repr) is not in list")
    }

    private static func dictMethod(_ name: String, _ dict: ValueDictionary, _ args: MethodArguments, _ interpreter: Interpreter) throws -> Value {
        switch name {
        case "keys": try args.expect(0...0); return .object(DictView(kind: "keys", items: dict.keys))
        case "values": try args.expect(0...0); return .object(DictView(kind: "values", items: dict.values))
        case "items": try args.expect(0...0); return .object(DictView(kind: "items", items: dict.entries.map { .tuple([$0.key, $0.value]) }))
        case "get":
            try args.expect(1...2)
            return try dict.value(for: args[0]) ?? (args.count > 1 ? args[1] : .none)
        case "setdefault":
            try args.expect(1...2)
            if let existing = try dict.value(for: args[0]) { return existing }
            let value = args.count > 1 ? args[1] : .none
            try dict.set(args[0], value)
            return value
        case "update":
            try args.expect(0...1, keywords: Set(args.keywords.keys))
            if args.count == 1 { try update(dict, from: args[0], interpreter) }
            for (key, value) in args.keywords.sorted(by: { $0.key < $1.key }) { dict[key] = value }
            return .none
        case "pop":
            try args.expect(1...2)
            if let value = try dict.remove(args[0]) { return value }
            if args.count > 1 { return args[1] }
            throw Operators.missingKey(args[0], in: dict)
        case "popitem":
            try args.expect(0...0)
            guard let last = dict.keys.last else { throw ScriptError(.key, "'popitem(): dictionary is empty'") }
            let value = try dict.remove(last) ?? .none
            return .tuple([last, value])
        case "copy": try args.expect(0...0); return .dict(dict.copy())
        default: try args.expect(0...0); dict.removeAll(); return .none
        }
    }

    /// `d.update(other)` / `dict(other)`: another dict, or an iterable of key-value pairs.
    static func update(_ dict: ValueDictionary, from source: Value, _ interpreter: Interpreter) throws {
        if case .dict(let other) = source {
            for (key, value) in other.entries { try dict.set(key, value) }
            return
        }
        for (index, pair) in try interpreter.iterate(source).enumerated() {
            let items = try interpreter.iterate(pair)
            guard items.count == 2 else {
                throw ScriptError(.value, "dictionary update sequence element #\(index) has length \(items.count); 2 is required")
            }
            try dict.set(items[0], items[1])
        }
    }
}
