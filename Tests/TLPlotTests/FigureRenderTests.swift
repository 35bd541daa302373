import XCTest
@testable import TLPlot

final class FigureRenderTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = try makeTemporaryFolder()
        let created = folder
        addTeardownBlock { try? FileManager.default.removeItem(atPath: created) }
    }

    private func accuracyFigure() throws -> Figure {
        let figure = Figure()
        try figure.plot(x: [1, 2, 3], y: [0.5, 0.625, 0.75], style: "bo", label: "Training acc")
        try figure.plot(x: [1, 2, 3], y: [0.25, 0.375, 0.8125], style: "b", label: "Validation acc")
        figure.title = "Training and validation accuracy"
        figure.xLabel = "Epochs"
        figure.yLabel = "Accuracy"
        figure.showsLegend = true
        return figure
    }

    func testRenderWritesPNGDataAndScript() throws {
        let png = folder + "/accuracy.png"
        try accuracyFigure().render(to: png)

        let header = try XCTUnwrap(PNGHeader(path: png), "not a PNG")
        XCTAssertEqual(header.width, 640)
        XCTAssertEqual(header.height, 480)

        let script = try String(contentsOfFile: folder + "/accuracy.gp", encoding: .utf8)
        for expected in ["'Training acc'", "'Validation acc'", "'Epochs'", "'Accuracy'",
                         "'Training and validation accuracy'", "pngcairo size 640,480",
                         "'\(folder)/accuracy.dat' index 0", "index 1", "with points", "with lines",
                         "set output '\(folder)/accuracy.png'"] {
            XCTAssertTrue(script.contains(expected), "script lacks \(expected):\n\(script)")
        }
        XCTAssertFalse(script.contains("unset key"))

        let data = try String(contentsOfFile: folder + "/accuracy.dat", encoding: .utf8)
        let rows = data.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let blocks = data.components(separatedBy: "\n\n\n")
        XCTAssertEqual(blocks.count, 2, "two series give two blocks separated by two blank lines")
        XCTAssertTrue(rows.contains("3.0 0.75"))
        XCTAssertTrue(rows.contains("3.0 0.8125"))
        XCTAssertTrue(blocks[0].contains("1.0 0.5\n2.0 0.625\n3.0 0.75"))
        XCTAssertTrue(blocks[1].contains("1.0 0.25\n2.0 0.375\n3.0 0.8125"))

        // No temporary files are left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [])
    }

    func testSavedScriptRedrawsTheImage() throws {
        let png = folder + "/redraw.png"
        try accuracyFigure().render(to: png)
        try FileManager.default.removeItem(atPath: png)
        try Gnuplot().run(script: String(contentsOfFile: folder + "/redraw.gp", encoding: .utf8),
                          scriptName: folder + "/redraw.gp")
        XCTAssertNotNil(PNGHeader(path: png))
    }

    func testRequestedSizeIsHonoured() throws {
        let figure = Figure(width: 800, height: 300)
        try figure.plot(y: [3, 1, 2], label: "val_acc")
        // Quotes, underscores and a line break must reach gnuplot as plain text, not break the script.
        figure.title = "Model's \"val_acc\"\nafter 3 epochs"
        figure.showsLegend = true
        try figure.render(to: folder + "/wide.png")
        let header = try XCTUnwrap(PNGHeader(path: folder + "/wide.png"))
        XCTAssertEqual(header.width, 800)
        XCTAssertEqual(header.height, 300)
    }

    func testUnlabelledSeriesStayOutOfLegend() throws {
        let figure = Figure()
        try figure.plot(y: [1, 2], label: "shown")
        try figure.plot(y: [2, 1])
        figure.showsLegend = true
        let script = figure.gnuplotScript(dataPath: "d.dat", outputPath: "o.png")
        XCTAssertTrue(script.contains("title 'shown'"))
        XCTAssertTrue(script.contains("notitle"))
        figure.showsLegend = false
        XCTAssertTrue(figure.gnuplotScript(dataPath: "d.dat", outputPath: "o.png").contains("unset key"))
    }

    func testLabelsAreQuotedSafely() {
        XCTAssertEqual(GnuplotSyntax.quoted("it's val_acc"), "'it''s val_acc'")
        XCTAssertEqual(GnuplotSyntax.quoted("two\nlines"), "'two lines'")
        XCTAssertEqual(GnuplotSyntax.number(.nan), "NaN")
        XCTAssertEqual(GnuplotSyntax.number(0.1), "0.1")
    }

    func testLegendAvoidsTheData() throws {
        // Rising curves fill the upper right corner, so the legend goes to the upper left.
        let rising = Figure()
        try rising.plot(y: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        XCTAssertEqual(rising.legendCorner, .upperLeft)
        // Falling curves (losses) leave the upper right free, matplotlib's first choice.
        let falling = Figure()
        try falling.plot(y: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
        XCTAssertEqual(falling.legendCorner, .upperRight)
    }

    func testMissingGnuplotGivesClearError() throws {
        let emptyBin = folder + "/empty-bin"
        try FileManager.default.createDirectory(atPath: emptyBin, withIntermediateDirectories: true)
        let noGnuplot = Gnuplot(environment: ["PATH": emptyBin])
        XCTAssertNil(noGnuplot.locate())
        XCTAssertThrowsError(try accuracyFigure().render(to: folder + "/none.png", gnuplot: noGnuplot)) { error in
            XCTAssertEqual(error as? PlotError, .gnuplotNotInstalled)
            XCTAssertEqual("\(error)", "gnuplot is not installed: run `apt-get install gnuplot-nox` (or scripts/setup)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/none.png"))
    }

    func testFailingGnuplotReportsItsStandardError() throws {
        // A stand-in gnuplot that complains and fails, as a broken install would.
        let fake = folder + "/gnuplot"
        try "#!/bin/sh\ncat > /dev/null\necho 'simulated failure: unknown terminal' >&2\nexit 1\n"
            .write(toFile: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        XCTAssertThrowsError(try accuracyFigure().render(to: folder + "/broken.png", gnuplot: Gnuplot(executable: fake))) { error in
            guard case let .gnuplotFailed(script, status, stderr)? = error as? PlotError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(script, folder + "/broken.gp")
            XCTAssertEqual(status, 1)
            XCTAssertTrue(stderr.contains("simulated failure"))
            XCTAssertTrue("\(error)".contains("simulated failure"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/broken.png"))
    }

    func testUnwritableOutputIsReported() throws {
        XCTAssertThrowsError(try accuracyFigure().render(to: folder + "/no/such/folder/x.png")) { error in
            XCTAssertTrue("\(error)".contains("no/such/folder/x"), "\(error)")
        }
    }

    func testEmptyFigureAndMismatchedSeriesAreErrors() {
        XCTAssertThrowsError(try Figure().render(to: folder + "/empty.png")) { error in
            XCTAssertEqual(error as? PlotError, .nothingToPlot(path: folder + "/empty.png"))
        }
        XCTAssertThrowsError(try Figure().plot(x: [1, 2], y: [1])) { error in
            XCTAssertEqual(error as? PlotError, .mismatchedLengths(x: 2, y: 1))
        }
    }
}
