/// Python's built-in exception classes as script values: `except ValueError:`, `raise KeyError("x")`,
/// `isinstance(e, LookupError)`. tl's errors are instances of them through `ScriptError.pythonClassName`.
final class ExceptionClass: HostObject {
    let name: String

    init(name: String) { self.name = name }

    var typeName: String { "type" }
    var summaryDescription: String { "<class '\(name)'>" }
    func attribute(_ attribute: String) throws -> Value? {
        attribute == "__name__" ? .string(name) : nil
    }

    /// Each class's base, as in Python's hierarchy; `BaseException` is the root.
    static let parents: [String: String] = [
        "Exception": "BaseException", "KeyboardInterrupt": "BaseException", "SystemExit": "BaseException",
        "ArithmeticError": "Exception", "ZeroDivisionError": "ArithmeticError", "OverflowError": "ArithmeticError",
        "FloatingPointError": "ArithmeticError",
        "LookupError": "Exception", "IndexError": "LookupError", "KeyError": "LookupError",
        "ValueError": "Exception", "TypeError": "Exception", "AttributeError": "Exception",
        "NameError": "Exception", "UnboundLocalError": "NameError",
        "RuntimeError": "Exception", "NotImplementedError": "RuntimeError", "RecursionError": "RuntimeError",
        "OSError": "Exception", "FileNotFoundError": "OSError", "PermissionError": "OSError",
        "IsADirectoryError": "OSError", "NotADirectoryError": "OSError", "FileExistsError": "OSError",
        "AssertionError": "Exception", "StopIteration": "Exception", "MemoryError": "Exception",
        "SyntaxError": "Exception", "ImportError": "Exception", "ModuleNotFoundError": "ImportError",
    ]

    static var allNames: [String] { ["BaseException"] + parents.keys.sorted() }

    /// Python's aliases of OSError.
    static let aliases = ["IOError": "OSError", "EnvironmentError": "OSError"]

    /// Whether `className` is `ancestor` or derives from it.
    static func isSubclass(_ className: String, of ancestor: String) -> Bool {
        var current: String? = className
        while let name = current {
            if name == ancestor { return true }
            current = parents[name]
        }
        return false
    }

    /// The error kind that stands for a class raised by a script (its nearest ancestor with a kind).
    static func kind(for className: String) -> ScriptError.Kind {
        let kinds: [String: ScriptError.Kind] = [
            "SyntaxError": .syntax, "NameError": .name, "TypeError": .type, "ValueError": .value,
            "ZeroDivisionError": .zeroDivision, "IndexError": .index, "KeyError": .key, "AttributeError": .attribute,
            "RuntimeError": .runtime, "KeyboardInterrupt": .cancelled, "OverflowError": .overflow, "MemoryError": .memory,
            "FileNotFoundError": .fileNotFound, "StopIteration": .stopIteration, "AssertionError": .assertion,
            "NotImplementedError": .notImplemented, "SystemExit": .systemExit,
        ]
        var current: String? = className
        while let name = current {
            if let kind = kinds[name] { return kind }
            current = parents[name]
        }
        return .runtime
    }
}

/// An exception as a value: `except ValueError as e` binds one; `str(e)` is its message, `e.args` its
/// arguments; `raise e` raises it again.
final class ExceptionObject: HostObject {
    let error: ScriptError

    init(error: ScriptError) { self.error = error }

    /// A new exception of class `className` made by a script call: `ValueError("bad", 3)`.
    convenience init(className: String, arguments: [Value]) {
        var error = ScriptError(ExceptionClass.kind(for: className), "")
        error.pythonClassOverride = className == error.kind.pythonName ? nil : className
        error.isRaisedByScript = true
        switch arguments.count {
        case 0: error.message = ""
        case 1: error.message = arguments[0].str
        default: error.message = Value.tuple(arguments).repr
        }
        if className == "KeyError", arguments.count == 1 { error.pythonMessage = arguments[0].repr }
        error.raisedArguments = RaisedArguments(arguments)
        if error.kind == .systemExit {
            switch arguments.first {
            case nil, .some(.none): error.exitStatus = 0
            case .some(.int(let n)): error.exitStatus = Int32(truncatingIfNeeded: n)
            case .some(.bool(let b)): error.exitStatus = b ? 1 : 0
            default:
                error.exitStatus = 1
                error.exitMessage = error.message
            }
        }
        self.init(error: error)
    }

    var typeName: String { error.pythonClassName }
    var message: String { error.pythonMessage ?? error.message }
    var printDescription: String? { message }
    /// `e.args`: what the script raised it with, else tl's message.
    var arguments: [Value] {
        error.raisedArguments?.values ?? (error.message.isEmpty ? [] : [.string(error.message)])
    }
    var summaryDescription: String { "\(typeName)(" + arguments.map(\.repr).joined(separator: ", ") + ")" }
    var attributeNames: [String] { ["args"] }
    func attribute(_ name: String) throws -> Value? {
        name == "args" ? .tuple(arguments) : nil
    }
}

/// The class of a value that has no callable class in tl (`type(None)`, `type(model)`): printed and
/// named as Python's, compared by name.
final class TypeObject: HostObject {
    let name: String
    init(name: String) { self.name = name }
    var typeName: String { "type" }
    var summaryDescription: String { "<class '\(name)'>" }
    func attribute(_ attribute: String) throws -> Value? { attribute == "__name__" ? .string(name) : nil }
    func binaryOperation(_ op: String, _ other: Value, reflected: Bool) throws -> Value? {
        guard op == "==" || op == "!=" else { return nil }
        let same: Bool = { if case .object(let type as TypeObject) = other { return type.name == name }; return false }()
        return .bool(op == "==" ? same : !same)
    }
}
