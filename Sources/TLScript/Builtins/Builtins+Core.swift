import Foundation

extension Interpreter {
    /// Registers the language's own functions; the host adds engine commands on top.
    func registerBuiltins() {
        registerConversionBuiltins()
        registerSequenceBuiltins()
        registerNumericBuiltins()
        registerSessionBuiltins()
    }

    private func registerConversionBuiltins() {
        register(CommandSpec(name: "print", parameters: [ParameterSpec("sep", default: " ", kind: .string, keywordOnly: true),
                                                         ParameterSpec("end", default: "\n", kind: .string, keywordOnly: true)],
                             acceptsExtraPositional: true,
                             doc: "print(*values, sep=' ', end='\\n'): writes the values as Python does.") { args, interpreter in
            let text = args.extraPositional.map(\.str).joined(separator: try args.string("sep"))
            interpreter.write(text + (try args.string("end")))
            return .none
        })
        register(CommandSpec(name: "str", parameters: [ParameterSpec("value", default: "")],
                             doc: "str(value): the value as text.") { args, _ in .string(args["value"].str) })
        register(CommandSpec(name: "repr", parameters: [ParameterSpec("value")],
                             doc: "repr(value): the value as Python would echo it.") { args, _ in .string(args["value"].repr) })
        register(CommandSpec(name: "int", parameters: [ParameterSpec("value", default: 0)],
                             doc: "int(value): converts a number or numeric string to an integer (truncating).") { args, _ in
            let value = try args["value"].scalarOrSelf()
            switch value {
            case .int, .bool: return .int(value.asInt!)
            case .float(let d):
                guard d.isFinite, abs(d) < 9.2e18 else { throw ScriptError(.value, "cannot convert float \(formatFloat(d)) to an integer") }
                return .int(Int(d))
            case .string(let s):
                guard let i = Int(s.trimmingCharacters(in: .whitespaces)) else {
                    throw ScriptError(.value, "invalid literal for int(): \(quoteString(s))")
                }
                return .int(i)
            default:
                throw args.typeError("value", expected: "a number or a string")
            }
        })
        register(CommandSpec(name: "float", parameters: [ParameterSpec("value", default: 0.0)],
                             doc: "float(value): converts a number or numeric string to a float.") { args, _ in
            let value = try args["value"].scalarOrSelf()
            if let d = value.asDouble { return .float(d) }
            if case .string(let s) = value {
                let text = s.trimmingCharacters(in: .whitespaces).lowercased()
                if let d = Double(text) { return .float(d) }
                if ["inf", "+inf", "infinity"].contains(text) { return .float(.infinity) }
                if ["-inf", "-infinity"].contains(text) { return .float(-.infinity) }
                if text == "nan" { return .float(.nan) }
                throw ScriptError(.value, "could not convert string to float: \(quoteString(s))")
            }
            throw args.typeError("value", expected: "a number or a string")
        })
        register(CommandSpec(name: "bool", parameters: [ParameterSpec("value", default: false)],
                             doc: "bool(value): the truth value.") { args, _ in .bool(args["value"].isTruthy) })
        register(CommandSpec(name: "list", parameters: [ParameterSpec("iterable", default: .list([]))],
                             doc: "list(iterable): a new list of the items.") { args, interpreter in
            .list(try interpreter.iterate(args["iterable"]))
        })
        register(CommandSpec(name: "tuple", parameters: [ParameterSpec("iterable", default: .tuple([]))],
                             doc: "tuple(iterable): a new tuple of the items.") { args, interpreter in
            .tuple(try interpreter.iterate(args["iterable"]))
        })
        register(CommandSpec(name: "dict", acceptsExtraKeywords: true,
                             doc: "dict(name=value, ...): a dict of the keyword arguments.") { args, _ in
            .dict(ValueDictionary(args.extraKeywords.map { ($0.name, $0.value) }))
        })
        register(CommandSpec(name: "type", parameters: [ParameterSpec("value")],
                             doc: "type(value): the name of the value's type.") { args, _ in .string(args["value"].typeName) })
    }

    private func registerSequenceBuiltins() {
        register(CommandSpec(name: "len", parameters: [ParameterSpec("value")],
                             doc: "len(value): the number of items.") { args, _ in
            switch args["value"] {
            case .list(let items), .tuple(let items): return .int(items.count)
            case .string(let s): return .int(s.count)
            case .dict(let d): return .int(d.count)
            case .object(let object):
                if let count = object.count { return .int(count) }
                fallthrough
            default:
                throw ScriptError(.type, "object of type '\(args["value"].typeName)' has no len()")
            }
        })
        register(CommandSpec(name: "range", parameters: [ParameterSpec("start", kind: .int), ParameterSpec("stop", default: .none, kind: .int),
                                                         ParameterSpec("step", default: 1, kind: .int)],
                             doc: "range(stop) or range(start, stop, step=1): a list of integers.") { args, _ in
            var start = try args.int("start")
            var stop = 0
            if args["stop"].isNone { stop = start; start = 0 } else { stop = try args.int("stop") }
            let step = try args.int("step")
            guard step != 0 else { throw ScriptError(.value, "range() step must not be zero") }
            let count = step > 0 ? max(0, (stop - start + step - 1) / step) : max(0, (start - stop - step - 1) / -step)
            guard count <= Interpreter.maximumSequenceLength else {
                throw ScriptError(.limit, "range() of \(count) numbers is too large (the limit is \(Interpreter.maximumSequenceLength))")
            }
            return .list(stride(from: start, to: stop, by: step).map { .int($0) })
        })
        register(CommandSpec(name: "enumerate", parameters: [ParameterSpec("iterable"), ParameterSpec("start", default: 0, kind: .int)],
                             doc: "enumerate(iterable, start=0): (index, item) pairs.") { args, interpreter in
            let start = try args.int("start")
            return .list(try interpreter.iterate(args["iterable"]).enumerated().map { .tuple([.int($0.offset + start), $0.element]) })
        })
        register(CommandSpec(name: "zip", acceptsExtraPositional: true,
                             doc: "zip(a, b, ...): tuples of corresponding items, as long as the shortest input.") { args, interpreter in
            let sequences = try args.extraPositional.map { try interpreter.iterate($0) }
            guard let shortest = sequences.map(\.count).min() else { return .list([]) }
            return .list((0..<shortest).map { i in .tuple(sequences.map { $0[i] }) })
        })
        register(CommandSpec(name: "sorted", parameters: [ParameterSpec("iterable"), ParameterSpec("reverse", default: false, kind: .bool)],
                             doc: "sorted(iterable, reverse=False): a sorted list.") { args, interpreter in
            let items = try Operators.sorted(try interpreter.iterate(args["iterable"]))
            return .list(try args.bool("reverse") ? items.reversed() : items)
        })
        register(CommandSpec(name: "reversed", parameters: [ParameterSpec("iterable")],
                             doc: "reversed(iterable): the items in reverse order.") { args, interpreter in
            .list(try interpreter.iterate(args["iterable"]).reversed())
        })
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

    private func registerNumericBuiltins() {
        register(CommandSpec(name: "abs", parameters: [ParameterSpec("x", kind: .number)], doc: "abs(x): the absolute value.") { args, _ in
            if let i = args["x"].asInt {
                guard i != .min else { throw ScriptError(.value, "integer overflow in abs()") }
                return .int(abs(i))
            }
            return .float(abs(try args.double("x")))
        })
        for (name, pickLarger) in [("min", false), ("max", true)] {
            register(CommandSpec(name: name, acceptsExtraPositional: true,
                                 doc: "\(name)(a, b, ...) or \(name)(list): the \(pickLarger ? "largest" : "smallest") item.") { args, interpreter in
                let items = args.extraPositional.count == 1 ? try interpreter.iterate(args.extraPositional[0]) : args.extraPositional
                guard var best = items.first else { throw ScriptError(.value, "\(name)() of an empty sequence") }
                for item in items.dropFirst() {
                    let order = try Operators.ordering(item, best)
                    if pickLarger ? order > 0 : order < 0 { best = item }
                }
                return best
            })
        }
        register(CommandSpec(name: "sum", parameters: [ParameterSpec("iterable"), ParameterSpec("start", default: 0, kind: .number)],
                             doc: "sum(iterable, start=0): the total of the numbers.") { args, interpreter in
            try interpreter.iterate(args["iterable"]).reduce(args["start"]) { total, item in
                guard item.asDouble != nil else { throw ScriptError(.type, "sum() can only add numbers, got \(describeForError(item))") }
                return try Operators.binary("+", total, item)
            }
        })
        register(CommandSpec(name: "round", parameters: [ParameterSpec("number", kind: .number), ParameterSpec("ndigits", default: .none, kind: .int)],
                             doc: "round(number, ndigits=None): rounds half to even; an int without ndigits.") { args, _ in
            let x = try args.double("number")
            guard !args["ndigits"].isNone else {
                guard x.isFinite else { throw ScriptError(.value, "cannot round \(formatFloat(x)) to an integer") }
                return .int(Int(x.rounded(.toNearestOrEven)))
            }
            let digits = try args.int("ndigits")
            if case .int = args["number"], digits >= 0 { return args["number"] }
            guard digits >= 0 else {
                let scale = pow(10.0, Double(-digits))
                return .float((x / scale).rounded(.toNearestOrEven) * scale)
            }
            // printf rounds the exact binary value correctly, which is what Python's round does.
            return .float(Double(String(format: "%.\(min(digits, 17))f", x)) ?? x)
        })
        register(CommandSpec(name: "smooth_curve", parameters: [ParameterSpec("points", kind: .list), ParameterSpec("factor", default: 0.8, kind: .number)],
                             doc: "smooth_curve(points, factor=0.8): exponential moving average; the first point is kept.") { args, _ in
            let points = try args.doubles("points")
            let factor = try args.double("factor")
            var smoothed: [Double] = []
            for point in points {
                if let previous = smoothed.last { smoothed.append(previous * factor + point * (1 - factor)) } else { smoothed.append(point) }
            }
            return .floats(smoothed)
        })
    }
}
