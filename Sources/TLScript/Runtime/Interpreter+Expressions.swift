extension Interpreter {
    func evaluate(_ expression: Expression) throws -> Value {
        switch expression {
        case .literal(let value, _):
            return value
        case .name(let name, let location):
            return try lookup(name, at: location)
        case .tuple(let items, _):
            return .tuple(try items.map(evaluate))
        case .list(let items, _):
            return .list(try items.map(evaluate))
        case .dict(let pairs, _):
            var dict = ValueDictionary()
            for (keyExpression, valueExpression) in pairs {
                let key = try evaluate(keyExpression)
                guard case .string(let name) = key else {
                    throw ScriptError(.type, "dict keys must be strings, got \(describeForError(key))")
                        .located(at: keyExpression.location, in: currentSource)
                }
                dict[name] = try evaluate(valueExpression)
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
            // Slices are only meaningful inside an index; represent them as a marker tuple there.
            return Operators.makeSlice(try start.map(evaluate), try stop.map(evaluate), try step.map(evaluate))
        case .call(let callee, let arguments, let location):
            return try call(callee, arguments, at: location)
        case .unary(let op, let operand, let location):
            let value = try evaluate(operand)
            return try located(location) { try Operators.unary(op, value) }
        case .binary(let op, let left, let right, let location):
            let lhs = try evaluate(left)
            let rhs = try evaluate(right)
            return try located(location) { try Operators.binary(op, lhs, rhs) }
        case .comparison(let operands, let operators, _):
            var left = try evaluate(operands[0])
            for (index, op) in operators.enumerated() {
                let right = try evaluate(operands[index + 1])
                // Objects may answer a comparison with a value of their own (an array of bools).
                if ["<", "<=", ">", ">=", "==", "!="].contains(op),
                   let result = try located(operands[index + 1].location, { try Operators.objectBinary(op, left, right) }) {
                    if operators.count == 1 { return result }
                    if !result.isTruthy { return result }
                } else {
                    let holds = try located(operands[index + 1].location) { try Operators.compare(op, left, right) }
                    if !holds { return .bool(false) }
                }
                left = right
            }
            return .bool(true)
        case .and(let left, let right, _):
            let lhs = try evaluate(left)
            return lhs.isTruthy ? try evaluate(right) : lhs
        case .or(let left, let right, _):
            let lhs = try evaluate(left)
            return lhs.isTruthy ? lhs : try evaluate(right)
        case .conditional(let condition, let then, let otherwise, _):
            return try evaluate(condition).isTruthy ? try evaluate(then) : try evaluate(otherwise)
        }
    }

    func isVariable(_ name: String) -> Bool {
        frames.last?[name] != nil || globals[name] != nil
    }

    /// Variables first (locals, then globals), then commands, then names brought in by imports.
    func lookup(_ name: String, at location: SourceLocation) throws -> Value {
        if let value = frames.last?[name] ?? globals[name] { return value }
        if let spec = commands[name] { return .command(spec) }
        if let spec = importedCommand([name]) { return .command(spec) }
        if importedNames[name] != nil {
            throw ScriptError(.name, "'\(name)' is an imported module, not a value; use what it contains, e.g. \(name).something(...)")
                .located(at: location, in: currentSource)
        }
        var candidates = Set(globals.keys).union(commands.keys)
        if let locals = frames.last { candidates.formUnion(locals.keys) }
        let hint = Suggestions.hint(for: name, among: candidates)
        throw ScriptError(.name, "name '\(name)' is not defined\(hint)").located(at: location, in: currentSource)
    }

    /// Resolves `a.b.c` whose root is not a variable: a registered dotted command (`layers.Dense`,
    /// `os.path.join`), possibly spelled through an import alias.
    func resolveDotted(_ path: [String], at rootLocation: SourceLocation) throws -> Value {
        let dotted = path.joined(separator: ".")
        if let spec = commands[dotted] ?? importedCommand(path) { return .command(spec) }
        let prefix = path[0] + "."
        let isKnownRoot = importedNames[path[0]] != nil || commands.keys.contains { $0.hasPrefix(prefix) }
        if !isKnownRoot {
            let hint = Suggestions.hint(for: path[0], among: Set(globals.keys).union(commands.keys))
            throw ScriptError(.name, "name '\(path[0])' is not defined\(hint)").located(at: rootLocation, in: currentSource)
        }
        let hint = Suggestions.hint(for: dotted, among: commands.keys.filter { $0.contains(".") })
        throw ScriptError(.name, "name '\(dotted)' is not defined\(hint)")
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

    /// `value.name` outside a call.
    func attribute(_ name: String, of receiver: Value) throws -> Value {
        if case .object(let object) = receiver {
            if let value = try object.attribute(name) { return value }
            if let spec = commands[name] { return .command(spec.bound(to: receiver)) }
            let hint = Suggestions.hint(for: name, among: object.attributeNames)
            throw ScriptError(.attribute, "'\(object.typeName)' object has no attribute '\(name)'\(hint)")
        }
        throw ScriptError(.attribute, "'\(receiver.typeName)' object has no attribute '\(name)'")
    }
}
