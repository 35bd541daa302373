import XCTest
@testable import TLPlot

/// Figures with several axes (one PNG through gnuplot's multiplot), axes settings, figure numbers and sizes.
final class SubplotFigureTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = try makeTemporaryFolder()
        let created = folder
        addTeardownBlock { try? FileManager.default.removeItem(atPath: created) }
    }

    func testSubplotGridDrawsEachAxesInItsCell() throws {
        let figure = Figure()
        try figure.subplot(rows: 1, columns: 2, index: 1).plot(y: [1, 2, 3], style: "r")
        figure.title = "Left"
        try figure.subplot(rows: 1, columns: 2, index: 2).plot(y: [3, 2, 1], style: "b")
        figure.title = "Right"
        figure.suptitle = "Both"
        let script = figure.gnuplotScript(dataPath: "/d/f.dat", outputPath: "/d/f.png")
        for expected in ["set multiplot title 'Both' font ',14'", "set origin 0.0,0.0", "set origin 0.5,0.0",
                         "set size 0.5,0.925", "set title 'Left'", "set title 'Right'",
                         "'/d/f.dat' index 0 using 1:2 with lines lc rgb '#ff0000'",
                         "'/d/f.dat' index 1 using 1:2 with lines lc rgb '#0000ff'", "unset multiplot"] {
            XCTAssertTrue(script.contains(expected), "script lacks \(expected):\n\(script)")
        }
        XCTAssertEqual(script.components(separatedBy: "\nreset\n").count, 3, "each axes starts from gnuplot's defaults")
        XCTAssertEqual(figure.displayTitle, "Both")

        let png = folder + "/grid.png"
        try figure.render(to: png)
        XCTAssertEqual(PNGHeader(path: png)?.width, 640)
        let data = try String(contentsOfFile: folder + "/grid.dat", encoding: .utf8)
        XCTAssertEqual(data.components(separatedBy: "\n\n\n").count, 2)
    }

    func testSubplotSelectsOrCreatesAndChecksItsIndex() throws {
        let figure = Figure()
        let first = try figure.subplot(rows: 2, columns: 2, index: 1)
        let fourth = try figure.subplot(rows: 2, columns: 2, index: 4)
        XCTAssertEqual(fourth.position.row, 1)
        XCTAssertEqual(fourth.position.column, 1)
        XCTAssertTrue(try figure.subplot(rows: 2, columns: 2, index: 1) === first)
        XCTAssertTrue(figure.currentAxes === first)
        XCTAssertEqual(figure.axes.count, 2)
        XCTAssertThrowsError(try figure.subplot(rows: 2, columns: 2, index: 5)) { error in
            XCTAssertTrue("\(error)".contains("num must be 1 <= num <= 4, not 5"), "\(error)")
        }
        XCTAssertThrowsError(try figure.subplot(rows: 0, columns: 2, index: 1))
    }

    func testEmptyAndHiddenAxesStillRender() throws {
        let figure = Figure()
        try figure.subplot(rows: 1, columns: 3, index: 1).plot(y: [1, 2])
        _ = try figure.subplot(rows: 1, columns: 3, index: 2)   // empty: a 0-1 frame, as matplotlib draws
        let hidden = try figure.subplot(rows: 1, columns: 3, index: 3)
        hidden.showsAxis = false
        let script = figure.gnuplotScript(dataPath: "d.dat", outputPath: "o.png")
        XCTAssertTrue(script.contains("set xrange [0.0:1.0]\nset yrange [0.0:1.0]"), script)
        XCTAssertTrue(script.contains("plot NaN notitle"), script)
        XCTAssertTrue(script.contains("unset border"), script)
        try figure.render(to: folder + "/empty.png")
        XCTAssertNotNil(PNGHeader(path: folder + "/empty.png"))
    }

    func testLimitsTicksGridLegendAndAxisOffReachTheScript() throws {
        let figure = Figure()
        let axes = figure.currentAxes
        try axes.plot(y: [1, 2, 3], label: "a")
        axes.xLimits = AxisLimits(lower: 0, upper: 5)
        axes.yLimits = AxisLimits(lower: 0)
        axes.xTicks = Ticks(positions: [0, 2], labels: ["zero", "two"], rotation: 45)
        axes.yTicks = Ticks(positions: [])
        axes.grid = GridLines(axis: .y)
        axes.showsLegend = true
        axes.legendLocation = .lowerCenter
        axes.legendHasFrame = false
        var script = figure.gnuplotScript(dataPath: "d.dat", outputPath: "o.png")
        for expected in ["set xrange [0.0:5.0]", "set yrange [0.0:*]", "set xtics ('zero' 0.0, 'two' 2.0) rotate by 45.0 right",
                         "unset ytics", "set grid noxtics ytics back lt 1 lc rgb '#b0b0b0' lw 0.8 dt solid",
                         "set key bottom center reverse Left nobox"] {
            XCTAssertTrue(script.contains(expected), "script lacks \(expected):\n\(script)")
        }
        XCTAssertFalse(script.contains("multiplot"), "one axes filling the figure is drawn as before")
        axes.showsAxis = false
        script = figure.gnuplotScript(dataPath: "d.dat", outputPath: "o.png")
        XCTAssertTrue(script.contains("unset border") && script.contains("unset xtics") && script.contains("unset ytics"), script)
        try figure.render(to: folder + "/settings.png")
        XCTAssertNotNil(PNGHeader(path: folder + "/settings.png"))
    }

    func testLinesAndPatchesKeepTheirOwnColourCycles() throws {
        let axes = Axes()
        try axes.plot(y: [1, 2])
        let histogram = try Histogram(values: [1, 2, 2], bins: .count(2))
        axes.add(try PlotSeries(x: histogram.centres, y: histogram.counts, kind: .bars(widths: histogram.widths, edgeColor: nil)))
        try axes.plot(y: [2, 1])
        axes.add(try PlotSeries(x: [1], y: [1], kind: .scatter(sizes: [36], colors: nil)))
        XCTAssertEqual(axes.resolvedColors().map(\.hex), ["#1f77b4", "#1f77b4", "#ff7f0e", "#ff7f0e"])
    }

    func testBarsAndScattersWriteTheirColumns() throws {
        let figure = Figure()
        let histogram = try Histogram(values: [1, 2, 2], bins: .count(2))
        figure.add(try PlotSeries(x: histogram.centres, y: histogram.counts, style: PlotStyle(alpha: 0.5),
                                  kind: .bars(widths: histogram.widths, edgeColor: PlotStyle.Color(red: 0, green: 0, blue: 0))))
        let red = PlotStyle.Color(red: 255, green: 0, blue: 0)
        figure.add(try PlotSeries(x: [1, 2], y: [3, 4], kind: .scatter(sizes: [36, 144], colors: [red, red])))
        let data = figure.dataFileContents()
        XCTAssertTrue(data.contains("1.25 1.0 0.5\n1.75 2.0 0.5"), data)
        XCTAssertTrue(data.contains("1.0 3.0 0.9 16711680\n2.0 4.0 1.8 16711680"), data)
        let script = figure.gnuplotScript(dataPath: "d.dat", outputPath: "o.png")
        XCTAssertTrue(script.contains("using 1:2:3 with boxes fs transparent solid 0.5 border lc rgb '#000000' lc rgb '#1f77b4'"), script)
        XCTAssertTrue(script.contains("using 1:2:3:4 with points pt 7 ps variable lc rgb variable"), script)
        XCTAssertTrue(script.contains("set yrange [0.0:*]") && script.contains("graph 0.05, 0\n"), "bars stand on 0:\n\(script)")
        XCTAssertThrowsError(try PlotSeries(x: [1, 2], y: [1, 2], kind: .scatter(sizes: [1], colors: nil)))
    }

    func testImageAxesPointDownAndKeepPixelsSquare() throws {
        let figure = Figure()
        figure.currentAxes.show(try PlotImage(width: 3, height: 2, rgb: [UInt8](repeating: 9, count: 18)))
        let script = figure.gnuplotScript(dataPath: "/d/f.dat", outputPath: "/d/f.png")
        for expected in ["set size ratio -1", "set xrange [-0.5:2.5]", "set yrange [1.5:-0.5]",
                         "'/d/f.rgb' binary skip=0 array=(3,2) format='%uchar' with rgbimage notitle"] {
            XCTAssertTrue(script.contains(expected), "script lacks \(expected):\n\(script)")
        }
        try figure.render(to: folder + "/image.png")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/image.rgb")).count, 18)
    }

    func testInchesAndDpiGivePixelsAndSavefigDpiScales() throws {
        let figure = try Figure(inches: (3, 2), dpi: 100)
        XCTAssertEqual([figure.width, figure.height], [300, 200])
        XCTAssertEqual(try Figure(inches: (6.4, 4.8), dpi: 50).width, 320)
        XCTAssertThrowsError(try Figure(inches: (0, 2)))
        try figure.plot(y: [1, 2])
        try figure.render(to: folder + "/big.png", dpi: 200)
        XCTAssertEqual(PNGHeader(path: folder + "/big.png")?.width, 600)
        XCTAssertEqual(PNGHeader(path: folder + "/big.png")?.height, 400)
        let script = try String(contentsOfFile: folder + "/big.gp", encoding: .utf8)
        XCTAssertTrue(script.contains("size 600,400 noenhanced font 'DejaVu Sans,10' fontscale 2.0 linewidth 2.0"), script)
    }

    func testFigureNumbersCloseAndClear() throws {
        let plt = PlotState()
        let first = plt.figure()
        let (seventh, created) = plt.figure(number: 7) { Figure() }
        XCTAssertTrue(created)
        XCTAssertEqual(plt.number(of: first), 1)
        XCTAssertEqual(plt.number(of: seventh), 7)
        XCTAssertEqual(plt.number(of: plt.figure()), 8, "one past the highest number, as matplotlib")
        XCTAssertTrue(plt.figure(number: 7) { Figure() }.figure === seventh)
        XCTAssertTrue(plt.current === seventh)
        plt.close(number: 7)
        XCTAssertEqual(plt.figures.count, 2)
        XCTAssertFalse(plt.current === seventh)
        plt.closeCurrent()
        XCTAssertEqual(plt.figures.count, 1)
        plt.close(first)
        XCTAssertTrue(plt.figures.isEmpty)

        let grid = try plt.subplots(rows: 2, columns: 3, figure: Figure())
        XCTAssertEqual(grid.map(\.count), [3, 3])
        XCTAssertEqual(grid[1][0].position.index, 4)
        try grid[0][0].plot(y: [1])
        plt.current.clear()
        XCTAssertTrue(plt.current.isEmpty && plt.current.axes.isEmpty)
    }

    func testSuptitleNamesTheShownFile() throws {
        let plt = PlotState()
        let grid = try plt.subplots(rows: 1, columns: 2, figure: Figure())
        try grid[0][1].plot(y: [1, 2])
        grid[0][1].title = "Second"
        XCTAssertEqual(try plt.show(directory: folder), [folder + "/second.png"])
        let again = try plt.subplots(rows: 1, columns: 2, figure: Figure())
        try again[0][0].plot(y: [1, 2])
        plt.current.suptitle = "Overall"
        XCTAssertEqual(try plt.show(directory: folder), [folder + "/overall.png"])
    }
}
