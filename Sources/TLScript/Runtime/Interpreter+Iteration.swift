extension Interpreter {
    /// A lazy iterator over what a `for` loop visits: objects may be endless (flows).
    func makeIterator(_ value: Value) throws -> ValueIterator {
        switch value {
        case .object(let object):
            guard let iterator = try object.makeIterator() else {
                throw ScriptError(.type, "'\(object.typeName)' object is not iterable")
            }
            // Lazy iterators can be endless (a flow, range(10**18)): Ctrl-C must reach any loop over them,
            // including those inside builtins (any, sum, list) that run no statements.
            var visited = 0
            return ValueIterator { [weak self] in
                visited += 1
                if visited % 1024 == 0 { try self?.throwIfCancelled() }
                return try iterator.next()
            }
        case .list(let list):
            // A list grown during the loop is visited to its new end, as in Python.
            var position = 0
            return ValueIterator {
                guard position < list.items.count else { return nil }
                defer { position += 1 }
                return list.items[position]
            }
        default:
            let items = try finiteItems(value)
            var position = 0
            return ValueIterator {
                guard position < items.count else { return nil }
                defer { position += 1 }
                return items[position]
            }
        }
    }

    /// The values an iterable yields, drained into an array. Endless iterators (a flow) stop with an
    /// error past `maximumSequenceLength` items, or after `limit` items when given (unpacking needs
    /// only one more than its targets to know there are too many).
    func iterate(_ value: Value, limit: Int? = nil) throws -> [Value] {
        if case .object(let object) = value {
            // A range knows its length: refuse at once rather than after 50 million items.
            if limit == nil, let range = object as? RangeObject {
                let length = try range.length()
                guard length <= Interpreter.maximumSequenceLength else {
                    throw ScriptError(.memory, "range of \(length) numbers is too large to hold in a list (the limit is \(Interpreter.maximumSequenceLength))")
                }
            }
            let iterator = try makeIterator(value)
            var items: [Value] = []
            while let item = try iterator.next() {
                items.append(item)
                if let limit, items.count >= limit { break }
                if items.count % 1024 == 0 { try throwIfCancelled() }
                if items.count > Interpreter.maximumSequenceLength {
                    throw ScriptError(.memory, "'\(object.typeName)' yields more than \(Interpreter.maximumSequenceLength) items (an endless flow?); take what you need with a for loop and break")
                }
            }
            return items
        }
        return try finiteItems(value)
    }

    /// The values of the built-in containers.
    private func finiteItems(_ value: Value) throws -> [Value] {
        switch value {
        case .list(let list): return list.items
        case .tuple(let items): return items
        case .string(let s): return CodePoints.characters(s)
        case .dict(let dict): return dict.keys
        case .object(let object):
            guard let items = try object.elements() else {
                throw ScriptError(.type, "'\(object.typeName)' object is not iterable")
            }
            return items
        default:
            throw ScriptError(.type, "'\(value.typeName)' object is not iterable")
        }
    }

    /// `item in container`: dict keys, substrings, object hooks, else Python's walk and compare.
    func contains(_ container: Value, _ item: Value) throws -> Bool {
        switch container {
        case .list(let list): return list.items.contains(item)
        case .tuple(let items): return items.contains(item)
        case .dict(let dict): return try dict.contains(item)
        case .string(let s):
            guard let needle = item.asString else {
                throw ScriptError(.type, "'in <string>' requires string as left operand, not \(item.typeName)")
            }
            return CodePoints.contains(s, needle)
        case .object(let object):
            if let answer = try object.containsElement(item) { return answer }
            guard (try? object.makeIterator()) != nil else {
                throw ScriptError(.type, "argument of type '\(object.typeName)' is not iterable")
            }
            let iterator = try makeIterator(container)
            var visited = 0
            while let element = try iterator.next() {
                if try Operators.equal(element, item) { return true }
                visited += 1
                if visited % 1024 == 0 { try throwIfCancelled() }
            }
            return false
        default:
            throw ScriptError(.type, "argument of type '\(container.typeName)' is not iterable")
        }
    }
}
