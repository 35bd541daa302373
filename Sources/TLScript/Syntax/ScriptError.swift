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
    }

    public var kind: Kind
    public var message: String
    public var location: SourceLocation?
    public var fileName: String?
    public var sourceLine: String?
    /// Set for errors that more input could fix (an open bracket, an unfinished triple-quoted string);
    /// the REPL then asks for a continuation line instead of reporting.
    public var isIncompleteInput = false

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

    /// `file:line:col: message`, the source line, and a caret under the column.
    public var rendered: String {
        guard let location else { return message }
        var text = "\(fileName ?? "<input>"):\(location.line):\(location.column): \(message)"
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
