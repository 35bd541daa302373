import Foundation
import TLFileSystem
import TLLang

/// `tl run NOTEBOOK.ipynb`: the notebook's code cells run in order in one session (markdown skipped),
/// their output printed as a script's is; with a report folder, `report.ipynb` is written there after
/// every cell: the notebook with its outputs and figures, as Jupyter would have saved it.
public struct NotebookRun {
    public let path: String
    public let session: Session
    /// Where report.ipynb goes (the session's `--report` folder), or nil.
    public let reportDirectory: URL?

    public init(path: String, session: Session, reportDirectory: URL?) {
        self.path = path
        self.session = session
        self.reportDirectory = reportDirectory
    }

    /// Runs the cells with the notebook's folder as working directory, as Jupyter does, so relative
    /// paths in it mean the same under `tl run` and in Jupyter. Throws the first cell's error (the
    /// cells after it do not run, as in a script).
    public func run() throws {
        var notebook = try Notebook(contentsOf: path)
        let absolutePath = URL(fileURLWithPath: path).standardizedFileURL
        session.interpreter[variable: "__file__"] = .string(absolutePath.path)
        let folder = absolutePath.deletingLastPathComponent().path
        guard FileManager.default.changeCurrentDirectoryPath(folder) else {
            throw JupyterError("cannot enter the notebook's folder '\(folder)'")
        }
        let echo = session.interpreter.output
        let runner = CellRunner(session: session, echo: echo)
        var count = 0
        for index in notebook.cells.indices where notebook.cells[index].kind == .code {
            count += 1
            notebook.cells[index].executionCount = count
            var outputs: [CellOutput] = []
            let error = runner.run(notebook.cells[index].source, cellName: "In[\(count)]") { output in
                // A cell's last value shows on the terminal as the REPL would echo it.
                if case .result(let text) = output { echo(text + "\n") }
                outputs.append(output)
            }
            notebook.cells[index].outputs = outputs
            try writeReport(notebook)
            if let error { throw error }
        }
    }

    private func writeReport(_ notebook: Notebook) throws {
        guard let reportDirectory else { return }
        let target = reportDirectory.appendingPathComponent("report.ipynb").path
        do {
            try writeAtomically(notebook.json.prettyPrinted + Data("\n".utf8), to: target)
        } catch {
            throw JupyterError("cannot write '\(target)': \(error.localizedDescription)")
        }
    }
}
