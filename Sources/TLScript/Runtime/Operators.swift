import Foundation

/// Python's arithmetic and comparisons on values. Integers are 64-bit: a result that does not fit is
/// Python's OverflowError rather than a wrong number.
enum Operators {
    static func unary(_ op: String, _ value: Value) throws -> Value {
        if case .object(let object) = value {
            if let result = try object.unaryOperation(op) { return result }
            if let scalar = try object.scalarValue() { return try unary(op, scalar) }
        }
        switch (op, value) {
        case ("-", .int(let i)):
            guard i != .min else { throw overflow("-", i, nil) }
            return .int(-i)
        case ("-", .float(let d)): return .float(-d)
        case ("-", .bool(let b)): return .int(b ? -1 : 0)
        case ("+", .int), ("+", .float): return value
        case ("+", .bool(let b)): return .int(b ? 1 : 0)
        case ("~", .int(let i)): return .int(~i)
        case ("~", .bool(let b)): return .int(b ? -2 : -1)
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
        // Objects standing for a number (NumPy scalars) take part as that number.
        if case .object = lhs, let scalar = try lhs.asObject?.scalarValue() { return try binary(op, scalar, rhs) }
        if case .object = rhs, let scalar = try rhs.asObject?.scalarValue() { return try binary(op, lhs, scalar) }
        if case .bool(let a) = lhs, case .bool(let b) = rhs, ["&", "|", "^"].contains(op) {
            return .bool(op == "&" ? a && b : op == "|" ? a || b : a != b)
        }
        if let i = lhs.asInt, let j = rhs.asInt, let result = try integer(op, i, j) {
            return result
        }
        if let x = lhs.asDouble, let y = rhs.asDouble {
            if op == "/", y == 0, lhs.asInt != nil, rhs.asInt != nil { throw ScriptError(.zeroDivision, "division by zero") }
            return try floating(op, x, y)
        }
        if let result = try sequenceBinary(op, lhs, rhs) { return result }
        var pythonMessage = "unsupported operand type(s) for \(op): '\(lhs.typeName)' and '\(rhs.typeName)'"
        switch (op, lhs, rhs) {
        case ("+", .string, _), ("+", .list, _), ("+", .tuple, _):
            pythonMessage = "can only concatenate \(lhs.typeName) (not \"\(rhs.typeName)\") to \(lhs.typeName)"
        case ("*", .string, _), ("*", .list, _), ("*", .tuple, _):
            pythonMessage = "can't multiply sequence by non-int of type '\(rhs.typeName)'"
        case ("*", _, .string), ("*", _, .list), ("*", _, .tuple):
            pythonMessage = "can't multiply sequence by non-int of type '\(lhs.typeName)'"
        default: break
        }
        var error = ScriptError(.type, pythonMessage)
        if op == "+", lhs.asString != nil || rhs.asString != nil {
            error.message += " (convert with str(...) first, e.g. 'acc: ' + str(acc))"
            error.pythonMessage = pythonMessage
        }
        throw error
    }

    /// Concatenation, repetition and `%` formatting of strings, lists and tuples.
    private static func sequenceBinary(_ op: String, _ lhs: Value, _ rhs: Value) throws -> Value? {
        switch (op, lhs, rhs) {
        case ("+", .string(let a), .string(let b)): return .string(a + b)
        case ("+", .list(let a), .list(let b)): return .list(a.items + b.items)
        case ("+", .tuple(let a), .tuple(let b)): return .tuple(a + b)
        case ("*", .string(let s), _) where rhs.asInt != nil, ("*", _, .string(let s)) where lhs.asInt != nil:
            let n = try repetition(lhs.asInt ?? rhs.asInt!, s.count)
            return .string(String(repeating: s, count: n))
        case ("*", .list(let items), _) where rhs.asInt != nil, ("*", _, .list(let items)) where lhs.asInt != nil:
            let n = try repetition(lhs.asInt ?? rhs.asInt!, items.count)
            return .list(Array([[Value]](repeating: items.items, count: n).joined()))
        case ("*", .tuple(let items), _) where rhs.asInt != nil, ("*", _, .tuple(let items)) where lhs.asInt != nil:
            let n = try repetition(lhs.asInt ?? rhs.asInt!, items.count)
            return .tuple(Array([[Value]](repeating: items, count: n).joined()))
        case ("%", .string(let format), _):
            return .string(try TextFormatting.percentFormat(format, rhs))
        default:
            return nil
        }
    }

    /// The repeat count for `seq * n`, refusing results too large to hold (Python's MemoryError).
    private static func repetition(_ count: Int, _ size: Int) throws -> Int {
        guard count > 0, size > 0 else { return 0 }
        let total = count.multipliedReportingOverflow(by: size)
        if total.overflow || total.partialValue > Interpreter.maximumSequenceLength {
            throw ScriptError(.memory, "repetition result is too large (more than \(Interpreter.maximumSequenceLength) items)")
        }
        return count
    }

    private static func overflow(_ op: String, _ i: Int, _ j: Int?) -> ScriptError {
        let expression = j.map { "\(i) \(op) \($0)" } ?? "\(op)\(i)"
        return ScriptError(.overflow, "integer overflow in \(expression) (tl integers are 64-bit; use floats for huge values)")
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
            guard j != 0 else { throw ScriptError(.zeroDivision, "integer division or modulo by zero") }
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
            return try checked(power(i, j))
        case "&": return .int(i & j)
        case "|": return .int(i | j)
        case "^": return .int(i ^ j)
        case "<<", ">>":
            guard j >= 0 else { throw ScriptError(.value, "negative shift count") }
            if op == ">>" { return .int(j >= 64 ? (i < 0 ? -1 : 0) : i >> j) }
            guard i == 0 || (j < 64 && (i << j) >> j == i) else { throw overflow(op, i, j) }
            return .int(i << j)
        default:
            return nil
        }
    }

    /// `base ** exponent` by squaring, reporting overflow.
    private static func power(_ base: Int, _ exponent: Int) -> (partialValue: Int, overflow: Bool) {
        var result = 1, factor = base, remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 {
                let product = result.multipliedReportingOverflow(by: factor)
                if product.overflow { return (0, true) }
                result = product.partialValue
            }
            remaining >>= 1
            if remaining > 0 {
                let square = factor.multipliedReportingOverflow(by: factor)
                if square.overflow { return (0, true) }
                factor = square.partialValue
            }
        }
        return (result, false)
    }

    private static func floating(_ op: String, _ x: Double, _ y: Double) throws -> Value {
        switch op {
        case "+": return .float(x + y)
        case "-": return .float(x - y)
        case "*": return .float(x * y)
        case "/":
            guard y != 0 else { throw ScriptError(.zeroDivision, "float division by zero") }
            return .float(x / y)
        case "//":
            guard y != 0 else { throw ScriptError(.zeroDivision, "float floor division by zero") }
            return .float((x / y).rounded(.down))
        case "%":
            guard y != 0 else { throw ScriptError(.zeroDivision, "float modulo") }
            let remainder = fmod(x, y)
            return .float(remainder != 0 && (remainder < 0) != (y < 0) ? remainder + y : remainder)
        case "**":
            if x == 0 && y < 0 { throw ScriptError(.zeroDivision, "0.0 cannot be raised to a negative power") }
            let result = pow(x, y)
            if result.isNaN && !x.isNaN && !y.isNaN { throw ScriptError(.value, "negative number cannot be raised to a fractional power") }
            if result.isInfinite && x.isFinite && y.isFinite { throw ScriptError(.overflow, "(34, 'Numerical result out of range')") }
            return .float(result)
        default:
            throw ScriptError(.type, "unsupported operand type(s) for \(op): 'float' and 'float'")
        }
    }

    // MARK: Comparisons

    static func compare(_ op: String, _ lhs: Value, _ rhs: Value) throws -> Bool {
        switch op {
        case "==": return try equal(lhs, rhs)
        case "!=": return try !equal(lhs, rhs)
        case "is": return identical(lhs, rhs)
        case "is not": return !identical(lhs, rhs)
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

    /// Python's `==` as a truth value: objects may answer for themselves.
    static func equal(_ lhs: Value, _ rhs: Value) throws -> Bool {
        if let result = try objectBinary("==", lhs, rhs) {
            if case .object(let object) = result, let truth = try object.truthValue() { return truth }
            return result.isTruthy
        }
        return lhs == rhs
    }

    private static func identical(_ lhs: Value, _ rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)): return a === b
        case (.list(let a), .list(let b)): return a === b
        case (.dict(let a), .dict(let b)): return a === b
        case (.none, .none), (.ellipsis, .ellipsis): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b && (-5...256).contains(a)
        case (.string(let a), .string(let b)): return a == b
        case (.command(let a), .command(let b)): return a.identity == b.identity
        default: return false
        }
    }

    /// -1, 0, 1; numbers, strings and sequences (lexicographically) are ordered. A NaN makes every
    /// ordering false, as in Python, so it answers 2 (neither below, equal nor above).
    static func ordering(_ lhs: Value, _ rhs: Value, _ op: String = "<") throws -> Int {
        if let i = lhs.asInt, let j = rhs.asInt { return i < j ? -1 : i > j ? 1 : 0 }
        if let x = lhs.asDouble, let y = rhs.asDouble {
            if x.isNaN || y.isNaN { return op == "<" || op == "<=" ? 2 : -2 }
            return x < y ? -1 : x > y ? 1 : 0
        }
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)):
            return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? -1 : a == b ? 0 : 1
        case (.list, .list), (.tuple, .tuple):
            let (a, b) = (lhs.asSequence!, rhs.asSequence!)
            for (x, y) in zip(a, b) where !(try equal(x, y)) {
                return try ordering(x, y, op)
            }
            return a.count < b.count ? -1 : a.count > b.count ? 1 : 0
        case (.object, _), (_, .object):
            let (left, right) = (try lhs.scalarOrSelf(), try rhs.scalarOrSelf())
            if left.asDouble != nil, right.asDouble != nil { return try ordering(left, right, op) }
            fallthrough
        default:
            throw ScriptError(.type, "'\(op)' not supported between instances of '\(lhs.typeName)' and '\(rhs.typeName)'")
        }
    }

    /// A stable sort by `key(item)` (the item itself when nil), as Python's `sorted`; `reverse` keeps
    /// equal items in their original order too.
    static func sorted(_ items: [Value], key: ((Value) throws -> Value)? = nil, reverse: Bool = false) throws -> [Value] {
        let keys = try items.map { try key?($0) ?? $0 }
        func precedes(_ a: Int, _ b: Int) throws -> Bool {
            try (reverse ? ordering(keys[b], keys[a]) : ordering(keys[a], keys[b])) == -1
        }
        var order = Array(items.indices)
        var buffer = order
        var width = 1
        // Bottom-up merge sort: stable, and the comparison may throw (a TypeError between str and int).
        while width < order.count {
            var start = 0
            while start < order.count {
                let middle = min(start + width, order.count), end = min(start + 2 * width, order.count)
                var (left, right, out) = (start, middle, start)
                while left < middle || right < end {
                    let takeLeft = try right >= end || (left < middle && !precedes(order[right], order[left]))
                    if takeLeft {
                        buffer[out] = order[left]; left += 1
                    } else {
                        buffer[out] = order[right]; right += 1
                    }
                    out += 1
                }
                start = end
            }
            swap(&order, &buffer)
            width *= 2
        }
        return order.map { items[$0] }
    }
}
