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
/// `historyPath`, tab completion). Errors are printed and the session continues with its variables.
public func runREPL(interpreter: Interpreter, banner: String, input: Int32 = STDIN_FILENO,
                    output: Int32 = STDOUT_FILENO, historyPath: String? = defaultHistoryPath) -> Int32 {
    let isTerminal = isatty(input) == 1
    let write: (String) -> Void = { text in
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
    let reader: LineReader
    if isTerminal, let inputFile = fdopen(dup(input), "r"), let outputFile = fdopen(dup(output), "w") {
        reader = EditLineReader(input: inputFile, output: outputFile, completer: Completer(interpreter: interpreter),
                                historyPath: historyPath)
    } else {
        reader = PlainLineReader(descriptor: input)
    }
    let previousHandler = SignalHandling.install()
    defer { SignalHandling.restore(previousHandler) }

    if isTerminal && !banner.isEmpty { write(banner + "\n") }
    var failed = false
    var pending: [String] = []
    while true {
        let prompt = isTerminal ? (pending.isEmpty ? ">>> " : "... ") : ""
        switch reader.readLine(prompt: prompt) {
        case .endOfInput:
            if !pending.isEmpty {
                failed = !execute(pending.joined(separator: "\n") + "\n", interpreter: interpreter, write: write) || failed
            }
            if isTerminal { write("\n") }
            return !isTerminal && failed ? 1 : 0
        case .interrupted:
            write("\nKeyboardInterrupt\n")
            pending = []
        case .line(let line):
            // A blank line at the prompt does nothing; inside a block it ends the block.
            if pending.isEmpty && line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            pending.append(line)
            let text = pending.joined(separator: "\n")
            if InputCompleteness.check(text) == .incomplete { continue }
            reader.addHistory(pending.filter { !$0.isEmpty }.joined(separator: "\n"))
            pending = []
            if !execute(text, interpreter: interpreter, write: write) { failed = true }
        }
    }
}

/// Runs one entry with Ctrl-C routed to the interpreter; prints errors. Returns false on error.
private func execute(_ text: String, interpreter: Interpreter, write: (String) -> Void) -> Bool {
    do {
        _ = try SignalHandling.whileRunning(interpreter.cancellation) {
            try interpreter.evaluate(line: text)
        }
        return true
    } catch let error as ScriptError {
        write((error.kind == .cancelled ? "KeyboardInterrupt" : error.rendered) + "\n")
    } catch {
        write("\(error)\n")
    }
    return false
}
