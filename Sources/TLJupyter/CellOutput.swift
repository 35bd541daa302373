import Foundation
import TLScript

/// What running a cell produced, in the order it happened: the kernel publishes each one at once,
/// `tl run NOTEBOOK.ipynb --report` stores them in report.ipynb.
public enum CellOutput: Equatable {
    /// Printed text (`name` is "stdout" or "stderr").
    case stream(name: String, text: String)
    /// A new state of the line being redrawn in place (fit's progress bar, which a terminal redraws
    /// after "\r"); `finished` when the line is complete and the next output starts a new one.
    case progress(line: String, finished: Bool)
    /// A figure, as PNG bytes.
    case image(png: Data)
    /// The value of the cell's last expression, as tl shows it (`repr`).
    case result(text: String)
    /// The error that stopped the cell.
    case error(CellError)
}

/// An error as Jupyter shows one: a Python-like exception name, the message, and tl's own rendering
/// (`In[3]:2:5: message`, the line, a caret) as the traceback.
public struct CellError: Equatable, Error {
    public var name: String
    public var message: String
    public var traceback: [String]

    init(_ error: Error) {
        if let error = error as? ScriptError {
            name = error.pythonClassName
            message = error.message
            traceback = error.rendered.components(separatedBy: "\n")
        } else {
            name = "Error"
            message = String(describing: error)
            traceback = [message]
        }
    }
}

/// IPython's magics and shell escapes in a cell. tl is not IPython: `%matplotlib inline` (in nearly
/// every Keras notebook) is harmless and ignored, since plots always show inline; any other `%` or `!`
/// line is refused with a message saying so, instead of a puzzling syntax error.
enum MagicLines {
    /// The cell with `%matplotlib` lines blanked (line numbers in errors stay right).
    static func prepare(_ code: String, cellName: String) throws -> String {
        var lines = code.components(separatedBy: "\n")
        for (index, line) in lines.enumerated() {
            let statement = line.trimmingCharacters(in: .whitespaces)
            guard let first = statement.first, first == "%" || first == "!" else { continue }
            if statement.hasPrefix("%matplotlib") { lines[index] = ""; continue }
            let what = first == "!" ? "shell commands ('!' lines)" : "IPython magics ('%' lines)"
            let column = line.count - line.drop(while: { $0 == " " || $0 == "\t" }).count + 1
            throw ScriptError(.syntax, "\(what) are not tl: run shell commands in a terminal; only '%matplotlib inline' is accepted (and ignored: plots always show inline)",
                              at: SourceLocation(line: index + 1, column: column), file: cellName, sourceLine: line)
        }
        return lines.joined(separator: "\n")
    }
}

/// Text as a terminal would leave it: what comes before a carriage return on its line is overwritten
/// (fit's progress bar), and erase-to-end-of-line sequences go.
func terminalText(_ text: String) -> String {
    text.replacingOccurrences(of: "\u{1B}[K", with: "").components(separatedBy: "\n").map { line in
        guard let lastReturn = line.lastIndex(of: "\r") else { return line }
        return String(line[line.index(after: lastReturn)...])
    }.joined(separator: "\n")
}
