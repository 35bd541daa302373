/// Recursive-descent parser for the Python subset: statements, blocks by indentation, expressions
/// with Python's precedence.
public struct Parser {
    /// Longest chain of operators, trailers or nested expressions accepted; deeper trees would make
    /// evaluation recurse too far.
    public static let maximumExpressionDepth = 1_000
    /// Nested unary operators / parenthesised expressions.
    public static let maximumNesting = Lexer.maximumNesting

    let source: SourceFile
    let tokens: [Token]
    var position = 0
    var nesting = 0

    public init(source: SourceFile) throws {
        self.source = source
        self.tokens = try Lexer.tokenize(source)
    }

    /// Parses a whole script.
    public static func parse(_ source: SourceFile) throws -> Block {
        var parser = try Parser(source: source)
        return try parser.parseFile()
    }

    // MARK: Token helpers

    var current: Token { tokens[position] }
    var previousLine: Int { tokens[max(0, position - 1)].location.line }

    func error(_ message: String, at location: SourceLocation? = nil) -> ScriptError {
        let at = location ?? current.location
        return ScriptError(.syntax, "syntax error: " + message, at: at, file: source.name, sourceLine: source.line(at.line))
    }

    func isOp(_ op: String) -> Bool { current.kind == .op(op) }
    func isKeyword(_ word: String) -> Bool { current.kind == .name(word) }

    mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    mutating func accept(_ op: String) -> Bool {
        guard isOp(op) else { return false }
        _ = advance()
        return true
    }

    mutating func acceptKeyword(_ word: String) -> Bool {
        guard isKeyword(word) else { return false }
        _ = advance()
        return true
    }

    mutating func expect(_ op: String, _ context: String) throws {
        guard accept(op) else { throw unexpected(expected: "'\(op)' \(context)") }
    }

    func unexpected(expected: String) -> ScriptError {
        error("expected \(expected), found \(current.spelling)")
    }

    mutating func expectName(_ what: String) throws -> String {
        guard case .name(let name) = current.kind, !reservedWords.contains(name) else {
            throw unexpected(expected: what)
        }
        _ = advance()
        return name
    }

    mutating func enterNesting() throws {
        nesting += 1
        if nesting > Parser.maximumNesting {
            throw ScriptError(.limit, "expression is nested too deeply (the limit is \(Parser.maximumNesting) levels)",
                              at: current.location, file: source.name, sourceLine: source.line(current.location.line))
        }
    }

    func checkChain(_ length: Int) throws {
        if length > Parser.maximumExpressionDepth {
            throw ScriptError(.limit, "expression is too long (more than \(Parser.maximumExpressionDepth) operations in a row); split it up",
                              at: current.location, file: source.name, sourceLine: source.line(current.location.line))
        }
    }
}

extension Parser {
    /// Whether only the end of the input (or a final newline) is left.
    var atEndOfInput: Bool {
        current.kind == .endOfInput || (current.kind == .newline && tokens[position + 1].kind == .endOfInput)
    }
}
