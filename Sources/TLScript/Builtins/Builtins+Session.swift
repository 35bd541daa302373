extension Interpreter {
    func registerSessionBuiltins() {
        register(CommandSpec(name: "help", parameters: [ParameterSpec("name", default: .none)],
                             doc: "help(name) shows the documentation of a command; help() lists the commands.") { args, interpreter in
            interpreter.write(interpreter.helpText(for: args["name"]) + "\n")
            return .none
        })
        register(CommandSpec(name: "vars",
                             doc: "vars(): lists your variables with a one-line description of each.") { _, interpreter in
            let names = interpreter.globals.keys.sorted()
            if names.isEmpty { interpreter.write("(no variables yet)\n") }
            for name in names { interpreter.write("\(name) = \(interpreter.globals[name]!.oneLineDescription)\n") }
            return .none
        })
        register(CommandSpec(name: "param", parameters: [ParameterSpec("name", kind: .string), ParameterSpec("default")],
                             doc: "param(name, default): the value given with --set name=value, converted to the default's type, else the default.") { args, interpreter in
            try interpreter.parameterOverrides.resolve(try args.string("name"), default: args["default"])
        })
    }

    /// The help shown for `help(value)`: documentation index first, then the command's own doc.
    public func helpText(for subject: Value) -> String {
        let name: String
        switch subject {
        case .none:
            var lines = ["Commands (help(\"name\") for details):"]
            let documented = Set(documentation.names)
            for entry in documentation.entries { lines.append("  \(entry.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(entry.summary)") }
            for (commandName, spec) in commands.sorted(by: { $0.key < $1.key }) where !documented.contains(commandName) && commandName == spec.name {
                lines.append("  \(commandName.padding(toLength: 22, withPad: " ", startingAt: 0)) \(spec.doc ?? "")")
            }
            return lines.joined(separator: "\n")
        case .string(let text): name = text
        case .command(let spec): name = spec.name
        case .object(let object): name = object.typeName
        default: name = subject.typeName
        }
        let spec = commands[name]
        if let entry = documentation.entry(for: name) ?? spec.flatMap({ documentation.entry(for: $0.name) }) {
            return (spec.map { $0.signature + "\n\n" } ?? "") + entry.text
        }
        if let spec { return spec.signature + (spec.doc.map { "\n\n" + $0 } ?? "") }
        let hint = Suggestions.hint(for: name, among: Set(commands.keys).union(documentation.names))
        return "no documentation for '\(name)'\(hint)"
    }
}

import Foundation

extension Value {
    /// One line for `vars()` and the REPL: objects describe themselves, long lists are abbreviated.
    public var oneLineDescription: String {
        switch self {
        case .object(let object): return object.summaryDescription
        case .list(let items) where items.count > 6, .tuple(let items) where items.count > 6:
            let shown = items.prefix(3).map(\.repr).joined(separator: ", ")
            return "\(typeName) of \(items.count) items: [\(shown), ...]"
        case .dict(let dict) where dict.count > 6:
            return "dict of \(dict.count) items, keys: " + dict.keys.prefix(6).map { quoteString($0) }.joined(separator: ", ") + ", ..."
        case .command(let spec): return "function " + spec.signature
        default:
            let text = repr
            return text.count > 120 ? String(text.prefix(117)) + "..." : text
        }
    }
}
