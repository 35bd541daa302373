extension Interpreter {
    /// Evaluates a call. `obj.name(args)` asks the object for attribute `name` first and otherwise calls
    /// the command `name` with `obj` prepended; dotted names whose root is not a variable are commands.
    func call(_ callee: Expression, _ argumentExpressions: [Argument], at location: SourceLocation) throws -> Value {
        guard case .attribute(let base, let name, let nameLocation) = callee,
              !(callee.dottedPath.map { !isVariable($0[0]) } ?? false) else {
            // Python order: the callee, then the arguments left to right.
            let function = try evaluate(callee)
            return try invoke(function, try evaluateArguments(argumentExpressions), at: location)
        }
        let receiver = try evaluate(base)
        var arguments = try evaluateArguments(argumentExpressions)
        if case .object(let object) = receiver {
            if let member = try located(nameLocation, { try object.attribute(name) }) {
                return try invoke(member, arguments, at: location)
            }
        } else if ValueMethods.handles(name, on: receiver) {
            return try located(nameLocation) { try ValueMethods.call(name, on: receiver, arguments, interpreter: self) }
        } else if case .command(let spec) = receiver, name == "__call__" {
            return try callCommand(spec, arguments, at: location)
        }
        guard let spec = commands[name] else {
            let candidates = (receiver.asObject?.attributeNames ?? []) + ValueMethods.names(for: receiver)
            let hint = Suggestions.hint(for: name, among: candidates + commands.keys)
            var error = ScriptError(.attribute, "'\(receiver.typeName)' object has no attribute '\(name)'\(hint)")
            error.pythonMessage = "'\(receiver.typeName)' object has no attribute '\(name)'"
            throw error.located(at: nameLocation, in: currentSource)
        }
        arguments.insert(PassedArgument(value: receiver, location: base.location), at: 0)
        return try callCommand(spec, arguments, at: location)
    }

    /// The arguments at a call site, with `*iterable` spread into positional arguments and `**dict`
    /// into keyword arguments.
    private func evaluateArguments(_ expressions: [Argument]) throws -> [PassedArgument] {
        var arguments: [PassedArgument] = []
        for argument in expressions {
            let value = try evaluate(argument.value)
            switch argument.unpacking {
            case .none:
                arguments.append(PassedArgument(keyword: argument.keyword, value: value, location: argument.location))
            case .positional:
                let items = try located(argument.location) { try iterate(value) }
                arguments += items.map { PassedArgument(value: $0, location: argument.location) }
            case .keywords:
                guard case .dict(let dict) = value else {
                    throw ScriptError(.type, "argument after ** must be a mapping, not \(value.typeName)")
                        .located(at: argument.location, in: currentSource)
                }
                for (key, item) in dict.entries {
                    guard let keyword = key.asString else {
                        throw ScriptError(.type, "keywords must be strings").located(at: argument.location, in: currentSource)
                    }
                    if arguments.contains(where: { $0.keyword == keyword }) {
                        throw ScriptError(.type, "got multiple values for keyword argument '\(keyword)'")
                            .located(at: argument.location, in: currentSource)
                    }
                    arguments.append(PassedArgument(keyword: keyword, value: item, location: argument.location))
                }
            }
        }
        return arguments
    }

    /// Calls a function value (a command, a bound method or a user `def`/`lambda`) from the host, e.g. a
    /// `LearningRateScheduler`'s schedule or a `key=` function: `try interpreter.call(f, [.int(epoch)])`.
    public func call(_ function: Value, _ arguments: [Value], keywords: [(String, Value)] = []) throws -> Value {
        let location = currentLocation ?? SourceLocation(line: 1, column: 1)
        let passed = arguments.map { PassedArgument(value: $0, location: location) }
            + keywords.map { PassedArgument(keyword: $0.0, value: $0.1, location: location) }
        return try onEvaluationStack { try invoke(function, passed, at: location) }
    }

    /// Calls a function value; exception classes are called to make exceptions.
    func invoke(_ function: Value, _ arguments: [PassedArgument], at location: SourceLocation) throws -> Value {
        switch function {
        case .command(let spec):
            return try callCommand(spec, arguments, at: location)
        case .object(let exceptionClass as ExceptionClass):
            if let keyword = arguments.first(where: { $0.keyword != nil })?.keyword {
                throw ScriptError(.type, "\(exceptionClass.name)() takes no keyword arguments ('\(keyword)' given)")
                    .located(at: location, in: currentSource)
            }
            return .object(ExceptionObject(className: exceptionClass.name, arguments: arguments.map(\.value)))
        case .object(let object):
            // Callable objects (a layer or model applied to a tensor: `layers.Dense(1)(x)`) answer `__call__`.
            if case .command(let spec)? = try located(location, { try object.attribute("__call__") }) {
                return try callCommand(spec, arguments, at: location)
            }
            throw ScriptError(.type, "'\(function.typeName)' object is not callable").located(at: location, in: currentSource)
        default:
            throw ScriptError(.type, "'\(function.typeName)' object is not callable").located(at: location, in: currentSource)
        }
    }

    /// Binds and checks the arguments, then runs the command; its errors are placed at the call.
    public func callCommand(_ spec: CommandSpec, _ arguments: [PassedArgument], at location: SourceLocation? = nil) throws -> Value {
        let location = location ?? currentLocation ?? SourceLocation(line: 1, column: 1)
        return try located(location) {
            try throwIfCancelled()
            let bound = try spec.bind(arguments)
            pendingCallSite = location
            return try spec.body(bound, self)
        }
    }
}
