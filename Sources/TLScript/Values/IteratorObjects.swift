/// A one-shot lazy iterator, as Python's generator expressions, `zip`, `map`, `filter`, `enumerate`
/// and `iter()` give: it can run over an endless flow, and once drained it stays empty.
final class IteratorObject: HostObject {
    let kind: String
    private let source: ValueIterator
    private var finished = false

    init(kind: String, _ source: ValueIterator) {
        self.kind = kind
        self.source = source
    }

    var typeName: String { kind }
    var summaryDescription: String { kind == "generator" ? "<generator object <genexpr>>" : "<\(kind) object>" }
    func attribute(_ name: String) throws -> Value? { nil }

    /// The next value, nil at the end.
    func next() throws -> Value? {
        guard !finished else { return nil }
        if let value = try source.next() { return value }
        finished = true
        return nil
    }

    func makeIterator() throws -> ValueIterator? { ValueIterator { try self.next() } }
    func elements() throws -> [Value]? { nil }
}

/// Python's `range`: lazy, so `range(10**12)` costs nothing until iterated, and its length is checked
/// for overflow as CPython's is.
final class RangeObject: HostObject {
    let start: Int, stop: Int, step: Int

    init(start: Int, stop: Int, step: Int) throws {
        guard step != 0 else { throw ScriptError(.value, "range() arg 3 must not be zero") }
        self.start = start
        self.stop = stop
        self.step = step
    }

    var typeName: String { "range" }
    var summaryDescription: String { step == 1 ? "range(\(start), \(stop))" : "range(\(start), \(stop), \(step))" }
    func attribute(_ name: String) throws -> Value? {
        switch name {
        case "start": return .int(start)
        case "stop": return .int(stop)
        case "step": return .int(step)
        default: return nil
        }
    }

    /// The number of values, which may exceed Int.max (range(-2**63 + 1, 2**63 - 1)).
    var unsignedLength: UInt {
        let (low, high, stride) = step > 0 ? (start, stop, step) : (stop, start, -step)
        guard low < high else { return 0 }
        // high - low can exceed Int.max; its bit pattern as UInt is exact. stride is at most 2^63.
        let span = UInt(bitPattern: high &- low)
        return (span - 1) / stride.magnitude + 1
    }

    /// `len(r)`: OverflowError when the count does not fit a 64-bit integer, as in CPython.
    func length() throws -> Int {
        guard let length = Int(exactly: unsignedLength) else {
            throw ScriptError(.overflow, "Python int too large to convert to C ssize_t")
        }
        return length
    }

    var count: Int? { try? length() }

    /// The value at `position` (known to be below the length); wrapping arithmetic is exact here
    /// because the result lies between start and stop.
    private func value(at position: UInt) -> Int { start &+ Int(bitPattern: position) &* step }

    func element(at index: Value) throws -> Value? {
        let length = unsignedLength
        if case .slice(let first, let last, let stride) = index {
            guard let count = Int(exactly: length) else { throw ScriptError(.overflow, "Python int too large to convert to C ssize_t") }
            let bounds = try Operators.sliceBounds((first, last, stride), count: count)
            let newStart = start &+ bounds.start &* step
            return .object(try RangeObject(start: newStart, stop: newStart &+ bounds.count &* bounds.step &* step, step: bounds.step &* step))
        }
        guard let i = try index.scalarOrSelf().asInt else {
            throw ScriptError(.type, "range indices must be integers or slices, not \(index.typeName)")
        }
        let position: UInt? = i >= 0 ? (UInt(i) < length ? UInt(i) : nil) : (i.magnitude <= length ? length - i.magnitude : nil)
        guard let position else { throw ScriptError(.index, "range object index out of range") }
        return .int(value(at: position))
    }

    func makeIterator() throws -> ValueIterator? {
        var next = start
        let (stop, step) = (self.stop, self.step)
        return ValueIterator {
            guard step > 0 ? next < stop : next > stop else { return nil }
            defer {
                let advanced = next.addingReportingOverflow(step)
                next = advanced.overflow ? stop : advanced.partialValue
            }
            return .int(next)
        }
    }

    func elements() throws -> [Value]? {
        let length = try length()
        guard length <= Interpreter.maximumSequenceLength else {
            throw ScriptError(.memory, "range of \(length) numbers is too large to hold in a list (the limit is \(Interpreter.maximumSequenceLength))")
        }
        return (0..<length).map { .int(value(at: UInt($0))) }
    }

    func containsElement(_ item: Value) throws -> Bool? {
        guard let i = item.asInt else { return false }
        let inBounds = step > 0 ? (i >= start && i < stop) : (i <= start && i > stop)
        // In bounds, |i - start| fits in UInt; Int.min % -1 would trap, so work on magnitudes.
        let distance = (step > 0 ? UInt(bitPattern: i &- start) : UInt(bitPattern: start &- i))
        return inBounds && distance % step.magnitude == 0
    }

    func binaryOperation(_ op: String, _ other: Value, reflected: Bool) throws -> Value? {
        guard op == "==" || op == "!=" else { return nil }
        var equal = false
        if case .object(let object as RangeObject) = other {
            let (a, b) = (try elements() ?? [], try object.elements() ?? [])
            equal = a == b
        }
        return .bool(op == "==" ? equal : !equal)
    }
}

/// `d.keys()`, `d.values()`, `d.items()`: printed as Python prints them (`dict_keys(['acc', 'loss'])`),
/// iterable, sized and searchable; a snapshot of the dict when the method was called.
final class DictView: HostObject {
    let kind: String
    let items: [Value]

    init(kind: String, items: [Value]) {
        self.kind = kind
        self.items = items
    }

    var typeName: String { "dict_\(kind)" }
    var summaryDescription: String { "\(typeName)(\(Value.list(items).repr))" }
    func attribute(_ name: String) throws -> Value? { nil }
    var count: Int? { items.count }
    func elements() throws -> [Value]? { items }
    func containsElement(_ item: Value) throws -> Bool? { items.contains(item) }
    func binaryOperation(_ op: String, _ other: Value, reflected: Bool) throws -> Value? {
        guard op == "==" || op == "!=", case .object(let view as DictView) = other else { return nil }
        let mine = Set(try items.map { try HashKey($0) }), theirs = Set(try view.items.map { try HashKey($0) })
        let equal = kind == view.kind && kind != "values" && mine == theirs
        return .bool(op == "==" ? equal : !equal)
    }
}
