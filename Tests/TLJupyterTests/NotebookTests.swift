import Foundation
import TLTestSupport
import XCTest

/// Notebooks both ways: `tl run NOTEBOOK.ipynb --report` writes report.ipynb, and Jupyter's own
/// nbconvert runs the walkthrough notebook with the tl kernel.
final class NotebookTests: XCTestCase {
    private static let smallNotebook: [String: Any] = [
        "nbformat": 4, "nbformat_minor": 5, "metadata": [:] as [String: Any],
        "cells": [
            ["cell_type": "markdown", "id": "a", "metadata": [:] as [String: Any], "source": ["# Not code = = (never run)\n"]],
            ["cell_type": "code", "id": "b", "metadata": [:] as [String: Any], "execution_count": NSNull(), "outputs": [] as [Any],
             "source": ["%matplotlib inline\n", "n = param(\"n\", 3)\n", "print(\"squares of\", n)\n", "squares = []\n",
                        "for i in range(n):\n", "    squares = squares + [i * i]\n", "squares"]],
            ["cell_type": "code", "id": "c", "metadata": [:] as [String: Any], "execution_count": NSNull(), "outputs": [] as [Any],
             "source": "plt.plot(squares, 'bo')\nplt.title('Squares')\nplt.show()"],
        ],
    ]

    func testRunningANotebookPrintsItsOutputAndWritesAValidReportNotebook() throws {
        let tools = try JupyterTools()
        defer { tools.removeScratch() }
        let notebook = tools.scratch.appendingPathComponent("small.ipynb")
        try JSONSerialization.data(withJSONObject: NotebookTests.smallNotebook).write(to: notebook)
        let report = tools.scratch.appendingPathComponent("report")
        let run = try tools.run(tools.tl, ["run", notebook.path, "--set", "n=4", "--report", report.path])
        XCTAssertEqual(run.status, 0, run.errors)
        XCTAssertTrue(run.output.hasPrefix("squares of 4\n[0, 1, 4, 9]\n"), run.output)

        let written = try tools.driver(["inspect", report.appendingPathComponent("report.ipynb").path])
        XCTAssertNil(written["validation_error"] as? String, "\(written["validation_error"] ?? "")")
        XCTAssertEqual(written["nbformat"] as? [Int], [4, 5])
        XCTAssertEqual(written["kernel"] as? String, "tl")
        let cells = written.list("cells")
        XCTAssertEqual(cells.count, 2)
        let first = cells.first?.list("outputs") ?? []
        XCTAssertEqual(first.map { $0.string("output_type") }, ["stream", "execute_result"])
        XCTAssertEqual(first.first?.string("text"), "squares of 4\n")
        let figure = cells.last?.list("outputs").first { $0.string("output_type") == "display_data" }
        XCTAssertEqual(figure?["mime_types"] as? [String], ["image/png", "text/plain"])
        XCTAssertGreaterThan(figure?["png_bytes"] as? Int ?? 0, 1000)
    }

    func testAFailingCellStopsTheRunAndIsRecordedInTheReport() throws {
        let tools = try JupyterTools()
        defer { tools.removeScratch() }
        var cells = NotebookTests.smallNotebook["cells"] as! [[String: Any]]
        cells[1]["source"] = "x = 1\nx + undefined_name"
        let notebook = tools.scratch.appendingPathComponent("failing.ipynb")
        try JSONSerialization.data(withJSONObject: NotebookTests.smallNotebook.merging(["cells": cells]) { $1 }).write(to: notebook)
        let report = tools.scratch.appendingPathComponent("report")
        let run = try tools.run(tools.tl, ["run", notebook.path, "--report", report.path])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.errors.contains("In[1]:2:5: name 'undefined_name' is not defined"), run.errors)
        let written = try tools.driver(["inspect", report.appendingPathComponent("report.ipynb").path])
        XCTAssertNil(written["validation_error"] as? String, "\(written["validation_error"] ?? "")")
        let recorded = written.list("cells")
        XCTAssertEqual(recorded.first?.list("outputs").first?.string("ename"), "NameError")
        XCTAssertEqual(recorded.last?.list("outputs").count, 0, "the cell after the error must not run")
    }

    func testNbconvertExecutesTheWalkthroughNotebookWithItsPlots() throws {
        let tools = try JupyterTools()
        defer { tools.removeScratch() }
        let data = try SharedFiles.makeSmallCatsAndDogs(in: tools.scratch, count: 2)
        // A copy, so the executed notebook and the kernel's files never land in examples/.
        let notebook = tools.scratch.appendingPathComponent("walkthrough.ipynb")
        try FileManager.default.copyItem(at: SharedFiles.packageRoot.appendingPathComponent("examples/walkthrough.ipynb"), to: notebook)
        let settings = ["base_dir=\(data.path)", "weights=\(SharedFiles.vgg16EdgeWeights)", "epochs=1", "steps=1",
                        "validation_steps=1", "fine_tune_epochs=1", "train_count=4", "validation_count=4", "test_count=4"]
        let jupyter = tools.python.deletingLastPathComponent().appendingPathComponent("jupyter")
        let run = try tools.run(jupyter, ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=tl",
                                          "--ExecutePreprocessor.timeout=600", "--output", "executed.ipynb", notebook.path],
                                extraEnvironment: ["TL_SET": settings.joined(separator: ";")], timeout: 900)
        XCTAssertEqual(run.status, 0, run.output + run.errors)

        let executed = try tools.driver(["inspect", tools.scratch.appendingPathComponent("executed.ipynb").path])
        XCTAssertNil(executed["validation_error"] as? String, "\(executed["validation_error"] ?? "")")
        let outputs = executed.list("cells").flatMap { $0.list("outputs") }
        XCTAssertEqual(outputs.filter { $0.string("output_type") == "error" }.count, 0, "\(outputs)")
        // Two figures for each method: accuracy and loss.
        let figures = outputs.filter { ($0["mime_types"] as? [String])?.contains("image/png") == true }
        XCTAssertEqual(figures.count, 6, "\(outputs.map { $0.string("output_type") ?? "" })")
        let text = outputs.compactMap { $0.string("text") }.joined()
        XCTAssertEqual(text.components(separatedBy: "test acc:").count - 1, 3, text)
    }
}
