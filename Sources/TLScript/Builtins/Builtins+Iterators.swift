extension Interpreter {
    /// Python's lazy iterator builtins: they work over endless flows (`for i, (x, y) in enumerate(flow)`).
    func registerIteratorBuiltins() {
        register(CommandSpec(name: "enumerate", parameters: [ParameterSpec("iterable"), ParameterSpec("start", default: 0, kind: .int)],
                             doc: "enumerate(iterable, start=0): (index, item) pairs, lazily.") { args, interpreter in
            let source = try interpreter.makeIterator(args["iterable"])
            var index: Int? = try args.int("start")
            return .object(IteratorObject(kind: "enumerate", ValueIterator {
                guard let item = try source.next() else { return nil }
                guard let current = index else { throw ScriptError(.overflow, "enumerate() count went past tl's 64-bit integers") }
                let next = current.addingReportingOverflow(1)
                index = next.overflow ? nil : next.partialValue
                return .tuple([.int(current), item])
            }))
        })
        register(CommandSpec(name: "zip", parameters: [ParameterSpec("strict", default: false, keywordOnly: true)], acceptsExtraPositional: true,
                             doc: "zip(a, b, ..., strict=False): tuples of corresponding items, lazily, as long as the shortest input.") { args, interpreter in
            let sources = try args.extraPositional.map { try interpreter.makeIterator($0) }
            let strict = try interpreter.truth(args["strict"])
            return .object(IteratorObject(kind: "zip", ValueIterator {
                guard !sources.isEmpty else { return nil }
                var items: [Value] = []
                for (index, source) in sources.enumerated() {
                    guard let item = try source.next() else {
                        if strict, index > 0 {
                            throw ScriptError(.value, "zip() argument \(index + 1) is shorter than argument\(index == 1 ? " 1" : "s 1-\(index)")")
                        }
                        if strict, let longer = try sources.dropFirst().firstIndex(where: { try $0.next() != nil }) {
                            throw ScriptError(.value, "zip() argument \(longer + 1) is longer than argument 1")
                        }
                        return nil
                    }
                    items.append(item)
                }
                return .tuple(items)
            }))
        })
        register(CommandSpec(name: "map", parameters: [ParameterSpec("function")], acceptsExtraPositional: true,
                             doc: "map(function, iterable, ...): function applied to each item (of several iterables in step), lazily.") { args, interpreter in
            guard !args.extraPositional.isEmpty else { throw ScriptError(.type, "map() must have at least two arguments.") }
            let sources = try args.extraPositional.map { try interpreter.makeIterator($0) }
            let function = args["function"]
            return .object(IteratorObject(kind: "map", ValueIterator {
                var items: [Value] = []
                for source in sources {
                    guard let item = try source.next() else { return nil }
                    items.append(item)
                }
                return try interpreter.call(function, items)
            }))
        })
        register(CommandSpec(name: "filter", parameters: [ParameterSpec("function"), ParameterSpec("iterable")],
                             doc: "filter(function, iterable): the items for which function is true (None: the true items), lazily.") { args, interpreter in
            let source = try interpreter.makeIterator(args["iterable"])
            let function = args["function"]
            return .object(IteratorObject(kind: "filter", ValueIterator {
                while let item = try source.next() {
                    let verdict = function.isNone ? item : try interpreter.call(function, [item])
                    if try interpreter.truth(verdict) { return item }
                }
                return nil
            }))
        })
        registerConsumingBuiltins()
    }

    /// The builtins that take items from an iterator: `iter`, `next`, `any`, `all`, `sum`.
    private func registerConsumingBuiltins() {
        register(CommandSpec(name: "iter", parameters: [ParameterSpec("iterable")],
                             doc: "iter(iterable): an iterator over the items, for next().") { args, interpreter in
            if case .object(let iterator as IteratorObject) = args["iterable"] { return .object(iterator) }
            return .object(IteratorObject(kind: "iterator", try interpreter.makeIterator(args["iterable"])))
        })
        register(CommandSpec(name: "next", parameters: [ParameterSpec("iterator"), ParameterSpec("default", default: .none)],
                             doc: "next(iterator, default): the iterator's next item (a flow's next batch); StopIteration at the end unless a default is given.") { args, interpreter in
            try interpreter.nextItem(args)
        })
        for (name, wanted) in [("any", true), ("all", false)] {
            register(CommandSpec(name: name, parameters: [ParameterSpec("iterable")],
                                 doc: "\(name)(iterable): whether \(wanted ? "any item is" : "all items are") true (stops at the first \(wanted ? "true" : "false") one).") { args, interpreter in
                let source = try interpreter.makeIterator(args["iterable"])
                while let item = try source.next() {
                    if try interpreter.truth(item) == wanted { return .bool(wanted) }
                }
                return .bool(!wanted)
            })
        }
        register(CommandSpec(name: "sum", parameters: [ParameterSpec("iterable"), ParameterSpec("start", default: 0)],
                             doc: "sum(iterable, start=0): the total of the items.") { args, interpreter in
            if args["start"].asString != nil { throw ScriptError(.type, "sum() can't sum strings [use ''.join(seq) instead]") }
            let source = try interpreter.makeIterator(args["iterable"])
            var total = args["start"]
            var count = 0
            while let item = try source.next() {
                total = try Operators.binary("+", total, item)
                count += 1
                if count % 4096 == 0 { try interpreter.throwIfCancelled() }
            }
            return total
        })
    }

    /// `next(it)` / `next(it, default)`.
    private func nextItem(_ args: CallArguments) throws -> Value {
        // Spelt out: Value is ExpressibleByNilLiteral, so a bare `nil` here would mean Python's None.
        let defaultValue: Value? = args.isProvided("default") ? .some(args["default"]) : Optional<Value>.none
        return try next(args["iterator"], default: defaultValue)
    }

    /// Python's `next`: iterators advance; host objects (flows) give their next item through a fresh
    /// `makeIterator()` (a stream continues where it was); lists are not iterators. StopIteration at the
    /// end unless `default` is given. Public so a host command named `next` can hand other values here.
    public func next(_ subject: Value, default defaultValue: Value? = nil) throws -> Value {
        let item: Value?
        switch subject {
        case .object(let iterator as IteratorObject): item = try iterator.next()
        case .object(let object):
            guard let iterator = try object.makeIterator() else {
                throw ScriptError(.type, "'\(object.typeName)' object is not an iterator")
            }
            item = try iterator.next()
        default:
            throw ScriptError(.type, "'\(subject.typeName)' object is not an iterator")
        }
        if let item { return item }
        if let defaultValue { return defaultValue }
        throw ScriptError(.stopIteration, "")
    }
}
