import Foundation
import XCTest
import TLScript
import TLData
import TLTestSupport
@testable import TLLang

/// matplotlib's calls as a notebook uses them, checked in the gnuplot scripts and in the PNGs' pixels.
final class PlotCommandTests: ScriptSessionTestCase {
    /// Runs `source` (which may use `OUT` for the scratch folder) in `session`, then decodes `png`.
    private func draw(_ source: String, png: String = "plot.png", session: Session? = nil) throws -> RGBImage {
        try run(source.replacingOccurrences(of: "OUT", with: directory.path), session: session)
        return try ImageDecoder.decode(path: path(png))
    }

    private func script(_ name: String) throws -> String {
        try String(contentsOfFile: path(name), encoding: .utf8)
    }

    /// Pixels whose colour is within `tolerance` of `(r, g, b)`, as (x, y) positions.
    private func pixels(in image: RGBImage, near color: (Int, Int, Int), tolerance: Int = 40) -> [(x: Int, y: Int)] {
        var found: [(Int, Int)] = []
        for y in 0..<image.height {
            for x in 0..<image.width {
                let i = (y * image.width + x) * 3
                let (r, g, b) = (Int(image.pixels[i]), Int(image.pixels[i + 1]), Int(image.pixels[i + 2]))
                if abs(r - color.0) <= tolerance && abs(g - color.1) <= tolerance && abs(b - color.2) <= tolerance {
                    found.append((x, y))
                }
            }
        }
        return found
    }

    private func centre(_ points: [(x: Int, y: Int)]) -> (x: Double, y: Double) {
        (Double(points.map(\.x).reduce(0, +)) / Double(max(1, points.count)),
         Double(points.map(\.y).reduce(0, +)) / Double(max(1, points.count)))
    }

    func testFormatStringsDrawTheirColourAndStyle() throws {
        let image = try draw("""
            import matplotlib.pyplot as plt
            plt.plot([0, 1, 2], [0, 1, 4], 'r--')
            plt.plot([0, 1, 2], [4, 3, 2], 'g^')
            plt.plot([0, 2], [2, 2], 'k:')
            plt.savefig('OUT/plot.png')
            """)
        XCTAssertGreaterThan(pixels(in: image, near: (255, 0, 0), tolerance: 30).count, 100, "the dashed line is red")
        XCTAssertGreaterThan(pixels(in: image, near: (0, 128, 0), tolerance: 30).count, 10, "the triangles are green")
        XCTAssertEqual(pixels(in: image, near: (0, 0, 255), tolerance: 30).count, 0, "nothing is blue")
        let gp = try script("plot.gp")
        XCTAssertTrue(gp.contains("with lines lc rgb '#ff0000' lw 1.5 dt (7,4)"), gp)
        XCTAssertTrue(gp.contains("with points lc rgb '#008000' pt 9 ps 0.9"), gp)
        XCTAssertTrue(gp.contains("with lines lc rgb '#000000' lw 1.5 dt (1,3)"), gp)
    }

    func testStyleKeywordsAndTheColourCycle() throws {
        let image = try draw("""
            plt.plot([0, 1], [0, 1], color='C2', linewidth=4, linestyle='dashdot', marker='s', markersize=8, alpha=0.5)
            plt.plot([0, 1], [1, 0], c='#0000ff', lw=3, ls='-')
            plt.plot([0, 1], [0.5, 0.5], color=(1.0, 0.0, 0.0))
            plt.plot([0, 1], [0.2, 0.2])
            plt.savefig('OUT/plot.png')
            """)
        let gp = try script("plot.gp")
        XCTAssertTrue(gp.contains("with linespoints lc rgb '#802ca02c' lw 4.0 dt (7,3,1,3) pt 5 ps 1.2"), gp)
        XCTAssertTrue(gp.contains("with lines lc rgb '#0000ff' lw 3.0 dt solid"), gp)
        XCTAssertTrue(gp.contains("with lines lc rgb '#ff0000' lw 1.5 dt solid"), gp)
        XCTAssertTrue(gp.contains("with lines lc rgb '#1f77b4'"), "the first uncoloured line takes C0:\n\(gp)")
        XCTAssertGreaterThan(pixels(in: image, near: (0, 0, 255), tolerance: 30).count, 50)
        XCTAssertGreaterThan(pixels(in: image, near: (0x1f, 0x77, 0xb4), tolerance: 20).count, 50)
    }

    func testSubplotsPutTheirPlotsInDifferentHalves() throws {
        let image = try draw("""
            import matplotlib.pyplot as plt
            plt.figure(figsize=(8, 4))
            plt.subplot(1, 2, 1)
            plt.plot([0, 1, 2], [0, 2, 1], 'r', lw=3)
            plt.title('Left')
            plt.subplot(122)
            plt.plot([0, 1, 2], [1, 0, 2], 'b', lw=3)
            plt.title('Right')
            plt.tight_layout()
            plt.savefig('OUT/plot.png')
            """)
        XCTAssertEqual(image.width, 800)
        XCTAssertEqual(image.height, 400)
        let red = pixels(in: image, near: (255, 0, 0), tolerance: 30), blue = pixels(in: image, near: (0, 0, 255), tolerance: 30)
        XCTAssertGreaterThan(red.count, 100)
        XCTAssertGreaterThan(blue.count, 100)
        XCTAssertTrue(red.allSatisfy { $0.x < 400 }, "the red line stays in the left half")
        XCTAssertTrue(blue.allSatisfy { $0.x >= 400 }, "the blue line stays in the right half")
    }

    func testSubplotsReturnsFigureAndIndexableAxes() throws {
        let session = Session(output: { _ in })
        let image = try draw("""
            fig, axes = plt.subplots(2, 2, figsize=(6, 6))
            axes[0, 0].plot([0, 1], [0, 1], 'r', lw=3)
            axes[1][1].plot([0, 1], [0, 1], 'b', lw=3)
            axes[0, 1].set_title('Top right')
            axes[1, 0].set_xlabel('x')
            axes[1, 0].set_ylabel('y')
            for ax in axes.flat:
                ax.grid(True)
            fig.suptitle('Grid')
            fig.savefig('OUT/plot.png')
            shape = axes.shape
            first_row = axes[0]
            text = str(fig)
            fig2, ax = plt.subplots()
            row_fig, row = plt.subplots(1, 3)
            pair_fig, (left, right) = plt.subplots(1, 2)
            grid_fig, ((a, b), (c, d)) = plt.subplots(2, 2)
            d.set_title('last')
            last_title = str(grid_fig.axes[3])
            """, session: session)
        let red = pixels(in: image, near: (255, 0, 0), tolerance: 30), blue = pixels(in: image, near: (0, 0, 255), tolerance: 30)
        // Below the suptitle's 36-pixel band, each row of cells is (600 - 36) / 2 = 282 pixels high.
        XCTAssertTrue(!red.isEmpty && red.allSatisfy { $0.x < 300 && $0.y < 318 }, "axes[0, 0] is the top left")
        XCTAssertTrue(!blue.isEmpty && blue.allSatisfy { $0.x >= 300 && $0.y >= 318 }, "axes[1][1] is the bottom right")
        let variables = session.interpreter
        XCTAssertEqual(variables[variable: "shape"], .tuple([2, 2]))
        XCTAssertEqual(variables[variable: "text"], .string("<Figure size 600x600 with 4 Axes>"))
        XCTAssertEqual(variables[variable: "first_row"]?.asObject?.count, 2)
        XCTAssertTrue(variables[variable: "ax"]?.asObject is AxesObject, "1x1 gives one Axes")
        XCTAssertEqual(variables[variable: "row"]?.asObject?.count, 3, "one row gives a 1-D array")
        XCTAssertTrue(variables[variable: "right"]?.asObject is AxesObject, "a 1-D array unpacks into axes")
        XCTAssertEqual(variables[variable: "last_title"], .string("<Axes: title={'center': 'last'}>"))
        let gp = try script("plot.gp")
        for expected in ["set multiplot title 'Grid'", "set title 'Top right'", "set xlabel 'x'", "set grid xtics ytics"] {
            XCTAssertTrue(gp.contains(expected), "script lacks \(expected):\n\(gp)")
        }
        XCTAssertTrue(failure("fig, axes = plt.subplots(2, 2)\naxes[2, 0]").contains("index 2 is out of bounds"))
        XCTAssertTrue(failure("fig, axes = plt.subplots(1, 2)\naxes[0, 0]").contains("too many indices"))
    }

    func testImshowOfAKnownImageGivesItsColours() throws {
        for pixelsSource in ["[[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [255, 255, 0]]]",
                             "[[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [[0.0, 0.0, 1.0], [1.0, 1.0, 0.0]]]"] {
            let image = try draw("""
                plt.imshow(\(pixelsSource))
                plt.axis('off')
                plt.savefig('OUT/plot.png')
                plt.close()
                """)
            let red = centre(pixels(in: image, near: (255, 0, 0), tolerance: 5))
            let green = centre(pixels(in: image, near: (0, 255, 0), tolerance: 5))
            let blue = centre(pixels(in: image, near: (0, 0, 255), tolerance: 5))
            let yellow = pixels(in: image, near: (255, 255, 0), tolerance: 5)
            XCTAssertGreaterThan(yellow.count, 1000, "each image pixel is a large square")
            XCTAssertLessThan(red.x, green.x - 50, pixelsSource)
            XCTAssertEqual(red.y, green.y, accuracy: 2, "red and green share the top row")
            XCTAssertGreaterThan(blue.y, red.y + 50, "row 0 is at the top")
            XCTAssertEqual(blue.x, red.x, accuracy: 2)
        }
        let gray = try draw("""
            plt.imshow([[0, 1], [2, 3]], cmap='gray')
            plt.savefig('OUT/plot.png')
            """)
        XCTAssertGreaterThan(pixels(in: gray, near: (85, 85, 85), tolerance: 2).count, 1000)
        XCTAssertGreaterThan(pixels(in: gray, near: (170, 170, 170), tolerance: 2).count, 1000)
        let gp = try script("plot.gp")
        XCTAssertTrue(gp.contains("set size ratio -1") && gp.contains("set yrange [1.5:-0.5]"), gp)
        let viridis = try draw("plt.imshow([[0.0, 1.0]])\nplt.savefig('OUT/plot.png')")
        XCTAssertGreaterThan(pixels(in: viridis, near: (0x44, 0x01, 0x54), tolerance: 2).count, 1000)
    }

    func testImshowShowsARealCat() throws {
        let cat = SharedFiles.data.appendingPathComponent("train/cats/cat.0.jpg").path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: cat), "no shared cat photo at \(cat)")
        var printed = ""
        let session = Session(output: { printed += $0 })
        // As a notebook shows a picture: load_img's array holds whole 0-255 values, shown as bytes.
        let image = try draw("""
            x = load_img('\(cat)', target_size=(150, 150))
            plt.figure(figsize=(3, 3))
            plt.imshow(x)
            plt.axis('off')
            plt.savefig('OUT/plot.png')
            """, session: session)
        guard case .object(let loaded as ArrayObject)? = session.interpreter[variable: "x"] else { return XCTFail("no array") }
        XCTAssertFalse(printed.contains("Clipping"), printed)
        XCTAssertEqual([image.width, image.height], [300, 300])
        // The photo is drawn where the PNG is not white; the middle of that square has the photo's colours.
        let drawn = pixels(in: image, near: (255, 255, 255), tolerance: 0)
        let allPixels = Set(0..<(300 * 300)), white = Set(drawn.map { $0.y * 300 + $0.x })
        let photoPixels = allPixels.subtracting(white)
        let xs = photoPixels.map { $0 % 300 }, ys = photoPixels.map { $0 / 300 }
        let box = (left: xs.min()!, right: xs.max()!, top: ys.min()!, bottom: ys.max()!)
        XCTAssertEqual(Double(box.right - box.left), Double(box.bottom - box.top), accuracy: 3, "square pixels: \(box)")
        XCTAssertGreaterThan(box.right - box.left, 200, "the picture fills most of the figure: \(box)")
        // The upper and lower parts of the square have the photo's colours there (so it is not flipped).
        func mean(rows: ClosedRange<Double>, width: Int, height: Int, value: (Int, Int) -> Double) -> Double {
            let ys = Int(Double(height) * rows.lowerBound)..<Int(Double(height) * rows.upperBound)
            let xs = Int(Double(width) * 0.1)..<Int(Double(width) * 0.9)
            var total = 0.0
            for y in ys { for x in xs { total += value(x, y) } }
            return total / Double(ys.count * xs.count)
        }
        for rows in [0.1...0.45, 0.55...0.9] {
            for channel in 0..<3 {
                let shown = mean(rows: rows, width: box.right - box.left, height: box.bottom - box.top) { x, y in
                    Double(image.pixels[((box.top + y) * 300 + box.left + x) * 3 + channel])
                }
                let photo = mean(rows: rows, width: 150, height: 150) { x, y in
                    Double(loaded.tensor.scalars[(y * 150 + x) * 3 + channel])
                }
                XCTAssertEqual(shown, photo, accuracy: 4, "rows \(rows), channel \(channel)")
            }
        }
    }

    func testImshowClipsFloatsOutsideTheirRangeAsMatplotlibDoes() throws {
        var printed = ""
        let session = Session(output: { printed += $0 })
        let image = try draw("plt.imshow([[[0.5, 2.5, 300.2], [0.0, 1.0, 0.0]]])\nplt.savefig('OUT/plot.png')", session: session)
        XCTAssertTrue(printed.contains("Clipping input data to the valid range for imshow with RGB data"), printed)
        // (0.5, 2.5, 300.2) as fractions: 127 and two clipped to 255.
        XCTAssertGreaterThan(pixels(in: image, near: (127, 255, 255), tolerance: 1).count, 1000)
        XCTAssertGreaterThan(pixels(in: image, near: (0, 255, 0), tolerance: 1).count, 1000)
    }

    func testHistDrawsBarsProportionalToTheCounts() throws {
        let session = Session(output: { _ in })
        let image = try draw("""
            values = [1, 2, 2, 3, 3, 3, 3]
            n, bins, patches = plt.hist(values, bins=3, edgecolor='black')
            plt.savefig('OUT/plot.png')
            """, session: session)
        XCTAssertEqual(session.interpreter[variable: "n"], .list([1.0, 2.0, 4.0]))
        XCTAssertEqual(session.interpreter[variable: "bins"]?.asSequence?.count, 4)
        XCTAssertEqual(session.interpreter[variable: "patches"]?.asObject?.summaryDescription, "<BarContainer object of 3 artists>")
        // Three bars of C0, each as tall as its count: measure each bar's column of blue pixels.
        let blue = pixels(in: image, near: (0x1f, 0x77, 0xb4), tolerance: 10)
        let columns = Dictionary(grouping: blue, by: \.x).mapValues(\.count)
        let xs = columns.keys.sorted()
        let third = (xs.last! - xs.first!) / 3
        let heights = (0..<3).map { bar in columns[xs.first! + third * bar + third / 2] ?? 0 }
        XCTAssertEqual(Double(heights[1]) / Double(heights[0]), 2, accuracy: 0.1, "\(heights)")
        XCTAssertEqual(Double(heights[2]) / Double(heights[0]), 4, accuracy: 0.1, "\(heights)")
        let gp = try script("plot.gp")
        XCTAssertTrue(gp.contains("with boxes fs solid 1.0 border lc rgb '#000000' lc rgb '#1f77b4'"), gp)
        XCTAssertTrue(gp.contains("set yrange [0.0:*]"), gp)
    }

    func testScatterDrawsSizedColouredMarkers() throws {
        let image = try draw("""
            plt.scatter([1, 2], [1, 2], c=['red', 'lime'], s=[100, 900], marker='s')
            plt.scatter([1.5], [1.5], c=[0.0], s=400, cmap='viridis', label='purple')
            plt.xlim(0, 3)
            plt.ylim(0, 3)
            plt.savefig('OUT/plot.png')
            """)
        let red = pixels(in: image, near: (255, 0, 0), tolerance: 10), green = pixels(in: image, near: (0, 255, 0), tolerance: 10)
        XCTAssertGreaterThan(red.count, 20)
        XCTAssertEqual(Double(green.count) / Double(red.count), 9, accuracy: 3, "s is the marker's area")
        XCTAssertGreaterThan(centre(green).x, centre(red).x)
        XCTAssertLessThan(centre(green).y, centre(red).y, "y grows upwards")
        XCTAssertGreaterThan(pixels(in: image, near: (0x44, 0x01, 0x54), tolerance: 5).count, 20, "c through viridis")
        let gp = try script("plot.gp")
        XCTAssertTrue(gp.contains("using 1:2:3:4 with points pt 5 ps variable lc rgb variable"), gp)
        XCTAssertTrue(gp.contains("set xrange [0.0:3.0]") && gp.contains("set yrange [0.0:3.0]"), gp)
    }

    func testSavefigAddsPNGAndLegendWithoutLabelsWarns() throws {
        let printed = try run("plt.plot([1, 2])\nplt.legend()\nplt.savefig('\(path("noext"))')")
        XCTAssertTrue(printed.contains("warning: No artists with labels found to put in legend"), printed)
        XCTAssertTrue(printed.contains("saved plot to \(path("noext.png"))"), printed)
        XCTAssertNotNil(try? ImageDecoder.decode(path: path("noext.png")))
    }

    func testFigureSizeDpiAndSavefigDpi() throws {
        var image = try draw("plt.figure(figsize=(3, 2))\nplt.plot([1, 2])\nplt.savefig('OUT/plot.png')")
        XCTAssertEqual([image.width, image.height], [300, 200])
        image = try draw("plt.figure(figsize=(3, 2), dpi=50)\nplt.plot([1, 2])\nplt.savefig('OUT/plot.png', dpi=200)")
        XCTAssertEqual([image.width, image.height], [600, 400])
        XCTAssertTrue(try script("plot.gp").contains("fontscale 2.0 linewidth 2.0"))
        image = try draw("plt.plot([1, 2])\nplt.savefig('OUT/plot.png')")
        XCTAssertEqual([image.width, image.height], [640, 480], "matplotlib's 6.4x4.8 inches at 100 dpi")
    }

    func testLegendLimitsTicksGridAndAxisInTheScript() throws {
        try run("""
            plt.plot([0, 1, 2], [0, 1, 4], label='squares')
            plt.plot([0, 1, 2], [4, 1, 0])
            plt.legend(loc='upper left')
            plt.xlim(-1, 3)
            plt.ylim(bottom=0)
            plt.xticks([0, 1, 2], ['a', 'b', 'c'], rotation=30)
            plt.yticks([])
            plt.grid(axis='y', color='0.8', linestyle='--')
            plt.savefig('\(path("plot.png"))')
            plt.legend(['first', 'second'], loc=4, frameon=False)
            plt.axis('off')
            plt.savefig('\(path("second.png"))')
            """)
        let first = try script("plot.gp"), second = try script("second.gp")
        for expected in ["set key top left reverse Left box", "set xrange [-1.0:3.0]", "set yrange [0.0:*]",
                         "set xtics ('a' 0.0, 'b' 1.0, 'c' 2.0) rotate by 30.0 right", "unset ytics",
                         "set grid noxtics ytics back lt 1 lc rgb '#cccccc' lw 0.8 dt (7,4)", "title 'squares'", "notitle"] {
            XCTAssertTrue(first.contains(expected), "script lacks \(expected):\n\(first)")
        }
        for expected in ["set key bottom right reverse Left nobox", "title 'first'", "title 'second'", "unset border"] {
            XCTAssertTrue(second.contains(expected), "script lacks \(expected):\n\(second)")
        }
        try run("plt.plot([1, 2], label=0.001)\nplt.legend()\nplt.savefig('\(path("number.png"))')")
        XCTAssertTrue(try script("number.gp").contains("title '0.001'"))
        let limits = try run("plt.plot([0, 10], [0, 1])\nprint(plt.xlim())\nprint(plt.axis([1, 2, 3, 4]))")
        XCTAssertEqual(limits, "(-0.5, 10.5)\n(1.0, 2.0, 3.0, 4.0)\n")
    }

    func testFiguresCloseClearAndComeBack() throws {
        let session = Session(output: { _ in })
        try run("""
            f1 = plt.figure()
            plt.plot([1, 2])
            f2 = plt.figure(5)
            number = f2.number
            again = plt.figure(5)
            plt.close(f1)
            """, session: session)
        XCTAssertEqual(session.plots.figures.count, 1)
        XCTAssertEqual(session.interpreter[variable: "number"], .int(5))
        try run("plt.figure(5)\nplt.plot([3, 4])\nplt.clf()", session: session)
        XCTAssertTrue(session.plots.current.isEmpty)
        try run("plt.close('all')", session: session)
        XCTAssertTrue(session.plots.figures.isEmpty)
        try run("plt.plot([1])\nplt.figure()\nplt.close()\nplt.close(1)", session: session)
        XCTAssertTrue(session.plots.figures.isEmpty)
        XCTAssertTrue(failure("plt.plot([1])\nplt.clf()\nplt.savefig('\(path("x.png"))')").contains("nothing to draw"))
    }

    func testFigureAndAxesMethods() throws {
        let session = Session(output: { _ in })
        let image = try draw("""
            fig = plt.figure(figsize=(4, 4))
            ax = fig.add_subplot(211)
            ax.plot([0, 1], [0, 1], 'r', lw=3)
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1)
            ax.set_xticks([0, 0.5, 1])
            ax.legend(['diagonal'])
            ax2 = fig.add_subplot(2, 1, 2)
            ax2.imshow([[0, 255]], cmap='Greys')
            ax2.axis('off')
            count = len(fig.axes)
            current = plt.gca()
            fig.savefig('OUT/plot.png')
            """, session: session)
        XCTAssertEqual(session.interpreter[variable: "count"], .int(2))
        let red = pixels(in: image, near: (255, 0, 0), tolerance: 30)
        XCTAssertTrue(!red.isEmpty && red.allSatisfy { $0.y < 200 }, "add_subplot(211) is the top half")
        XCTAssertGreaterThan(pixels(in: image, near: (0, 0, 0), tolerance: 5).filter { $0.y > 200 }.count, 500)
        let gp = try script("plot.gp")
        for expected in ["set xtics (0.0, 0.5, 1.0)", "set xrange [0.0:1.0]", "set yrange [0.0:1.0]", "title 'diagonal'",
                         "set origin 0.0,0.5", "set origin 0.0,0.0", "unset border"] {
            XCTAssertTrue(gp.contains(expected), "script lacks \(expected):\n\(gp)")
        }
    }

    func testTheBooksAugmentationLoopWritesOneFigureEach() throws {
        let session = Session(output: { _ in })
        let before = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(directory.path)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(before) }
        try run("""
            i = 0
            for level in [0.0, 0.5, 1.0]:
                plt.figure(i)
                imgplot = plt.imshow([[[level, level, level]]])
                i += 1
            plt.show()
            """, session: session)
        for number in 0..<3 { XCTAssertNotNil(try? ImageDecoder.decode(path: path("figure_\(number).png")), "figure_\(number)") }
    }

    func testUnsupportedCallsAndStylesSaySo() {
        let cases: [(String, String)] = [
            ("plt.plot([1, 2], color='blu')", "unsupported colour 'blu'"),
            ("plt.plot([1, 2], 'rz')", "unrecognized character 'z' in format string \"rz\""),
            ("plt.plot([1, 2], marker='Q')", "unsupported marker 'Q'"),
            ("plt.plot([1, 2], linestyle='wavy')", "unsupported linestyle 'wavy'"),
            ("plt.imshow([[1, 2]], cmap='rainbow')", "unsupported colormap 'rainbow'"),
            ("plt.legend(loc='top')", "unsupported legend location 'top'"),
            ("plt.legend(loc=(0.5, 0.5))", "positions such as (x, y) are not supported"),
            ("plt.bar([1, 2], [3, 4])", "plt.bar() is not supported by tl"),
            ("fig, ax = plt.subplots()\nax.bar([1], [2])", "'Axes' object has no attribute 'bar' in tl"),
            ("fig = plt.figure()\nfig.colorbar()", "'Figure' object has no attribute 'colorbar' in tl"),
            ("plt.subplot(2, 2, 5)", "num must be 1 <= num <= 4, not 5"),
            ("plt.subplots(2, 2, sharex=True)", "unknown argument 'sharex'"),
            ("plt.axis('square')", "axis('square') is not supported"),
            ("plt.imshow([[[1, 2]]])", "invalid shape (1, 1, 2)"),
            ("plt.plot([1, 2], [1])", "x and y must have the same length"),
            ("plt.hist([1, 2], bins='auto')", "bins='auto' is not supported"),
            ("plt.plot([1])\nplt.savefig('figure.pdf')", "tl saves figures as PNG only, not '.pdf': name the file figure.png"),
        ]
        for (source, message) in cases {
            let error = failure(source)
            XCTAssertTrue(error.contains(message), "\(source): \(error)")
        }
    }

    func testHelpPrintsTheNewEntries() throws {
        let out = try run("help('subplots')\nhelp('imshow')")
        XCTAssertTrue(out.contains("squeeze=False"), out)
        XCTAssertTrue(out.contains("cmap='gray'"), out)
    }
}

extension PlotCommandTests {
    func testFontSizesLogScalesAndAxesSet() throws {
        try run("""
            fig, ax = plt.subplots()
            ax.plot([1, 2, 3], [1, 10, 100], label='growth')
            ax.set(title='Growth', xlabel='step', ylabel='value', xlim=(0, 4), yscale='log')
            ax.legend(fontsize='small')
            plt.xticks([1, 2, 3], fontsize=8)
            plt.title('Growth', fontsize=16)
            plt.ylabel('value', fontsize='x-large')
            fig.suptitle('All', fontsize=18)
            fig.savefig('\(path("plot.png"))')
            """)
        let gp = try script("plot.gp")
        for expected in ["set title 'Growth' font ',16'", "set xlabel 'step'\n", "set ylabel 'value' font ',14.4'",
                         "set logscale y", "set xrange [0.0:4.0]", "set xtics (1.0, 2.0, 3.0) font ',8'",
                         "spacing 1.2 font ',8.3'", "set multiplot title 'All' font ',18'"] {
            XCTAssertTrue(gp.contains(expected), "script lacks \(expected):\n\(gp)")
        }
        XCTAssertFalse(gp.contains("set logscale x"))
        XCTAssertNotNil(try? ImageDecoder.decode(path: path("plot.png")))
        XCTAssertTrue(failure("plt.yscale('symlog')").contains("yscale('symlog') is not supported"))
        XCTAssertTrue(failure("plt.title('x', fontsize='huge')").contains("'xx-large'"))
    }
}

extension PlotCommandTests {
    func testAxisOffOnAndClearingAxes() throws {
        let session = Session(output: { _ in })
        try run("""
            fig, ax = plt.subplots()
            ax.plot([1, 2])
            ax.set_axis_off()
            fig.savefig('\(path("off.png"))')
            ax.set_axis_on()
            fig.savefig('\(path("on.png"))')
            ax.cla()
            """, session: session)
        XCTAssertTrue(try script("off.gp").contains("unset border"))
        XCTAssertTrue(try script("on.gp").contains("set border 15"))
        XCTAssertTrue(session.plots.current.isEmpty, "cla() removes what was drawn")
    }
}
