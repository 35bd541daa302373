import Foundation
import XCTest

/// `tl run --report DIR` as a user relies on it: the report tells the truth about its run (errors,
/// interruptions), the folder shows one run, and report.html is one valid self-contained page.
final class ReportFolderTests: XCTestCase {
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

    private func read(_ folder: URL, _ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    private func metrics(_ folder: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent("metrics.json"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// A small model trained for two epochs, two figures with one title (so `_2`), and optionally a third.
    private let trainingScript = """
        m = sequential()
        m.add(dense(4, activation="relu", input_dim=2))
        m.add(dense(1, activation="sigmoid"))
        compile(m, optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
        x = [[0,0],[0,1],[1,0],[1,1]] * 5
        y = [0,1,1,0] * 5
        h = fit(m, x, y, epochs=2, batch_size=4, verbose=0, validation_data=(x, y))
        plot_history(h, metric="loss")
        plot_history(h, metric="loss")
        if param("extra_figure", 0):
            plot_history(h, metric="acc")
        print("figures drawn")

        """

    func testASyntaxErrorLeavesAReportNamingIt() throws {
        let script = try write("x = 1\nprint(x)\ny = (1 +\n", to: "broken.tl")
        let folder = binary.home.appendingPathComponent("report")
        let result = try binary.run(["run", script, "--report", folder.path])
        XCTAssertEqual(result.status, 1, result.stderr)
        let markdown = try read(folder, "report.md")
        XCTAssertTrue(markdown.contains("## The script did not run"), markdown)
        XCTAssertTrue(markdown.contains("`\(script):3:5`"), markdown)
        XCTAssertTrue(markdown.contains("syntax error: '(' was never closed"), markdown)
        XCTAssertEqual(try metrics(folder)["status"] as? String, "error")
        XCTAssertTrue(try read(folder, "report.html").contains("syntax error: &#39;(&#39; was never closed"))
    }

    func testARuntimeErrorLeavesAReportNamingItWithTheMetricsThatFinished() throws {
        let script = try write(trainingScript + "z = h.history[\"no_such_metric\"]\nprint(\"never\")\n", to: "fails.tl")
        let folder = binary.home.appendingPathComponent("report")
        let result = try binary.run(["run", script, "--report", folder.path])
        XCTAssertEqual(result.status, 1, result.stderr)
        let markdown = try read(folder, "report.md")
        XCTAssertTrue(markdown.contains("figures drawn"), markdown)
        XCTAssertTrue(markdown.contains("no_such_metric"), markdown)
        XCTAssertTrue(markdown.contains("## The run stopped with an error\n\nIt stopped at `\(script):13:"), markdown)
        XCTAssertFalse(markdown.contains("never\n```"), markdown)
        let metrics = try metrics(folder)
        XCTAssertEqual(metrics["status"] as? String, "error")
        XCTAssertTrue((metrics["error"] as? String)?.contains("no_such_metric") == true, "\(metrics)")
        let histories = try XCTUnwrap(metrics["histories"] as? [[String: [Double]]])
        XCTAssertEqual(histories.first?["val_loss"]?.count, 2, "the finished fit is kept")
    }

    func testASecondRunReplacesTheFirstRunsFiguresAndNothingElse() throws {
        let script = try write(trainingScript, to: "plots.tl")
        let folder = binary.home.appendingPathComponent("report")
        let first = try binary.run(["run", script, "--report", folder.path, "--set", "extra_figure=1"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let userFile = folder.appendingPathComponent("my_notes.txt")
        try "mine".write(to: userFile, atomically: true, encoding: .utf8)
        let userFigure = folder.appendingPathComponent("training_and_validation_acc.png")
        try Data([1, 2, 3]).write(to: userFigure)
        let figuresOfTheFirstRun = try pngs(in: folder)
        XCTAssertEqual(figuresOfTheFirstRun.count, 4, "\(figuresOfTheFirstRun)")

        let secondStart = Date()
        let second = try binary.run(["run", script, "--report", folder.path])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try pngs(in: folder), ["training_and_validation_acc.png", "training_and_validation_loss.png",
                                              "training_and_validation_loss_2.png"])
        for name in ["training_and_validation_loss.png", "training_and_validation_loss_2.png"] {
            let modified = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.modificationDate] as? Date)
            XCTAssertGreaterThanOrEqual(modified.timeIntervalSince(secondStart), -1, "\(name) is the second run's")
        }
        XCTAssertEqual(try String(contentsOf: userFile, encoding: .utf8), "mine", "a file the runs did not write is kept")
        XCTAssertEqual(try Data(contentsOf: userFigure), Data([1, 2, 3]))
        let markdown = try read(folder, "report.md")
        XCTAssertTrue(markdown.contains("![](training_and_validation_loss.png)") && markdown.contains("![](training_and_validation_loss_2.png)"), markdown)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("training_and_validation_accuracy.dat").path),
                       "the first run's gnuplot data goes with its figure")
    }

    private func pngs(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".png") }.sorted()
    }

    func testReportHTMLIsOneValidSelfContainedPage() throws {
        let script = try write(trainingScript + "print('<b>&amp; \"quoted\"</b>')  # a comment\n", to: "page.tl")
        let folder = binary.home.appendingPathComponent("report")
        let result = try binary.run(["run", script, "--report", folder.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let page = try read(folder, "report.html")
        XCTAssertEqual(HTMLValidity.problems(in: page), [])
        XCTAssertTrue(page.contains("<pre class=\"output\">&lt;b&gt;&amp;amp; &quot;quoted&quot;&lt;/b&gt;</pre>"), page.suffix(2000).description)
        XCTAssertTrue(page.contains("<span class=\"com\"># a comment</span>"))
        XCTAssertTrue(page.contains("<span class=\"kw\">if</span>"))
        // Every figure is embedded and is the PNG beside the report; nothing is loaded from elsewhere.
        let sources = page.components(separatedBy: "src=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        XCTAssertEqual(sources.count, 2)
        for source in sources {
            XCTAssertTrue(source.hasPrefix("data:image/png;base64,"), String(source.prefix(40)))
            let data = try XCTUnwrap(Data(base64Encoded: String(source.dropFirst("data:image/png;base64,".count))))
            XCTAssertEqual(Array(data.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        }
        XCTAssertFalse(page.contains("href="), "no external resource")
    }

    func testTheValidityCheckFindsBrokenPages() {
        let valid = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>t</title></head><body><p>a &amp; b</p></body></html>"
        XCTAssertEqual(HTMLValidity.problems(in: valid), [])
        XCTAssertFalse(HTMLValidity.problems(in: valid.replacingOccurrences(of: "</p>", with: "")).isEmpty)
        XCTAssertFalse(HTMLValidity.problems(in: valid.replacingOccurrences(of: "a &amp; b", with: "a & b")).isEmpty)
        XCTAssertFalse(HTMLValidity.problems(in: valid.replacingOccurrences(of: "a &amp; b", with: "a < b")).isEmpty)
        XCTAssertFalse(HTMLValidity.problems(in: valid.replacingOccurrences(of: "lang=\"en\"", with: "lang=en")).isEmpty)
        XCTAssertFalse(HTMLValidity.problems(in: valid.replacingOccurrences(of: "<p>a", with: "<p><b>a")).isEmpty)
    }

    /// Starts `tl run script --report folder` in the background, waits until report.md holds `marker`,
    /// sends SIGINT `presses` times (0.2 s apart) and returns the exit status and the seconds it took.
    private func interrupt(_ script: String, after marker: String, presses: Int, folder: URL) throws -> (status: Int32, seconds: Double) {
        let process = Process()
        process.executableURL = binary.executable
        process.arguments = ["run", script, "--report", folder.path]
        process.environment = binary.environment
        process.currentDirectoryURL = binary.home
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning,
              !((try? read(folder, "report.md"))?.contains(marker) ?? false) { usleep(20_000) }
        usleep(300_000)
        let start = Date()
        for press in 0..<presses {
            if press > 0 { usleep(200_000) }
            process.interrupt()
        }
        while process.isRunning && Date().timeIntervalSince(start) < 10 { usleep(10_000) }
        if process.isRunning { process.terminate(); process.waitUntilExit(); XCTFail("tl did not end after Ctrl-C") }
        process.waitUntilExit()
        return (process.terminationStatus, Date().timeIntervalSince(start))
    }

    func testCtrlCEndsAScriptWith130AndTheReportSaysSo() throws {
        let script = try write("print(\"started\")\nn = 0\nwhile True:\n    n += 1\n", to: "endless.tl")
        let folder = binary.home.appendingPathComponent("report")
        let (status, seconds) = try interrupt(script, after: "started", presses: 1, folder: folder)
        XCTAssertEqual(status, 130)
        XCTAssertLessThan(seconds, 3)
        let markdown = try read(folder, "report.md")
        XCTAssertTrue(markdown.contains("started") && markdown.contains("## The run was interrupted"), markdown)
        XCTAssertEqual(try metrics(folder)["status"] as? String, "interrupted")
    }

    /// A command blocked in a system call never reaches its next check: reading weights from a FIFO
    /// that no one writes. A second Ctrl-C ends the run anyway, with its report.
    func testASecondCtrlCEndsARunWhoseCommandIgnoresTheFirst() throws {
        let fifo = binary.home.appendingPathComponent("stuck.h5").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let script = try write("m = sequential()\nm.add(dense(1, input_dim=1))\nprint(\"loading\")\nload_weights(m, \"stuck.h5\")\n", to: "stuck.tl")
        let folder = binary.home.appendingPathComponent("report")
        let (status, seconds) = try interrupt(script, after: "loading", presses: 2, folder: folder)
        XCTAssertEqual(status, 130)
        XCTAssertLessThan(seconds, 3)
        XCTAssertTrue(try read(folder, "report.md").contains("## The run was interrupted"))
    }
}
