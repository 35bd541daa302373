extension Parser {

    mutating func parseFile() throws -> Block {
        var block: Block = []
        while current.kind != .endOfInput {
            if current.kind == .newline { _ = advance(); continue }
            if current.kind == .indent { throw error("unexpected indent") }
            block += try parseStatement()
        }
        return block
    }

    mutating func parseStatement() throws -> [LocatedStatement] {
        let start = current.location
        if case .name(let word) = current.kind {
            switch word {
            case "if": return [try parseIf()]
            case "for": return [try parseFor()]
            case "while": return [try parseWhile()]
            case "def": return [try parseDef()]
            case "try": return [try parseTry()]
            case "elif", "else":
                throw error("'\(word)' without a matching 'if' (check the indentation)")
            case "except", "finally":
                throw error("'\(word)' without a matching 'try' (check the indentation)")
            case "class": throw error("classes ('class') are not supported in tl; use functions and dicts")
            case "with": throw error("'with' statements are not supported in tl")
            case "async", "await": throw error("'\(word)' (asynchronous code) is not supported in tl")
            default: break
            }
        }
        if isOp("@") { throw error("decorators ('@') are not supported in tl") }
        if startsMatchStatement { throw error("'match' statements are not supported in tl; use if/elif") }
        if case .notebookMagic(let text) = current.kind {
            _ = advance()
            if current.kind == .newline { _ = advance() }
            return [LocatedStatement(statement: .notebookMagic(text), location: start, lines: start.line...start.line)]
        }
        var statements = [LocatedStatement]()
        repeat {
            let statementStart = current.location
            let statement = try parseSimpleStatement()
            statements.append(LocatedStatement(statement: statement, location: statementStart,
                                               lines: statementStart.line...statementStart.line))
            // `import os, shutil`: one import per module, bound in order, as Python does.
            while case .importModule = statement, accept(",") {
                let module = try parseDottedName()
                let alias = acceptKeyword("as") ? try expectName("a name after 'as'") : nil
                statements.append(LocatedStatement(statement: .importModule(module: module, alias: alias), location: statementStart,
                                                   lines: statementStart.line...statementStart.line))
            }
            if current.kind == .newline || current.kind == .endOfInput { break }
        } while accept(";") && current.kind != .newline
        guard current.kind == .newline || current.kind == .endOfInput else {
            throw error("invalid syntax: unexpected \(current.spelling) (missing an operator or comma?)")
        }
        let endLine = current.location.line
        _ = advance()
        return statements.map { var s = $0; s.lines = start.line...max(endLine, start.line); return s }
    }

    mutating func parseSimpleStatement() throws -> Statement {
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
            case "raise": return try parseRaise()
            case "del":
                _ = advance()
                let targets = try parseTargetList(allowingStar: false)
                let items: [Expression]
                if case .tuple(let parts, _) = targets { items = parts } else { items = [targets] }
                for item in items { try checkDeletable(item) }
                return .delete(items)
            case "assert":
                _ = advance()
                let condition = try parseTest()
                return .assert(condition, message: accept(",") ? try parseTest() : nil)
            case "global", "nonlocal":
                _ = advance()
                var names = [try expectName("a variable name after '\(word)'")]
                while accept(",") { names.append(try expectName("a variable name")) }
                return word == "global" ? .global(names) : .nonlocal(names)
            case "yield": throw error("'yield' (generator functions) is not supported in tl; build and return a list")
            case "help" where startsHelpSubject(at: position + 1):
                return try parseHelpStatement()
            case "print" where position + 1 < tokens.count && startsPython2Print(tokens[position + 1].kind):
                throw error("Missing parentheses in call to 'print'. Did you mean print(...)?")
            default: break
            }
        }
        if isOp("?") {
            // IPython's `?fit`.
            let location = advance().location
            return helpCall(for: try parseDottedName(), at: location)
        }
        let first = try parseTestList()
        if isOp(":"), case .name = first {
            // `x: int = 5`: the annotation is read and ignored, as Python ignores it at run time.
            _ = advance()
            _ = try parseTest()
            guard accept("=") else { return .pass }
            return .assign(targets: [first], value: try parseTestList())
        }
        if isOp("?"), let path = first.dottedPath {
            _ = advance()
            return helpCall(for: path, at: first.location)
        }
        if isOp(":=") { throw error("the walrus operator ':=' is not supported in tl; assign on its own line") }
        if case .op(let op) = current.kind, ["+=", "-=", "*=", "/=", "//=", "%=", "**=", "&=", "|=", "^=", "@=", "<<=", ">>="].contains(op) {
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

    func checkAssignable(_ target: Expression, augmented: Bool) throws {
        switch target {
        case .name(let name, let location):
            if reservedWords.contains(name) { throw error("cannot assign to keyword '\(name)'", at: location) }
        case .attribute, .index:
            return
        case .tuple(let items, _), .list(let items, _):
            if augmented { throw error("cannot use an augmented assignment with a tuple", at: target.location) }
            if items.filter({ if case .starred = $0 { return true }; return false }).count > 1 {
                throw error("multiple starred expressions in assignment", at: target.location)
            }
            for item in items { try checkAssignable(item, augmented: false) }
        case .starred(let inner, let location):
            if augmented { throw error("cannot use starred expression here", at: location) }
            try checkAssignable(inner, augmented: false)
        case .literal(_, let location):
            throw error("cannot assign to a literal", at: location)
        case .call(_, _, let location):
            throw error("cannot assign to a function call (did you mean '==' ?)", at: location)
        default:
            throw error("cannot assign to this expression", at: target.location)
        }
    }

    mutating func parseDottedName() throws -> [String] {
        var parts = [try expectName("a module name")]
        while accept(".") { parts.append(try expectName("a name after '.'")) }
        return parts
    }

    mutating func parseImport() throws -> Statement {
        _ = advance()
        let module = try parseDottedName()
        let alias = acceptKeyword("as") ? try expectName("a name after 'as'") : nil
        return .importModule(module: module, alias: alias)
    }

    mutating func parseFromImport() throws -> Statement {
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
    mutating func parseBlock(after construct: String, openedAt start: SourceLocation) throws -> Block {
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

    func lines(from start: SourceLocation, body: Block) -> ClosedRange<Int> {
        start.line...max(start.line, body.last?.lines.upperBound ?? start.line)
    }

    mutating func parseIf() throws -> LocatedStatement {
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

    mutating func parseFor() throws -> LocatedStatement {
        let start = advance().location
        let target = try parseTargetList(allowingStar: true)
        try checkAssignable(target, augmented: false)
        guard acceptKeyword("in") else { throw unexpected(expected: "'in' after the loop variable") }
        let iterable = try parseTestList()
        let body = try parseBlock(after: "for", openedAt: start)
        let otherwise = try parseElseClause()
        return LocatedStatement(statement: .forLoop(target: target, iterable: iterable, body: body, otherwise: otherwise),
                                location: start, lines: lines(from: start, body: otherwise ?? body))
    }

    mutating func parseWhile() throws -> LocatedStatement {
        let start = advance().location
        let condition = try parseTest()
        let body = try parseBlock(after: "while", openedAt: start)
        let otherwise = try parseElseClause()
        return LocatedStatement(statement: .whileLoop(condition: condition, body: body, otherwise: otherwise),
                                location: start, lines: lines(from: start, body: otherwise ?? body))
    }

    mutating func parseDef() throws -> LocatedStatement {
        let start = advance().location
        let name = try expectName("a function name after 'def'")
        try expect("(", "after the function name")
        let parameters = try parseParameters(closing: ")")
        try expect(")", "to close the parameter list")
        if accept("->") { _ = try parseTest() }
        let body = try parseBlock(after: "def", openedAt: start)
        let definition = FunctionDefinition(name: name, parameters: parameters, body: body, location: start)
        return LocatedStatement(statement: .functionDefinition(definition), location: start,
                                lines: lines(from: start, body: body))
    }

    /// Parameters of a `def` (up to `)`) or a `lambda` (up to `:`): `a, b=1, *args, c, d=2, **kwargs`.
    mutating func parseParameters(closing: String) throws -> FunctionParameters {
        var parameters = FunctionParameters()
        var seen = Set<String>()
        while !isOp(closing) {
            let location = current.location
            if accept("**") {
                parameters.keywords = try parameterName(&seen, at: location)
                _ = accept(",")
                break
            }
            if accept("*") {
                guard parameters.variadic == nil, parameters.keywordOnly.isEmpty else { throw error("* argument may appear only once", at: location) }
                if isOp(",") { parameters.variadic = "" } else { parameters.variadic = try parameterName(&seen, at: location) }
            } else {
                let name = try parameterName(&seen, at: location)
                if closing == ")" && accept(":") { _ = try parseTest() }  // annotations are read and ignored
                let defaultValue: Expression? = accept("=") ? try parseTest() : nil
                if parameters.variadic != nil {
                    parameters.keywordOnly.append((name, defaultValue))
                } else {
                    if defaultValue == nil, parameters.positional.last?.defaultValue != nil {
                        throw error("parameter without a default follows parameter with a default", at: location)
                    }
                    parameters.positional.append((name, defaultValue))
                }
            }
            if !accept(",") { break }
        }
        if parameters.variadic == "" && parameters.keywordOnly.isEmpty {
            throw error("named arguments must follow bare *")
        }
        return parameters
    }

    private mutating func parameterName(_ seen: inout Set<String>, at location: SourceLocation) throws -> String {
        let name = try expectName("a parameter name")
        guard seen.insert(name).inserted else { throw error("duplicate parameter '\(name)'", at: location) }
        return name
    }

    /// `match subject:` (Python's soft keyword): `match` then an expression ending the line with `:`;
    /// `match = ...` or `match(x)` as a call stay ordinary code.
    private var startsMatchStatement: Bool {
        guard isKeyword("match"), position + 1 < tokens.count else { return false }
        if case .op(let op) = tokens[position + 1].kind, ["=", ".", "(", "[", ",", ")"].contains(op) || op.hasSuffix("=") { return false }
        var index = position + 1
        while index < tokens.count, tokens[index].kind != .newline, tokens[index].kind != .endOfInput { index += 1 }
        return index > position + 1 && tokens[index - 1].kind == .op(":")
    }

    /// `else:` after a loop (runs when the loop was not left by `break`).
    private mutating func parseElseClause() throws -> Block? {
        guard isKeyword("else") else { return nil }
        let clause = advance().location
        return try parseBlock(after: "else", openedAt: clause)
    }

    mutating func parseTry() throws -> LocatedStatement {
        let start = advance().location
        let body = try parseBlock(after: "try", openedAt: start)
        var handlers: [ExceptHandler] = []
        var lastBody = body
        while isKeyword("except") {
            let clause = advance().location
            if let previous = handlers.last, previous.classes == nil {
                throw error("default 'except:' must be last", at: previous.location)
            }
            if isOp("*") { throw error("'except*' (exception groups) is not supported in tl") }
            var classes: Expression?
            var name: String?
            if !isOp(":") {
                classes = try parseTest()
                if acceptKeyword("as") { name = try expectName("a name after 'as'") } else if isOp(",") {
                    throw error("multiple exception types must be parenthesized, e.g. except (ValueError, TypeError):")
                }
            }
            lastBody = try parseBlock(after: "except", openedAt: clause)
            handlers.append(ExceptHandler(classes: classes, name: name, body: lastBody, location: clause))
        }
        var otherwise: Block?
        if isKeyword("else") {
            guard !handlers.isEmpty else { throw error("'else' after 'try' needs an 'except' clause") }
            let clause = advance().location
            otherwise = try parseBlock(after: "else", openedAt: clause)
            lastBody = otherwise!
        }
        var finally: Block?
        if isKeyword("finally") {
            let clause = advance().location
            finally = try parseBlock(after: "finally", openedAt: clause)
            lastBody = finally!
        }
        if handlers.isEmpty && finally == nil { throw error("expected 'except' or 'finally' block", at: start) }
        return LocatedStatement(statement: .tryStatement(body: body, handlers: handlers, otherwise: otherwise, finally: finally),
                                location: start, lines: lines(from: start, body: lastBody))
    }

    private mutating func parseRaise() throws -> Statement {
        _ = advance()
        if current.kind == .newline || current.kind == .endOfInput || isOp(";") { return .raise(nil, cause: nil) }
        let exception = try parseTest()
        let cause = acceptKeyword("from") ? try parseTest() : nil
        return .raise(exception, cause: cause)
    }

    private func checkDeletable(_ target: Expression) throws {
        switch target {
        case .name, .index, .attribute: return
        case .tuple(let items, _), .list(let items, _): for item in items { try checkDeletable(item) }
        default: throw error("cannot delete this expression", at: target.location)
        }
    }

    /// After `help`: a name (`help fit`, `help np.mean`), not a call or an assignment to a variable `help`.
    private func startsHelpSubject(at index: Int) -> Bool {
        guard index < tokens.count, case .name(let word) = tokens[index].kind, !reservedWords.contains(word) else { return false }
        return true
    }

    /// `print "x"` / `print x` (Python 2): a value right after `print`.
    private func startsPython2Print(_ next: Token.Kind) -> Bool {
        switch next {
        case .string, .formattedString, .int, .float: return true
        case .name(let word): return !reservedWords.contains(word)
        default: return false
        }
    }

    /// `help fit`, as README shows and IPython users type.
    private mutating func parseHelpStatement() throws -> Statement {
        let location = advance().location
        return helpCall(for: try parseDottedName(), at: location)
    }

    private func helpCall(for path: [String], at location: SourceLocation) -> Statement {
        let subject = Expression.literal(.string(path.joined(separator: ".")), location)
        return .expression(.call(.name("help", location), [Argument(keyword: nil, value: subject, location: location)], location))
    }
}
