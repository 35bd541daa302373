import Foundation

extension Interpreter {
    func registerSequenceBuiltins() {
        register(CommandSpec(name: "len", parameters: [ParameterSpec("value")],
                             doc: "len(value): the number of items.") { args, _ in
            switch args["value"] {
            case .list(let list): return .int(list.count)
            case .tuple(let items): return .int(items.count)
            case .string(let s): return .int(CodePoints.count(s))
            case .dict(let d): return .int(d.count)
            case .object(let range as RangeObject): return .int(try range.length())
            case .object(let object):
                if let count = object.count { return .int(count) }
                fallthrough
            default:
                throw ScriptError(.type, "object of type '\(args["value"].typeName)' has no len()")
            }
        })
        register(CommandSpec(name: "range", parameters: [ParameterSpec("start"), ParameterSpec("stop", default: .none),
                                                         ParameterSpec("step", default: 1)],
                             doc: "range(stop) or range(start, stop, step=1): the integers from start up to (not including) stop, lazily.") { args, _ in
            func integer(_ name: String) throws -> Int {
                let value = try args[name].scalarOrSelf()
                guard let i = value.asInt else { throw ScriptError(.type, "'\(value.typeName)' object cannot be interpreted as an integer") }
                return i
            }
            if args["stop"].isNone { return .object(try RangeObject(start: 0, stop: try integer("start"), step: 1)) }
            return .object(try RangeObject(start: try integer("start"), stop: try integer("stop"), step: try integer("step")))
        })
        register(CommandSpec(name: "sorted", parameters: [ParameterSpec("iterable"), ParameterSpec("key", default: .none, keywordOnly: true),
                                                          ParameterSpec("reverse", default: false, keywordOnly: true)],
                             doc: "sorted(iterable, key=None, reverse=False): a new sorted list (stable).") { args, interpreter in
            .list(try Operators.sorted(try interpreter.iterate(args["iterable"]), key: interpreter.keyFunction(args["key"]),
                                       reverse: try interpreter.truth(args["reverse"])))
        })
        register(CommandSpec(name: "reversed", parameters: [ParameterSpec("sequence")],
                             doc: "reversed(sequence): the items in reverse order.") { args, interpreter in
            let items = try interpreter.iterate(args["sequence"])
            var position = items.count
            return .object(IteratorObject(kind: "list_reverseiterator", ValueIterator {
                guard position > 0 else { return nil }
                position -= 1
                return items[position]
            }))
        })
        for (name, pickLarger) in [("min", false), ("max", true)] {
            register(CommandSpec(name: name, parameters: [ParameterSpec("key", default: .none, keywordOnly: true),
                                                          ParameterSpec("default", default: .none, keywordOnly: true)],
                                 acceptsExtraPositional: true,
                                 doc: "\(name)(iterable, key=None, default=...) or \(name)(a, b, ...): the \(pickLarger ? "largest" : "smallest") item.") { args, interpreter in
                try interpreter.extreme(name, args, pickLarger: pickLarger)
            })
        }
        register(CommandSpec(name: "join_path", acceptsExtraPositional: true,
                             doc: "join_path(a, b, ...): joins path components with '/', like os.path.join.",
                             aliases: ["os.path.join"]) { args, _ in
            var path = ""
            for (index, part) in args.extraPositional.enumerated() {
                guard let text = part.asString else {
                    throw ScriptError(.type, "argument \(index + 1) of join_path() must be a string, got \(describeForError(part))")
                }
                if text.hasPrefix("/") || path.isEmpty { path = text } else { path += (path.hasSuffix("/") ? "" : "/") + text }
            }
            return .string(path)
        })
    }

    /// A `key=` argument as a Swift function (nil for None).
    func keyFunction(_ key: Value) -> ((Value) throws -> Value)? {
        key.isNone ? nil : { try self.call(key, [$0]) }
    }

    /// `min`/`max`: the first of the smallest (largest) items, by `key` when given.
    private func extreme(_ name: String, _ args: CallArguments, pickLarger: Bool) throws -> Value {
        let positional = args.extraPositional
        guard !positional.isEmpty else { throw ScriptError(.type, "\(name) expected at least 1 argument, got 0") }
        let items = positional.count == 1 ? try iterate(positional[0]) : positional
        if positional.count > 1, args.isProvided("default") {
            throw ScriptError(.type, "Cannot specify a default for \(name)() with multiple positional arguments")
        }
        guard var best = items.first else {
            if args.isProvided("default") { return args["default"] }
            throw ScriptError(.value, "\(name)() arg is an empty sequence")
        }
        let key = keyFunction(args["key"])
        var bestKey = try key?(best) ?? best
        for item in items.dropFirst() {
            let itemKey = try key?(item) ?? item
            let order = try Operators.ordering(itemKey, bestKey, pickLarger ? ">" : "<")
            if pickLarger ? order == 1 : order == -1 {
                best = item
                bestKey = itemKey
            }
        }
        return best
    }
}
