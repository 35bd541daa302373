/// One argument as evaluated at a call site.
public struct PassedArgument {
    public var keyword: String?
    public var value: Value
    public var location: SourceLocation?

    public init(keyword: String? = nil, value: Value, location: SourceLocation? = nil) {
        self.keyword = keyword
        self.value = value
        self.location = location
    }
}

extension CommandSpec {
    /// The parameter names, for "fit accepts: ..." lists.
    var acceptedList: String {
        parameters.isEmpty ? "no arguments" : parameters.map(\.name).joined(separator: ", ")
    }

    /// Matches arguments to parameters, fills defaults and checks kinds; every mistake is reported
    /// before the command runs, at the offending argument.
    public func bind(_ arguments: [PassedArgument]) throws -> CallArguments {
        var bound = CallArguments(commandName: name)
        func fail(_ kind: ScriptError.Kind, _ message: String, _ location: SourceLocation?) -> ScriptError {
            ScriptError(kind, message, at: location)
        }
        let positionalParameters = parameters.filter { !$0.isKeywordOnly }
        var positionalIndex = 0
        var locations: [String: SourceLocation] = [:]
        for argument in arguments {
            if let keyword = argument.keyword {
                guard parameters.contains(where: { $0.name == keyword }) else {
                    if acceptsExtraKeywords {
                        bound.extraKeywords.append((keyword, argument.value))
                        continue
                    }
                    let hint = Suggestions.hint(for: keyword, among: parameters.map(\.name))
                    throw fail(.argument, "unknown argument '\(keyword)' for \(name)()\(hint) \(name) accepts: \(acceptedList)",
                               argument.location)
                }
                guard !bound.provided.contains(keyword) else {
                    throw fail(.argument, "\(name)() got multiple values for argument '\(keyword)'", argument.location)
                }
                bound.values[keyword] = argument.value
                bound.provided.insert(keyword)
                locations[keyword] = argument.location
            } else if positionalIndex < positionalParameters.count {
                let parameter = positionalParameters[positionalIndex]
                bound.values[parameter.name] = argument.value
                bound.provided.insert(parameter.name)
                locations[parameter.name] = argument.location
                positionalIndex += 1
            } else if acceptsExtraPositional {
                bound.extraPositional.append(argument.value)
            } else {
                let given = arguments.filter { $0.keyword == nil }.count
                let names = positionalParameters.map(\.name)
                let list = names.isEmpty ? "" : " (\(names.joined(separator: ", ")))"
                throw fail(.argument, "\(name)() takes \(names.count) positional argument\(names.count == 1 ? "" : "s")\(list) but \(given) were given",
                           argument.location)
            }
        }
        for parameter in parameters {
            if let value = bound.values[parameter.name] {
                guard parameter.accepts(value) else {
                    throw fail(.type, "argument '\(parameter.name)' of \(name)() must be \(parameter.kindDescription), got \(describeForError(value))",
                               locations[parameter.name])
                }
            } else if let defaultValue = parameter.defaultValue {
                bound.values[parameter.name] = defaultValue
            } else {
                throw fail(.argument, "\(name)() is missing required argument '\(parameter.name)'; \(name) accepts: \(acceptedList)", nil)
            }
        }
        return bound
    }
}
