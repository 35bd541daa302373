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
            try augmentedAssign(target, op, expression)
        case .ifChain(let branches, let otherwise):
            for branch in branches where try truth(try evaluate(branch.condition)) {
                return try execute(branch.body)
            }
            if let otherwise { return try execute(otherwise) }
        case .forLoop(let target, let iterable, let body, let otherwise):
            return try runFor(target, iterable, body, otherwise)
        case .whileLoop(let condition, let body, let otherwise):
            return try runWhile(condition, body, otherwise)
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        case .pass:
            break
        case .returnValue(let expression):
            guard !frames.isEmpty else { throw ScriptError(.syntax, "'return' outside a function") }
            return .returnValue(try expression.map(evaluate) ?? .none)
        case .importModule, .importNames:
            runImport(statement)
        case .functionDefinition(let definition):
            try define(definition)
        case .tryStatement(let body, let handlers, let otherwise, let finally):
            return try runTry(body, handlers, otherwise, finally)
        case .raise(let exception, let cause):
            try raise(exception, cause: cause)
        case .delete(let targets):
            for target in targets { try delete(target) }
        case .assert(let condition, let message):
            if !(try truth(try evaluate(condition))) {
                var error = ScriptError(.assertion, try message.map { try evaluate($0).str } ?? "")
                error.isRaisedByScript = true
                throw error
            }
        case .global, .nonlocal:
            // Applied when the function is defined (Scope); at the top level they change nothing.
            break
        case .notebookMagic(let line):
            try runNotebookMagic(line)
        }
        return .normal
    }

    private func augmentedAssign(_ target: Expression, _ op: String, _ expression: Expression) throws {
        let current = try evaluate(target)
        let operand = try evaluate(expression)
        if case .object(let object) = current,
           try located(expression.location, { try object.inPlaceOperation(op, operand) }) {
            // As Python's `x[i] += v`: the changed object is stored back (for a mask or an index list
            // `x[i]` was a copy, and only the store reaches `x`).
            if case .index = target { try assign(current, to: target) }
            return
        }
        // Python's list += and *= change the same list in place (every alias sees it).
        if case .list(let list) = current, op == "+" || op == "*" {
            try located(expression.location) {
                if op == "+" {
                    list.items += try iterate(operand)
                } else if case .list(let repeated) = try Operators.binary("*", current, operand) {
                    list.items = repeated.items
                }
            }
            return
        }
        let result = try located(expression.location) { try Operators.binary(op, current, operand) }
        try assign(result, to: target)
    }

    private func runFor(_ target: Expression, _ iterable: Expression, _ body: Block, _ otherwise: Block?) throws -> Flow {
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
        return try otherwise.map(execute) ?? .normal
    }

    private func runWhile(_ condition: Expression, _ body: Block, _ otherwise: Block?) throws -> Flow {
        while try truth(try evaluate(condition)) {
            try throwIfCancelled()
            switch try execute(body) {
            case .breakLoop: return .normal
            case .returnValue(let value): return .returnValue(value)
            case .normal, .continueLoop: continue
            }
        }
        return try otherwise.map(execute) ?? .normal
    }

    private func runImport(_ statement: Statement) {
        switch statement {
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
        default:
            break
        }
    }

    /// `%matplotlib inline` only chooses where figures go in Jupyter: tl writes PNGs anyway.
    private func runNotebookMagic(_ line: String) throws {
        let words = line.split(separator: " ").map(String.init)
        if words.first == "%matplotlib" { return }
        let kind = line.hasPrefix("!") ? "shell command" : "IPython magic"
        throw ScriptError(.syntax, "'\(line)' is not supported in tl: \(kind)s run only in Jupyter/IPython (only %matplotlib inline is accepted, and ignored)")
    }

    /// Python's truth of a value, asking objects (a NumPy array of several values refuses).
    func truth(_ value: Value) throws -> Bool {
        if case .object(let object) = value {
            if let truth = try object.truthValue() { return truth }
            if let length = object as? RangeObject { return try length.length() > 0 }
            return object.count.map { $0 > 0 } ?? true
        }
        return value.isTruthy
    }
}
