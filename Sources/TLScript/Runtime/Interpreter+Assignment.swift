extension Interpreter {
    /// Stores `value` into an assignment target: a name, attribute, index or tuple of targets.
    func assign(_ value: Value, to target: Expression) throws {
        switch target {
        case .name(let name, _):
            try bind(name, to: value)
        case .tuple(let targets, let location), .list(let targets, let location):
            try unpack(value, into: targets, at: location)
        case .attribute(let base, let name, let location):
            let receiver = try evaluate(base)
            try located(location) {
                guard case .object(let object) = receiver else {
                    throw ScriptError(.attribute, "'\(receiver.typeName)' object has no attribute '\(name)'")
                }
                guard try object.setAttribute(name, value) else {
                    let hint = Suggestions.hint(for: name, among: object.attributeNames)
                    throw ScriptError(.attribute, "'\(object.typeName)' object has no settable attribute '\(name)'\(hint)")
                }
            }
        case .index(let base, let indexExpression, let location):
            let container = try evaluate(base)
            let index = try evaluate(indexExpression)
            try located(location) { try Operators.setItem(of: container, at: index, to: value) }
        default:
            throw ScriptError(.syntax, "cannot assign to this expression").located(at: target.location, in: currentSource)
        }
    }

    /// `a, b = pair`, `first, *rest = items`: Python's unpacking and its messages.
    private func unpack(_ value: Value, into targets: [Expression], at location: SourceLocation) throws {
        let starIndex = targets.firstIndex { if case .starred = $0 { return true }; return false }
        let items = try located(location) { try iterate(value, limit: starIndex == nil ? targets.count + 1 : nil) }
        if let starIndex {
            let after = targets.count - starIndex - 1
            guard items.count >= targets.count - 1 else {
                throw ScriptError(.value, "not enough values to unpack (expected at least \(targets.count - 1), got \(items.count))")
                    .located(at: location, in: currentSource)
            }
            for (item, target) in zip(items.prefix(starIndex), targets.prefix(starIndex)) { try assign(item, to: target) }
            guard case .starred(let starTarget, _) = targets[starIndex] else { return }
            try assign(.list(Array(items[starIndex..<(items.count - after)])), to: starTarget)
            for (item, target) in zip(items.suffix(after), targets.suffix(after)) { try assign(item, to: target) }
            return
        }
        guard items.count == targets.count else {
            let message = items.count > targets.count
                ? "too many values to unpack (expected \(targets.count))"
                : "not enough values to unpack (expected \(targets.count), got \(items.count))"
            throw ScriptError(.value, message).located(at: location, in: currentSource)
        }
        for (item, target) in zip(items, targets) { try assign(item, to: target) }
    }

    /// Binds a name in the current scope, or where `global`/`nonlocal` says.
    func bind(_ name: String, to value: Value) throws {
        guard let scope = frames.last else {
            globals[name] = value
            return
        }
        if scope.globalNames.contains(name) {
            globals[name] = value
        } else if scope.nonlocalNames.contains(name) {
            guard let owner = scope.nonlocalOwner(of: name) else {
                throw ScriptError(.syntax, "no binding for nonlocal '\(name)' found")
            }
            owner.variables[name] = value
        } else {
            scope.variables[name] = value
        }
    }

    /// `del name`, `del items[i]`, `del items[a:b]`, `del d[key]`.
    func delete(_ target: Expression) throws {
        switch target {
        case .name(let name, let location):
            try located(location) { try unbind(name) }
        case .tuple(let targets, _), .list(let targets, _):
            for item in targets { try delete(item) }
        case .index(let base, let indexExpression, let location):
            let container = try evaluate(base)
            let index = try evaluate(indexExpression)
            try located(location) { try Operators.deleteItem(of: container, at: index) }
        case .attribute(_, let name, let location):
            throw ScriptError(.attribute, "cannot delete attribute '\(name)'").located(at: location, in: currentSource)
        default:
            throw ScriptError(.syntax, "cannot delete this expression").located(at: target.location, in: currentSource)
        }
    }

    /// Removes a variable; a command the user's `def` had shadowed is visible again afterwards.
    private func unbind(_ name: String) throws {
        if let scope = frames.last, !scope.globalNames.contains(name) {
            let owner = scope.nonlocalNames.contains(name) ? scope.nonlocalOwner(of: name) : scope
            if owner?.variables.removeValue(forKey: name) != nil { return }
            if scope.localNames.contains(name) {
                throw ScriptError(.name, "cannot access local variable '\(name)' where it is not associated with a value")
            }
        }
        guard globals.removeValue(forKey: name) != nil else {
            throw ScriptError(.name, "name '\(name)' is not defined")
        }
    }
}
