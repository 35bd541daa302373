extension Interpreter {
    func evaluate(_ expression: Expression) throws -> Value {
        switch expression {
        case .literal(let value, _):
            return value
        case .name(let name, let location):
            return try lookup(name, at: location)
        case .tuple(let items, _):
            return .tuple(try evaluateDisplay(items))
        case .list(let items, _):
            return .list(try evaluateDisplay(items))
        case .set(let items, let location):
            let values = try evaluateDisplay(items)
            return try located(location) { .object(try ValueSet(values)) }
        case .dict(let pairs, _):
            let dict = ValueDictionary()
            for (keyExpression, valueExpression) in pairs {
                let key = try evaluate(keyExpression)
                let value = try evaluate(valueExpression)
                try located(keyExpression.location) { try dict.set(key, value) }
            }
            return .dict(dict)
        case .attribute(let base, let name, let location):
            if let path = expression.dottedPath, !isVariable(path[0]) {
                return try located(location) { try resolveDotted(path, at: base.location) }
            }
            let receiver = try evaluate(base)
            return try located(location) { try attribute(name, of: receiver) }
        case .index(let base, let indexExpression, let location):
            let container = try evaluate(base)
            let index = try evaluate(indexExpression)
            return try located(location) { try Operators.item(of: container, at: index) }
        case .slice(let start, let stop, let step, _):
            return Operators.makeSlice(try start.map(evaluate), try stop.map(evaluate), try step.map(evaluate))
        case .call(let callee, let arguments, let location):
            return try call(callee, arguments, at: location)
        case .unary(let op, let operand, let location):
            let value = try evaluate(operand)
            if op == "not" { return .bool(!(try located(location) { try truth(value) })) }
            return try located(location) { try Operators.unary(op, value) }
        case .binary(let op, let left, let right, let location):
            let lhs = try evaluate(left)
            let rhs = try evaluate(right)
            return try located(location) { try Operators.binary(op, lhs, rhs) }
        case .comparison(let operands, let operators, _):
            return try evaluateComparison(operands, operators)
        case .and(let left, let right, let location):
            let lhs = try evaluate(left)
            return try located(location) { try truth(lhs) } ? try evaluate(right) : lhs
        case .or(let left, let right, let location):
            let lhs = try evaluate(left)
            return try located(location) { try truth(lhs) } ? lhs : try evaluate(right)
        case .conditional(let condition, let then, let otherwise, let location):
            let test = try evaluate(condition)
            return try located(location) { try truth(test) } ? try evaluate(then) : try evaluate(otherwise)
        case .starred(_, let location):
            throw ScriptError(.syntax, "can't use starred expression here").located(at: location, in: currentSource)
        case .comprehension(let comprehension, let location):
            return try evaluate(comprehension, at: location)
        case .lambda(let parameters, let body, let location):
            return try makeFunction(name: "<lambda>", parameters: parameters, body: .expression(body), at: location)
        case .formattedString(let parts, let location):
            return .string(try located(location) { try format(parts) })
        }
    }

    /// The items of a list, tuple or set display, with `*iterable` spread in place.
    private func evaluateDisplay(_ items: [Expression]) throws -> [Value] {
        var values: [Value] = []
        for item in items {
            if case .starred(let inner, let location) = item {
                let spread = try evaluate(inner)
                values += try located(location) { try iterate(spread) }
            } else {
                values.append(try evaluate(item))
            }
        }
        return values
    }

    /// `a < b <= c`: each operand evaluated once, stopping at the first false link, as Python does.
    private func evaluateComparison(_ operands: [Expression], _ operators: [String]) throws -> Value {
        var left = try evaluate(operands[0])
        for (index, op) in operators.enumerated() {
            let right = try evaluate(operands[index + 1])
            let location = operands[index + 1].location
            // Objects may answer a comparison with a value of their own (an array of bools).
            if ["<", "<=", ">", ">=", "==", "!="].contains(op),
               let result = try located(location, { try Operators.objectBinary(op, left, right) }) {
                if operators.count == 1 { return result }
                if !(try located(location) { try truth(result) }) { return result }
            } else {
                let holds = try located(location) { () throws -> Bool in
                    switch op {
                    case "in": return try contains(right, left)
                    case "not in": return !(try contains(right, left))
                    default: return try Operators.compare(op, left, right)
                    }
                }
                if !holds { return .bool(false) }
            }
            left = right
        }
        return .bool(true)
    }

    /// An f-string's text: each field formatted with its conversion and (possibly nested) spec.
    func format(_ parts: [FormattedPart]) throws -> String {
        var text = ""
        for part in parts {
            switch part {
            case .text(let literal):
                text += literal
            case .field(let expression, let conversion, let specParts, let debugText):
                var value = try evaluate(expression)
                switch conversion {
                case "r": value = .string(value.repr)
                case "s": value = .string(value.str)
                case "a": value = .string(asciiRepr(value.repr))
                default: break
                }
                text += (debugText ?? "") + (try TextFormatting.format(value, spec: try format(specParts)))
            }
        }
        return text
    }

    private func asciiRepr(_ text: String) -> String {
        text.unicodeScalars.map { scalar in
            if scalar.isASCII { return String(scalar) }
            let hex = String(scalar.value, radix: 16)
            if scalar.value <= 0xFF { return "\\x" + String(repeating: "0", count: 2 - hex.count) + hex }
            if scalar.value <= 0xFFFF { return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex }
            return "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
        }.joined()
    }

    func isVariable(_ name: String) -> Bool {
        if let scope = frames.last, case .found = scope.resolve(name) { return true }
        return globals[name] != nil
    }

    /// Variables first (locals, enclosing functions, then globals), then commands and Python's
    /// built-in names, then names brought in by imports.
    func lookup(_ name: String, at location: SourceLocation) throws -> Value {
        if let scope = frames.last {
            switch scope.resolve(name) {
            case .found(let value): return value
            case .unbound:
                var error = ScriptError(.name, "cannot access local variable '\(name)' where it is not associated with a value")
                error.pythonClassOverride = "UnboundLocalError"
                throw error.located(at: location, in: currentSource)
            case .global: break
            }
        }
        if let value = globals[name] { return value }
        if let spec = commands[name] { return .command(spec) }
        if let value = builtinValues[name] { return value }
        if let spec = importedCommand([name]) { return .command(spec) }
        if let value = importedBuiltinValue([name]) { return value }
        if importedNames[name] != nil {
            throw ScriptError(.name, "'\(name)' is an imported module, not a value; use what it contains, e.g. \(name).something(...)")
                .located(at: location, in: currentSource)
        }
        var candidates = Set(globals.keys).union(commands.keys)
        if let locals = frames.last?.variables { candidates.formUnion(locals.keys) }
        let suggestion = Suggestions.closest(to: name, among: candidates)
        var error = ScriptError(.name, "name '\(name)' is not defined" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""))
        // str(e) reads as CPython 3.11's.
        error.pythonMessage = "name '\(name)' is not defined" + (suggestion.map { ". Did you mean: '\($0)'?" } ?? "")
        throw error.located(at: location, in: currentSource)
    }

    /// Resolves `a.b.c` whose root is not a variable: a registered dotted command (`layers.Dense`,
    /// `os.path.join`) or value (`math.pi`), possibly spelled through an import alias.
    func resolveDotted(_ path: [String], at rootLocation: SourceLocation) throws -> Value {
        let dotted = path.joined(separator: ".")
        if let spec = commands[dotted] ?? importedCommand(path) { return .command(spec) }
        if path.count == 2, let method = unboundMethod(path[1], ofType: path[0]) { return .command(method) }
        if let value = builtinValues[dotted] ?? importedBuiltinValue(path) { return value }
        let prefix = path[0] + "."
        let isKnownRoot = importedNames[path[0]] != nil || commands.keys.contains { $0.hasPrefix(prefix) }
            || builtinValues.keys.contains { $0.hasPrefix(prefix) }
        if !isKnownRoot {
            let hint = Suggestions.hint(for: path[0], among: Set(globals.keys).union(commands.keys))
            throw ScriptError(.name, "name '\(path[0])' is not defined\(hint)").located(at: rootLocation, in: currentSource)
        }
        // A name of a module tl covers in part (NumPy) is unsupported, not misspelt.
        let module = importedNames[path[0]] ?? [path[0]]
        if let message = partialModules[module[0]] {
            throw ScriptError(.notImplemented, "\(dotted) is not supported in tl (\(message))")
        }
        let hint = Suggestions.hint(for: dotted, among: commands.keys.filter { $0.contains(".") })
        throw ScriptError(.name, "name '\(dotted)' is not defined\(hint)")
    }

    /// `str.lower`, `list.append`, `dict.get` as functions taking the receiver first (`key=str.lower`).
    private func unboundMethod(_ name: String, ofType typeName: String) -> CommandSpec? {
        let samples: [String: Value] = ["str": "", "list": .list([]), "dict": .dict(ValueDictionary()), "tuple": .tuple([])]
        guard let sample = samples[typeName], ValueMethods.handles(name, on: sample) else { return nil }
        return CommandSpec(name: "\(typeName).\(name)", acceptsExtraPositional: true, acceptsExtraKeywords: true) { args, interpreter in
            guard let receiver = args.extraPositional.first, receiver.typeName == typeName else {
                throw ScriptError(.type, "descriptor '\(name)' for '\(typeName)' objects needs a '\(typeName)' argument")
            }
            let passed = args.extraPositional.dropFirst().map { PassedArgument(value: $0) }
                + args.extraKeywords.map { PassedArgument(keyword: $0.name, value: $0.value) }
            return try ValueMethods.call(name, on: receiver, passed, interpreter: interpreter)
        }
    }

    /// A command reached through an import: `np.mean` after `import numpy as np` tries `np.mean`,
    /// `numpy.mean`, then shorter suffixes down to `mean`.
    func importedCommand(_ path: [String]) -> CommandSpec? {
        guard let module = importedNames[path[0]] else { return nil }
        let full = module + path.dropFirst()
        for start in 0..<full.count {
            if let spec = commands[full[start...].joined(separator: ".")] { return spec }
        }
        return nil
    }

    /// A built-in value reached through an import alias (`from math import pi`, `import math as m`).
    private func importedBuiltinValue(_ path: [String]) -> Value? {
        guard let module = importedNames[path[0]] else { return nil }
        return builtinValues[(module + path.dropFirst()).joined(separator: ".")]
    }

    /// `value.name` outside a call.
    func attribute(_ name: String, of receiver: Value) throws -> Value {
        if case .object(let object) = receiver {
            if let value = try object.attribute(name) { return value }
            if let spec = commands[name] { return .command(spec.bound(to: receiver)) }
            let hint = Suggestions.hint(for: name, among: object.attributeNames)
            var error = ScriptError(.attribute, "'\(object.typeName)' object has no attribute '\(name)'\(hint)")
            error.pythonMessage = "'\(object.typeName)' object has no attribute '\(name)'"
            throw error
        }
        if ValueMethods.handles(name, on: receiver) {
            return .command(ValueMethods.boundMethod(name, on: receiver))
        }
        if case .command(let spec) = receiver, name == "__name__" { return .string(spec.name) }
        throw ScriptError(.attribute, "'\(receiver.typeName)' object has no attribute '\(name)'")
    }
}
