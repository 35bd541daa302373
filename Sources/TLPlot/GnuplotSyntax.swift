import Foundation

/// Small helpers for writing gnuplot scripts and data files safely.
enum GnuplotSyntax {
    /// A single-quoted gnuplot string: no backslash escapes apply inside, only `'` is doubled.
    /// Line breaks would end the command, so they become spaces.
    static func quoted(_ text: String) -> String {
        let flattened = text.replacingOccurrences(of: "\r\n", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
        return "'" + flattened.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A number as gnuplot reads it back exactly; non-finite values become `NaN`, which gnuplot skips.
    static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : "NaN"
    }

    /// A size, width or position rounded to four decimals, so `6 * 0.15` reads `0.9`.
    static func short(_ value: Double) -> String {
        number((value * 10_000).rounded() / 10_000)
    }

    /// A font size in points: whole sizes without a decimal point (`12`), others to a tenth (`10.5`).
    static func points(_ size: Double) -> String {
        let tenths = (size * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }

    /// The absolute, normalised form of `path`, so saved scripts work from any working folder.
    static func absolutePath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// `folder/NAME.png` -> `folder/NAME.<newExtension>`.
    static func sibling(of path: String, withExtension newExtension: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().appendingPathExtension(newExtension).path
    }

    /// The font matplotlib uses by default, which Debian ships with gnuplot's cairo terminals.
    static let font = "DejaVu Sans,10"
}
