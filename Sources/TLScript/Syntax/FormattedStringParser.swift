import Foundation

/// Splits an f-string's text into literal pieces and replacement fields, as Python does:
/// `{{`/`}}` are braces, `{expression!conversion:spec}` a field whose spec may nest fields
/// (`{x:{width}.{digits}f}`), `{x=}` shows the expression's text before its value.
enum FormattedStringParser {
    static func parse(_ text: String, at location: SourceLocation, in source: SourceFile) throws -> [FormattedPart] {
        var scanner = Scanner(characters: Array(text), location: location, source: source)
        return try scanner.parts(nestingLevel: 0)
    }

    private struct Scanner {
        let characters: [Character]
        let location: SourceLocation
        let source: SourceFile
        var index = 0

        init(characters: [Character], location: SourceLocation, source: SourceFile) {
            self.characters = characters
            self.location = location
            self.source = source
        }

        func error(_ message: String) -> ScriptError {
            ScriptError(.syntax, "syntax error: f-string: " + message, at: location, file: source.name,
                        sourceLine: source.line(location.line))
        }

        func peek(_ offset: Int = 0) -> Character? {
            index + offset < characters.count ? characters[index + offset] : nil
        }

        /// Text and fields up to the end (level 0) or up to the `}` closing a format spec (level 1).
        mutating func parts(nestingLevel: Int) throws -> [FormattedPart] {
            var parts: [FormattedPart] = []
            var literal = ""
            while let c = peek() {
                if c == "{" {
                    if nestingLevel == 0, peek(1) == "{" { literal.append("{"); index += 2; continue }
                    if !literal.isEmpty { parts.append(.text(literal)); literal = "" }
                    index += 1
                    parts.append(try field(nestingLevel: nestingLevel))
                } else if c == "}" {
                    if nestingLevel > 0 { break }
                    guard peek(1) == "}" else { throw error("single '}' is not allowed") }
                    literal.append("}")
                    index += 2
                } else {
                    literal.append(c)
                    index += 1
                }
            }
            if !literal.isEmpty { parts.append(.text(literal)) }
            return parts
        }

        /// After `{`: the expression, `=`, `!conversion`, `:spec`, then `}`.
        mutating func field(nestingLevel: Int) throws -> FormattedPart {
            guard nestingLevel < 2 else { throw error("expressions nested too deeply") }
            let start = index
            let expressionText = try scanExpression()
            guard !expressionText.trimmingCharacters(in: .whitespaces).isEmpty else { throw error("empty expression not allowed") }
            var debugText: String?
            if peek() == "=" {
                index += 1
                while peek() == " " { index += 1 }
                debugText = String(characters[start..<index])
            }
            var conversion: Character?
            if peek() == "!" {
                guard let kind = peek(1), "rsa".contains(kind) else { throw error("invalid conversion character: expected 's', 'r', or 'a'") }
                conversion = kind
                index += 2
            }
            var spec: [FormattedPart] = []
            if peek() == ":" {
                index += 1
                spec = try parts(nestingLevel: nestingLevel + 1)
            }
            guard peek() == "}" else { throw error("expecting '}'") }
            index += 1
            let expression = try parseExpression(expressionText, offset: start)
            // `{x=}` shows repr unless a conversion or spec says otherwise, as Python does.
            if debugText != nil, conversion == nil, spec.isEmpty { conversion = "r" }
            return .field(expression, conversion: conversion, spec: spec, debugText: debugText)
        }

        /// The expression's text: up to a top-level `!` (not `!=`), `:`, `=` (not `==`, `<=`...) or `}`.
        mutating func scanExpression() throws -> String {
            var depth = 0
            var quote: Character?
            var text = ""
            while let c = peek() {
                if let open = quote {
                    if c == open { quote = nil }
                } else if c == "'" || c == "\"" {
                    quote = c
                } else if "([{".contains(c) {
                    depth += 1
                } else if ")]".contains(c) || (c == "}" && depth > 0) {
                    depth -= 1
                } else if depth == 0 {
                    if c == "}" || c == ":" { return text }
                    if c == "!" && peek(1) != "=" { return text }
                    if c == "=" && peek(1) != "=" && !(text.last.map { "=!<>".contains($0) } ?? false) { return text }
                }
                text.append(c)
                index += 1
            }
            throw error("expecting '}'")
        }

        /// Parses the field's expression, padded so its locations fall near the f-string in the source.
        func parseExpression(_ text: String, offset: Int) throws -> Expression {
            let padding = String(repeating: "\n", count: location.line - 1) + "("
                + String(repeating: " ", count: max(0, location.column + offset))
            let fieldSource = SourceFile(name: source.name, text: padding + text + ")")
            var parser = try Parser(source: fieldSource)
            let expression = try parser.parseTestList()
            guard parser.atEndOfInput else { throw error("invalid expression '\(text)'") }
            return expression
        }
    }
}
