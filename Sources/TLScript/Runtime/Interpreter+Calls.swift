extension Interpreter {
    /// Evaluates a call. `obj.name(args)` asks the object for attribute `name` first and otherwise calls
    /// the command `name` with `obj` prepended; dotted names whose root is not a variable are commands.
    func call(_ callee: Expression, _ argumentExpressions: [Argument], at location: SourceLocation) throws -> Value {
        // Python order: the callee (or receiver), then the arguments left to right.
        func evaluateArguments() throws -> [PassedArgument] {
            try argumentExpressions.map {
                PassedArgument(keyword: $0.keyword, value: try evaluate($0.value), location: $0.location)
            }
        }
        guard case .attribute(let base, let name, let nameLocation) = callee,
              !(callee.dottedPath.map { !isVariable($0[0]) } ?? false) else {
            let function = try evaluate(callee)
            return try invoke(function, try evaluateArguments(), at: location)
        }
        let receiver = try evaluate(base)
        var arguments = try evaluateArguments()
        if case .object(let object) = receiver {
            if let member = try located(nameLocation, { try object.attribute(name) }) {
                return try invoke(member, arguments, at: location)
            }
        } else if ValueMethods.handles(name, on: receiver) {
            let (result, updated) = try located(nameLocation) {
                try ValueMethods.call(name, on: receiver, arguments)
            }
            if let updated { try assign(updated, to: base) }
            return result
        }
        guard let spec = commands[name] else {
            let candidates = (receiver.asObject?.attributeNames ?? []) + ValueMethods.names(for: receiver)
            let hint = Suggestions.hint(for: name, among: candidates + commands.keys)
            throw ScriptError(.attribute, "'\(receiver.typeName)' object has no attribute or method '\(name)'\(hint)")
                .located(at: nameLocation, in: currentSource)
        }
        arguments.insert(PassedArgument(value: receiver, location: base.location), at: 0)
        return try callCommand(spec, arguments, at: location)
    }

    /// Calls a function value (a command, a bound method or a user `def`/`lambda`) from the host, e.g. a
    /// `LearningRateScheduler`'s schedule or a `key=` function: `try interpreter.call(f, [.int(epoch)])`.
    public func call(_ function: Value, _ arguments: [Value], keywords: [(String, Value)] = []) throws -> Value {
        let location = currentLocation ?? SourceLocation(line: 1, column: 1)
        let passed = arguments.map { PassedArgument(value: $0, location: location) }
            + keywords.map { PassedArgument(keyword: $0.0, value: $0.1, location: location) }
        return try invoke(function, passed, at: location)
    }

    /// Calls a function value.
    func invoke(_ function: Value, _ arguments: [PassedArgument], at location: SourceLocation) throws -> Value {
        guard case .command(let spec) = function else {
            throw ScriptError(.type, "'\(function.typeName)' object is not callable").located(at: location, in: currentSource)
        }
        return try callCommand(spec, arguments, at: location)
    }

    /// Binds and checks the arguments, then runs the command; its errors are placed at the call.
    public func callCommand(_ spec: CommandSpec, _ arguments: [PassedArgument], at location: SourceLocation? = nil) throws -> Value {
        let location = location ?? currentLocation ?? SourceLocation(line: 1, column: 1)
        return try located(location) {
            try throwIfCancelled()
            let bound = try spec.bind(arguments)
            return try spec.body(bound, self)
        }
    }
}
