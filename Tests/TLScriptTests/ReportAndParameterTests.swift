import XCTest
@testable import TLScript

final class ReportAndParameterTests: XCTestCase {
    private func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "tlscript-report-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testReportRecordsStatementsOutputImagesAndMetrics() throws {
        let directory = temporaryDirectory()
        let session = CapturingInterpreter()
        let report = try ReportRecorder(directory: directory, title: "walkthrough.tl")
        session.interpreter.report = report
        session.interpreter.register(CommandSpec(name: "savefig", parameters: [ParameterSpec("path", kind: .string)]) { args, interpreter in
            let path = interpreter.report!.resolveOutputPath(try args.string("path"))
            try Data([0x89]).write(to: URL(fileURLWithPath: path))
            interpreter.report?.addImage(path)
            interpreter.report?.addHistory(["val_acc": [0.5, 0.75], "loss": [1, 0.5], "acc": [0.25, 0.5], "val_loss": [2, 1]])
            interpreter.write("epoch 1\rfinal progress\n")
            return .none
        })
        session.run("x = 1\nif x:\n    print('hi', x)\nsavefig('acc.png')\n")
        report.addEvaluation(["acc": 0.9, "loss": 0.25])
        report.write()
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/acc.png"))
        let markdown = try String(contentsOfFile: directory + "/report.md", encoding: .utf8)
        XCTAssertEqual(markdown, """
        # walkthrough.tl

        ```python
        x = 1
        if x:
            print('hi', x)
        ```

        ```
        hi 1
        ```

        ```python
        savefig('acc.png')
        ```

        ```
        final progress
        ```

        ![](acc.png)

        """)
        let metrics = try String(contentsOfFile: directory + "/metrics.json", encoding: .utf8)
        XCTAssertEqual(metrics, """
        {"histories": [{"loss": [1.0, 0.5], "acc": [0.25, 0.5], "val_loss": [2.0, 1.0], "val_acc": [0.5, 0.75]}], \
        "evaluations": [{"loss": 0.25, "acc": 0.9}]}

        """)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(metrics.utf8)))
    }

    /// Several statements on one line are quoted once, with their outputs together.
    func testALineHoldingSeveralStatementsIsQuotedOnce() throws {
        let directory = temporaryDirectory()
        let session = CapturingInterpreter()
        let report = try ReportRecorder(directory: directory, title: "t.tl")
        session.interpreter.report = report
        session.run("a = 1; print(a); print(a + 1)\nprint(a + 2)\n")
        report.write()
        let markdown = try String(contentsOfFile: directory + "/report.md", encoding: .utf8)
        XCTAssertEqual(markdown.components(separatedBy: "a = 1; print(a); print(a + 1)").count - 1, 1, markdown)
        XCTAssertTrue(markdown.contains("1\n2"), markdown)
        XCTAssertEqual(markdown.components(separatedBy: "print(a + 2)").count - 1, 1, markdown)
    }

    func testReportIsWrittenWhenTheRunFails() throws {
        let directory = temporaryDirectory()
        let session = CapturingInterpreter()
        session.interpreter.report = try ReportRecorder(directory: directory, title: "t")
        _ = session.failure("print('before')\nx = 1 / 0\nprint('never')\n")
        let markdown = try String(contentsOfFile: directory + "/report.md", encoding: .utf8)
        XCTAssertTrue(markdown.contains("before"))
        XCTAssertTrue(markdown.contains("test.tl:2:7: division by zero"))
        XCTAssertFalse(markdown.contains("never"))
        XCTAssertEqual(session.interpreter.report?.resolveOutputPath("/abs/x.png"), "/abs/x.png")
        XCTAssertEqual(session.interpreter.report?.resolveOutputPath("plots/x.png"), directory + "/plots/x.png")
    }

    func testParamConvertsSetValuesToTheDefaultsType() throws {
        let session = CapturingInterpreter()
        session.interpreter.parameterOverrides = try ParameterOverrides(assignments: [
            "epochs=3", "lr=2e-5", "augment=false", "name=vgg", "unused=1", "batch=20",
        ])
        session.run("""
        print(param('epochs', 30), param('lr', 1e-4), param('augment', True), param('name', 'x'), param('steps', 100))
        print(param('batch', 1.5), type(param('batch', 1.5)))
        """)
        XCTAssertEqual(session.output, "3 2e-05 False vgg 100\n20.0 <class 'float'>\n")
        XCTAssertEqual(session.interpreter.parameterOverrides.unusedWarnings,
                       ["warning: --set unused=1 was not used: no param('unused', ...) in the script"])
    }

    func testParamErrors() throws {
        let session = CapturingInterpreter()
        session.interpreter.parameterOverrides = try ParameterOverrides(assignments: ["epochs=three", "epoch=1"])
        XCTAssertEqual(session.failure("e = param('epochs', 30)\n")?.message,
                       "--set epochs=three: expected an integer because the default is 30")
        XCTAssertEqual(session.interpreter.parameterOverrides.unusedWarnings,
                       ["warning: --set epoch=1 was not used: no param('epoch', ...) in the script; did you mean 'epochs'?"])
        XCTAssertThrowsError(try ParameterOverrides(assignments: ["noequals"]))
    }
}
