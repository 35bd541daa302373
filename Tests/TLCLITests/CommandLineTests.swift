import Foundation
import XCTest

/// `tl run`, `tl -c` and their options, without a terminal.
final class CommandLineTests: XCTestCase {
    private var binary: TLBinary!

    override func setUpWithError() throws {
        binary = try TLBinary()
    }

    override func tearDown() {
        binary?.removeHome()
    }

    private func write(_ text: String, to name: String) throws -> String {
        let url = binary.home.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testCommandOptionPrintsTheResult() throws {
        let result = try binary.run(["-c", "print(1+1)"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "2\n")
    }

    /// A kernel path that names none is reported in one line on standard error as tl starts, and the run
    /// goes on with the best path there is.
    func testUnknownKernelPathIsReportedInOneLineAndTheRunGoesOn() throws {
        let result = try binary.run(["-c", "print(1+1)"], environment: ["TL_KERNELS": "sse9"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "2\n")
        XCTAssertTrue(result.stderr.hasPrefix("tl: TL_KERNELS=sse9 is not one of avx512, avx2, portable; using "), result.stderr)
        XCTAssertEqual(result.stderr.components(separatedBy: "\n").filter { !$0.isEmpty }.count, 1, result.stderr)
    }

    /// Saving and loading a model leaves nothing on standard error at exit (libhdf5's exit-time shutdown
    /// printed "HDF5: infinite loop closing library" once scripts ran on a worker thread).
    func testSavingAndLoadingAModelExitsQuietly() throws {
        let result = try binary.run(["-c", """
            m = models.Sequential()
            m.add(layers.Dense(2, input_dim=3))
            m.compile(optimizer='sgd', loss='mse')
            m.save('quiet.h5')
            n = models.load_model('quiet.h5')
            print(len(n.layers))
            """])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasSuffix("1\n"), result.stdout)
        XCTAssertEqual(result.stderr, "")
    }

    /// `exit()`, `quit()`, `sys.exit(n)` end a script, `tl -c` or the prompt with Python's status: 0 for none,
    /// the integer given, or 1 after printing any other value; SystemExit is caught by `except SystemExit`,
    /// not by `except Exception`. `tl FILE.tl` runs a script as `tl run FILE.tl` does.
    func testExitEndsTheRunWithPythonsStatus() throws {
        let script = try write("print('a')\nimport sys\nsys.exit(3)\nprint('b')\n", to: "exits.tl")
        for arguments in [["run", script], [script]] {
            let result = try binary.run(arguments)
            XCTAssertEqual(result.status, 3, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stdout, "a\n")
            XCTAssertEqual(result.stderr, "")
        }
        let message = try binary.run(["-c", "exit('no photos found')\nprint('after')"])
        XCTAssertEqual(message.status, 1)
        XCTAssertEqual(message.stdout, "")
        XCTAssertEqual(message.stderr, "no photos found\n")
        XCTAssertEqual(try binary.run(["-c", "quit()"]).status, 0)
        let flag = try binary.run(["-c", "import sys\nsys.exit(True)"])   // a bool is an integer status, printed by no one
        XCTAssertEqual(flag.status, 1)
        XCTAssertEqual(flag.stderr, "")
        let caught = try binary.run(["-c", """
            try:
                exit(2)
            except SystemExit as e:
                print('caught', type(e).__name__, e)
            try:
                exit(4)
            except Exception:
                print('not here')
            """])
        XCTAssertEqual(caught.status, 4, caught.stderr)
        XCTAssertEqual(caught.stdout, "caught SystemExit 2\n")
        let prompt = try binary.run([], input: "print(1)\nquit()\nprint(2)\n")
        XCTAssertEqual(prompt.status, 0, prompt.stderr)
        XCTAssertEqual(prompt.stdout, "1\n")
        XCTAssertEqual(try binary.run([], input: "exit(5)\n").status, 5)
    }

    /// A UTF-8 byte-order mark (as Windows editors write) starts a script without being part of it.
    func testAScriptMayStartWithAByteOrderMark() throws {
        let url = binary.home.appendingPathComponent("bom.tl")
        try Data([0xEF, 0xBB, 0xBF] + Array("print('bom')\n".utf8)).write(to: url)
        let result = try binary.run(["run", url.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "bom\n")
    }

    func testSyntaxErrorInAScriptShowsFileLineColumnAndCaret() throws {
        let script = try write("a = 1\nb = a +* 2\n", to: "broken.tl")
        let result = try binary.run(["run", script])
        XCTAssertNotEqual(result.status, 0)
        let lines = result.stderr.components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.hasPrefix("\(script):2:") }) else {
            return XCTFail("no '\(script):2:col: message' line in:\n\(result.stderr)")
        }
        // file:line:col: message, then the line, then a caret under the column.
        let location = lines[index].dropFirst(script.count + 3).prefix { $0.isNumber }
        let column = try XCTUnwrap(Int(location), lines[index])
        XCTAssertTrue(lines[index].dropFirst(script.count + 3 + location.count).hasPrefix(": "), lines[index])
        XCTAssertGreaterThan(lines.count, index + 2, result.stderr)
        XCTAssertEqual(lines[index + 1], "b = a +* 2")
        XCTAssertEqual(lines[index + 2], String(repeating: " ", count: column - 1) + "^")
    }

    func testReportWritesMarkdownAndMetrics() throws {
        let script = try write("""
            m = sequential()
            m.add(dense(4, activation="relu", input_dim=2))
            m.add(dense(1, activation="sigmoid"))
            compile(m, optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
            x = [[0,0],[0,1],[1,0],[1,1]] * 5
            y = [0,1,1,0] * 5
            h = fit(m, x, y, epochs=2, batch_size=4, verbose=0)
            evaluate(m, x, y, verbose=0)
            """, to: "tiny.tl")
        let report = binary.home.appendingPathComponent("report")
        let result = try binary.run(["run", script, "--report", report.path])
        XCTAssertEqual(result.status, 0, result.stderr)

        let markdown = try String(contentsOf: report.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertTrue(markdown.contains("fit(m, x, y, epochs=2"), markdown)

        let data = try Data(contentsOf: report.appendingPathComponent("metrics.json"))
        let metrics = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let histories = try XCTUnwrap(metrics["histories"] as? [[String: [Double]]], "\(metrics)")
        XCTAssertEqual(histories.count, 1)
        XCTAssertEqual(histories.first?["loss"]?.count, 2)
        XCTAssertEqual(histories.first?["acc"]?.count, 2)
        let evaluations = try XCTUnwrap(metrics["evaluations"] as? [[String: Double]], "\(metrics)")
        XCTAssertEqual(evaluations.count, 1)
        XCTAssertEqual(Set(evaluations.first?.keys.map { $0 } ?? []), ["loss", "acc"])
    }

    func testUnusedSetNameWarns() throws {
        let result = try binary.run(["-c", "print(param('epochs', 3))", "--set", "epochs=5", "--set", "nope=1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "5\n")
        XCTAssertTrue(result.stderr.contains("warning:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("nope=1 was not used"), result.stderr)
        XCTAssertFalse(result.stderr.contains("epochs=5"), result.stderr)
    }
}
