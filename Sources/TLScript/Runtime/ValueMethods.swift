import Foundation

/// The Python methods of lists, dicts and strings that scripts commonly use. Mutating methods return
/// the updated container so the interpreter can store it back (values are copied, not shared).
enum ValueMethods {
    private static let listMethods = ["append", "extend", "insert", "pop", "remove", "index", "count", "clear",
                                      "reverse", "sort", "copy"]
    private static let dictMethods = ["keys", "values", "items", "get", "update", "pop", "copy", "clear"]
    private static let stringMethods = ["upper", "lower", "strip", "lstrip", "rstrip", "split", "join", "startswith",
                                        "endswith", "replace", "format", "find", "count"]

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

    static func call(_ name: String, on receiver: Value, _ arguments: [PassedArgument]) throws -> (Value, Value?) {
        if let keyword = arguments.first(where: { $0.keyword != nil }) {
            throw ScriptError(.argument, "\(receiver.typeName).\(name)() takes no keyword arguments (got '\(keyword.keyword!)')",
                              at: keyword.location)
        }
        let args = arguments.map(\.value)
        func expectCount(_ range: ClosedRange<Int>) throws {
            guard range.contains(args.count) else {
                let expected = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
                throw ScriptError(.argument, "\(receiver.typeName).\(name)() takes \(expected) argument\(range.upperBound == 1 ? "" : "s"), got \(args.count)")
            }
        }
        switch receiver {
        case .list(var items):
            switch name {
            case "append": try expectCount(1...1); items.append(args[0]); return (.none, .list(items))
            case "extend": try expectCount(1...1); items += try iterateSimple(args[0]); return (.none, .list(items))
            case "insert":
                try expectCount(2...2)
                guard let i = args[0].asInt else { throw ScriptError(.type, "list.insert() index must be an integer") }
                let position = i < 0 ? max(0, items.count + i) : min(i, items.count)
                items.insert(args[1], at: position)
                return (.none, .list(items))
            case "pop":
                try expectCount(0...1)
                guard !items.isEmpty else { throw ScriptError(.index, "pop from an empty list") }
                let i = try Operators.normalizedIndex(args.first ?? .int(-1), count: items.count, container: "list")
                let removed = items.remove(at: i)
                return (removed, .list(items))
            case "remove":
                try expectCount(1...1)
                guard let i = items.firstIndex(of: args[0]) else { throw ScriptError(.value, "list.remove(x): \(args[0].repr) is not in the list") }
                items.remove(at: i)
                return (.none, .list(items))
            case "clear": try expectCount(0...0); return (.none, .list([]))
            case "reverse": try expectCount(0...0); return (.none, .list(items.reversed()))
            case "sort": try expectCount(0...0); return (.none, .list(try Operators.sorted(items)))
            case "copy": try expectCount(0...0); return (.list(items), nil)
            default: return try sequenceMethod(name, items, args, expectCount)
            }
        case .tuple(let items):
            return try sequenceMethod(name, items, args, expectCount)
        case .dict(var dict):
            switch name {
            case "keys": try expectCount(0...0); return (.list(dict.keys.map { .string($0) }), nil)
            case "values": try expectCount(0...0); return (.list(dict.values), nil)
            case "items": try expectCount(0...0); return (.list(dict.entries.map { .tuple([.string($0.key), $0.value]) }), nil)
            case "get":
                try expectCount(1...2)
                return (args[0].asString.flatMap { dict[$0] } ?? (args.count > 1 ? args[1] : .none), nil)
            case "update":
                try expectCount(1...1)
                guard case .dict(let other) = args[0] else { throw ScriptError(.type, "dict.update() needs a dict") }
                for (key, value) in other.entries { dict[key] = value }
                return (.none, .dict(dict))
            case "pop":
                try expectCount(1...2)
                let key = args[0].asString ?? ""
                guard let value = dict[key] else {
                    if args.count > 1 { return (args[1], nil) }
                    throw ScriptError(.key, "key \(args[0].repr) not found in dict")
                }
                dict[key] = nil
                return (value, .dict(dict))
            case "copy": try expectCount(0...0); return (.dict(dict), nil)
            default: try expectCount(0...0); return (.none, .dict(ValueDictionary()))
            }
        case .string(let s):
            return (try stringMethod(name, s, args, expectCount), nil)
        default:
            throw ScriptError(.attribute, "'\(receiver.typeName)' object has no method '\(name)'")
        }
    }

    private static func sequenceMethod(_ name: String, _ items: [Value], _ args: [Value],
                                       _ expectCount: (ClosedRange<Int>) throws -> Void) throws -> (Value, Value?) {
        try expectCount(1...1)
        if name == "count" { return (.int(items.filter { $0 == args[0] }.count), nil) }
        guard let i = items.firstIndex(of: args[0]) else { throw ScriptError(.value, "\(args[0].repr) is not in the list") }
        return (.int(i), nil)
    }

    private static func stringMethod(_ name: String, _ s: String, _ args: [Value],
                                     _ expectCount: (ClosedRange<Int>) throws -> Void) throws -> Value {
        func string(_ i: Int) throws -> String {
            guard let text = args[i].asString else {
                throw ScriptError(.type, "str.\(name)() argument must be a string, got \(describeForError(args[i]))")
            }
            return text
        }
        let whitespace: (Character) -> Bool = { $0.isWhitespace }
        switch name {
        case "upper": try expectCount(0...0); return .string(s.uppercased())
        case "lower": try expectCount(0...0); return .string(s.lowercased())
        case "strip": try expectCount(0...0); return .string(String(s.drop(while: whitespace).reversed().drop(while: whitespace).reversed()))
        case "lstrip": try expectCount(0...0); return .string(String(s.drop(while: whitespace)))
        case "rstrip": try expectCount(0...0); return .string(String(String(s.reversed()).drop(while: whitespace).reversed()))
        case "split":
            try expectCount(0...1)
            if args.isEmpty || args[0].isNone { return .list(s.split(whereSeparator: whitespace).map { .string(String($0)) }) }
            let separator = try string(0)
            guard !separator.isEmpty else { throw ScriptError(.value, "empty separator") }
            return .list(s.components(separatedBy: separator).map { .string($0) })
        case "join":
            try expectCount(1...1)
            let items = try iterateSimple(args[0])
            let strings = try items.map { item -> String in
                guard let text = item.asString else { throw ScriptError(.type, "str.join() expects strings, got \(describeForError(item))") }
                return text
            }
            return .string(strings.joined(separator: s))
        case "startswith": try expectCount(1...1); return .bool(s.hasPrefix(try string(0)))
        case "endswith": try expectCount(1...1); return .bool(s.hasSuffix(try string(0)))
        case "replace": try expectCount(2...2); return .string(s.replacingOccurrences(of: try string(0), with: try string(1)))
        case "find":
            try expectCount(1...1)
            guard let range = s.range(of: try string(0)) else { return .int(-1) }
            return .int(s.distance(from: s.startIndex, to: range.lowerBound))
        case "count": try expectCount(1...1); return .int(s.components(separatedBy: try string(0)).count - 1)
        default: return .string(try TextFormatting.format(s, args))
        }
    }

    private static func iterateSimple(_ value: Value) throws -> [Value] {
        switch value {
        case .list(let items), .tuple(let items): return items
        case .string(let s): return s.map { .string(String($0)) }
        case .dict(let d): return d.keys.map { .string($0) }
        case .object(let o): if let items = try o.elements() { return items }
        default: break
        }
        throw ScriptError(.type, "'\(value.typeName)' object is not iterable")
    }
}
