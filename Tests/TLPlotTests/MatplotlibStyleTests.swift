import XCTest
@testable import TLPlot

/// matplotlib's keyword spellings: colours, line styles, markers, colormaps, legend locations.
final class MatplotlibStyleTests: XCTestCase {
    func testColourSpellingsGiveMatplotlibsColours() throws {
        let expected: [(String, String)] = [
            ("red", "#ff0000"), ("Red", "#ff0000"), ("tab:orange", "#ff7f0e"), ("C3", "#d62728"), ("c9", "#17becf"),
            ("k", "#000000"), ("g", "#008000"), ("#abc", "#aabbcc"), ("#1F77B4", "#1f77b4"), ("0.5", "#808080"),
            ("darkgreen", "#006400"), ("skyblue", "#87ceeb"),
        ]
        for (spelling, hex) in expected {
            XCTAssertEqual(try PlotStyle.Color.parse(spelling).color.hex, hex, spelling)
            XCTAssertNil(try PlotStyle.Color.parse(spelling).alpha, spelling)
        }
        let translucent = try PlotStyle.Color.parse("#ff000080")
        XCTAssertEqual(translucent.color.hex, "#ff0000")
        XCTAssertEqual(try XCTUnwrap(translucent.alpha), 128.0 / 255, accuracy: 1e-9)
        XCTAssertEqual(try PlotStyle.Color.fromFractions([0, 0.5, 1]).color.hex, "#0080ff")
        XCTAssertEqual(try PlotStyle.Color.fromFractions([1, 0, 0, 0.25]).alpha, 0.25)
    }

    func testUnknownColourSaysWhatIsSupported() {
        for bad in ["blu", "#12345", "1.5", "C10"] {
            XCTAssertThrowsError(try PlotStyle.Color.parse(bad), bad) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix("unsupported colour '\(bad)'"), message)
                XCTAssertTrue(message.contains("'tab:blue'") && message.contains("'C0'"), message)
            }
        }
        XCTAssertThrowsError(try PlotStyle.Color.fromFractions([2, 0, 0]))
    }

    func testLineStyleAndMarkerKeywords() throws {
        let lines: [(String, PlotStyle.LineStyle)] = [
            ("-", .solid), ("solid", .solid), ("--", .dashed), ("dashed", .dashed), ("-.", .dashDot),
            ("dashdot", .dashDot), (":", .dotted), ("dotted", .dotted), ("None", .none), ("", .none),
        ]
        for (keyword, style) in lines { XCTAssertEqual(try PlotStyle.LineStyle(keyword: keyword), style, keyword) }
        XCTAssertThrowsError(try PlotStyle.LineStyle(keyword: "wavy")) { error in
            XCTAssertTrue("\(error)".contains("unsupported linestyle 'wavy'") && "\(error)".contains("'dashdot'"), "\(error)")
        }
        let markers: [(String, PlotStyle.Marker)] = [
            ("o", .circle), ("^", .triangleUp), ("s", .square), (".", .point), ("x", .cross), ("+", .plus),
            ("*", .star), ("v", .triangleDown), ("D", .diamond),
        ]
        for (keyword, marker) in markers { XCTAssertEqual(try PlotStyle.Marker.keyword(keyword), marker, keyword) }
        XCTAssertNil(try PlotStyle.Marker.keyword("None"))
        XCTAssertThrowsError(try PlotStyle.Marker.keyword("Q")) { error in
            XCTAssertTrue("\(error)".contains("unsupported marker 'Q'") && "\(error)".contains("'^'"), "\(error)")
        }
    }

    func testKeywordStyleReachesGnuplot() {
        let red = PlotStyle.Color(red: 255, green: 0, blue: 0)
        let style = PlotStyle(color: red, marker: .circle, line: .dashed, lineWidth: 3, markerSize: 10, alpha: 0.5)
        XCTAssertEqual(style.gnuplotClause(color: red), "with linespoints lc rgb '#80ff0000' lw 3.0 dt (7,4) pt 7 ps 1.5")
        let hidden = PlotStyle(marker: .square, line: PlotStyle.LineStyle.none)
        XCTAssertEqual(hidden.gnuplotClause(color: red), "with points lc rgb '#ff0000' pt 5 ps 0.9")
    }

    func testFormatStringsTakeCycleColours() throws {
        let style = try PlotStyle(format: "C1--")
        XCTAssertEqual(style.color, PlotStyle.defaultCycle[1])
        XCTAssertEqual(style.line, .dashed)
        XCTAssertEqual(try PlotStyle(format: "k:"), PlotStyle(color: PlotStyle.namedColors["k"], line: .dotted))
        XCTAssertEqual(try PlotStyle(format: "g^"), PlotStyle(color: PlotStyle.namedColors["g"], marker: .triangleUp))
    }

    func testColormapsPickMatplotlibsEntries() throws {
        let gray = try Colormap(named: "gray")
        XCTAssertEqual(gray.color(at: 0).hex, "#000000")
        XCTAssertEqual(gray.color(at: 1).hex, "#ffffff")
        XCTAssertEqual(gray.color(at: 0.5).hex, "#808080", "entry Int(0.5 * 256) = 128")
        XCTAssertEqual(try Colormap(named: "gray_r").color(at: 0).hex, "#ffffff")
        XCTAssertEqual(try Colormap(named: "grey").color(at: 0.25).hex, "#404040")
        let viridis = try Colormap(named: "viridis")
        XCTAssertEqual(viridis.color(at: 0).hex, "#440154")
        XCTAssertEqual(viridis.color(at: 1).hex, "#fde725")
        XCTAssertEqual(viridis.color(at: 0.5).hex, "#21918c")
        XCTAssertThrowsError(try Colormap(named: "rainbow")) { error in
            XCTAssertTrue("\(error)".contains("unsupported colormap 'rainbow'") && "\(error)".contains("'viridis'"), "\(error)")
        }
    }

    func testLegendLocationsByNameAndCode() throws {
        XCTAssertEqual(try LegendLocation(code: 0), .best)
        XCTAssertEqual(try LegendLocation(code: 2), .upperLeft)
        XCTAssertEqual(try LegendLocation(code: 10), .center)
        XCTAssertEqual(try LegendLocation(name: "lower right"), .lowerRight)
        let positions: [(LegendLocation, String)] = [
            (.upperRight, "top right"), (.upperLeft, "top left"), (.lowerLeft, "bottom left"), (.lowerRight, "bottom right"),
            (.right, "right center"), (.centerLeft, "left center"), (.centerRight, "right center"),
            (.lowerCenter, "bottom center"), (.upperCenter, "top center"), (.center, "center center"),
        ]
        for (location, gnuplot) in positions { XCTAssertEqual(location.gnuplotPosition(best: .lowerLeft), gnuplot) }
        XCTAssertEqual(LegendLocation.best.gnuplotPosition(best: .lowerLeft), "bottom left")
        XCTAssertThrowsError(try LegendLocation(code: 11))
        XCTAssertThrowsError(try LegendLocation(name: "top")) { error in
            XCTAssertTrue("\(error)".contains("'upper left' (2)"), "\(error)")
        }
    }
}
