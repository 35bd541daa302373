/// A function written in the script: a `def` or a `lambda`, with its defaults (evaluated once, when
/// defined, as in Python) and the scope it closes over.
final class UserFunction {
    let name: String
    let parameters: FunctionParameters
    let positionalDefaults: [Value?]
    let keywordOnlyDefaults: [Value?]
    enum Body {
        case statements(Block)
        case expression(Expression)
    }
    let body: Body
    let closure: Scope?
    let source: SourceFile
    let location: SourceLocation
    let boundNames: BoundNames

    init(name: String, parameters: FunctionParameters, positionalDefaults: [Value?], keywordOnlyDefaults: [Value?],
         body: Body, closure: Scope?, source: SourceFile, location: SourceLocation) {
        self.name = name
        self.parameters = parameters
        self.positionalDefaults = positionalDefaults
        self.keywordOnlyDefaults = keywordOnlyDefaults
        self.body = body
        self.closure = closure
        self.source = source
        self.location = location
        switch body {
        case .statements(let block): boundNames = BoundNames(parameters: parameters.allNames, body: block)
        case .expression: boundNames = BoundNames(parameters: parameters.allNames, body: [])
        }
    }

    /// `name(a, b=1, *args, c, **kwargs)`.
    var signature: String {
        var parts: [String] = []
        for (index, parameter) in parameters.positional.enumerated() {
            parts.append(parameter.name + (positionalDefaults[index].map { "=" + $0.repr } ?? ""))
        }
        if let variadic = parameters.variadic { parts.append("*" + variadic) }
        for (index, parameter) in parameters.keywordOnly.enumerated() {
            parts.append(parameter.name + (keywordOnlyDefaults[index].map { "=" + $0.repr } ?? ""))
        }
        if let keywords = parameters.keywords { parts.append("**" + keywords) }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }

    /// Binds a call's arguments to the parameters as Python does, with Python's messages.
    func bind(positional: [Value], keywords: [(name: String, value: Value)]) throws -> [String: Value] {
        var locals: [String: Value] = [:]
        let positionalNames = parameters.positional.map(\.name)
        var extraPositional: [Value] = []
        for (index, value) in positional.enumerated() {
            if index < positionalNames.count {
                locals[positionalNames[index]] = value
            } else if parameters.variadic != nil {
                extraPositional.append(value)
            } else {
                throw tooManyPositional(given: positional.count)
            }
        }
        let extraKeywords = ValueDictionary()
        let keywordOnlyNames = parameters.keywordOnly.map(\.name)
        for (name, value) in keywords {
            if positionalNames.contains(name) || keywordOnlyNames.contains(name) {
                guard locals[name] == nil else {
                    throw ScriptError(.type, "\(self.name)() got multiple values for argument '\(name)'")
                }
                locals[name] = value
            } else if parameters.keywords != nil {
                extraKeywords[name] = value
            } else {
                throw ScriptError(.type, "\(self.name)() got an unexpected keyword argument '\(name)'")
            }
        }
        try fillDefaults(&locals, names: positionalNames, defaults: positionalDefaults, kind: "positional")
        try fillDefaults(&locals, names: keywordOnlyNames, defaults: keywordOnlyDefaults, kind: "keyword-only")
        if let variadic = parameters.variadic, !variadic.isEmpty { locals[variadic] = .tuple(extraPositional) }
        if let keywordsName = parameters.keywords { locals[keywordsName] = .dict(extraKeywords) }
        return locals
    }

    private func fillDefaults(_ locals: inout [String: Value], names: [String], defaults: [Value?], kind: String) throws {
        var missing: [String] = []
        for (index, name) in names.enumerated() where locals[name] == nil {
            if let defaultValue = defaults[index] { locals[name] = defaultValue } else { missing.append(name) }
        }
        guard !missing.isEmpty else { return }
        let quoted = missing.map { "'\($0)'" }
        let list = quoted.count == 1 ? quoted[0]
            : quoted.dropLast().joined(separator: ", ") + (quoted.count > 2 ? "," : "") + " and " + quoted.last!
        throw ScriptError(.type, "\(name)() missing \(missing.count) required \(kind) argument\(missing.count == 1 ? "" : "s"): \(list)")
    }

    private func tooManyPositional(given: Int) -> ScriptError {
        let maximum = parameters.positional.count
        let minimum = positionalDefaults.filter { $0 == nil }.count
        let takes = minimum == maximum ? "\(maximum)" : "from \(minimum) to \(maximum)"
        let plural = maximum == 1 && minimum == maximum ? "" : "s"
        return ScriptError(.type, "\(name)() takes \(takes) positional argument\(plural) but \(given) \(given == 1 ? "was" : "were") given")
    }
}
