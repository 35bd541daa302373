import Foundation
import TLTensor
import TLNN
import TLPlot
import TLArray
import TLScript

/// One tl session: the interpreter with every engine command registered, the plotting state, and
/// where relative output files go.
public final class Session {
    public let interpreter: Interpreter
    public let plots = PlotState()
    /// Whether fit may redraw its progress bar in place (a terminal), or prints one line per epoch.
    public var interactiveOutput = false
    /// Where `show()` writes figures when no report is recording (nil: the current folder). The Jupyter
    /// kernel gives it a folder of its own, so running a notebook does not fill the notebook's folder.
    public var figureDirectory: String?
    /// Receives the path of every image a command writes (plots, augmentation previews), so a host can
    /// show it: the Jupyter kernel sends each one to the notebook as it is made.
    public var imageObserver: ((String) -> Void)?
    /// The run's random stream: weight initialisation, dropout masks, shuffling and the flows' seeds draw
    /// from it; `set_seed` restarts it.
    public let random = RandomSource()
    /// `np.random`'s generator, restarted by `np.random.seed` and `set_seed` too.
    let arrayRandom = ArrayRandom(seed: RandomSource.defaultSeed)

    public init(output: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        interpreter = Interpreter(output: output)
        interpreter.evaluationContext = { [random] body in RandomSource.with(random, body) }
        interpreter.documentation = DocIndex(markdown: Session.languageDocumentation)
        registerModelCommands()
        registerTrainingCommands()
        registerArrayCommands()
        registerDataCommands()
        registerAugmentationCommands()
        registerPlotCommands()
        registerPathCommands()
        registerModelFileCommands()
        registerImageFileCommands()
        registerCallbackCommands()
        registerApplicationCommands()
        registerDatasetCommands()
        registerFunctionalCommands()
        registerLossCommands()
        registerPreprocessingCommands()
        registerKerasAliases()
    }

    /// Where a relative output path goes: the report folder when there is one, else the current directory.
    func outputPath(_ path: String) -> String {
        interpreter.report?.resolveOutputPath(path) ?? path
    }

    /// Where `show()` writes figures.
    var outputDirectory: String {
        interpreter.report?.directory.path ?? figureDirectory ?? FileManager.default.currentDirectoryPath
    }

    /// What a command does, given the session it runs in. The session comes as an argument, never captured:
    /// the session owns the interpreter and the interpreter owns the commands, so a body holding its
    /// session would keep both, and every model in the variables, alive for ever.
    typealias Body = (Session, CallArguments, Interpreter) throws -> Value

    /// Registers the command `name`; `body` receives this session while it lives (the command table
    /// holds it weakly).
    func command(_ name: String, parameters: [ParameterSpec] = [], acceptsExtraPositional: Bool = false,
                 acceptsExtraKeywords: Bool = false, doc: String? = nil, aliases: [String] = [],
                 _ body: @escaping Body) {
        register(CommandSpec(name: name, parameters: parameters, acceptsExtraPositional: acceptsExtraPositional,
                             acceptsExtraKeywords: acceptsExtraKeywords, doc: doc, aliases: aliases) { [weak self] args, interpreter in
            guard let self else { throw ScriptError(.runtime, "\(name)(): the session it belonged to has ended") }
            return try body(self, args, interpreter)
        })
    }

    /// Registers a command that needs no session (`np.` functions, specs built elsewhere). Every command
    /// runs with the session's random source in effect, so layers, flows and shuffling draw from the
    /// stream `set_seed` restarts (evaluations bind it too; this covers a host calling a command's body
    /// directly); the engine's out-of-memory refusals become Python's MemoryError.
    func register(_ spec: CommandSpec) {
        var spec = spec
        let body = spec.body
        let random = self.random
        spec.body = { arguments, interpreter in
            do {
                return try RandomSource.with(random) { try body(arguments, interpreter) }
            } catch let error as ModelError where error.kind == .memory {
                throw ScriptError(.memory, error.description)
            }
        }
        interpreter.register(spec)
    }

    /// docs/LANGUAGE.md: the one place every command is documented (`help NAME` prints its entry).
    public static var languageDocumentation: String {
        for path in documentationCandidates {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) { return text }
        }
        return ""
    }

    static var documentationCandidates: [String] {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["TL_DOCS"] { candidates.append(env) }
        // Beside a checkout's build products (.build/<triple>/<config>/tl -> docs/ at the root)...
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir.appendingPathComponent("docs/LANGUAGE.md").path)
            dir.deleteLastPathComponent()
        }
        // ...and the checkout this module was compiled from.
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(source.appendingPathComponent("docs/LANGUAGE.md").path)
        return candidates
    }
}

extension CallArguments {
    /// A model to compile, train or evaluate: a Sequential stack or a graph model.
    func model(_ name: String) throws -> Model {
        if case .object(let object as ModelObject) = self[name], let model = object.model { return model }
        throw typeError(name, expected: "a model (from sequential() or load_vgg16())")
    }

    /// A Sequential stack to add layers to.
    func sequential(_ name: String) throws -> Sequential {
        guard case .object(let object as ModelObject) = self[name] else {
            throw typeError(name, expected: "a model (from sequential())")
        }
        guard let sequential = object.layer as? Sequential else {
            throw ScriptError(.type, "\(commandName)(): '\(object.layer.name)' is a graph model, which takes no more layers; put it in a Sequential to stack layers on it: model = sequential(); model.add(base)")
        }
        return sequential
    }

    func layer(_ name: String) throws -> Layer {
        let value = self[name]
        if case .object(let object) = value, let backed = object as? LayerBacked { return backed.layer }
        throw typeError(name, expected: "a layer or a model")
    }

    func optionalString(_ name: String) throws -> String? {
        self[name].isNone ? nil : try string(name)
    }

    func optionalInt(_ name: String) throws -> Int? {
        self[name].isNone ? nil : try int(name)
    }
}

/// Engine errors surface in scripts as runtime errors with the engine's message.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
