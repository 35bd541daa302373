/// Recursive-descent parser for the Python subset: statements, blocks by indentation, expressions
/// with Python's precedence.
public struct Parser {
    /// Longest chain of operators, trailers or nested expressions accepted; deeper trees would make
    /// evaluation recurse too far.
    public static let maximumExpressionDepth = 1_000
    /// Nested unary operators / parenthesised expressions.
    public static let maximumNesting = Lexer.maximumNesting

    private let source: SourceFile
    private let tokens: [Token]
    private var position = 0
    private var nesting = 0

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

    private var current: Token { tokens[position] }
    private var previousLine: Int { tokens[max(0, position - 1)].location.line }

    private func error(_ message: String, at location: SourceLocation? = nil) -> ScriptError {
        let at = location ?? current.location
        return ScriptError(.syntax, "syntax error: " + message, at: at, file: source.name, sourceLine: source.line(at.line))
    }

    private func isOp(_ op: String) -> Bool { current.kind == .op(op) }
    private func isKeyword(_ word: String) -> Bool { current.kind == .name(word) }

    private mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private mutating func accept(_ op: String) -> Bool {
        guard isOp(op) else { return false }
        _ = advance()
        return true
    }

    private mutating func acceptKeyword(_ word: String) -> Bool {
        guard isKeyword(word) else { return false }
        _ = advance()
        return true
    }

    private mutating func expect(_ op: String, _ context: String) throws {
        guard accept(op) else { throw unexpected(expected: "'\(op)' \(context)") }
    }

    private func unexpected(expected: String) -> ScriptError {
        error("expected \(expected), found \(current.spelling)")
    }

    private mutating func expectName(_ what: String) throws -> String {
        guard case .name(let name) = current.kind, !reservedWords.contains(name) else {
            throw unexpected(expected: what)
        }
        _ = advance()
        return name
    }

    private mutating func enterNesting() throws {
        nesting += 1
        if nesting > Parser.maximumNesting {
            throw ScriptError(.limit, "expression is nested too deeply (the limit is \(Parser.maximumNesting) levels)",
                              at: current.location, file: source.name, sourceLine: source.line(current.location.line))
        }
    }

    private func checkChain(_ length: Int) throws {
        if length > Parser.maximumExpressionDepth {
            throw ScriptError(.limit, "expression is too long (more than \(Parser.maximumExpressionDepth) operations in a row); split it up",
                              at: current.location, file: source.name, sourceLine: source.line(current.location.line))
        }
    }

    // MARK: Statements

    private mutating func parseFile() throws -> Block {
        var block: Block = []
        while current.kind != .endOfInput {
            if current.kind == .newline { _ = advance(); continue }
            if current.kind == .indent { throw error("unexpected indent") }
            block += try parseStatement()
        }
        return block
    }

    private mutating func parseStatement() throws -> [LocatedStatement] {
        let start = current.location
        if case .name(let word) = current.kind {
            switch word {
            case "if": return [try parseIf()]
            case "for": return [try parseFor()]
            case "while": return [try parseWhile()]
            case "def": return [try parseDef()]
            case "elif", "else":
                throw error("'\(word)' without a matching 'if' (check the indentation)")
            case "class", "try", "except", "finally", "with", "lambda", "global", "nonlocal", "del", "yield", "raise":
                throw error("'\(word)' is not supported in tl scripts")
            default: break
            }
        }
        var statements = [LocatedStatement]()
        repeat {
            let statementStart = current.location
            let statement = try parseSimpleStatement()
            statements.append(LocatedStatement(statement: statement, location: statementStart,
                                               lines: statementStart.line...statementStart.line))
            if current.kind == .newline || current.kind == .endOfInput { break }
        } while accept(";") && current.kind != .newline
        guard current.kind == .newline || current.kind == .endOfInput else {
            throw error("invalid syntax: unexpected \(current.spelling) (missing an operator or comma?)")
        }
        let endLine = current.location.line
        _ = advance()
        return statements.map { var s = $0; s.lines = start.line...max(endLine, start.line); return s }
    }

    private mutating func parseSimpleStatement() throws -> Statement {
        if case .name(let word) = current.kind {
            switch word {
            case "pass": _ = advance(); return .pass
            case "break": _ = advance(); return .breakLoop
            case "continue": _ = advance(); return .continueLoop
            case "return":
                _ = advance()
                if current.kind == .newline || isOp(";") { return .returnValue(nil) }
                return .returnValue(try parseTestList())
            case "import": return try parseImport()
            case "from": return try parseFromImport()
            default: break
            }
        }
        let first = try parseTestList()
        if case .op(let op) = current.kind, ["+=", "-=", "*=", "/=", "//=", "%=", "**="].contains(op) {
            try checkAssignable(first, augmented: true)
            _ = advance()
            return .augmentedAssign(target: first, op: String(op.dropLast()), value: try parseTestList())
        }
        guard isOp("=") else { return .expression(first) }
        var targets = [first]
        var value = first
        while accept("=") {
            value = try parseTestList()
            targets.append(value)
        }
        targets.removeLast()
        for target in targets { try checkAssignable(target, augmented: false) }
        return .assign(targets: targets, value: value)
    }

    private func checkAssignable(_ target: Expression, augmented: Bool) throws {
        switch target {
        case .name(let name, let location):
            if reservedWords.contains(name) { throw error("cannot assign to keyword '\(name)'", at: location) }
        case .attribute, .index:
            return
        case .tuple(let items, _), .list(let items, _):
            if augmented { throw error("cannot use an augmented assignment with a tuple", at: target.location) }
            for item in items { try checkAssignable(item, augmented: false) }
        case .literal(_, let location):
            throw error("cannot assign to a literal", at: location)
        case .call(_, _, let location):
            throw error("cannot assign to a function call (did you mean '==' ?)", at: location)
        default:
            throw error("cannot assign to this expression", at: target.location)
        }
    }

    private mutating func parseDottedName() throws -> [String] {
        var parts = [try expectName("a module name")]
        while accept(".") { parts.append(try expectName("a name after '.'")) }
        return parts
    }

    private mutating func parseImport() throws -> Statement {
        _ = advance()
        let module = try parseDottedName()
        let alias = acceptKeyword("as") ? try expectName("a name after 'as'") : nil
        if isOp(",") { throw error("import one module per line") }
        return .importModule(module: module, alias: alias)
    }

    private mutating func parseFromImport() throws -> Statement {
        _ = advance()
        while accept(".") {}
        let module = try parseDottedName()
        guard acceptKeyword("import") else { throw unexpected(expected: "'import'") }
        let parenthesised = accept("(")
        var names: [(String, String?)] = []
        if accept("*") {
            names.append(("*", nil))
        } else {
            repeat {
                if parenthesised && isOp(")") { break }
                let name = try expectName("a name to import")
                let alias = acceptKeyword("as") ? try expectName("a name after 'as'") : nil
                names.append((name, alias))
            } while accept(",")
        }
        if parenthesised { try expect(")", "to close the import list") }
        return .importNames(module: module, names: names)
    }

    /// `:` then either statements on the same line or an indented block.
    private mutating func parseBlock(after construct: String, openedAt start: SourceLocation) throws -> Block {
        try expect(":", "after the \(construct) header")
        if current.kind != .newline {
            return try parseStatement()
        }
        _ = advance()
        guard current.kind == .indent else {
            throw error("expected an indented block after '\(construct)' on line \(start.line)")
        }
        _ = advance()
        var block: Block = []
        while current.kind != .dedent && current.kind != .endOfInput {
            if current.kind == .indent { throw error("unexpected indent") }
            block += try parseStatement()
        }
        if current.kind == .dedent { _ = advance() }
        return block
    }

    private func lines(from start: SourceLocation, body: Block) -> ClosedRange<Int> {
        start.line...max(start.line, body.last?.lines.upperBound ?? start.line)
    }

    private mutating func parseIf() throws -> LocatedStatement {
        let start = advance().location
        var branches: [(condition: Expression, body: Block)] = []
        let condition = try parseTest()
        branches.append((condition, try parseBlock(after: "if", openedAt: start)))
        var otherwise: Block?
        var lastBody = branches[0].body
        while isKeyword("elif") {
            let clause = advance().location
            let condition = try parseTest()
            lastBody = try parseBlock(after: "elif", openedAt: clause)
            branches.append((condition, lastBody))
        }
        if isKeyword("else") {
            let clause = advance().location
            otherwise = try parseBlock(after: "else", openedAt: clause)
            lastBody = otherwise!
        }
        return LocatedStatement(statement: .ifChain(branches: branches, otherwise: otherwise), location: start,
                                lines: lines(from: start, body: lastBody))
    }

    private mutating func parseFor() throws -> LocatedStatement {
        let start = advance().location
        let target = try parseTargetList()
        try checkAssignable(target, augmented: false)
        guard acceptKeyword("in") else { throw unexpected(expected: "'in' after the loop variable") }
        let iterable = try parseTestList()
        let body = try parseBlock(after: "for", openedAt: start)
        if isKeyword("else") { throw error("'for ... else' is not supported") }
        return LocatedStatement(statement: .forLoop(target: target, iterable: iterable, body: body), location: start,
                                lines: lines(from: start, body: body))
    }

    private mutating func parseWhile() throws -> LocatedStatement {
        let start = advance().location
        let condition = try parseTest()
        let body = try parseBlock(after: "while", openedAt: start)
        if isKeyword("else") { throw error("'while ... else' is not supported") }
        return LocatedStatement(statement: .whileLoop(condition: condition, body: body), location: start,
                                lines: lines(from: start, body: body))
    }

    private mutating func parseDef() throws -> LocatedStatement {
        let start = advance().location
        let name = try expectName("a function name after 'def'")
        try expect("(", "after the function name")
        var parameters: [(name: String, defaultValue: Expression?)] = []
        while !isOp(")") {
            let parameterLocation = current.location
            let parameter = try expectName("a parameter name")
            if parameters.contains(where: { $0.name == parameter }) {
                throw error("duplicate parameter '\(parameter)'", at: parameterLocation)
            }
            var defaultValue: Expression?
            if accept("=") {
                defaultValue = try parseTest()
            } else if parameters.last?.defaultValue != nil {
                throw error("parameter without a default follows parameter with a default", at: parameterLocation)
            }
            parameters.append((parameter, defaultValue))
            if !accept(",") { break }
        }
        try expect(")", "to close the parameter list")
        if accept("->") { _ = try parseTest() }
        let body = try parseBlock(after: "def", openedAt: start)
        let definition = FunctionDefinition(name: name, parameters: parameters, body: body, location: start)
        return LocatedStatement(statement: .functionDefinition(definition), location: start,
                                lines: lines(from: start, body: body))
    }

    // MARK: Expressions

    /// Comma-separated expressions; more than one (or a trailing comma) makes a tuple.
    private mutating func parseTestList() throws -> Expression {
        let start = current.location
        let first = try parseTest()
        guard isOp(",") else { return first }
        var items = [first]
        while accept(",") {
            if !startsExpression { break }
            items.append(try parseTest())
        }
        return .tuple(items, start)
    }

    /// Loop targets: names, attributes, indexes and tuples, but no `in` comparison.
    private mutating func parseTargetList() throws -> Expression {
        let start = current.location
        let first = try parseSum()
        guard isOp(",") else { return first }
        var items = [first]
        while accept(",") {
            if isKeyword("in") { break }
            items.append(try parseSum())
        }
        return .tuple(items, start)
    }

    private var startsExpression: Bool {
        switch current.kind {
        case .name(let word):
            return !["in", "if", "else", "elif", "for", "and", "or", "is", "as", "import", "from"].contains(word)
        case .int, .float, .string: return true
        case .op(let op): return ["(", "[", "{", "-", "+", "...", "."].contains(op)
        default: return false
        }
    }

    public mutating func parseTest() throws -> Expression {
        try enterNesting()
        defer { nesting -= 1 }
        let value = try parseOr()
        guard isKeyword("if") else { return value }
        let start = advance().location
        let condition = try parseOr()
        guard acceptKeyword("else") else { throw unexpected(expected: "'else' in the conditional expression") }
        let otherwise = try parseTest()
        return .conditional(condition: condition, then: value, otherwise: otherwise, start)
    }

    private mutating func parseOr() throws -> Expression {
        var left = try parseAnd()
        var length = 0
        while isKeyword("or") {
            let location = advance().location
            length += 1
            try checkChain(length)
            left = .or(left, try parseAnd(), location)
        }
        return left
    }

    private mutating func parseAnd() throws -> Expression {
        var left = try parseNot()
        var length = 0
        while isKeyword("and") {
            let location = advance().location
            length += 1
            try checkChain(length)
            left = .and(left, try parseNot(), location)
        }
        return left
    }

    private mutating func parseNot() throws -> Expression {
        guard isKeyword("not") else { return try parseComparison() }
        let location = advance().location
        try enterNesting()
        defer { nesting -= 1 }
        return .unary("not", try parseNot(), location)
    }

    private mutating func comparisonOperator() -> String? {
        switch current.kind {
        case .op(let op) where ["<", ">", "==", ">=", "<=", "!="].contains(op):
            _ = advance()
            return op
        case .name("in"):
            _ = advance()
            return "in"
        case .name("not") where tokens[position + 1].kind == .name("in"):
            _ = advance(); _ = advance()
            return "not in"
        case .name("is"):
            _ = advance()
            return acceptKeyword("not") ? "is not" : "is"
        default:
            return nil
        }
    }

    private mutating func parseComparison() throws -> Expression {
        let first = try parseSum()
        var operands = [first]
        var operators: [String] = []
        while let op = comparisonOperator() {
            operators.append(op)
            operands.append(try parseSum())
            try checkChain(operators.count)
        }
        if operators.isEmpty { return first }
        return .comparison(operands, operators, first.location)
    }

    private mutating func parseSum() throws -> Expression {
        var left = try parseTerm()
        var length = 0
        while case .op(let op) = current.kind, op == "+" || op == "-" {
            let location = advance().location
            length += 1
            try checkChain(length)
            left = .binary(op, left, try parseTerm(), location)
        }
        return left
    }

    private mutating func parseTerm() throws -> Expression {
        var left = try parseFactor()
        var length = 0
        while case .op(let op) = current.kind, ["*", "/", "//", "%", "@"].contains(op) {
            let location = advance().location
            length += 1
            try checkChain(length)
            left = .binary(op, left, try parseFactor(), location)
        }
        return left
    }

    private mutating func parseFactor() throws -> Expression {
        guard case .op(let op) = current.kind, op == "-" || op == "+" else { return try parsePower() }
        let location = advance().location
        try enterNesting()
        defer { nesting -= 1 }
        let operand = try parseFactor()
        // Fold negative literals so `-1` is a literal (and `x[-1]` reads naturally in errors).
        if op == "-", case .literal(let value, _) = operand {
            if case .int(let i) = value { return .literal(.int(-i), location) }
            if case .float(let d) = value { return .literal(.float(-d), location) }
        }
        return .unary(op, operand, location)
    }

    private mutating func parsePower() throws -> Expression {
        let base = try parsePrimary()
        guard isOp("**") else { return base }
        let location = advance().location
        try enterNesting()
        defer { nesting -= 1 }
        return .binary("**", base, try parseFactor(), location)
    }

    private mutating func parsePrimary() throws -> Expression {
        var value = try parseAtom()
        var length = 0
        while true {
            length += 1
            try checkChain(length)
            if isOp("(") {
                let parenthesis = advance().location
                // Calls are located at what is called (`fit` in `model.fit(...)`), where users look.
                let location: SourceLocation
                switch value {
                case .name(_, let at), .attribute(_, _, let at): location = at
                default: location = parenthesis
                }
                value = .call(value, try parseArguments(), location)
            } else if isOp("[") {
                let location = advance().location
                value = .index(value, try parseSubscript(), location)
                try expect("]", "to close the index")
            } else if isOp(".") {
                _ = advance()
                let location = current.location
                guard case .name(let name) = current.kind else { throw unexpected(expected: "an attribute name after '.'") }
                _ = advance()
                value = .attribute(value, name, location)
            } else {
                return value
            }
        }
    }

    private mutating func parseArguments() throws -> [Argument] {
        var arguments: [Argument] = []
        var sawKeyword = false
        while !isOp(")") {
            let location = current.location
            if case .name(let name) = current.kind, tokens[position + 1].kind == .op("=") {
                // `from` is a keyword in Python, but tl's `unfreeze(model, from="block5_conv1")` names an argument so.
                guard !reservedWords.contains(name) || name == "from" else { throw error("cannot use keyword '\(name)' as an argument name") }
                _ = advance(); _ = advance()
                if arguments.contains(where: { $0.keyword == name }) {
                    throw error("keyword argument '\(name)' repeated", at: location)
                }
                arguments.append(Argument(keyword: name, value: try parseTest(), location: location))
                sawKeyword = true
            } else {
                if isOp("*") || isOp("**") { throw error("argument unpacking with * and ** is not supported") }
                let value = try parseTest()
                if sawKeyword { throw error("positional argument follows keyword argument", at: location) }
                if isKeyword("for") { throw error("comprehensions are not supported; use a for loop") }
                arguments.append(Argument(keyword: nil, value: value, location: location))
            }
            if !accept(",") { break }
        }
        guard accept(")") else {
            if case .op("=") = current.kind {
                throw error("invalid syntax: an argument name must be a plain name (did you mean '=='?)")
            }
            throw unexpected(expected: "',' or ')' in the argument list")
        }
        return arguments
    }

    private mutating func parseSubscript() throws -> Expression {
        let start = current.location
        let first = try parseSliceItem()
        guard isOp(",") else { return first }
        var items = [first]
        while accept(",") && !isOp("]") { items.append(try parseSliceItem()) }
        return .tuple(items, start)
    }

    private mutating func parseSliceItem() throws -> Expression {
        let start = current.location
        let lower = isOp(":") ? nil : try parseTest()
        guard accept(":") else {
            guard let lower else { throw unexpected(expected: "an index") }
            return lower
        }
        let upper = (isOp(":") || isOp("]") || isOp(",")) ? nil : try parseTest()
        var step: Expression?
        if accept(":"), !(isOp("]") || isOp(",")) { step = try parseTest() }
        return .slice(start: lower, stop: upper, step: step, start)
    }

    private mutating func parseAtom() throws -> Expression {
        let token = current
        let location = token.location
        switch token.kind {
        case .int(let i):
            _ = advance()
            return .literal(.int(i), location)
        case .float(let d):
            _ = advance()
            return .literal(.float(d), location)
        case .string(var text):
            _ = advance()
            // Adjacent literals concatenate, as in Python: print('a ' 'b').
            while case .string(let more) = current.kind {
                text += more
                _ = advance()
            }
            return .literal(.string(text), location)
        case .name(let name):
            switch name {
            case "True", "true": _ = advance(); return .literal(.bool(true), location)
            case "False", "false": _ = advance(); return .literal(.bool(false), location)
            case "None", "none": _ = advance(); return .literal(.none, location)
            case "lambda": throw error("lambda is not supported; use def")
            default:
                if reservedWords.contains(name) { throw error("invalid syntax: unexpected keyword '\(name)'") }
                _ = advance()
                return .name(name, location)
            }
        case .op("("):
            _ = advance()
            try enterNesting()
            defer { nesting -= 1 }
            if accept(")") { return .tuple([], location) }
            let first = try parseTest()
            if isKeyword("for") { throw error("generator expressions are not supported; use a for loop") }
            if accept(")") { return first }
            guard isOp(",") else { throw unexpected(expected: "')' or ','") }
            var items = [first]
            while accept(",") && !isOp(")") { items.append(try parseTest()) }
            try expect(")", "to close the tuple")
            return .tuple(items, location)
        case .op("["):
            _ = advance()
            try enterNesting()
            defer { nesting -= 1 }
            var items: [Expression] = []
            while !isOp("]") {
                items.append(try parseTest())
                if isKeyword("for") { throw error("list comprehensions are not supported; use a for loop") }
                if !accept(",") { break }
            }
            try expect("]", "to close the list")
            return .list(items, location)
        case .op("{"):
            _ = advance()
            try enterNesting()
            defer { nesting -= 1 }
            var pairs: [(key: Expression, value: Expression)] = []
            while !isOp("}") {
                let key = try parseTest()
                try expect(":", "between a dict key and its value")
                pairs.append((key, try parseTest()))
                if !accept(",") { break }
            }
            try expect("}", "to close the dict")
            return .dict(pairs, location)
        case .op("..."):
            _ = advance()
            return .literal(.none, location)
        case .indent:
            throw error("unexpected indent")
        case .newline, .endOfInput:
            throw error("invalid syntax: the expression is incomplete")
        default:
            throw error("invalid syntax: unexpected \(token.spelling)")
        }
    }
}
