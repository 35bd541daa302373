/// A command callable from scripts: its name, parameters, documentation and the Swift body.
///
/// Arguments are bound and checked against `parameters` before `body` runs, so a typo such as
/// `epoch=3` fails with a suggestion instead of reaching the engine.
public struct CommandSpec {
    public typealias Body = (CallArguments, Interpreter) throws -> Value

    /// The primary name, as registered and shown in messages (`fit`, `layers.Dense`).
    public var name: String
    public var parameters: [ParameterSpec]
    /// Extra positional arguments after the declared ones are collected (`print(a, b, c)`).
    public var acceptsExtraPositional: Bool
    /// Unknown keyword arguments are collected instead of rejected.
    public var acceptsExtraKeywords: Bool
    /// One-paragraph help, used when the documentation index has no entry.
    public var doc: String?
    /// Other names that resolve to this command, dotted ones included (`models.Sequential`).
    public var aliases: [String]
    public var body: Body
    /// Distinguishes bound methods and user functions that share a name.
    var identity = CommandIdentity()
    /// Set for a function the script defined (`def`, `lambda`); nil for commands and builtins.
    var userFunction: UserFunction?

    /// Whether the script defined this function (as opposed to a command or a builtin).
    public var isUserDefined: Bool { userFunction != nil }

    public init(name: String, parameters: [ParameterSpec] = [], acceptsExtraPositional: Bool = false,
                acceptsExtraKeywords: Bool = false, doc: String? = nil, aliases: [String] = [],
                body: @escaping Body) {
        self.name = name
        self.parameters = parameters
        self.acceptsExtraPositional = acceptsExtraPositional
        self.acceptsExtraKeywords = acceptsExtraKeywords
        self.doc = doc
        self.aliases = aliases
        self.body = body
    }

    /// `fit(model, x, y=None, epochs=1, ...)`.
    public var signature: String {
        if let userFunction { return userFunction.signature }
        var parts = parameters.map(\.signature)
        if acceptsExtraPositional { parts.append("...") }
        if acceptsExtraKeywords { parts.append("**options") }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }

    /// This command with its first parameter fixed to `receiver`: `model.fit` as a value.
    public func bound(to receiver: Value) -> CommandSpec {
        var bound = self
        bound.identity = CommandIdentity()
        bound.parameters = Array(parameters.dropFirst())
        let body = self.body
        let firstName = parameters.first?.name
        bound.body = { arguments, interpreter in
            var withReceiver = arguments
            if let firstName { withReceiver.values[firstName] = receiver } else { withReceiver.extraPositional.insert(receiver, at: 0) }
            return try body(withReceiver, interpreter)
        }
        return bound
    }
}

final class CommandIdentity: Equatable {
    static func == (lhs: CommandIdentity, rhs: CommandIdentity) -> Bool { lhs === rhs }
}
