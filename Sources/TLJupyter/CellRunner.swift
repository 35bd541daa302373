import Foundation
import TLLang
import TLScript

/// Runs notebook cells in one tl session and turns what they do into `CellOutput`s: printed text,
/// figures made by `plt.show()` (and the other commands that draw), the last expression's value, errors.
/// The kernel and `tl run NOTEBOOK.ipynb` both run cells through it.
final class CellRunner {
    let session: Session
    /// Receives the outputs of the running cell as they happen.
    private var sink: ((CellOutput) -> Void)?

    /// Takes over the session's output (still passing it to `echo`, e.g. the terminal of `tl run`) and
    /// its figures. The "saved plot to ..." line of figures drawn into `privateFigureFolder` (the
    /// kernel's, removed at shutdown) is dropped: the figure itself is shown, and its path means nothing.
    init(session: Session, echo: ((String) -> Void)? = nil, privateFigureFolder: String? = nil) {
        self.session = session
        let hiddenAnnouncement = privateFigureFolder.map { "saved plot to \($0)/" }
        session.interpreter.output = { [weak self] text in
            echo?(text)
            if let hiddenAnnouncement, text.hasPrefix(hiddenAnnouncement), text.hasSuffix("\n") { return }
            self?.sink?(CellRunner.classify(text))
        }
        session.imageObserver = { [weak self] path in
            guard let png = FileManager.default.contents(atPath: path), CellRunner.isPNG(png) else { return }
            self?.sink?(.image(png: png))
        }
    }

    /// Runs one cell; `cellName` appears in error locations (`In[3]:2:5: ...`). Returns the error that
    /// stopped it, if any (it has also gone to `sink`, as a `CellError`).
    @discardableResult
    func run(_ code: String, cellName: String, sink: @escaping (CellOutput) -> Void) -> Error? {
        self.sink = sink
        defer { self.sink = nil }
        do {
            let prepared = try MagicLines.prepare(code, cellName: cellName)
            if let value = try session.interpreter.runCell(prepared, fileName: cellName) {
                sink(.result(text: value.repr))
            }
            return nil
        } catch {
            sink(.error(CellError(error)))
            return error
        }
    }

    /// The value of one expression, without output (the protocol's `user_expressions`).
    func evaluateQuietly(_ expression: String) -> Result<String, CellError> {
        do {
            let value = try session.interpreter.runCell(expression, fileName: "<expression>")
            return .success(value?.repr ?? "None")
        } catch {
            return .failure(CellError(error))
        }
    }

    /// Text starting with "\r" redraws the current line (fit's progress bar, extraction counts), with
    /// "\u{1B}[K" erasing the rest of it: a notebook shows such a line as one display updated in place,
    /// so a saved notebook holds its last state rather than every redraw.
    static func classify(_ text: String) -> CellOutput {
        let cleaned = text.replacingOccurrences(of: "\u{1B}[K", with: "")
        guard cleaned.hasPrefix("\r"), !cleaned.dropFirst().dropLast().contains("\n") else {
            return .stream(name: "stdout", text: cleaned)
        }
        let finished = cleaned.hasSuffix("\n")
        let line = cleaned.dropFirst().dropLast(finished ? 1 : 0)
        return .progress(line: String(line.split(separator: "\r", omittingEmptySubsequences: false).last ?? ""), finished: finished)
    }

    private static func isPNG(_ data: Data) -> Bool {
        data.starts(with: [0x89, 0x50, 0x4E, 0x47])
    }
}
