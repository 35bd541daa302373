/// The variables of one running function, lambda or comprehension, and where the names it does not
/// bind are found: the scopes it was defined in (closures, late-bound as in Python), then globals.
final class Scope {
    var variables: [String: Value] = [:]
    /// The scope the function was defined in; nil when it was defined at the top level.
    let enclosing: Scope?
    /// Names the body binds (parameters, assignments, loop targets, defs, imports, `except ... as`): they
    /// are local unless declared global or nonlocal, so reading one before it is bound is an error.
    let localNames: Set<String>
    let globalNames: Set<String>
    let nonlocalNames: Set<String>
    /// Shown in tracebacks: the function's name, `<lambda>`, `<listcomp>`.
    let functionName: String

    init(functionName: String, enclosing: Scope?, names: BoundNames) {
        self.functionName = functionName
        self.enclosing = enclosing
        self.localNames = names.bound.subtracting(names.globals).subtracting(names.nonlocals)
        self.globalNames = names.globals
        self.nonlocalNames = names.nonlocals
    }

    enum Resolution {
        case found(Value)
        /// Not bound by any enclosing function: look among globals and commands.
        case global
        /// A local (or enclosing function's) name read before it was bound.
        case unbound
    }

    func resolve(_ name: String) -> Resolution {
        var scope: Scope? = self
        while let current = scope {
            if current.globalNames.contains(name) { return .global }
            if let value = current.variables[name] { return .found(value) }
            if current.localNames.contains(name) { return .unbound }
            scope = current.enclosing
        }
        return .global
    }

    /// The scope a `nonlocal` name lives in.
    func nonlocalOwner(of name: String) -> Scope? {
        var scope = enclosing
        while let current = scope {
            if current.localNames.contains(name) || current.variables[name] != nil { return current }
            scope = current.enclosing
        }
        return nil
    }
}

/// The names a function body binds and declares, found before it runs as Python's compiler does.
struct BoundNames {
    var bound: Set<String> = []
    var globals: Set<String> = []
    var nonlocals: Set<String> = []

    init(parameters: [String], body: Block) {
        bound.formUnion(parameters)
        collect(body)
    }

    init(targets: [Expression]) {
        for target in targets { collect(target: target) }
    }

    private mutating func collect(_ block: Block) {
        for statement in block { collect(statement.statement) }
    }

    private mutating func collect(_ statement: Statement) {
        switch statement {
        case .assign(let targets, _): for target in targets { collect(target: target) }
        case .augmentedAssign(let target, _, _): collect(target: target)
        case .ifChain(let branches, let otherwise):
            for branch in branches { collect(branch.body) }
            if let otherwise { collect(otherwise) }
        case .forLoop(let target, _, let body, let otherwise):
            collect(target: target)
            collect(body)
            if let otherwise { collect(otherwise) }
        case .whileLoop(_, let body, let otherwise):
            collect(body)
            if let otherwise { collect(otherwise) }
        case .tryStatement(let body, let handlers, let otherwise, let finally):
            collect(body)
            for handler in handlers {
                if let name = handler.name { bound.insert(name) }
                collect(handler.body)
            }
            if let otherwise { collect(otherwise) }
            if let finally { collect(finally) }
        case .delete(let targets): for target in targets { collect(target: target) }
        case .importModule(let module, let alias): bound.insert(alias ?? module[0])
        case .importNames(_, let names): for (name, alias) in names where name != "*" { bound.insert(alias ?? name) }
        case .functionDefinition(let definition): bound.insert(definition.name)
        case .global(let names): globals.formUnion(names)
        case .nonlocal(let names): nonlocals.formUnion(names)
        case .expression, .breakLoop, .continueLoop, .pass, .returnValue, .raise, .assert, .notebookMagic: break
        }
    }

    private mutating func collect(target: Expression) {
        switch target {
        case .name(let name, _): bound.insert(name)
        case .tuple(let items, _), .list(let items, _): for item in items { collect(target: item) }
        case .starred(let inner, _): collect(target: inner)
        default: break
        }
    }
}
