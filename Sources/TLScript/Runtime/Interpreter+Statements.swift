/// How a statement finished: normally, or by a jump the enclosing loop or function handles.
enum Flow {
    case normal
    case breakLoop
    case continueLoop
    case returnValue(Value)
}

extension Interpreter {
    /// The most values a `for` loop or `range()` may produce; beyond that the script is surely wrong.
    static let maximumSequenceLength = 50_000_000

    func execute(_ block: Block) throws -> Flow {
        for statement in block {
            let flow = try execute(statement)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    func execute(_ located: LocatedStatement) throws -> Flow {
        try self.located(located.location) {
            try throwIfCancelled()
            setCurrentLocation(located.location)
            return try execute(located.statement)
        }
    }

    private func execute(_ statement: Statement) throws -> Flow {
        switch statement {
        case .expression(let expression):
            _ = try evaluate(expression)
        case .assign(let targets, let expression):
            let value = try evaluate(expression)
            for target in targets { try assign(value, to: target) }
        case .augmentedAssign(let target, let op, let expression):
            let current = try evaluate(target)
            let operand = try evaluate(expression)
            if case .object(let object) = current,
               try located(expression.location, { try object.inPlaceOperation(op, operand) }) {
                break
            }
            let result = try located(expression.location) { try Operators.binary(op, current, operand) }
            try assign(result, to: target)
        case .ifChain(let branches, let otherwise):
            for branch in branches where try evaluate(branch.condition).isTruthy {
                return try execute(branch.body)
            }
            if let otherwise { return try execute(otherwise) }
        case .forLoop(let target, let iterable, let body):
            let iterator = try located(iterable.location) { try makeIterator(try evaluate(iterable)) }
            while let item = try located(iterable.location, { try iterator.next() }) {
                try throwIfCancelled()
                try assign(item, to: target)
                switch try execute(body) {
                case .breakLoop: return .normal
                case .returnValue(let value): return .returnValue(value)
                case .normal, .continueLoop: continue
                }
            }
        case .whileLoop(let condition, let body):
            while try evaluate(condition).isTruthy {
                try throwIfCancelled()
                switch try execute(body) {
                case .breakLoop: return .normal
                case .returnValue(let value): return .returnValue(value)
                case .normal, .continueLoop: continue
                }
            }
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        case .pass:
            break
        case .returnValue(let expression):
            guard !frames.isEmpty else { throw ScriptError(.syntax, "'return' outside a function") }
            return .returnValue(try expression.map(evaluate) ?? .none)
        case .importModule(let module, let alias):
            // Modules are not values in tl; remember the name so dotted commands keep resolving.
            if let alias {
                importedNames[alias] = module
            } else {
                importedNames[module[0]] = [module[0]]
            }
        case .importNames(let module, let names):
            for (name, alias) in names where name != "*" {
                importedNames[alias ?? name] = module + [name]
            }
        case .functionDefinition(let definition):
            try define(definition)
        }
        return .normal
    }

    /// A lazy iterator over what a `for` loop visits: objects may be endless (flows).
    func makeIterator(_ value: Value) throws -> ValueIterator {
        if case .object(let object) = value {
            guard let iterator = try object.makeIterator() else {
                throw ScriptError(.type, "'\(object.typeName)' object is not iterable")
            }
            return iterator
        }
        let items = try iterate(value)
        var position = 0
        return ValueIterator {
            guard position < items.count else { return nil }
            defer { position += 1 }
            return items[position]
        }
    }

    /// The values a finite iterable holds.
    func iterate(_ value: Value) throws -> [Value] {
        switch value {
        case .list(let items), .tuple(let items): return items
        case .string(let s): return s.map { .string(String($0)) }
        case .dict(let dict): return dict.keys.map { .string($0) }
        case .object(let object):
            guard let items = try object.elements() else {
                throw ScriptError(.type, "'\(object.typeName)' object is not iterable")
            }
            return items
        default:
            throw ScriptError(.type, "'\(value.typeName)' object is not iterable")
        }
    }

    /// Stores `value` into an assignment target: a name, attribute, index or tuple of targets.
    func assign(_ value: Value, to target: Expression) throws {
        switch target {
        case .name(let name, _):
            if frames.isEmpty { globals[name] = value } else { frames[frames.count - 1][name] = value }
        case .tuple(let targets, let location), .list(let targets, let location):
            let items = try located(location) { try iterate(value) }
            guard items.count == targets.count else {
                throw ScriptError(.value, "cannot unpack \(items.count) value\(items.count == 1 ? "" : "s") into \(targets.count) targets")
                    .located(at: location, in: currentSource)
            }
            for (item, target) in zip(items, targets) { try assign(item, to: target) }
        case .attribute(let base, let name, let location):
            let receiver = try evaluate(base)
            try located(location) {
                guard case .object(let object) = receiver else {
                    throw ScriptError(.attribute, "cannot set attribute '\(name)' on a value of type '\(receiver.typeName)'")
                }
                guard try object.setAttribute(name, value) else {
                    let hint = Suggestions.hint(for: name, among: object.attributeNames)
                    throw ScriptError(.attribute, "'\(object.typeName)' object has no settable attribute '\(name)'\(hint)")
                }
            }
        case .index(let base, let indexExpression, let location):
            let container = try evaluate(base)
            let index = try evaluate(indexExpression)
            let updated = try located(location) { try Operators.settingItem(of: container, at: index, to: value) }
            try assign(updated, to: base)
        default:
            throw ScriptError(.syntax, "cannot assign to this expression").located(at: target.location, in: currentSource)
        }
    }

    /// Binds a `def` to a command whose body runs the function's statements in a fresh frame.
    private func define(_ definition: FunctionDefinition) throws {
        var parameters: [ParameterSpec] = []
        for (name, defaultExpression) in definition.parameters {
            if let defaultExpression {
                parameters.append(ParameterSpec(name, default: try evaluate(defaultExpression)))
            } else {
                parameters.append(ParameterSpec(name))
            }
        }
        let source = currentSource
        let body = definition.body
        let spec = CommandSpec(name: definition.name, parameters: parameters,
                               doc: "User function defined at \(source.name):\(definition.location.line).") { arguments, interpreter in
            try interpreter.callUserFunction(body, arguments: arguments, parameters: parameters, source: source)
        }
        try assign(.command(spec), to: .name(definition.name, definition.location))
    }

    private func callUserFunction(_ body: Block, arguments: CallArguments, parameters: [ParameterSpec],
                                  source: SourceFile) throws -> Value {
        guard callDepth < Interpreter.maximumCallDepth else {
            throw ScriptError(.limit, "maximum recursion depth (\(Interpreter.maximumCallDepth)) exceeded")
        }
        var frame: [String: Value] = [:]
        for parameter in parameters { frame[parameter.name] = arguments[parameter.name] }
        let callerSource = currentSource
        frames.append(frame)
        callDepth += 1
        currentSource = source
        defer {
            frames.removeLast()
            callDepth -= 1
            currentSource = callerSource
        }
        if case .returnValue(let value) = try execute(body) { return value }
        return .none
    }
}
