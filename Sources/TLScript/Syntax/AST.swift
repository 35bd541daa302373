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
    /// `{a, b}`.
    case set([Expression], SourceLocation)
    /// `*items` inside a list, tuple or set display, or as an assignment target (`a, *rest = xs`).
    case starred(Expression, SourceLocation)
    /// `[x for x in xs if c]`, `{k: v for ...}`, `{x for ...}`, `(x for ...)`.
    case comprehension(Comprehension, SourceLocation)
    /// `lambda params: body`.
    case lambda(FunctionParameters, Expression, SourceLocation)
    /// `f"text {expr!r:spec}"`.
    case formattedString([FormattedPart], SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .literal(_, let l), .name(_, let l), .tuple(_, let l), .list(_, let l), .dict(_, let l),
             .attribute(_, _, let l), .index(_, _, let l), .slice(_, _, _, let l), .call(_, _, let l),
             .unary(_, _, let l), .binary(_, _, _, let l), .comparison(_, _, let l), .and(_, _, let l),
             .or(_, _, let l), .conditional(_, _, _, let l), .set(_, let l), .starred(_, let l),
             .comprehension(_, let l), .lambda(_, _, let l), .formattedString(_, let l):
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

/// One argument at a call site: positional when `keyword` is nil; `*iterable` and `**mapping` unpack.
public struct Argument {
    public enum Unpacking { case none, positional, keywords }
    public var keyword: String?
    public var value: Expression
    public var location: SourceLocation
    public var unpacking: Unpacking = .none
}

/// What a comprehension builds.
public enum ComprehensionKind { case list, set, dict, generator }

/// `element for target in iterable if condition ... for ...`; `value` is the dict value of `{k: v for ...}`.
public struct Comprehension {
    public var kind: ComprehensionKind
    public var element: Expression
    public var value: Expression?
    public var clauses: [ComprehensionClause]
}

/// One `for target in iterable` of a comprehension with the `if` conditions after it.
public struct ComprehensionClause {
    public var target: Expression
    public var iterable: Expression
    public var conditions: [Expression]
}

/// A piece of an f-string: text, or a replacement field `{expression!conversion:spec}` whose spec may
/// hold nested fields (`{x:{width}.3f}`).
public indirect enum FormattedPart {
    case text(String)
    case field(Expression, conversion: Character?, spec: [FormattedPart], debugText: String?)
}

/// The parameter list of a `def` or `lambda`, in Python's order: positional (with defaults),
/// `*args`, keyword-only, `**kwargs`.
public struct FunctionParameters {
    public var positional: [(name: String, defaultValue: Expression?)] = []
    public var variadic: String?
    public var keywordOnly: [(name: String, defaultValue: Expression?)] = []
    public var keywords: String?

    public var allNames: [String] {
        positional.map(\.name) + (variadic.map { [$0] } ?? []) + keywordOnly.map(\.name) + (keywords.map { [$0] } ?? [])
    }
}

/// `except Class as name:` (`classes` nil for a bare `except:`).
public struct ExceptHandler {
    public var classes: Expression?
    public var name: String?
    public var body: Block
    public var location: SourceLocation
}

/// A statement node.
public indirect enum Statement {
    case expression(Expression)
    /// `a = b = value`: every target receives the value.
    case assign(targets: [Expression], value: Expression)
    case augmentedAssign(target: Expression, op: String, value: Expression)
    case ifChain(branches: [(condition: Expression, body: Block)], otherwise: Block?)
    case forLoop(target: Expression, iterable: Expression, body: Block, otherwise: Block?)
    case whileLoop(condition: Expression, body: Block, otherwise: Block?)
    case tryStatement(body: Block, handlers: [ExceptHandler], otherwise: Block?, finally: Block?)
    /// `raise` (re-raise), `raise error`, `raise error from cause`.
    case raise(Expression?, cause: Expression?)
    case delete([Expression])
    case assert(Expression, message: Expression?)
    case global([String])
    case nonlocal([String])
    /// `%matplotlib inline` (ignored) and other Jupyter lines (refused when run).
    case notebookMagic(String)
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
    public var parameters: FunctionParameters
    public var body: Block
    public var location: SourceLocation
}

/// A sequence of statements: a script, or the body of a compound statement.
public typealias Block = [LocatedStatement]
