import Foundation
import Glibc
import TLScript

/// The default history file, `~/.tl_history`.
public var defaultHistoryPath: String {
    (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.tl_history"
}

/// Runs the interactive loop until Ctrl-D (or the end of piped input). Returns the exit status:
/// 0 normally; 1 when input was piped and a statement failed (so `tl < script` behaves like a run).
///
/// On a terminal, lines are edited with libedit (prompt `>>> `, continuation `... `, history in
/// `historyPath` bounded by `TL_HISTORY_SIZE`, tab completion). Errors are printed and the session
/// continues with its variables. Entry N runs as the file `<stdin-N>`, so a traceback through a function
/// typed earlier names the entry that defined it; `last_error()` prints the last error again.
public func runREPL(interpreter: Interpreter, banner: String, input: Int32 = STDIN_FILENO,
                    output: Int32 = STDOUT_FILENO, historyPath: String? = defaultHistoryPath) -> Int32 {
    let loop = REPLLoop(interpreter: interpreter, input: input, output: output, historyPath: historyPath)
    return loop.run(banner: banner)
}

/// The state of one interactive session: its reader, entry count, last error and running statement.
final class REPLLoop {
    private let interpreter: Interpreter
    private let isTerminal: Bool
    private let output: Int32
    private let reader: LineReader
    private var entryNumber = 0
    private var failed = false
    private let lastError = LastErrorRecord()
    private let runner = StatementRunner()
    /// Set by `exit()`/`quit()`/`sys.exit()` (SystemExit): the status the prompt ends with.
    private var exitStatus: Int32?

    init(interpreter: Interpreter, input: Int32, output: Int32, historyPath: String?) {
        self.interpreter = interpreter
        self.output = output
        isTerminal = isatty(input) == 1
        let history = historyPath.map {
            HistoryFile(path: $0, limit: HistoryFile.limit(fromEnvironment: ProcessInfo.processInfo.environment))
        }
        if isTerminal, let inputFile = fdopen(dup(input), "r"), let outputFile = fdopen(dup(output), "w") {
            reader = EditLineReader(input: inputFile, output: outputFile, completer: Completer(interpreter: interpreter),
                                    history: history, warn: { [output] in REPLLoop.write($0, to: output) })
        } else {
            reader = PlainLineReader(descriptor: input)
        }
        lastError.register(in: interpreter)
    }

    func run(banner: String) -> Int32 {
        let previousHandler = SignalHandling.install()
        defer { SignalHandling.restore(previousHandler) }
        if isTerminal && !banner.isEmpty { write(banner + "\n") }
        var pending: [String] = []
        while true {
            let prompt = isTerminal ? (pending.isEmpty ? ">>> " : "... ") : ""
            switch reader.readLine(prompt: prompt) {
            case .endOfInput:
                if !pending.isEmpty { submit(pending, endsInput: true) }
                if let exitStatus { return exitStatus }
                if isTerminal { write("\n") }
                // A statement abandoned after two Ctrl-C and still blocked does not keep tl from quitting.
                if runner.isWaitingForAbandonedStatement { write("(leaving the interrupted command behind)\n") }
                return !isTerminal && failed ? 1 : 0
            case .interrupted:
                write("\nKeyboardInterrupt\n")
                pending = []
            case .line(let line):
                // A blank line at the prompt does nothing; inside a block it ends the block.
                if pending.isEmpty && line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                pending.append(line)
                if InputCompleteness.check(pending.joined(separator: "\n")) == .incomplete { continue }
                submit(pending, endsInput: false)
                pending = []
                if let exitStatus { return exitStatus }
            }
        }
    }

    /// Records one entry in the history and runs it as `<stdin-N>`.
    private func submit(_ lines: [String], endsInput: Bool) {
        let text = lines.joined(separator: "\n") + (endsInput ? "\n" : "")
        reader.addHistory(lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.joined(separator: "\n"))
        entryNumber += 1
        if !execute(text, fileName: "<stdin-\(entryNumber)>") { failed = true }
    }

    /// Runs one entry with Ctrl-C routed to the interpreter; prints errors. Returns false on error.
    private func execute(_ text: String, fileName: String) -> Bool {
        let interpreter = self.interpreter
        let outcome = runner.run(cancellation: interpreter.cancellation, notify: write) {
            _ = try interpreter.evaluate(line: text, fileName: fileName)
        }
        switch outcome {
        case nil:
            write("\nKeyboardInterrupt: the interrupted command is still running; this statement did not run.\n")
            return false
        case .finished?:
            return true
        case .abandoned?:
            write("\nKeyboardInterrupt: the command did not stop at the first Ctrl-C, so tl stopped waiting for it; "
                  + "it ends at its next check, and the next statement waits for that.\n")
            return false
        case .failed(let error as ScriptError)? where error.kind == .systemExit:
            if let message = error.exitMessage { write(message + "\n") }
            exitStatus = error.exitStatus
            return error.exitStatus == 0
        case .failed(let error as ScriptError)?:
            lastError.record(error.rendered)
            // Ctrl-C also ends the command's child processes (curl, pip, an HDF5 reader), whose failure
            // is then the interruption's doing.
            let interrupted = error.kind == .cancelled || interpreter.isCancelled
            write((interrupted ? "KeyboardInterrupt" : error.rendered) + "\n")
        case .failed(let error)?:
            lastError.record("\(error)")
            write((interpreter.isCancelled ? "KeyboardInterrupt" : "\(error)") + "\n")
        }
        return false
    }

    private func write(_ text: String) { REPLLoop.write(text, to: output) }

    static func write(_ text: String, to output: Int32) {
        text.utf8CString.withUnsafeBufferPointer { buffer in
            var offset = 0
            let count = buffer.count - 1
            while offset < count {
                let written = Glibc.write(output, buffer.baseAddress! + offset, count - offset)
                if written <= 0 { if errno == EINTR { continue }; return }
                offset += written
            }
        }
    }
}

/// The text of the last error shown at the prompt, reprinted by the `last_error()` builtin.
final class LastErrorRecord {
    private var text: String?

    func record(_ text: String) { self.text = text }

    func register(in interpreter: Interpreter) {
        interpreter.register(CommandSpec(name: "last_error",
                                         doc: "last_error() prints the last error of this session again, with its traceback.") { [self] _, interpreter in
            interpreter.write((text ?? "no error yet in this session") + "\n")
            return .none
        })
    }
}
