import Foundation

extension Interpreter {
    /// Registers the language's own functions; the host adds engine commands on top.
    func registerBuiltins() {
        registerConversionBuiltins()
        registerContainerBuiltins()
        registerSequenceBuiltins()
        registerIteratorBuiltins()
        registerNumericBuiltins()
        registerIntrospectionBuiltins()
        registerMathBuiltins()
        registerSessionBuiltins()
        registerExceptionClasses()
    }

    private func registerConversionBuiltins() {
        register(CommandSpec(name: "print", parameters: [ParameterSpec("sep", default: " ", kind: .string, keywordOnly: true),
                                                         ParameterSpec("end", default: "\n", kind: .string, keywordOnly: true),
                                                         ParameterSpec("flush", default: false, keywordOnly: true)],
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
        register(CommandSpec(name: "int", parameters: [ParameterSpec("value", default: 0), ParameterSpec("base", default: .none)],
                             doc: "int(value, base=10): converts a number or numeric string to an integer (truncating).") { args, _ in
            try Interpreter.integer(args["value"], base: args["base"])
        })
        register(CommandSpec(name: "float", parameters: [ParameterSpec("value", default: 0.0)],
                             doc: "float(value): converts a number or numeric string to a float.") { args, _ in
            let value = try args["value"].scalarOrSelf()
            if let d = value.asDouble { return .float(d) }
            if case .string(let s) = value {
                let text = s.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "_", with: "")
                if let d = Double(text), !text.hasPrefix("0x") { return .float(d) }
                if ["inf", "+inf", "infinity", "+infinity"].contains(text) { return .float(.infinity) }
                if ["-inf", "-infinity"].contains(text) { return .float(-.infinity) }
                if ["nan", "+nan", "-nan"].contains(text) { return .float(.nan) }
                throw ScriptError(.value, "could not convert string to float: \(quoteString(s))")
            }
            throw ScriptError(.type, "float() argument must be a string or a real number, not '\(value.typeName)'")
        })
        register(CommandSpec(name: "bool", parameters: [ParameterSpec("value", default: false)],
                             doc: "bool(value): the truth value.") { args, interpreter in .bool(try interpreter.truth(args["value"])) })
        register(CommandSpec(name: "format", parameters: [ParameterSpec("value"), ParameterSpec("format_spec", default: "", kind: .string)],
                             doc: "format(value, spec=''): the value formatted by Python's format mini-language, as in f\"{value:spec}\".") { args, _ in
            .string(try TextFormatting.format(args["value"], spec: try args.string("format_spec")))
        })
        register(CommandSpec(name: "chr", parameters: [ParameterSpec("i", kind: .int)], doc: "chr(i): the character with code point i.") { args, _ in
            let code = try args.int("i")
            guard let scalar = UInt32(exactly: code).flatMap(Unicode.Scalar.init) else { throw ScriptError(.value, "chr() arg not in range(0x110000)") }
            return .string(String(Character(scalar)))
        })
        register(CommandSpec(name: "ord", parameters: [ParameterSpec("c", kind: .string)], doc: "ord(c): the code point of a one-character string.") { args, _ in
            let text = try args.string("c")
            guard text.unicodeScalars.count == 1 else {
                throw ScriptError(.type, "ord() expected a character, but string of length \(text.count) found")
            }
            return .int(Int(text.unicodeScalars.first!.value))
        })
    }

    /// `int(x)`: numbers truncate, strings parse (in `base`), objects give their scalar.
    static func integer(_ raw: Value, base: Value) throws -> Value {
        let value = try raw.scalarOrSelf()
        if !base.isNone {
            guard case .string(let s) = value else { throw ScriptError(.type, "int() can't convert non-string with explicit base") }
            var text = s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "").lowercased()
            let negative = text.hasPrefix("-")
            if negative || text.hasPrefix("+") { text.removeFirst() }
            // Python accepts the literal's own prefix in its base: int('0x1f', 16).
            if let radix = base.asInt, let prefix = [16: "0x", 8: "0o", 2: "0b"][radix], text.hasPrefix(prefix) { text.removeFirst(2) }
            guard let radix = base.asInt, (2...36).contains(radix), let i = Int((negative ? "-" : "") + text, radix: radix) else {
                throw ScriptError(.value, "invalid literal for int() with base \(base.repr): \(quoteString(s))")
            }
            return .int(i)
        }
        switch value {
        case .int, .bool: return .int(value.asInt!)
        case .float(let d): return .int(try NumericConversion.truncatedInteger(d))
        case .string(let s):
            let text = s.trimmingCharacters(in: .whitespaces)
            let digits = text.replacingOccurrences(of: "_", with: "")
            let unsigned = digits.first.map { $0 == "+" || $0 == "-" } == true ? digits.dropFirst() : Substring(digits)
            let wellFormed = !unsigned.isEmpty && unsigned.allSatisfy { $0.isASCII && $0.isNumber }
                && !text.hasPrefix("_") && !text.hasSuffix("_") && !text.contains("__")
            guard wellFormed else { throw ScriptError(.value, "invalid literal for int() with base 10: \(quoteString(s))") }
            guard let i = Int(digits) else { throw ScriptError(.overflow, "int too large for tl's 64-bit integers: \(quoteString(s))") }
            return .int(i)
        default:
            throw ScriptError(.type, "int() argument must be a string, a bytes-like object or a real number, not '\(value.typeName)'")
        }
    }

    private func registerContainerBuiltins() {
        register(CommandSpec(name: "list", parameters: [ParameterSpec("iterable", default: .none)],
                             doc: "list(iterable): a new list of the items.") { args, interpreter in
            .list(args["iterable"].isNone ? [] : try interpreter.iterate(args["iterable"]))
        })
        register(CommandSpec(name: "tuple", parameters: [ParameterSpec("iterable", default: .none)],
                             doc: "tuple(iterable): a new tuple of the items.") { args, interpreter in
            .tuple(args["iterable"].isNone ? [] : try interpreter.iterate(args["iterable"]))
        })
        register(CommandSpec(name: "set", parameters: [ParameterSpec("iterable", default: .none)],
                             doc: "set(iterable): a new set of the distinct items.") { args, interpreter in
            .object(try ValueSet(args["iterable"].isNone ? [] : try interpreter.iterate(args["iterable"])))
        })
        register(CommandSpec(name: "dict", parameters: [ParameterSpec("mapping", default: .none)], acceptsExtraKeywords: true,
                             doc: "dict(mapping_or_pairs=None, **names): a new dict.") { args, interpreter in
            let dict = ValueDictionary()
            if !args["mapping"].isNone { try ValueMethods.update(dict, from: args["mapping"], interpreter) }
            for (name, value) in args.extraKeywords { dict[name] = value }
            return .dict(dict)
        })
        register(CommandSpec(name: "type", parameters: [ParameterSpec("value")],
                             doc: "type(value): the value's type (`type(x).__name__` is its name).") { args, interpreter in
            interpreter.typeValue(of: args["value"])
        })
    }

    /// `type(x)`: the built-in class for Python's own types (callable: `type(x)(...)`), the exception
    /// class for exceptions, else a class object naming the host type (`type(model).__name__`).
    func typeValue(of value: Value) -> Value {
        let name = value.typeName
        if let spec = commands[name], Value.builtinTypeNames.contains(name) { return .command(spec) }
        if let exceptionClass = builtinValues[name] { return exceptionClass }
        return .object(TypeObject(name: name))
    }
}
