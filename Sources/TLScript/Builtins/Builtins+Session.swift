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
        for name in ["exit", "quit", "sys.exit"] {
            // Documented in docs/LANGUAGE.md ("exit / quit / sys.exit").
            register(CommandSpec(name: name, parameters: [ParameterSpec("code", default: .none)]) { args, _ in
                let arguments = args["code"].isNone ? [] : [args["code"]]
                throw ExceptionObject(className: "SystemExit", arguments: arguments).error
            })
        }
        register(CommandSpec(name: "param", parameters: [ParameterSpec("name", kind: .string), ParameterSpec("default")],
                             doc: "param(name, default): the value given with --set name=value, converted to the default's type, else the default.") { args, interpreter in
            try interpreter.parameterOverrides.resolve(try args.string("name"), default: args["default"])
        })
    }

    /// The help shown for `help(value)`, `help name` and `name?`: your own functions and variables
    /// first (a `def` shadows a command), then the documentation of commands.
    public func helpText(for subject: Value) -> String {
        switch subject {
        case .none:
            return commandListing()
        case .string(let name):
            if let value = globals[name] {
                if case .command(let spec) = value, spec.isUserDefined { return userFunctionHelp(spec) }
                if case .object = value { return helpText(for: value) }
            }
            return commandHelp(name)
        case .command(let spec):
            return spec.isUserDefined ? userFunctionHelp(spec) : commandHelp(spec.name)
        case .object(let object as ExceptionClass):
            return "\(object.name): Python's exception class; catch it with 'except \(object.name):'."
        case .object(let object):
            var lines = ["\(object.typeName): \(object.summaryDescription)"]
            let names = object.attributeNames.sorted()
            if !names.isEmpty {
                lines.append("Attributes and methods:")
                lines += columns(names)
            }
            lines.append("Commands take it as their first argument too: obj.name(...) means name(obj, ...).")
            return lines.joined(separator: "\n")
        default:
            let methods = ValueMethods.names(for: subject)
            var lines = ["\(subject.typeName): \(subject.oneLineDescription)"]
            if !methods.isEmpty { lines += ["Methods:"] + columns(methods.sorted()) }
            return lines.joined(separator: "\n")
        }
    }

    private func userFunctionHelp(_ spec: CommandSpec) -> String {
        guard let function = spec.userFunction else { return spec.signature }
        var text = "\(function.signature): your function, defined at \(function.source.name):\(function.location.line)."
        if commands[function.name] != nil {
            text += "\nIt shadows the command '\(function.name)'; 'del \(function.name)' brings the command back."
        }
        return text
    }

    private func commandHelp(_ name: String) -> String {
        let spec = commands[name]
        if let entry = documentation.entry(for: name) ?? spec.flatMap({ documentation.entry(for: $0.name) }) {
            return (spec.map { $0.signature + "\n\n" } ?? "") + entry.text
        }
        if let spec { return spec.signature + (spec.doc.map { "\n\n" + $0 } ?? "") }
        if builtinValues[name] != nil { return helpText(for: builtinValues[name]!) }
        // `model.fit?`: a method of a variable is the command of the same name.
        if let dot = name.lastIndex(of: "."), globals[String(name[..<dot])] != nil {
            return commandHelp(String(name[name.index(after: dot)...]))
        }
        let hint = Suggestions.hint(for: name, among: Set(commands.keys).union(documentation.names))
        return "no documentation for '\(name)'\(hint)"
    }

    /// `help()`: every command and alias, whole, in columns.
    private func commandListing() -> String {
        (["Commands (help NAME, help(\"name\") or NAME? for details):"] + columns(commandNames)).joined(separator: "\n")
    }

    /// Names laid out in as many columns as fit 100 characters, read down each column, never cut.
    func columns(_ names: [String], lineWidth: Int = 100) -> [String] {
        guard let longest = names.map(\.count).max() else { return [] }
        let columnWidth = longest + 2
        let columnCount = max(1, (lineWidth - 2) / columnWidth)
        let rowCount = (names.count + columnCount - 1) / columnCount
        return (0..<rowCount).map { row in
            var line = " "
            for column in 0..<columnCount {
                let index = column * rowCount + row
                guard index < names.count else { break }
                let name = names[index]
                line += " " + (column == columnCount - 1 || index + rowCount >= names.count ? name : name.padding(toLength: columnWidth - 1, withPad: " ", startingAt: 0))
            }
            return line
        }
    }
}

import Foundation

extension Value {
    /// One line for `vars()` and the REPL: objects describe themselves, long lists are abbreviated.
    public var oneLineDescription: String {
        switch self {
        case .object(let object): return object.summaryDescription
        case .list, .tuple:
            guard let items = asSequence, items.count > 6 else { return shortRepr }
            let shown = items.prefix(3).map(\.repr).joined(separator: ", ")
            return "\(typeName) of \(items.count) items: [\(shown), ...]"
        case .dict(let dict) where dict.count > 6:
            return "dict of \(dict.count) items, keys: " + dict.keys.prefix(6).map(\.repr).joined(separator: ", ") + ", ..."
        case .command(let spec): return "function " + spec.signature
        default:
            return shortRepr
        }
    }

    private var shortRepr: String {
        let text = repr
        return text.count > 120 ? String(text.prefix(117)) + "..." : text
    }
}
