import TLScript

/// Tab completion candidates: commands and variables; attributes after `obj.`; a command's
/// parameter names (with `=`) inside its argument list.
public struct Completer {
    public let interpreter: Interpreter

    public init(interpreter: Interpreter) {
        self.interpreter = interpreter
    }

    /// Candidates for `word`, the text being completed, given everything typed before it on the line.
    public func candidates(for word: String, after prefix: String) -> [String] {
        var names: [String] = []
        if let dot = word.lastIndex(of: ".") {
            let base = String(word[..<dot])
            if case .object(let object)? = interpreter[variable: base] {
                names += object.attributeNames.map { base + "." + $0 }
            }
            names += interpreter.commandNames.filter { $0.hasPrefix(base + ".") }
        } else {
            if let command = enclosingCall(in: prefix).flatMap(interpreter.command(named:)) {
                names += command.parameters.map { $0.name + "=" }
            }
            names += interpreter.variableNames + interpreter.commandNames.filter { !$0.contains(".") }
        }
        var seen = Set<String>()
        return names.filter { $0.hasPrefix(word) && seen.insert($0).inserted }.sorted()
    }

    /// The name of the innermost call whose parenthesis is still open at the end of `prefix`:
    /// `model.fit(x, ep` -> `fit` (method syntax resolves to the command).
    func enclosingCall(in prefix: String) -> String? {
        var depth = 0
        var index = prefix.endIndex
        while index > prefix.startIndex {
            index = prefix.index(before: index)
            switch prefix[index] {
            case ")", "]", "}": depth += 1
            case "[", "{": depth -= 1
            case "(":
                if depth == 0 {
                    let name = prefix[..<index].reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
                    let dotted = String(name.reversed())
                    guard !dotted.isEmpty else { return nil }
                    if interpreter.command(named: dotted) != nil { return dotted }
                    return dotted.split(separator: ".").last.map(String.init)
                }
                depth -= 1
            default: break
            }
        }
        return nil
    }
}
