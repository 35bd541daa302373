extension Interpreter {
    /// `try` / `except` / `else` / `finally`, with Python's order: the handler that matches first runs,
    /// `else` runs when nothing was raised, `finally` always runs (and its own jump wins).
    func runTry(_ body: Block, _ handlers: [ExceptHandler], _ otherwise: Block?, _ finally: Block?) throws -> Flow {
        var flow = Flow.normal
        var pending: Error?
        var raised = false
        do {
            flow = try execute(body)
        } catch let error as ScriptError {
            raised = true
            do {
                if let handler = try matchingHandler(for: error, among: handlers) {
                    flow = try runHandler(handler, for: error)
                } else {
                    pending = error
                }
            } catch {
                pending = error
            }
        }
        // `else` runs only when the body finished normally, and its errors are not the handlers' to catch.
        if !raised, case .normal = flow, let otherwise {
            do { flow = try execute(otherwise) } catch { pending = error }
        }
        if let finally {
            let finalFlow = try execute(finally)
            if case .normal = finalFlow {} else { return finalFlow }
        }
        if let pending { throw pending }
        return flow
    }

    private func matchingHandler(for error: ScriptError, among handlers: [ExceptHandler]) throws -> ExceptHandler? {
        for handler in handlers {
            guard let classesExpression = handler.classes else { return handler }
            let classes = try evaluate(classesExpression)
            let names = try located(classesExpression.location) { try exceptionClassNames(classes) }
            if names.contains(where: { ExceptionClass.isSubclass(error.pythonClassName, of: $0) }) { return handler }
        }
        return nil
    }

    /// The class names an `except` clause names: one class or a tuple of them.
    private func exceptionClassNames(_ value: Value) throws -> [String] {
        switch value {
        case .object(let object as ExceptionClass): return [object.name]
        case .tuple(let items): return try items.flatMap(exceptionClassNames)
        default:
            throw ScriptError(.type, "catching classes that do not inherit from BaseException is not allowed")
        }
    }

    private func runHandler(_ handler: ExceptHandler, for error: ScriptError) throws -> Flow {
        // A handled Ctrl-C is over: the script chose to go on, as Python's does.
        if error.kind == .cancelled { cancellation.reset() }
        if let name = handler.name { try bind(name, to: .object(ExceptionObject(error: error))) }
        handledExceptions.append(error)
        defer {
            handledExceptions.removeLast()
            // Python deletes the `as` name when the handler ends.
            if let name = handler.name { forgetExceptionName(name) }
        }
        return try execute(handler.body)
    }

    private func forgetExceptionName(_ name: String) {
        if let scope = frames.last { scope.variables[name] = nil } else { globals[name] = nil }
    }

    /// `raise`, `raise ValueError("...")`, `raise ValueError`, `raise error_variable`.
    func raise(_ exception: Expression?, cause: Expression?) throws {
        guard let exception else {
            guard let current = handledExceptions.last else { throw ScriptError(.runtime, "No active exception to reraise") }
            throw current
        }
        let value = try evaluate(exception)
        if let cause { _ = try evaluate(cause) }
        var error: ScriptError
        switch value {
        case .object(let object as ExceptionObject): error = object.error
        case .object(let object as ExceptionClass): error = ExceptionObject(className: object.name, arguments: []).error
        default: throw ScriptError(.type, "exceptions must derive from BaseException")
        }
        // A raised exception is located where it is raised now, with a fresh traceback.
        error.location = nil
        error.fileName = nil
        error.sourceLine = nil
        error.traceback = []
        error.functionName = nil
        throw error
    }

    /// Python's exception classes, bound as built-in names.
    func registerExceptionClasses() {
        for name in ExceptionClass.allNames { builtinValues[name] = .object(ExceptionClass(name: name)) }
        // Scripts are the main program, so `if __name__ == "__main__":` blocks run, as under `python script.py`.
        builtinValues["__name__"] = "__main__"
        for (alias, name) in ExceptionClass.aliases { builtinValues[alias] = builtinValues[name] }
    }

    /// Gives an error escaping the user function `callee` its traceback: the calls in progress when it
    /// happened (outermost first). Only the innermost function records it; outer ones pass it on.
    func recordTraceback(_ error: ScriptError, in callee: String) -> ScriptError {
        guard error.traceback.isEmpty, error.functionName == nil, error.location != nil else { return error }
        var recorded = error
        recorded.functionName = callee
        recorded.traceback = callStack.map { call in
            ScriptError.Frame(fileName: call.callerSource.name, location: call.callSite,
                              sourceLine: call.callerSource.line(call.callSite.line), function: call.callerFunction)
        }
        return recorded
    }
}
