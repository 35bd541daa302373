import Foundation

/// Python's arithmetic, comparison, indexing and slicing on values.
enum Operators {
    static func unary(_ op: String, _ value: Value) throws -> Value {
        if op != "not", case .object(let object) = value, let result = try object.unaryOperation(op) { return result }
        switch (op, value) {
        case ("not", _): return .bool(!value.isTruthy)
        case ("-", .int(let i)):
            guard i != .min else { throw ScriptError(.value, "integer overflow in -\(i)") }
            return .int(-i)
        case ("-", .float(let d)): return .float(-d)
        case ("-", .bool(let b)): return .int(b ? -1 : 0)
        case ("+", .int), ("+", .float): return value
        case ("+", .bool(let b)): return .int(b ? 1 : 0)
        default: throw ScriptError(.type, "bad operand type for unary \(op): '\(value.typeName)'")
        }
    }

    /// `lhs op rhs` when an operand is an object that handles it (the left one first, as Python asks
    /// `__add__` before `__radd__`); nil when neither does.
    static func objectBinary(_ op: String, _ lhs: Value, _ rhs: Value) throws -> Value? {
        if case .object(let object) = lhs, let result = try object.binaryOperation(op, rhs, reflected: false) { return result }
        if case .object(let object) = rhs, let result = try object.binaryOperation(op, lhs, reflected: true) { return result }
        return nil
    }

    static func binary(_ op: String, _ lhs: Value, _ rhs: Value) throws -> Value {
        if let result = try objectBinary(op, lhs, rhs) { return result }
        if let i = lhs.asInt, let j = rhs.asInt, let result = try integer(op, i, j) {
            return result
        }
        if let x = lhs.asDouble, let y = rhs.asDouble {
            return try floating(op, x, y)
        }
        switch (op, lhs, rhs) {
        case ("+", .string(let a), .string(let b)): return .string(a + b)
        case ("+", .list(let a), .list(let b)): return .list(a + b)
        case ("+", .tuple(let a), .tuple(let b)): return .tuple(a + b)
        case ("*", .string(let s), .int(let n)), ("*", .int(let n), .string(let s)):
            return .string(String(repeating: s, count: max(0, try repetition(n, s.count))))
        case ("*", .list(let items), .int(let n)), ("*", .int(let n), .list(let items)):
            return .list(Array(repeating: items, count: max(0, try repetition(n, items.count))).flatMap { $0 })
        case ("%", .string(let format), _):
            return .string(try TextFormatting.percentFormat(format, rhs))
        default:
            var message = "unsupported operand types for \(op): '\(lhs.typeName)' and '\(rhs.typeName)'"
            if op == "+", lhs.asString != nil || rhs.asString != nil {
                message += " (convert with str(...) first, e.g. 'acc: ' + str(acc))"
            }
            throw ScriptError(.type, message)
        }
    }

    private static func repetition(_ count: Int, _ size: Int) throws -> Int {
        if count > 0, size > 0, count.multipliedReportingOverflow(by: size).overflow || count * size > Interpreter.maximumSequenceLength {
            throw ScriptError(.limit, "repetition result is too large")
        }
        return count
    }

    private static func overflow(_ op: String, _ i: Int, _ j: Int) -> ScriptError {
        ScriptError(.value, "integer overflow in \(i) \(op) \(j) (tl integers are 64-bit; use floats for huge values)")
    }

    /// Integer arithmetic; nil when the result is a float (`/`, negative powers).
    private static func integer(_ op: String, _ i: Int, _ j: Int) throws -> Value? {
        func checked(_ result: (partialValue: Int, overflow: Bool)) throws -> Value {
            if result.overflow { throw overflow(op, i, j) }
            return .int(result.partialValue)
        }
        switch op {
        case "+": return try checked(i.addingReportingOverflow(j))
        case "-": return try checked(i.subtractingReportingOverflow(j))
        case "*": return try checked(i.multipliedReportingOverflow(by: j))
        case "//":
            guard j != 0 else { throw ScriptError(.zeroDivision, "integer division by zero") }
            if i == .min && j == -1 { throw overflow(op, i, j) }
            let quotient = i / j
            return .int((i % j != 0 && (i < 0) != (j < 0)) ? quotient - 1 : quotient)
        case "%":
            guard j != 0 else { throw ScriptError(.zeroDivision, "integer modulo by zero") }
            if j == -1 { return .int(0) }
            let remainder = i % j
            return .int(remainder != 0 && (remainder < 0) != (j < 0) ? remainder + j : remainder)
        case "**":
            guard j >= 0 else { return nil }
            var result = 1, base = i, exponent = j
            while exponent > 0 {
                if exponent & 1 == 1 {
                    let product = result.multipliedReportingOverflow(by: base)
                    if product.overflow { throw overflow(op, i, j) }
                    result = product.partialValue
                }
                exponent >>= 1
                if exponent > 0 {
                    let square = base.multipliedReportingOverflow(by: base)
                    if square.overflow { throw overflow(op, i, j) }
                    base = square.partialValue
                }
            }
            return .int(result)
        default:
            return nil
        }
    }

    private static func floating(_ op: String, _ x: Double, _ y: Double) throws -> Value {
        switch op {
        case "+": return .float(x + y)
        case "-": return .float(x - y)
        case "*": return .float(x * y)
        case "/":
            guard y != 0 else { throw ScriptError(.zeroDivision, "division by zero") }
            return .float(x / y)
        case "//":
            guard y != 0 else { throw ScriptError(.zeroDivision, "float floor division by zero") }
            return .float((x / y).rounded(.down))
        case "%":
            guard y != 0 else { throw ScriptError(.zeroDivision, "float modulo by zero") }
            let remainder = fmod(x, y)
            return .float(remainder != 0 && (remainder < 0) != (y < 0) ? remainder + y : remainder)
        case "**":
            if x == 0 && y < 0 { throw ScriptError(.zeroDivision, "0.0 cannot be raised to a negative power") }
            let result = pow(x, y)
            if result.isNaN && !x.isNaN && !y.isNaN { throw ScriptError(.value, "negative number cannot be raised to a fractional power") }
            return .float(result)
        default:
            throw ScriptError(.type, "unsupported operand types for \(op): numbers")
        }
    }

    // MARK: Comparisons

    static func compare(_ op: String, _ lhs: Value, _ rhs: Value) throws -> Bool {
        switch op {
        case "==": return lhs == rhs
        case "!=": return lhs != rhs
        case "is": return identical(lhs, rhs)
        case "is not": return !identical(lhs, rhs)
        case "in": return try contains(rhs, lhs)
        case "not in": return try !contains(rhs, lhs)
        default:
            let order = try ordering(lhs, rhs, op)
            switch op {
            case "<": return order < 0
            case "<=": return order <= 0
            case ">": return order > 0
            default: return order >= 0
            }
        }
    }

    private static func identical(_ lhs: Value, _ rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)): return a === b
        case (.none, .none): return true
        case (.bool(let a), .bool(let b)): return a == b
        default: return false
        }
    }

    static func contains(_ container: Value, _ item: Value) throws -> Bool {
        switch container {
        case .list(let items), .tuple(let items): return items.contains(item)
        case .dict(let dict): return item.asString.map { dict[$0] != nil } ?? false
        case .string(let s):
            guard let needle = item.asString else {
                throw ScriptError(.type, "'in <string>' requires a string on the left, got \(describeForError(item))")
            }
            return needle.isEmpty || s.contains(needle)
        case .object(let object):
            if let items = try object.elements() { return items.contains(item) }
            fallthrough
        default:
            throw ScriptError(.type, "argument of type '\(container.typeName)' is not a container")
        }
    }

    /// -1, 0, 1; numbers, strings and sequences (lexicographically) are ordered.
    static func ordering(_ lhs: Value, _ rhs: Value, _ op: String = "<") throws -> Int {
        if let i = lhs.asInt, let j = rhs.asInt { return i < j ? -1 : i > j ? 1 : 0 }
        if let x = lhs.asDouble, let y = rhs.asDouble { return x < y ? -1 : x > y ? 1 : 0 }
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return a < b ? -1 : a > b ? 1 : 0
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            for (x, y) in zip(a, b) {
                let order = try ordering(x, y, op)
                if order != 0 { return order }
            }
            return a.count < b.count ? -1 : a.count > b.count ? 1 : 0
        default:
            throw ScriptError(.type, "'\(op)' not supported between '\(lhs.typeName)' and '\(rhs.typeName)'")
        }
    }

    static func sorted(_ items: [Value]) throws -> [Value] {
        var failure: Error?
        let result = items.sorted { a, b in
            do { return try ordering(a, b) < 0 } catch { failure = error; return false }
        }
        if let failure { throw failure }
        return result
    }

    // MARK: Indexing and slicing

    static func makeSlice(_ start: Value?, _ stop: Value?, _ step: Value?) -> Value {
        .slice(start: start ?? .none, stop: stop ?? .none, step: step ?? .none)
    }

    private static func sliceParts(_ value: Value) -> (Value, Value, Value)? {
        guard case .slice(let start, let stop, let step) = value else { return nil }
        return (start, stop, step)
    }

    /// Python's slice indices for a sequence of `count` elements.
    static func sliceIndices(_ slice: (Value, Value, Value), count: Int) throws -> [Int] {
        func bound(_ value: Value, _ name: String) throws -> Int? {
            if value.isNone { return nil }
            guard let i = value.asInt else { throw ScriptError(.type, "slice \(name) must be an integer, got \(describeForError(value))") }
            return i
        }
        let step = try bound(slice.2, "step") ?? 1
        guard step != 0 else { throw ScriptError(.value, "slice step cannot be zero") }
        func clamp(_ i: Int?, _ defaultValue: Int) -> Int {
            guard var i else { return defaultValue }
            if i < 0 { i += count }
            return step > 0 ? min(max(i, 0), count) : min(max(i, -1), count - 1)
        }
        let start = clamp(try bound(slice.0, "start"), step > 0 ? 0 : count - 1)
        let stop = clamp(try bound(slice.1, "stop"), step > 0 ? count : -1)
        return Array(stride(from: start, to: stop, by: step))
    }

    static func normalizedIndex(_ index: Value, count: Int, container: String) throws -> Int {
        guard let i = index.asInt else {
            throw ScriptError(.type, "\(container) indices must be integers, got \(describeForError(index))")
        }
        let position = i < 0 ? i + count : i
        guard position >= 0 && position < count else {
            throw ScriptError(.index, "\(container) index \(i) out of range (length \(count))")
        }
        return position
    }

    static func item(of container: Value, at index: Value) throws -> Value {
        let slice = sliceParts(index)
        switch container {
        case .list(let items), .tuple(let items):
            let isList: Bool = { if case .list = container { return true }; return false }()
            if let slice {
                let picked = try sliceIndices(slice, count: items.count).map { items[$0] }
                return isList ? .list(picked) : .tuple(picked)
            }
            return items[try normalizedIndex(index, count: items.count, container: container.typeName)]
        case .string(let s):
            let characters = Array(s)
            if let slice { return .string(String(try sliceIndices(slice, count: characters.count).map { characters[$0] })) }
            return .string(String(characters[try normalizedIndex(index, count: characters.count, container: "string")]))
        case .dict(let dict):
            guard let key = index.asString else { throw ScriptError(.type, "dict keys are strings, got \(describeForError(index))") }
            guard let value = dict[key] else {
                let hint = Suggestions.hint(for: key, among: dict.keys)
                let known = dict.keys.prefix(10).map { quoteString($0) }.joined(separator: ", ")
                throw ScriptError(.key, "key '\(key)' not found\(hint.isEmpty ? "" : hint) (keys: \(known.isEmpty ? "none" : known))")
            }
            return value
        case .object(let object):
            guard let value = try object.element(at: index) else {
                if slice != nil { throw ScriptError(.type, "'\(object.typeName)' object does not support slicing") }
                throw ScriptError(.type, "'\(object.typeName)' object is not subscriptable")
            }
            return value
        default:
            throw ScriptError(.type, "'\(container.typeName)' object is not subscriptable")
        }
    }

    /// The container with one item replaced (lists by index, dicts by key).
    static func settingItem(of container: Value, at index: Value, to value: Value) throws -> Value {
        switch container {
        case .list(var items):
            if sliceParts(index) != nil { throw ScriptError(.type, "slice assignment is not supported") }
            items[try normalizedIndex(index, count: items.count, container: "list")] = value
            return .list(items)
        case .dict(var dict):
            guard let key = index.asString else { throw ScriptError(.type, "dict keys must be strings, got \(describeForError(index))") }
            dict[key] = value
            return .dict(dict)
        case .object(let object):
            guard try object.setElement(at: index, to: value) else {
                throw ScriptError(.type, "'\(object.typeName)' object does not support item assignment")
            }
            return container
        default:
            throw ScriptError(.type, "'\(container.typeName)' object does not support item assignment")
        }
    }
}
