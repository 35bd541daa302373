extension Interpreter {
    /// Binds a `def` to a function value. Like any variable it shadows a command of the same name
    /// (the book defines its own `extract_features`); `del name` makes the command visible again.
    func define(_ definition: FunctionDefinition) throws {
        let function = try makeFunction(name: definition.name, parameters: definition.parameters,
                                        body: .statements(definition.body), at: definition.location)
        try bind(definition.name, to: function)
    }

    /// A function value for a `def` or `lambda`: defaults evaluated now, closing over the current scope.
    func makeFunction(name: String, parameters: FunctionParameters, body: UserFunction.Body,
                      at location: SourceLocation) throws -> Value {
        let positionalDefaults = try parameters.positional.map { try $0.defaultValue.map(evaluate) }
        let keywordOnlyDefaults = try parameters.keywordOnly.map { try $0.defaultValue.map(evaluate) }
        let function = UserFunction(name: name, parameters: parameters, positionalDefaults: positionalDefaults,
                                    keywordOnlyDefaults: keywordOnlyDefaults, body: body, closure: frames.last,
                                    source: currentSource, location: location)
        var spec = CommandSpec(name: name, acceptsExtraPositional: true, acceptsExtraKeywords: true,
                               doc: "User function defined at \(currentSource.name):\(location.line).") { arguments, interpreter in
            try interpreter.callUserFunction(function, arguments)
        }
        spec.userFunction = function
        return .command(spec)
    }

    private func callUserFunction(_ function: UserFunction, _ arguments: CallArguments) throws -> Value {
        guard callDepth < Interpreter.maximumCallDepth else {
            var error = ScriptError(.limit, "maximum recursion depth (\(Interpreter.maximumCallDepth)) exceeded")
            error.pythonClassOverride = "RecursionError"
            throw error
        }
        let scope = Scope(functionName: function.name, enclosing: function.closure, names: function.boundNames)
        scope.variables = try function.bind(positional: arguments.extraPositional, keywords: arguments.extraKeywords)
        let callerSource = currentSource
        let callSite = pendingCallSite ?? currentLocation ?? function.location
        callStack.append(CallRecord(callee: function.name, callSite: callSite, callerSource: callerSource,
                                    callerFunction: frames.last?.functionName ?? "<module>"))
        frames.append(scope)
        callDepth += 1
        currentSource = function.source
        defer {
            frames.removeLast()
            callStack.removeLast()
            callDepth -= 1
            currentSource = callerSource
        }
        do {
            switch function.body {
            case .statements(let block):
                if case .returnValue(let value) = try execute(block) { return value }
                return .none
            case .expression(let expression):
                return try located(expression.location) { try evaluate(expression) }
            }
        } catch let error as ScriptError {
            throw recordTraceback(error, in: function.name)
        }
    }

    /// Evaluates a list, set or dict comprehension eagerly, or makes a generator expression's lazy
    /// iterator. Its loop variables live in a scope of their own, as in Python 3.
    func evaluate(_ comprehension: Comprehension, at location: SourceLocation) throws -> Value {
        // Python evaluates the first iterable in the enclosing scope, at once.
        let firstIterable = try evaluate(comprehension.clauses[0].iterable)
        let targets = comprehension.clauses.map(\.target)
        let name = comprehension.kind == .generator ? "<genexpr>" : "<\(comprehension.kind)comp>"
        let scope = Scope(functionName: name, enclosing: frames.last, names: BoundNames(targets: targets))
        // As in Python, a comprehension runs as a call of its own: tracebacks show it under its creator.
        let call = CallRecord(callee: name, callSite: location, callerSource: currentSource,
                              callerFunction: frames.last?.functionName ?? "<module>")
        let produce = try comprehensionValues(comprehension, firstIterable: firstIterable, scope: scope, call: call)
        switch comprehension.kind {
        case .generator:
            return .object(IteratorObject(kind: "generator", produce))
        case .list:
            return .list(try drain(produce))
        case .set:
            return .object(try ValueSet(try drain(produce)))
        case .dict:
            let dict = ValueDictionary()
            for pair in try drain(produce) {
                guard case .tuple(let items) = pair else { continue }
                try dict.set(items[0], items[1])
            }
            return .dict(dict)
        }
    }

    private func drain(_ iterator: ValueIterator) throws -> [Value] {
        var items: [Value] = []
        while let item = try iterator.next() {
            items.append(item)
            if items.count % 1024 == 0 { try throwIfCancelled() }
        }
        return items
    }

    /// A lazy walk over the comprehension's nested `for` clauses: one iterator per clause, the innermost
    /// advanced first; each element is evaluated in the comprehension's scope.
    private func comprehensionValues(_ comprehension: Comprehension, firstIterable: Value, scope: Scope,
                                     call: CallRecord) throws -> ValueIterator {
        var iterators: [ValueIterator] = [try makeIterator(firstIterable)]
        return ValueIterator { [weak self] in
            guard let self else { return nil }
            let callerSource = self.currentSource
            self.frames.append(scope)
            self.callStack.append(call)
            self.currentSource = call.callerSource
            defer {
                self.frames.removeLast()
                self.callStack.removeLast()
                self.currentSource = callerSource
            }
            do {
                return try self.nextComprehensionValue(comprehension, &iterators)
            } catch let error as ScriptError {
                throw self.recordTraceback(error.located(at: call.callSite, in: call.callerSource), in: call.callee)
            }
        }
    }

    /// Advances the innermost clause's iterator (opening inner clauses as outer ones move) to the next
    /// item that passes every condition, and evaluates the element for it; nil when all are exhausted.
    private func nextComprehensionValue(_ comprehension: Comprehension, _ iterators: inout [ValueIterator]) throws -> Value? {
        let clauses = comprehension.clauses
        while let depth = iterators.indices.last {
            guard let item = try iterators[depth].next() else {
                iterators.removeLast()
                continue
            }
            let clause = clauses[depth]
            try assign(item, to: clause.target)
            guard try clause.conditions.allSatisfy({ try truth(try evaluate($0)) }) else { continue }
            if depth + 1 < clauses.count {
                let next = clauses[depth + 1].iterable
                iterators.append(try located(next.location) { try makeIterator(try evaluate(next)) })
                continue
            }
            let element = try evaluate(comprehension.element)
            if let valueExpression = comprehension.value { return .tuple([element, try evaluate(valueExpression)]) }
            return element
        }
        return nil
    }
}
