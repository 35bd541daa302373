import Foundation

/// Every error the language reports: syntax errors, unknown names, bad arguments, runtime failures.
///
/// Errors render like a compiler's: `file:line:col: message`, then the source line and a caret under
/// the column, so a user can find the fault in a long script at a glance.
public struct ScriptError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, broadly; tests and the CLI use it, users read `message`. Each kind stands for a
    /// Python exception class (`value` is ValueError, `overflow` OverflowError, `memory` MemoryError,
    /// `fileNotFound` FileNotFoundError, `stopIteration` StopIteration, `assertion` AssertionError,
    /// `notImplemented` NotImplementedError), so scripts can catch tl's errors by their Python names.
    public enum Kind: String, Sendable {
        case syntax, name, type, value, argument, zeroDivision, index, key, attribute, runtime, cancelled, limit
        case overflow, memory, fileNotFound, stopIteration, assertion, notImplemented
        /// `exit()`, `quit()`, `sys.exit()`, `raise SystemExit(n)`: ends the script or the prompt.
        case systemExit

        /// The Python exception class this kind stands for.
        public var pythonName: String {
            switch self {
            case .syntax: return "SyntaxError"
            case .name: return "NameError"
            case .type, .argument: return "TypeError"
            case .value: return "ValueError"
            case .zeroDivision: return "ZeroDivisionError"
            case .index: return "IndexError"
            case .key: return "KeyError"
            case .attribute: return "AttributeError"
            case .runtime, .limit: return "RuntimeError"
            case .cancelled: return "KeyboardInterrupt"
            case .overflow: return "OverflowError"
            case .memory: return "MemoryError"
            case .fileNotFound: return "FileNotFoundError"
            case .stopIteration: return "StopIteration"
            case .assertion: return "AssertionError"
            case .notImplemented: return "NotImplementedError"
            case .systemExit: return "SystemExit"
            }
        }
    }

    /// One call on the way to the error, outermost first: where the call was made and in which function.
    public struct Frame: Sendable, Equatable {
        public var fileName: String
        public var location: SourceLocation
        public var sourceLine: String?
        public var function: String
    }

    public var kind: Kind
    public var message: String
    public var location: SourceLocation?
    public var fileName: String?
    public var sourceLine: String?
    /// Set for errors that more input could fix (an open bracket, an unfinished triple-quoted string);
    /// the REPL then asks for a continuation line instead of reporting.
    public var isIncompleteInput = false
    /// The Python class when it is not the kind's own (`raise Exception("...")`, `RecursionError`).
    public var pythonClassOverride: String?
    /// What `str(e)` gives when it differs from `message` (a KeyError's is the key's repr).
    public var pythonMessage: String?
    /// Raised by the script's `raise`: shown as Python shows it, `ValueError: message`.
    public var isRaisedByScript = false
    /// The calls that led to the error (the REPL and `tl run` print them as a traceback), outermost
    /// first; empty for an error outside any user function.
    public var traceback: [Frame] = []
    /// The function the error happened in, when it happened inside one.
    public var functionName: String?
    /// The arguments a script's `raise ValueError(a, b)` gave, for `e.args` and `repr(e)`.
    var raisedArguments: RaisedArguments?
    /// For ``Kind/systemExit``: the process's exit status, as Python derives it from `SystemExit`'s argument
    /// (none or None: 0, an integer: itself, anything else: 1 after printing it to standard error).
    public internal(set) var exitStatus: Int32 = 1
    /// For ``Kind/systemExit``: what to print to standard error before exiting (an argument that is not an
    /// integer, a bool or None).
    public internal(set) var exitMessage: String?

    /// The Python exception class of this error: `ValueError`, `KeyError`, ...
    public var pythonClassName: String { pythonClassOverride ?? kind.pythonName }

    public init(_ kind: Kind, _ message: String, at location: SourceLocation? = nil,
                file: String? = nil, sourceLine: String? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
        self.fileName = file
        self.sourceLine = sourceLine
    }

    /// A general runtime error; commands throw this when the user asked for something impossible.
    public static func runtime(_ message: String) -> ScriptError { ScriptError(.runtime, message) }
    public static func type(_ message: String) -> ScriptError { ScriptError(.type, message) }
    public static func value(_ message: String) -> ScriptError { ScriptError(.value, message) }

    /// This error, placed at `location` in `source` unless it already knows where it happened.
    public func located(at location: SourceLocation, in source: SourceFile) -> ScriptError {
        var copy = self
        if copy.location == nil { copy.location = location }
        if copy.fileName == nil {
            copy.fileName = source.name
            copy.sourceLine = source.line(copy.location!.line)
        }
        return copy
    }

    /// `file:line:col: message`, the source line, and a caret under the column; after a traceback of
    /// the calls that led there when the error happened inside a function (innermost last, as Python's).
    public var rendered: String {
        let shownMessage = isRaisedByScript ? (message.isEmpty ? pythonClassName : "\(pythonClassName): \(message)") : message
        guard let location else { return shownMessage }
        var text = ""
        if !traceback.isEmpty {
            text = "Traceback (most recent call last):\n"
            // As Python does, a frame repeated (runaway recursion) is shown three times, then counted.
            var repeats = 0
            for (index, frame) in traceback.enumerated() {
                if index > 0, traceback[index - 1] == frame {
                    repeats += 1
                    if repeats >= 3 { continue }
                } else if repeats >= 3 {
                    text += "  [Previous line repeated \(repeats - 2) more times]\n"
                    repeats = 0
                } else {
                    repeats = 0
                }
                text += "  \(frame.fileName):\(frame.location.line):\(frame.location.column), in \(frame.function)\n"
                if let line = frame.sourceLine { text += "    " + line.trimmingCharacters(in: .whitespaces) + "\n" }
            }
            if repeats >= 3 { text += "  [Previous line repeated \(repeats - 2) more times]\n" }
            text += "  \(fileName ?? "<input>"):\(location.line):\(location.column), in \(functionName ?? "<module>")\n"
        }
        text += "\(fileName ?? "<input>"):\(location.line):\(location.column): \(shownMessage)"
        if let sourceLine {
            text += "\n" + sourceLine + "\n"
            // Copy tabs from the source so the caret lines up whatever the tab width.
            let prefix = sourceLine.unicodeScalars.prefix(max(0, location.column - 1))
            text += String(String.UnicodeScalarView(prefix.map { $0 == "\t" ? "\t" : " " })) + "^"
        }
        return text
    }

    public var description: String { rendered }
}

/// The values given to an exception raised by a script. Errors cross threads only as messages; the
/// values are read back on the interpreter's thread.
final class RaisedArguments: @unchecked Sendable {
    let values: [Value]
    init(_ values: [Value]) { self.values = values }
}
