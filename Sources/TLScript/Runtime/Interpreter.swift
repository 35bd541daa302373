import Foundation

/// Runs scripts and REPL lines. Variables persist across runs; commands are registered by the host.
///
/// Output goes through `output` (and into the report when one is recording); a run can be stopped
/// through `cancellation`, which is checked between statements and loop iterations, and which
/// long-running commands check with `throwIfCancelled()`.
public final class Interpreter {
    /// Receives everything scripts print.
    public var output: (String) -> Void
    /// Help text for `help(name)`; the host loads docs/LANGUAGE.md into it.
    public var documentation = DocIndex(markdown: "")
    /// Values given with `--set name=value`, consumed by `param(name, default)`.
    public var parameterOverrides = ParameterOverrides()
    /// The notebook of the current run, when recording.
    public var report: ReportRecorder?
    /// Raised (e.g. by Ctrl-C) to stop the running statement.
    public let cancellation = CancellationFlag()

    var globals: [String: Value] = [:]
    /// Scopes of the user functions (and comprehensions) being executed, innermost last.
    var frames: [Scope] = []
    /// The user-function calls in progress, outermost first, for tracebacks.
    var callStack: [CallRecord] = []
    /// Where the call being made now was written; the called user function records it.
    var pendingCallSite: SourceLocation?
    /// The exceptions whose `except` blocks are running, innermost last (a bare `raise` re-raises the last).
    var handledExceptions: [ScriptError] = []
    /// Python's built-in values that are not commands: exception classes, `math.pi`, ...
    var builtinValues: [String: Value] = [:]
    var commands: [String: CommandSpec] = [:]
    /// Names bound by `import`/`from ... import`, mapped to the full dotted path they stand for.
    var importedNames: [String: [String]] = [:]
    /// The source being executed, for error locations.
    var currentSource = SourceFile(name: "<input>", text: "")
    /// The file and lines of the last top-level statement, so the report quotes a line holding several
    /// statements once.
    var lastReportedPlace: String?
    /// Modules tl covers in part, with where their supported names are listed (`register(partialModule:)`).
    var partialModules: [String: String] = [:]
    /// How many user functions are active; bounded to fail cleanly on runaway recursion.
    var callDepth = 0
    /// Python's default recursion limit.
    static let maximumCallDepth = 1000
    /// Each script-level call nests dozens of Swift frames (large ones in debug builds), so scripts run
    /// on a thread whose stack holds `maximumCallDepth` calls; the memory is reserved, not used.
    static let evaluationStackSize = 512 << 20
    private static let evaluationThreadMarker = "tl.interpreter.evaluation-thread"

    /// One user-function call in progress: the function called, and where (file, place, calling function).
    struct CallRecord {
        var callee: String
        var callSite: SourceLocation
        var callerSource: SourceFile
        var callerFunction: String
    }

    /// The location of the statement running now, for commands that report their own errors.
    public private(set) var currentLocation: SourceLocation?

    public init(output: @escaping (String) -> Void = { FileHandle.standardOutput.write($0.data(using: .utf8)!) }) {
        self.output = output
        registerBuiltins()
    }

    // MARK: Commands and variables

    /// Registers a command under its name and aliases; a later registration replaces an earlier one.
    public func register(_ spec: CommandSpec) {
        commands[spec.name] = spec
        for alias in spec.aliases { commands[alias] = spec }
    }

    /// Makes `alias` (plain or dotted, e.g. `layers.Dense`) resolve to the command `name`.
    public func register(alias: String, for name: String) {
        guard let spec = commands[name] else { preconditionFailure("no command '\(name)' to alias as '\(alias)'") }
        commands[alias] = spec
    }

    /// Makes `name` (plain or dotted, e.g. `np.ndarray`) a class for `isinstance(x, name)` and
    /// `type(x) == name`: it matches host objects whose `typeName` is `typeName`.
    public func register(className name: String, forTypeNamed typeName: String) {
        builtinValues[name] = .object(TypeObject(name: typeName))
    }

    /// Marks `module` (e.g. `np`) as covered in part: an unknown `module.name` is then NotImplementedError
    /// with `message` (where the supported names are listed), not a NameError suggesting a look-alike.
    public func register(partialModule module: String, message: String) {
        partialModules[module] = message
    }

    /// Makes `name` (plain or dotted, e.g. `np.pi`) a built-in value, as `math.pi` is.
    public func register(value: Value, as name: String) {
        builtinValues[name] = value
    }

    /// The command registered under `name` (or an alias).
    public func command(named name: String) -> CommandSpec? { commands[name] }

    /// Every registered command name and alias, sorted.
    public var commandNames: [String] { commands.keys.sorted() }

    /// Global variables, read and written by the host (e.g. to preload values).
    public subscript(variable name: String) -> Value? {
        get { globals[name] }
        set { globals[name] = newValue }
    }

    /// Names of the user's variables, sorted.
    public var variableNames: [String] { globals.keys.sorted() }

    // MARK: Output and cancellation

    /// Writes text as the script's output (to the sink and the report).
    public func write(_ text: String) {
        output(text)
        report?.appendOutput(text)
    }

    public var isCancelled: Bool { cancellation.isCancelled }

    /// Throws the "interrupted" error when cancellation was requested.
    public func throwIfCancelled() throws {
        if cancellation.isCancelled { throw ScriptError(.cancelled, "interrupted") }
    }

    // MARK: Running

    /// Runs after every top-level statement of a script or REPL entry, whether it succeeded or not (the
    /// executable gives memory kept during the statement back to the system there).
    public var afterEachTopLevelStatement: () -> Void = {}

    /// Wraps every evaluation, on the thread it runs on, so a host can bind what its commands and objects
    /// rely on for that time (TLLang binds the session's random source: a layer built by a method call
    /// draws from it as one built by a command does). Must call `body` once.
    public var evaluationContext: (_ body: () -> Void) -> Void = { $0() }

    /// Runs a whole script. Stops at the first error, which is thrown located in the script.
    /// When a report is recording, every top-level statement is recorded and the report rewritten.
    public func run(source: String, fileName: String) throws {
        try run(SourceFile(name: fileName, text: source))
    }

    /// Reads, validates (UTF-8) and runs a script file.
    public func run(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            let missing = !FileManager.default.fileExists(atPath: path)
            throw ScriptError(missing ? .fileNotFound : .runtime, "cannot read script '\(path)'")
        }
        globals["__file__"] = .string(path)   // as Python sets it, so a script finds the files beside it
        try run(SourceFile.decode([UInt8](data), name: path))
    }

    public func run(_ source: SourceFile) throws {
        try onEvaluationStack {
            let block = try Parser.parse(source)
            for statement in block {
                try runTopLevel(statement, in: source)
            }
        }
    }

    /// Runs one REPL entry (one or more lines). An expression statement's value is echoed as Python's
    /// REPL does, unless it is None; the echoed value is returned.
    @discardableResult
    public func evaluate(line: String, fileName: String = "<stdin>") throws -> Value? {
        try onEvaluationStack { try evaluateOnThisThread(line: line, fileName: fileName) }
    }

    private func evaluateOnThisThread(line: String, fileName: String) throws -> Value? {
        let source = SourceFile(name: fileName, text: line)
        let block = try Parser.parse(source)
        var echoed: Value?
        for statement in block {
            if case .expression(let expression) = statement.statement {
                let value = try runTopLevel(statement, in: source) { try self.evaluate(expression) }
                if let value, !value.isNone {
                    write(value.repr + "\n")
                    echoed = value
                }
            } else {
                try runTopLevel(statement, in: source)
            }
        }
        return echoed
    }

    @discardableResult
    func runTopLevel(_ statement: LocatedStatement, in source: SourceFile,
                             _ body: (() throws -> Value)? = nil) throws -> Value? {
        currentSource = source
        frames = []
        callStack = []
        handledExceptions = []
        callDepth = 0
        let text = statement.lines.compactMap { source.line($0) }.joined(separator: "\n")
        // `a = 1; b = 2` is two statements on one line: the report shows the line once.
        let place = "\(source.name):\(statement.lines)"
        report?.beginStatement(text, continuingPrevious: place == lastReportedPlace)
        lastReportedPlace = place
        defer {
            report?.endStatement()
            afterEachTopLevelStatement()
        }
        do {
            if let body {
                try throwIfCancelled()
                currentLocation = statement.location
                return try located(statement.location) { try body() }
            }
            let flow = try execute(statement)
            switch flow {
            case .normal: return nil
            case .breakLoop: throw ScriptError(.syntax, "'break' outside a loop").located(at: statement.location, in: source)
            case .continueLoop: throw ScriptError(.syntax, "'continue' outside a loop").located(at: statement.location, in: source)
            case .returnValue: throw ScriptError(.syntax, "'return' outside a function").located(at: statement.location, in: source)
            }
        } catch let error as ScriptError {
            report?.appendOutput(error.rendered + "\n")
            throw error
        }
    }

    /// Runs `body`, giving any error without a location the one given.
    func located<T>(_ location: SourceLocation, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ScriptError {
            throw error.located(at: location, in: currentSource)
        } catch {
            throw ScriptError(Interpreter.kind(of: error), Interpreter.describe(error)).located(at: location, in: currentSource)
        }
    }

    /// The Python class of an error thrown by host code: a missing file is FileNotFoundError, so
    /// `except FileNotFoundError:` catches it; anything else is RuntimeError.
    static func kind(of error: Error) -> ScriptError.Kind {
        if let cocoa = error as? CocoaError, [.fileNoSuchFile, .fileReadNoSuchFile].contains(cocoa.code) { return .fileNotFound }
        if let posix = error as? POSIXError, posix.code == .ENOENT { return .fileNotFound }
        return .runtime
    }

    /// A readable message for an error thrown by host code.
    static func describe(_ error: Error) -> String {
        if let localized = error as? LocalizedError, let description = localized.errorDescription { return description }
        return String(describing: error)
    }

    func setCurrentLocation(_ location: SourceLocation) { currentLocation = location }

    /// Runs `body` on a thread with the evaluation stack and waits for it; inline when already there
    /// (a command calling back into the interpreter).
    func onEvaluationStack<T>(_ body: () throws -> T) throws -> T {
        if Thread.current.threadDictionary[Interpreter.evaluationThreadMarker] != nil { return try body() }
        return try withoutActuallyEscaping(body) { escapingBody in
            let task = EvaluationTask<T> { try self.inEvaluationContext(escapingBody) }
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            defer { pthread_attr_destroy(&attributes) }
            pthread_attr_setstacksize(&attributes, Interpreter.evaluationStackSize)
            var thread = pthread_t()
            // The thread owns one reference and drops it before it ends; joining it means the body has
            // not escaped when withoutActuallyEscaping checks.
            let created = pthread_create(&thread, &attributes, { raw in
                Thread.current.threadDictionary[Interpreter.evaluationThreadMarker] = true
                Unmanaged<EvaluationRunner>.fromOpaque(raw!).takeRetainedValue().run()
                return nil
            }, Unmanaged.passRetained(task as EvaluationRunner).toOpaque())
            guard created == 0 else {
                Unmanaged.passUnretained(task as EvaluationRunner).release()
                return try inEvaluationContext(escapingBody)
            }
            pthread_join(thread, nil)
            return try task.result!.get()
        }
    }
}

extension Interpreter {
    /// `body` inside the host's ``evaluationContext``.
    private func inEvaluationContext<T>(_ body: () throws -> T) throws -> T {
        var result: Result<T, Error>?
        evaluationContext { result = Result { try body() } }
        return try result!.get()
    }
}

/// Work handed to the evaluation thread.
private class EvaluationRunner {
    func run() {}
}

/// A body run on the evaluation thread and its result, read by the caller after the join.
private final class EvaluationTask<T>: EvaluationRunner, @unchecked Sendable {
    private var body: (() throws -> T)?
    var result: Result<T, Error>?

    init(_ body: @escaping () throws -> T) { self.body = body }

    override func run() {
        result = Result { try body!() }
        body = nil
    }
}
