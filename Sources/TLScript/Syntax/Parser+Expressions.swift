extension Parser {
    /// Comma-separated expressions; more than one (or a trailing comma) makes a tuple. Items may be
    /// starred (`a, *rest = xs`, `t = (0, *xs)`).
    mutating func parseTestList() throws -> Expression {
        let start = current.location
        let first = try parseStarOrTest()
        guard isOp(",") else {
            if case .starred(_, let location) = first { throw error("can't use starred expression here", at: location) }
            return first
        }
        var items = [first]
        while accept(",") {
            if !startsExpression { break }
            items.append(try parseStarOrTest())
        }
        return .tuple(items, start)
    }

    /// `*expression` or an expression.
    mutating func parseStarOrTest() throws -> Expression {
        guard isOp("*") else { return try parseTest() }
        let location = advance().location
        return .starred(try parseBitOr(), location)
    }

    /// Loop and `del` targets: names, attributes, indexes and tuples, but no `in` comparison.
    mutating func parseTargetList(allowingStar: Bool) throws -> Expression {
        let start = current.location
        func target() throws -> Expression {
            if allowingStar, isOp("*") {
                let location = advance().location
                return .starred(try parseBitOr(), location)
            }
            return try parseBitOr()
        }
        let first = try target()
        guard isOp(",") else { return first }
        var items = [first]
        while accept(",") {
            if isKeyword("in") || current.kind == .newline || isOp("=") { break }
            items.append(try target())
        }
        return .tuple(items, start)
    }

    var startsExpression: Bool {
        switch current.kind {
        case .name(let word):
            return !["in", "if", "else", "elif", "for", "and", "or", "is", "as", "import", "from"].contains(word)
        case .int, .float, .string, .formattedString: return true
        case .op(let op): return ["(", "[", "{", "-", "+", "~", "...", ".", "*"].contains(op)
        default: return false
        }
    }

    public mutating func parseTest() throws -> Expression {
        try enterNesting()
        defer { nesting -= 1 }
        if isKeyword("lambda") { return try parseLambda() }
        let value = try parseOr()
        if isOp(":=") { throw error("the walrus operator ':=' is not supported in tl; assign on its own line") }
        guard isKeyword("if") else { return value }
        let start = advance().location
        let condition = try parseOr()
        guard acceptKeyword("else") else { throw unexpected(expected: "'else' in the conditional expression") }
        let otherwise = try parseTest()
        return .conditional(condition: condition, then: value, otherwise: otherwise, start)
    }

    private mutating func parseLambda() throws -> Expression {
        let location = advance().location
        let parameters = try parseParameters(closing: ":")
        try expect(":", "after the lambda's parameters")
        return .lambda(parameters, try parseTest(), location)
    }

    mutating func parseOr() throws -> Expression {
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

    mutating func parseAnd() throws -> Expression {
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

    mutating func parseNot() throws -> Expression {
        guard isKeyword("not") else { return try parseComparison() }
        let location = advance().location
        try enterNesting()
        defer { nesting -= 1 }
        return .unary("not", try parseNot(), location)
    }

    mutating func comparisonOperator() -> String? {
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

    mutating func parseComparison() throws -> Expression {
        let first = try parseBitOr()
        var operands = [first]
        var operators: [String] = []
        while let op = comparisonOperator() {
            operators.append(op)
            operands.append(try parseBitOr())
            try checkChain(operators.count)
        }
        if operators.isEmpty { return first }
        return .comparison(operands, operators, first.location)
    }

    /// Binary operators of one precedence level, left-associative: `|`, `^`, `&`, shifts, `+ -`, `* / // % @`.
    private mutating func parseBinaryLevel(_ operators: [String], _ operand: (inout Parser) throws -> Expression) throws -> Expression {
        var left = try operand(&self)
        var length = 0
        while case .op(let op) = current.kind, operators.contains(op) {
            let location = advance().location
            length += 1
            try checkChain(length)
            left = .binary(op, left, try operand(&self), location)
        }
        return left
    }

    mutating func parseBitOr() throws -> Expression { try parseBinaryLevel(["|"]) { try $0.parseBitXor() } }
    mutating func parseBitXor() throws -> Expression { try parseBinaryLevel(["^"]) { try $0.parseBitAnd() } }
    mutating func parseBitAnd() throws -> Expression { try parseBinaryLevel(["&"]) { try $0.parseShift() } }
    mutating func parseShift() throws -> Expression { try parseBinaryLevel(["<<", ">>"]) { try $0.parseSum() } }
    mutating func parseSum() throws -> Expression { try parseBinaryLevel(["+", "-"]) { try $0.parseTerm() } }
    mutating func parseTerm() throws -> Expression { try parseBinaryLevel(["*", "/", "//", "%", "@"]) { try $0.parseFactor() } }

    mutating func parseFactor() throws -> Expression {
        guard case .op(let op) = current.kind, op == "-" || op == "+" || op == "~" else { return try parsePower() }
        let location = advance().location
        try enterNesting()
        defer { nesting -= 1 }
        let operand = try parseFactor()
        // Fold negative literals so `-1` is a literal (and `x[-1]` reads naturally in errors).
        if op == "-", case .literal(let value, _) = operand {
            if case .int(let i) = value, i != .min { return .literal(.int(-i), location) }
            if case .float(let d) = value { return .literal(.float(-d), location) }
        }
        return .unary(op, operand, location)
    }

    mutating func parsePower() throws -> Expression {
        let base = try parsePrimary()
        guard isOp("**") else { return base }
        let location = advance().location
        try enterNesting()
        defer { nesting -= 1 }
        return .binary("**", base, try parseFactor(), location)
    }

    mutating func parsePrimary() throws -> Expression {
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

    mutating func parseArguments() throws -> [Argument] {
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
            } else if accept("**") {
                arguments.append(Argument(keyword: nil, value: try parseTest(), location: location, unpacking: .keywords))
                sawKeyword = true
            } else if accept("*") {
                arguments.append(Argument(keyword: nil, value: try parseTest(), location: location, unpacking: .positional))
            } else {
                var value = try parseTest()
                if isKeyword("for") {
                    // `sum(x for x in xs)`: a generator expression as the only argument needs no parentheses.
                    value = try parseComprehension(.generator, element: value, value: nil, at: location)
                    guard arguments.isEmpty, isOp(")") else {
                        throw error("Generator expression must be parenthesized", at: location)
                    }
                }
                if sawKeyword { throw error("positional argument follows keyword argument", at: location) }
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

    /// `for target in iterable [if condition]... [for ...]` after a comprehension's element.
    mutating func parseComprehension(_ kind: ComprehensionKind, element: Expression, value: Expression?,
                                     at location: SourceLocation) throws -> Expression {
        var clauses: [ComprehensionClause] = []
        while acceptKeyword("for") {
            let target = try parseTargetList(allowingStar: true)
            try checkAssignable(target, augmented: false)
            guard acceptKeyword("in") else { throw unexpected(expected: "'in' in the comprehension") }
            let iterable = try parseOr()
            var conditions: [Expression] = []
            while acceptKeyword("if") { conditions.append(try parseOr()) }
            clauses.append(ComprehensionClause(target: target, iterable: iterable, conditions: conditions))
        }
        return .comprehension(Comprehension(kind: kind, element: element, value: value, clauses: clauses), location)
    }

    mutating func parseSubscript() throws -> Expression {
        let start = current.location
        let first = try parseSliceItem()
        guard isOp(",") else { return first }
        var items = [first]
        while accept(",") && !isOp("]") { items.append(try parseSliceItem()) }
        return .tuple(items, start)
    }

    mutating func parseSliceItem() throws -> Expression {
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

    mutating func parseAtom() throws -> Expression {
        let token = current
        let location = token.location
        switch token.kind {
        case .int(let i):
            _ = advance()
            return .literal(.int(i), location)
        case .float(let d):
            _ = advance()
            return .literal(.float(d), location)
        case .string, .formattedString:
            return try parseStringLiterals()
        case .name(let name):
            switch name {
            case "True", "true": _ = advance(); return .literal(.bool(true), location)
            case "False", "false": _ = advance(); return .literal(.bool(false), location)
            case "None", "none": _ = advance(); return .literal(.none, location)
            case "yield": throw error("'yield' (generators) is not supported in tl; build and return a list")
            case "await": throw error("'await' (asynchronous code) is not supported in tl")
            default:
                if reservedWords.contains(name) { throw error("invalid syntax: unexpected keyword '\(name)'") }
                _ = advance()
                return .name(name, location)
            }
        case .op("("): return try parseParenthesised()
        case .op("["): return try parseListDisplay()
        case .op("{"): return try parseBraceDisplay()
        case .op("..."):
            _ = advance()
            return .literal(.ellipsis, location)
        case .notebookMagic(let text):
            throw error("'\(text)' (a Jupyter/IPython command) is not supported in tl")
        case .indent:
            throw error("unexpected indent")
        case .newline, .endOfInput:
            throw error("invalid syntax: the expression is incomplete")
        default:
            throw error("invalid syntax: unexpected \(token.spelling)")
        }
    }

    /// Adjacent literals concatenate, as in Python (`'a ' 'b'`, `'x' f'{y}'`).
    private mutating func parseStringLiterals() throws -> Expression {
        let location = current.location
        var parts: [FormattedPart] = []
        var isFormatted = false
        while true {
            switch current.kind {
            case .string(let text):
                parts.append(.text(text))
            case .formattedString(let text):
                isFormatted = true
                parts += try FormattedStringParser.parse(text, at: current.location, in: source)
            default:
                guard isFormatted else {
                    return .literal(.string(parts.map { if case .text(let t) = $0 { return t }; return "" }.joined()), location)
                }
                return .formattedString(parts, location)
            }
            _ = advance()
        }
    }

    private mutating func parseParenthesised() throws -> Expression {
        let location = advance().location
        try enterNesting()
        defer { nesting -= 1 }
        if accept(")") { return .tuple([], location) }
        let first = try parseStarOrTest()
        if isKeyword("for") {
            let generator = try parseComprehension(.generator, element: first, value: nil, at: location)
            try expect(")", "to close the generator expression")
            return generator
        }
        if accept(")") {
            if case .starred(_, let at) = first { throw error("can't use starred expression here", at: at) }
            return first
        }
        guard isOp(",") else { throw unexpected(expected: "')' or ','") }
        var items = [first]
        while accept(",") && !isOp(")") { items.append(try parseStarOrTest()) }
        try expect(")", "to close the tuple")
        return .tuple(items, location)
    }

    private mutating func parseListDisplay() throws -> Expression {
        let location = advance().location
        try enterNesting()
        defer { nesting -= 1 }
        var items: [Expression] = []
        while !isOp("]") {
            items.append(try parseStarOrTest())
            if items.count == 1, isKeyword("for") {
                let comprehension = try parseComprehension(.list, element: items[0], value: nil, at: location)
                try expect("]", "to close the list comprehension")
                return comprehension
            }
            if !accept(",") { break }
        }
        try expect("]", "to close the list")
        return .list(items, location)
    }

    /// `{}` (a dict), `{k: v, ...}`, `{a, b}` (a set) and their comprehensions.
    private mutating func parseBraceDisplay() throws -> Expression {
        let location = advance().location
        try enterNesting()
        defer { nesting -= 1 }
        if accept("}") { return .dict([], location) }
        if isOp("**") { throw error("'**' unpacking inside a dict display is not supported in tl; use d.update(other)") }
        let first = try parseStarOrTest()
        if !accept(":") {
            var items = [first]
            if isKeyword("for") {
                let comprehension = try parseComprehension(.set, element: first, value: nil, at: location)
                try expect("}", "to close the set comprehension")
                return comprehension
            }
            while accept(",") && !isOp("}") { items.append(try parseStarOrTest()) }
            try expect("}", "to close the set")
            return .set(items, location)
        }
        let firstValue = try parseTest()
        if isKeyword("for") {
            let comprehension = try parseComprehension(.dict, element: first, value: firstValue, at: location)
            try expect("}", "to close the dict comprehension")
            return comprehension
        }
        var pairs: [(key: Expression, value: Expression)] = [(first, firstValue)]
        while accept(",") && !isOp("}") {
            let key = try parseTest()
            try expect(":", "between a dict key and its value")
            pairs.append((key, try parseTest()))
        }
        try expect("}", "to close the dict")
        return .dict(pairs, location)
    }
}
