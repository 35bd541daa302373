import Foundation
import TLREPL
import TLScript

/// Completion and help for the name at the cursor, as the protocol's complete_request and
/// inspect_request ask: positions are counted in Unicode code points (protocol 5.2 and later).
struct Introspection {
    let interpreter: Interpreter

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar == "." || CharacterSet.alphanumerics.contains(scalar)
    }

    /// Candidates from the REPL's completer for the dotted name ending at `cursor`, and the span it
    /// replaces.
    func complete(_ code: String, cursor: Int) -> (matches: [String], start: Int, end: Int) {
        let scalars = Array(code.unicodeScalars)
        let end = min(max(cursor, 0), scalars.count)
        var start = end
        while start > 0, Introspection.isNameCharacter(scalars[start - 1]) { start -= 1 }
        let word = String(String.UnicodeScalarView(scalars[start..<end]))
        // The completer looks back along the current line for an open call (`fit(model, epo`).
        var lineStart = start
        while lineStart > 0, scalars[lineStart - 1] != "\n" { lineStart -= 1 }
        let prefix = String(String.UnicodeScalarView(scalars[lineStart..<start]))
        let matches = Completer(interpreter: interpreter).candidates(for: word, after: prefix)
        return (matches, start, end)
    }

    /// The dotted name under or just before the cursor: `model.fi|t(` gives `model.fit`.
    static func name(in code: String, at cursor: Int) -> String {
        let scalars = Array(code.unicodeScalars)
        var end = min(max(cursor, 0), scalars.count)
        while end < scalars.count, isNameCharacter(scalars[end]) { end += 1 }
        // On an opening parenthesis or just after a call, the name is the one before it.
        if end == min(max(cursor, 0), scalars.count), end > 0, scalars[end - 1] == "(" { end -= 1 }
        var start = end
        while start > 0, isNameCharacter(scalars[start - 1]) { start -= 1 }
        return String(String.UnicodeScalarView(scalars[start..<end])).trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }

    /// The `help` text for the name at the cursor: a command (method syntax `model.fit` means `fit`)
    /// or a variable's one-line description; nil when the name means nothing to tl.
    func inspect(_ code: String, cursor: Int) -> String? {
        let name = Introspection.name(in: code, at: cursor)
        guard !name.isEmpty else { return nil }
        if let value = interpreter[variable: name] {
            return "\(name) = \(value.oneLineDescription)"
        }
        let method = name.split(separator: ".").last.map(String.init) ?? name
        for candidate in [name, method] where interpreter.command(named: candidate) != nil
            || interpreter.documentation.entry(for: candidate) != nil {
            return interpreter.helpText(for: .string(candidate))
        }
        return nil
    }
}
