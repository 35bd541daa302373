import Foundation

/// Turns source text into tokens, Python style: indentation becomes INDENT/DEDENT tokens, newlines
/// inside brackets (or after a backslash) join lines, `#` starts a comment.
public struct Lexer {
    /// Deeper bracket nesting than this is an error rather than a risk to the stack.
    public static let maximumNesting = 100
    /// Longer lines are rejected; nobody writes them by hand and they make errors unreadable.
    public static let maximumLineLength = 100_000

    private let source: SourceFile
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var tokens: [Token] = []
    private var indentStack: [String] = [""]
    /// Open brackets with where they opened, for "never closed" errors.
    private var brackets: [(Character, SourceLocation)] = []

    public init(source: SourceFile) {
        self.source = source
        self.scalars = Array(source.text.unicodeScalars)
    }

    /// Lexes the whole source.
    public static func tokenize(_ source: SourceFile) throws -> [Token] {
        var lexer = Lexer(source: source)
        return try lexer.run()
    }

    private var location: SourceLocation { SourceLocation(line: line, column: index - lineStart + 1) }

    private func error(_ message: String, at location: SourceLocation? = nil) -> ScriptError {
        let at = location ?? self.location
        return ScriptError(.syntax, "syntax error: " + message, at: at, file: source.name, sourceLine: source.line(at.line))
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func run() throws -> [Token] {
        var atLineStart = true
        while index < scalars.count {
            if atLineStart {
                // A blank or comment-only line leaves us at the start of the next line.
                if try handleIndentation() { continue }
                atLineStart = false
                if scalars[index] == "%" || scalars[index] == "!" {
                    lexNotebookMagic()
                    continue
                }
            }
            let c = scalars[index]
            switch c {
            case " ", "\t", "\u{0C}":
                index += 1
            case "\r":
                index += 1
            case "#":
                while let next = peek(), next != "\n" { index += 1 }
            case "\n":
                if brackets.isEmpty, let last = tokens.last, last.kind != .newline {
                    tokens.append(Token(.newline, at: location))
                }
                try newLine()
                if brackets.isEmpty { atLineStart = true }
            case "\\":
                if peek(1) == nil {
                    var error = error("unexpected end of input after line continuation '\\'")
                    error.isIncompleteInput = true
                    throw error
                }
                guard peek(1) == "\n" || (peek(1) == "\r" && peek(2) == "\n") else {
                    throw error("unexpected character after line continuation character '\\'")
                }
                index += peek(1) == "\r" ? 2 : 1
                try newLine()
                if index >= scalars.count { throw error("unexpected end of input after line continuation '\\'") }
            default:
                if c.properties.isXIDStart || c == "_" {
                    try lexNameOrPrefixedString()
                } else if isDigit(c) || (c == "." && peek(1).map(isDigit) == true) {
                    try lexNumber()
                } else if c == "\"" || c == "'" {
                    try lexString(raw: false)
                } else {
                    try lexOperator()
                }
            }
        }
        // The last line has no newline to trigger the length check in newLine().
        if index - lineStart > Lexer.maximumLineLength {
            throw ScriptError(.limit, "line \(line) is longer than \(Lexer.maximumLineLength) characters",
                              at: SourceLocation(line: line, column: 1), file: source.name, sourceLine: nil)
        }
        if let (bracket, opened) = brackets.last {
            var error = error("'\(bracket)' was never closed", at: opened)
            error.isIncompleteInput = true
            throw error
        }
        if let last = tokens.last, last.kind != .newline { tokens.append(Token(.newline, at: location)) }
        for _ in 1..<indentStack.count { tokens.append(Token(.dedent, at: location)) }
        tokens.append(Token(.endOfInput, at: location))
        return tokens
    }

    /// Moves past a newline at `index`, checking the length of the line just finished.
    private mutating func newLine() throws {
        if index - lineStart > Lexer.maximumLineLength {
            throw ScriptError(.limit, "line \(line) is longer than \(Lexer.maximumLineLength) characters",
                              at: SourceLocation(line: line, column: 1), file: source.name, sourceLine: nil)
        }
        index += 1
        line += 1
        lineStart = index
    }

    /// Reads leading whitespace of a logical line and emits INDENT/DEDENT. Returns true when the line was
    /// blank or a comment (nothing emitted; the caller continues with the next line).
    private mutating func handleIndentation() throws -> Bool {
        var whitespace = ""
        while let c = peek(), c == " " || c == "\t" || c == "\u{0C}" {
            whitespace.unicodeScalars.append(c)
            index += 1
        }
        guard let next = peek() else { return true }
        if next == "\n" || next == "#" || (next == "\r" && peek(1) == "\n") {
            while let c = peek(), c != "\n" { index += 1 }
            if peek() == "\n" { try newLine() }
            return true
        }
        let current = indentStack.last!
        if whitespace == current { return false }
        if whitespace.hasPrefix(current) {
            guard indentStack.count <= Lexer.maximumNesting else {
                throw ScriptError(.limit, "too many levels of indentation (the limit is \(Lexer.maximumNesting))",
                                  at: location, file: source.name, sourceLine: source.line(line))
            }
            indentStack.append(whitespace)
            tokens.append(Token(.indent, at: location))
            return false
        }
        if current.hasPrefix(whitespace) {
            while let top = indentStack.last, top.count > whitespace.count {
                indentStack.removeLast()
                tokens.append(Token(.dedent, at: location))
            }
            if indentStack.last != whitespace {
                throw error("unindent does not match any outer indentation level")
            }
            return false
        }
        throw error("inconsistent use of tabs and spaces in indentation")
    }

    /// A line starting with `%` or `!` (IPython's magics and shell escapes), up to its end.
    private mutating func lexNotebookMagic() {
        let start = location
        let from = index
        while let c = peek(), c != "\n", c != "\r" { index += 1 }
        let text = String(String.UnicodeScalarView(scalars[from..<index])).trimmingCharacters(in: .whitespaces)
        tokens.append(Token(.notebookMagic(text), at: start))
    }

    private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    private mutating func lexNameOrPrefixedString() throws {
        let start = location
        let from = index
        while let c = peek(), c.properties.isXIDContinue || c == "_" { index += 1 }
        let name = String(String.UnicodeScalarView(scalars[from..<index]))
        if let quote = peek(), quote == "\"" || quote == "'" {
            switch name.lowercased() {
            case "r":
                try lexString(raw: true, startingAt: start)
                return
            case "b", "u":
                try lexString(raw: false, startingAt: start)
                return
            case "f", "rf", "fr":
                try lexString(raw: name.count == 2, startingAt: start)
                if case .string(let text) = tokens.last?.kind {
                    tokens[tokens.count - 1] = Token(.formattedString(text), at: start)
                }
                return
            default:
                break
            }
        }
        tokens.append(Token(.name(name), at: start))
    }

    private mutating func lexNumber() throws {
        let start = location
        var text = ""
        var isFloat = false
        func digits() {
            while let c = peek(), isDigit(c) || c == "_" {
                if c != "_" { text.unicodeScalars.append(c) }
                index += 1
            }
        }
        if peek() == "0", let x = peek(1), x == "x" || x == "X" || x == "b" || x == "B" || x == "o" || x == "O" {
            index += 2
            let radix = (x == "x" || x == "X") ? 16 : (x == "b" || x == "B") ? 2 : 8
            while let c = peek(), c.properties.isXIDContinue { text.unicodeScalars.append(c); index += 1 }
            guard let value = Int(text.replacingOccurrences(of: "_", with: ""), radix: radix) else {
                throw error("invalid number literal '0\(x)\(text)'", at: start)
            }
            tokens.append(Token(.int(value), at: start))
            return
        }
        digits()
        if peek() == "." {
            isFloat = true
            text += "."
            index += 1
            digits()
        }
        if let e = peek(), e == "e" || e == "E" {
            var lookahead = 1
            if let sign = peek(1), sign == "+" || sign == "-" { lookahead = 2 }
            if let d = peek(lookahead), isDigit(d) {
                isFloat = true
                text += "e"
                if lookahead == 2 { text.unicodeScalars.append(peek(1)!) }
                index += lookahead
                digits()
            }
        }
        if let c = peek(), c.properties.isXIDStart || isDigit(c) {
            throw error("invalid number literal; a name cannot start with a digit", at: start)
        }
        if isFloat {
            if text.hasPrefix(".") { text = "0" + text }
            if text.hasSuffix(".") { text += "0" }
            text = text.replacingOccurrences(of: ".e", with: ".0e")
            guard let value = Double(text) else { throw error("invalid number literal '\(text)'", at: start) }
            tokens.append(Token(.float(value), at: start))
        } else {
            guard let value = Int(text) else { throw error("integer literal \(text) is too large", at: start) }
            tokens.append(Token(.int(value), at: start))
        }
    }

    private mutating func lexString(raw: Bool, startingAt start: SourceLocation? = nil) throws {
        let start = start ?? location
        let quote = scalars[index]
        let triple = peek(1) == quote && peek(2) == quote
        index += triple ? 3 : 1
        var value = ""
        while true {
            guard let c = peek() else {
                var error = error(triple ? "unterminated triple-quoted string literal" : "unterminated string literal", at: start)
                error.isIncompleteInput = triple
                throw error
            }
            if c == quote && (!triple || (peek(1) == quote && peek(2) == quote)) {
                index += triple ? 3 : 1
                break
            }
            if c == "\n" {
                guard triple else { throw error("unterminated string literal (a string must end on its line)", at: start) }
                value += "\n"
                try newLine()
                continue
            }
            if c == "\\" && !raw {
                index += 1
                try lexEscape(into: &value)
                continue
            }
            if c == "\\" && raw, let next = peek(1), next == quote || next == "\\" {
                value.unicodeScalars.append(c)
                value.unicodeScalars.append(next)
                index += 2
                continue
            }
            value.unicodeScalars.append(c)
            index += 1
        }
        tokens.append(Token(.string(value), at: start))
    }

    private mutating func lexEscape(into value: inout String) throws {
        let escapeStart = SourceLocation(line: line, column: index - lineStart)
        guard let c = peek() else { throw error("unterminated string literal") }
        index += 1
        switch c {
        case "n": value += "\n"
        case "t": value += "\t"
        case "r": value += "\r"
        case "0": value += "\0"
        case "\\": value += "\\"
        case "'": value += "'"
        case "\"": value += "\""
        case "a": value += "\u{07}"
        case "b": value += "\u{08}"
        case "f": value += "\u{0C}"
        case "v": value += "\u{0B}"
        case "\n":
            index -= 1
            try newLine()
        case "x", "u", "U":
            let count = c == "x" ? 2 : c == "u" ? 4 : 8
            var hex = ""
            for _ in 0..<count {
                guard let h = peek(), h.properties.isASCIIHexDigit else {
                    throw error("invalid \\\(c) escape: expected \(count) hex digits", at: escapeStart)
                }
                hex.unicodeScalars.append(h)
                index += 1
            }
            guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                throw error("invalid \\\(c) escape: \(hex) is not a Unicode code point", at: escapeStart)
            }
            value.unicodeScalars.append(scalar)
        default:
            // Python keeps unknown escapes as written.
            value += "\\"
            value.unicodeScalars.append(c)
        }
    }

    private static let operators: [String] = [
        "**=", "//=", "<<=", ">>=", "...", "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=",
        "&=", "|=", "^=", "@=", "->", ":=", "<<", ">>",
        "+", "-", "*", "/", "%", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "@",
        "&", "|", "^", "~", "?",
    ]

    private mutating func lexOperator() throws {
        let start = location
        for op in Lexer.operators {
            let opScalars = Array(op.unicodeScalars)
            guard index + opScalars.count <= scalars.count,
                  Array(scalars[index..<index + opScalars.count]) == opScalars else { continue }
            index += opScalars.count
            try trackBrackets(op, at: start)
            tokens.append(Token(.op(op), at: start))
            return
        }
        let c = scalars[index]
        if c == "!" { throw error("invalid syntax: use 'not' instead of '!'", at: start) }
        throw error("invalid character '\(c)' (U+\(String(c.value, radix: 16, uppercase: true)))", at: start)
    }

    private mutating func trackBrackets(_ op: String, at start: SourceLocation) throws {
        switch op {
        case "(", "[", "{":
            guard brackets.count < Lexer.maximumNesting else {
                throw ScriptError(.limit, "too many nested brackets (the limit is \(Lexer.maximumNesting))",
                                  at: start, file: source.name, sourceLine: source.line(start.line))
            }
            brackets.append((Character(op), start))
        case ")", "]", "}":
            let expected: Character = op == ")" ? "(" : op == "]" ? "[" : "{"
            guard let (open, openedAt) = brackets.last else { throw error("unmatched '\(op)'", at: start) }
            guard open == expected else {
                throw error("closing '\(op)' does not match '\(open)' opened on line \(openedAt.line)", at: start)
            }
            brackets.removeLast()
        default:
            break
        }
    }
}
