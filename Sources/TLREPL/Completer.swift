import Foundation
import TLScript

/// Tab completion candidates, chosen by where the cursor stands:
/// - after `value.`: the value's attributes (`attributeNames`), the methods of lists, dicts and strings,
///   and for objects the commands that take an object first (`model.fit` means `fit(model)`);
///   dotted command names (`layers.De`);
/// - inside a call: the parameters of the command the call resolves to (`model.fit(x, epo` -> `epochs=`);
/// - inside a string: the keys of a dict being indexed (`history.history["`), command names in
///   `help("`, and otherwise file paths (`"examples/da`);
/// - elsewhere: commands and variables.
///
/// Only names and attribute chains are looked up (`a.b.c`); nothing is called, so completing cannot
/// run a command.
public struct Completer {
    public let interpreter: Interpreter
    /// Where relative paths in strings are looked up.
    var workingDirectory: () -> String = { FileManager.default.currentDirectoryPath }

    public init(interpreter: Interpreter) {
        self.interpreter = interpreter
    }

    /// Candidates for `word`, the text being completed, given everything typed before it on the line.
    public func candidates(for word: String, after prefix: String) -> [String] {
        var names: [String]
        if let quote = openQuote(in: prefix) {
            names = stringCandidates(for: word, before: String(prefix[..<quote]))
        } else if let dot = word.lastIndex(of: ".") {
            names = attributeCandidates(base: String(word[..<dot]))
        } else {
            names = []
            if let command = enclosingCall(in: prefix).flatMap(interpreter.command(named:)) {
                names += command.parameters.map { $0.name + "=" }
            }
            names += interpreter.variableNames + interpreter.commandNames.filter { !$0.contains(".") }
        }
        var seen = Set<String>()
        return names.filter { $0.hasPrefix(word) && seen.insert($0).inserted }.sorted()
    }

    // MARK: After a dot

    private func attributeCandidates(base: String) -> [String] {
        var names = interpreter.commandNames.filter { $0.hasPrefix(base + ".") }
        guard let value = resolve(base) else { return names }
        var members = value.methodNames
        if case .object(let object) = value {
            members += object.attributeNames
            members += interpreter.commandNames.filter { name in
                !name.contains(".") && interpreter.command(named: name)?.parameters.first?.kind == .object
            }
        }
        names += members.map { base + "." + $0 }
        return names
    }

    /// The value of a variable or an attribute chain (`history.history`), or nil when it is anything else.
    func resolve(_ expression: String) -> Value? {
        let parts = expression.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, parts.allSatisfy(Completer.isIdentifier),
              var value = interpreter[variable: first] else { return nil }
        for name in parts.dropFirst() {
            guard case .object(let object) = value, let next = try? object.attribute(name) else { return nil }
            value = next
        }
        return value
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    // MARK: Inside a string

    /// The index of the quote opening a string still open at the end of `prefix`, or nil.
    func openQuote(in prefix: String) -> String.Index? {
        var open: (index: String.Index, quote: Character)?
        var index = prefix.startIndex
        while index < prefix.endIndex {
            let character = prefix[index]
            if let current = open {
                if character == "\\" {
                    index = prefix.index(after: index)
                    if index == prefix.endIndex { break }
                } else if character == current.quote {
                    open = nil
                }
            } else if character == "#" {
                return nil
            } else if character == "\"" || character == "'" {
                open = (index, character)
            }
            index = prefix.index(after: index)
        }
        return open?.index
    }

    private func stringCandidates(for word: String, before: String) -> [String] {
        let trimmed = before.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("[") {
            let target = String(trimmed.dropLast().reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }.reversed())
            if case .dict(let dict)? = resolve(target) { return dict.keys.compactMap(\.asString) }
        }
        if trimmed.hasSuffix("("), enclosingCall(in: trimmed) == "help" {
            return interpreter.commandNames + interpreter.documentation.names
        }
        return pathCandidates(for: word)
    }

    /// Files and folders starting with `word` (folders end with `/`); `~/` is the home folder.
    func pathCandidates(for word: String) -> [String] {
        let slash = word.lastIndex(of: "/")
        let folderPart = slash.map { String(word[...$0]) } ?? ""
        let namePart = slash.map { String(word[word.index(after: $0)...]) } ?? word
        var folder = folderPart.isEmpty ? "." : folderPart
        if folder.hasPrefix("~/") {
            folder = (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + folder.dropFirst()
        }
        if !folder.hasPrefix("/") { folder = workingDirectory() + "/" + folder }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasPrefix(namePart) && (namePart.hasPrefix(".") || !$0.hasPrefix(".")) }.map { name in
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isFolder)
            return folderPart + name + (exists && isFolder.boolValue ? "/" : "")
        }
    }

    // MARK: Inside a call

    /// The command the innermost call still open at the end of `prefix` resolves to: `model.fit(x, ep`
    /// -> `fit` (a method on an object is the command taking it first), `layers.Dense(3, ac` -> `layers.Dense`.
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
