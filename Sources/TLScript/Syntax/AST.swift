/// An expression node with the place it starts, so runtime errors can point at it.
public indirect enum Expression {
    case literal(Value, SourceLocation)
    case name(String, SourceLocation)
    case tuple([Expression], SourceLocation)
    case list([Expression], SourceLocation)
    case dict([(key: Expression, value: Expression)], SourceLocation)
    case attribute(Expression, String, SourceLocation)
    case index(Expression, Expression, SourceLocation)
    case slice(start: Expression?, stop: Expression?, step: Expression?, SourceLocation)
    case call(Expression, [Argument], SourceLocation)
    case unary(String, Expression, SourceLocation)
    case binary(String, Expression, Expression, SourceLocation)
    /// `a < b <= c`: operands and the operators between them.
    case comparison([Expression], [String], SourceLocation)
    case and(Expression, Expression, SourceLocation)
    case or(Expression, Expression, SourceLocation)
    case conditional(condition: Expression, then: Expression, otherwise: Expression, SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .literal(_, let l), .name(_, let l), .tuple(_, let l), .list(_, let l), .dict(_, let l),
             .attribute(_, _, let l), .index(_, _, let l), .slice(_, _, _, let l), .call(_, _, let l),
             .unary(_, _, let l), .binary(_, _, _, let l), .comparison(_, _, let l), .and(_, _, let l),
             .or(_, _, let l), .conditional(_, _, _, let l):
            return l
        }
    }

    /// `a.b.c` as `["a", "b", "c"]` when the expression is a chain of plain names.
    var dottedPath: [String]? {
        switch self {
        case .name(let name, _): return [name]
        case .attribute(let base, let name, _): return base.dottedPath.map { $0 + [name] }
        default: return nil
        }
    }
}

/// One argument at a call site: positional when `keyword` is nil.
public struct Argument {
    public var keyword: String?
    public var value: Expression
    public var location: SourceLocation
}

/// A statement node.
public indirect enum Statement {
    case expression(Expression)
    /// `a = b = value`: every target receives the value.
    case assign(targets: [Expression], value: Expression)
    case augmentedAssign(target: Expression, op: String, value: Expression)
    case ifChain(branches: [(condition: Expression, body: Block)], otherwise: Block?)
    case forLoop(target: Expression, iterable: Expression, body: Block)
    case whileLoop(condition: Expression, body: Block)
    case breakLoop
    case continueLoop
    case pass
    case importModule(module: [String], alias: String?)
    case importNames(module: [String], names: [(name: String, alias: String?)])
    case functionDefinition(FunctionDefinition)
    case returnValue(Expression?)
}

/// A statement with its location and the source text it came from (reports quote it).
public struct LocatedStatement {
    public var statement: Statement
    public var location: SourceLocation
    /// The 1-based range of source lines it spans.
    public var lines: ClosedRange<Int>
}

/// `def name(params): body`.
public struct FunctionDefinition {
    public var name: String
    public var parameters: [(name: String, defaultValue: Expression?)]
    public var body: Block
    public var location: SourceLocation
}

/// A sequence of statements: a script, or the body of a compound statement.
public typealias Block = [LocatedStatement]
