/// Python's indexing and slicing of lists, tuples, strings and dicts, reading and writing in place.
extension Operators {
    static func makeSlice(_ start: Value?, _ stop: Value?, _ step: Value?) -> Value {
        .slice(start: start ?? .none, stop: stop ?? .none, step: step ?? .none)
    }

    private static func sliceParts(_ value: Value) -> (Value, Value, Value)? {
        guard case .slice(let start, let stop, let step) = value else { return nil }
        return (start, stop, step)
    }

    /// Python's `slice.indices`: the first position, the step and how many positions a slice visits in
    /// a sequence of `count` elements (no overflow for any bounds).
    static func sliceBounds(_ slice: (Value, Value, Value), count: Int) throws -> (start: Int, step: Int, count: Int) {
        func bound(_ value: Value) throws -> Int? {
            if value.isNone { return nil }
            guard let i = try value.scalarOrSelf().asInt else {
                throw ScriptError(.type, "slice indices must be integers or None or have an __index__ method")
            }
            return i
        }
        let step = try bound(slice.2) ?? 1
        guard step != 0 else { throw ScriptError(.value, "slice step cannot be zero") }
        func clamp(_ i: Int?, _ defaultValue: Int) -> Int {
            guard var i else { return defaultValue }
            if i < 0 { i = i < -count ? -count - 1 : i + count }
            return step > 0 ? min(max(i, 0), count) : min(max(i, -1), count - 1)
        }
        let start = clamp(try bound(slice.0), step > 0 ? 0 : count - 1)
        let stop = clamp(try bound(slice.1), step > 0 ? count : -1)
        let span = step > 0 ? stop - start : start - stop
        let magnitude = step == .min ? Int.max : abs(step)
        return (start, step, span <= 0 ? 0 : (span - 1) / magnitude + 1)
    }

    /// The positions a slice visits in a sequence of `count` elements.
    static func sliceIndices(_ slice: (Value, Value, Value), count: Int) throws -> [Int] {
        let bounds = try sliceBounds(slice, count: count)
        return (0..<bounds.count).map { bounds.start + $0 * bounds.step }
    }

    static func normalizedIndex(_ index: Value, count: Int, container: String) throws -> Int {
        guard let i = try index.scalarOrSelf().asInt else {
            throw ScriptError(.type, "\(container) indices must be integers or slices, not \(index.typeName)")
        }
        let position = i < 0 ? i &+ count : i
        guard position >= 0 && position < count else {
            throw ScriptError(.index, "\(container) index out of range")
        }
        return position
    }

    static func item(of container: Value, at index: Value) throws -> Value {
        let slice = sliceParts(index)
        switch container {
        case .list(let list):
            if let slice { return .list(try sliceIndices(slice, count: list.count).map { list.items[$0] }) }
            return list.items[try normalizedIndex(index, count: list.count, container: "list")]
        case .tuple(let items):
            if let slice { return .tuple(try sliceIndices(slice, count: items.count).map { items[$0] }) }
            return items[try normalizedIndex(index, count: items.count, container: "tuple")]
        case .string(let s):
            let characters = CodePoints.of(s)
            if let slice { return .string(CodePoints.string(try sliceIndices(slice, count: characters.count).map { characters[$0] })) }
            return .string(String(characters[try normalizedIndex(index, count: characters.count, container: "string")]))
        case .dict(let dict):
            guard let value = try dict.value(for: index) else { throw missingKey(index, in: dict) }
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

    /// KeyError with Python's `str(e)` (the key's repr) and tl's hint at the keys there are.
    static func missingKey(_ key: Value, in dict: ValueDictionary) -> ScriptError {
        let names = dict.keys.compactMap(\.asString)
        let hint = key.asString.map { Suggestions.hint(for: $0, among: names) } ?? ""
        let known = dict.keys.prefix(10).map(\.repr).joined(separator: ", ")
        var error = ScriptError(.key, "key \(key.repr) not found\(hint) (keys: \(known.isEmpty ? "none" : known))")
        error.pythonMessage = key.repr
        return error
    }

    /// `container[index] = value`, changing the list, dict or object in place.
    static func setItem(of container: Value, at index: Value, to value: Value) throws {
        switch container {
        case .list(let list):
            if let slice = sliceParts(index) {
                try assignSlice(slice, of: list, to: value)
            } else {
                list.items[try normalizedIndex(index, count: list.count, container: "list assignment")] = value
            }
        case .dict(let dict):
            try dict.set(index, value)
        case .object(let object):
            guard try object.setElement(at: index, to: value) else {
                throw ScriptError(.type, "'\(object.typeName)' object does not support item assignment")
            }
        default:
            throw ScriptError(.type, "'\(container.typeName)' object does not support item assignment")
        }
    }

    /// `items[a:b] = values` (any length for a plain slice, the same length for a stepped one).
    private static func assignSlice(_ slice: (Value, Value, Value), of list: ValueList, to value: Value) throws {
        guard let replacement = value.asSequence ?? (value.asObject.flatMap { try? $0.elements() }) else {
            throw ScriptError(.type, "must assign iterable to extended slice")
        }
        let bounds = try sliceBounds(slice, count: list.count)
        if bounds.step == 1 {
            let start = bounds.start
            list.items.replaceSubrange(start..<(start + bounds.count), with: replacement)
            return
        }
        guard replacement.count == bounds.count else {
            throw ScriptError(.value, "attempt to assign sequence of size \(replacement.count) to extended slice of size \(bounds.count)")
        }
        for (offset, item) in replacement.enumerated() { list.items[bounds.start + offset * bounds.step] = item }
    }

    /// `del container[index]`.
    static func deleteItem(of container: Value, at index: Value) throws {
        switch container {
        case .list(let list):
            if let slice = sliceParts(index) {
                let doomed = Set(try sliceIndices(slice, count: list.count))
                list.items = list.items.enumerated().filter { !doomed.contains($0.offset) }.map(\.element)
            } else {
                list.items.remove(at: try normalizedIndex(index, count: list.count, container: "list assignment"))
            }
        case .dict(let dict):
            guard try dict.remove(index) != nil else { throw missingKey(index, in: dict) }
        default:
            throw ScriptError(.type, "'\(container.typeName)' object doesn't support item deletion")
        }
    }
}
