import Foundation

/// Why a figure could not be drawn or written. Each message names the file or value at fault and says what to do.
public enum PlotError: Error, Equatable, CustomStringConvertible {
    /// No `gnuplot` executable was found on the search path.
    case gnuplotNotInstalled
    /// gnuplot ran but failed; carries the script it was drawing and its standard error.
    case gnuplotFailed(script: String, status: Int32, stderr: String)
    /// gnuplot exited cleanly but left no image behind.
    case noImageProduced(path: String)
    /// A matplotlib format string such as `"bo"` held a character tl does not understand.
    case unrecognizedFormat(format: String, character: Character)
    /// A format string named two colours, two markers or two line styles.
    case conflictingFormat(format: String, what: String)
    /// `x` and `y` of one series have different lengths.
    case mismatchedLengths(x: Int, y: Int)
    /// The figure holds no series (or the grid no images).
    case nothingToPlot(path: String)
    /// An image for the grid is malformed.
    case invalidImage(index: Int, reason: String)
    /// A size or column count that cannot be drawn.
    case invalidArgument(String)
    /// Writing or renaming a file failed.
    case fileWriteFailed(path: String, reason: String)
    /// A colour, marker, line style, colormap or legend location that tl does not know.
    case unsupportedStyle(what: String, value: String, supported: String)

    public var description: String {
        switch self {
        case .gnuplotNotInstalled:
            return "gnuplot is not installed: run `apt-get install gnuplot-nox` (or scripts/setup)"
        case let .gnuplotFailed(script, status, stderr):
            let detail = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return "gnuplot failed (exit status \(status)) drawing \(script): "
                + (detail.isEmpty ? "it printed nothing" : detail)
                + "\nFix the labels or data, or run `gnuplot \(script)` to see the problem."
        case let .noImageProduced(path):
            return "gnuplot produced no image at \(path): check that the folder is writable and that gnuplot has the pngcairo terminal (`gnuplot -e 'set terminal'`)"
        case let .unrecognizedFormat(format, character):
            return "unrecognized character '\(character)' in format string \"\(format)\": use colours b g r c m y k w, markers o . , x + s ^ v < > D d * p h, lines - -- -. :"
        case let .conflictingFormat(format, what):
            return "format string \"\(format)\" gives more than one \(what): give at most one"
        case let .mismatchedLengths(x, y):
            return "x and y must have the same length, but x has \(x) values and y has \(y)"
        case let .nothingToPlot(path):
            return "nothing to draw into \(path): call plot(...) (or give images) first"
        case let .invalidImage(index, reason):
            return "image \(index) of the grid is invalid: \(reason)"
        case let .invalidArgument(message):
            return message
        case let .fileWriteFailed(path, reason):
            return "could not write \(path): \(reason). Check that the folder exists and is writable."
        case let .unsupportedStyle(what, value, supported):
            return "unsupported \(what) '\(value)': tl supports \(supported)"
        }
    }
}

extension PlotError: LocalizedError {
    public var errorDescription: String? { description }
}
