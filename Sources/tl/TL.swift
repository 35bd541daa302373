import ArgumentParser
import Foundation
import TLBench
import TLFormats
import TLLang
import TLScript
import TLTensor

/// The `tl` command: a REPL by default, `tl run FILE.tl`, `tl -c 'statements'`, `tl bench ...`.
@main
struct TL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tl",
        abstract: "Transfer learning on small image sets: a Keras-like language over a fast Swift engine.",
        discussion: "Run `tl` for the interactive prompt (help() lists the commands), `tl run FILE.tl` for a script.",
        subcommands: [Interactive.self, Run.self, Bench.self, Predict.self, KernelCommand.self, ReadHDF5InChild.self],
        defaultSubcommand: Interactive.self)

    static func main() {
        MemoryReuse.keepFreedMemory()
        // Read TL_KERNELS now, so that a path this processor lacks is reported (one line on standard error)
        // when tl starts rather than at the first convolution.
        _ = EngineOptions.environment
        main(scriptShorthand(CommandLine.arguments.dropFirst()))
    }

    /// `tl FILE.tl ...` (or a notebook) is `tl run FILE.tl ...`, as `python script.py` runs a script.
    static func scriptShorthand(_ arguments: ArraySlice<String>) -> [String]? {
        guard let first = arguments.first, first.hasSuffix(".tl") || first.hasSuffix(".ipynb") else { return nil }
        return ["run"] + arguments
    }
}

/// Options shared by every way of running statements.
struct ScriptOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp("Give param(NAME, default) a value.", valueName: "NAME=VALUE"))
    var assignments: [String] = []

    @Option(name: .long, help: ArgumentHelp("Write a notebook of the run (report.md, metrics.json, plots) into DIR.", valueName: "DIR"))
    var report: String?
}

extension ScriptOptions {
    /// A session with `--set` values and `--report` applied.
    func makeSession() throws -> Session {
        enableHDF5Isolation()
        let session = Session()
        // Ctrl-C (the interpreter's cancellation flag) stops an HDF5 read running in a child: the child is killed.
        HDF5Isolation.stopReading(when: { [cancellation = session.interpreter.cancellation] in cancellation.isCancelled })
        // Memory kept for reuse during a statement (MemoryReuse.keepFreedMemory) goes back between statements.
        session.interpreter.afterEachTopLevelStatement = MemoryReuse.releaseFreedMemory
        do {
            session.interpreter.parameterOverrides = try ParameterOverrides(assignments: assignments)
        } catch {
            throw ValidationError("\(error)")
        }
        if let report {
            session.interpreter.report = try ReportRecorder(directory: report)
        }
        return session
    }

    /// Runs `body`, writes the report (also after a failure, saying how the run ended), reports unused
    /// --set names. Returns the exit code: 0, 1 after a script error, 130 after Ctrl-C.
    func execute(_ session: Session, _ body: () throws -> Void) -> Int32 {
        var status: Int32 = 0
        let recorder = session.interpreter.report
        do {
            try body()
        } catch let error as ScriptError where error.kind == .cancelled || session.interpreter.isCancelled {
            // Ctrl-C also reaches child processes (an HDF5 reader, curl), whose commands then fail with
            // their own error; the run was still interrupted.
            FileHandle.standardError.write(Data("KeyboardInterrupt: the run was interrupted\n".utf8))
            recorder?.recordInterruption()
            status = InterruptHandling.interruptedStatus
        } catch let error as ScriptError where error.kind == .systemExit {
            // exit(), quit(), sys.exit(): the run ends with the status asked for, as Python's does.
            if let message = error.exitMessage { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            if error.exitStatus != 0 { recorder?.recordFailure(error) }
            status = error.exitStatus
        } catch let error as ScriptError {
            FileHandle.standardError.write(Data((error.rendered + "\n").utf8))
            recorder?.recordFailure(error)
            status = 1
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            recorder?.recordFailure(message: "\(error)")
            status = 1
        }
        for warning in session.interpreter.parameterOverrides.unusedWarnings {
            FileHandle.standardError.write(Data("\(warning)\n".utf8))
        }
        if let recorder {
            recorder.write()
            if let error = recorder.writeError {
                FileHandle.standardError.write(Data("error: could not write the report: \(error)\n".utf8))
                status = status == 0 ? 1 : status
            } else {
                FileHandle.standardError.write(Data("report written to \(recorder.directory.path)/report.md (and report.html)\n".utf8))
            }
        }
        return status
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a .tl script.")

    @ArgumentParser.Argument(help: "The script to run.")
    var file: String

    @OptionGroup var options: ScriptOptions

    func run() throws {
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw ValidationError("cannot read script '\(file)': no such file or no permission")
        }
        let session = try options.makeSession()
        session.interactiveOutput = isatty(STDOUT_FILENO) == 1
        if let title = options.report.map({ _ in "tl run \(file)" }) { session.interpreter.report?.title = title }
        session.interpreter[variable: "__file__"] = .string(file)   // as Python, so scripts find files beside them
        InterruptHandling.install(for: session.interpreter)
        let status = options.execute(session) { file.hasSuffix(".ipynb") ? try runNotebook(file, in: session) : try session.interpreter.run(contentsOf: file) }
        if status != 0 { throw ExitCode(status) }
    }
}

struct Interactive: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repl", abstract: "The interactive prompt (the default).")

    @Option(name: .customShort("c"), help: ArgumentHelp("Run these statements and exit.", valueName: "STATEMENTS"))
    var statements: String?

    @OptionGroup var options: ScriptOptions

    func run() throws {
        let session = try options.makeSession()
        session.interactiveOutput = isatty(STDOUT_FILENO) == 1
        if let statements {
            InterruptHandling.install(for: session.interpreter)
            let status = options.execute(session) { try session.interpreter.run(source: statements, fileName: "<command line>") }
            if status != 0 { throw ExitCode(status) }
            return
        }
        var replStatus: Int32 = 0
        let status = options.execute(session) { replStatus = runInteractive(session) }
        if status != 0 || replStatus != 0 { throw ExitCode(max(status, replStatus)) }
    }
}

/// HDF5 files no one vouches for are read by a child `tl` (HDF5Isolation), unless `TL_HDF5_ISOLATION=0`.
func enableHDF5Isolation() {
    guard ProcessInfo.processInfo.environment["TL_HDF5_ISOLATION"] != "0",
          let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return }
    HDF5Isolation.enableChildReading(executable: executable)
}

/// The hidden subcommand a session starts to read one HDF5 file for it (see HDF5Isolation).
struct ReadHDF5InChild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: HDF5Isolation.childCommandName,
        abstract: "Read an HDF5 weight file for a parent tl process and hand the arrays back in a file.",
        shouldDisplay: false)

    @ArgumentParser.Argument(help: "The HDF5 file to read.")
    var path: String

    @ArgumentParser.Argument(help: "Where to write the arrays (or the error) for the parent.")
    var answer: String

    func run() throws {
        let status = HDF5Isolation.serveChild(path: path, answerPath: answer)
        if status != 0 { throw ExitCode(status) }
    }
}
