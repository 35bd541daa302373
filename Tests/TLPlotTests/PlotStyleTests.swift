import XCTest
@testable import TLPlot

final class PlotStyleTests: XCTestCase {
    private let blue = PlotStyle.Color(red: 0, green: 0, blue: 255)

    func testBlueDotsDrawOnlyMarkers() throws {
        let style = try PlotStyle(format: "bo")
        XCTAssertEqual(style, PlotStyle(color: blue, marker: .circle, line: nil))
        XCTAssertFalse(style.drawsLine)
        XCTAssertNil(style.effectiveLine)
        XCTAssertEqual(style.gnuplotClause(color: blue), "with points lc rgb '#0000ff' pt 7 ps 0.9")
    }

    func testColourAloneDrawsSolidLine() throws {
        for format in ["b", "b-"] {
            let style = try PlotStyle(format: format)
            XCTAssertEqual(style.color, blue, format)
            XCTAssertNil(style.marker, format)
            XCTAssertEqual(style.effectiveLine, .solid, format)
            XCTAssertEqual(style.gnuplotClause(color: blue), "with lines lc rgb '#0000ff' lw 1.5 dt solid", format)
        }
    }

    func testTwoCharacterLineStylesAreNotSplit() throws {
        XCTAssertEqual(try PlotStyle(format: "r--"),
                       PlotStyle(color: PlotStyle.Color(red: 255, green: 0, blue: 0), line: .dashed))
        XCTAssertEqual(try PlotStyle(format: "-.k").line, .dashDot)
        XCTAssertEqual(try PlotStyle(format: ":").line, .dotted)
    }

    func testMarkerWithLineDrawsBoth() throws {
        let style = try PlotStyle(format: "go-")
        XCTAssertEqual(style, PlotStyle(color: PlotStyle.Color(red: 0, green: 128, blue: 0), marker: .circle, line: .solid))
        XCTAssertEqual(style.gnuplotClause(color: style.color!),
                       "with linespoints lc rgb '#008000' lw 1.5 dt solid pt 7 ps 0.9")
    }

    func testOrderDoesNotMatter() throws {
        XCTAssertEqual(try PlotStyle(format: "o--r"), try PlotStyle(format: "r--o"))
        XCTAssertEqual(try PlotStyle(format: "^c"), PlotStyle(color: PlotStyle.Color(red: 0, green: 191, blue: 191), marker: .triangleUp))
        XCTAssertEqual(try PlotStyle(format: "x").marker, .cross)
        XCTAssertEqual(try PlotStyle(format: "+").marker, .plus)
        XCTAssertEqual(try PlotStyle(format: "s").marker, .square)
        XCTAssertEqual(try PlotStyle(format: ".").marker, .point)
    }

    func testEmptyFormatIsDefaultLine() throws {
        let style = try PlotStyle(format: "")
        XCTAssertEqual(style, PlotStyle())
        XCTAssertEqual(style.effectiveLine, .solid)
    }

    func testUnknownCharacterIsNamed() {
        XCTAssertThrowsError(try PlotStyle(format: "bq")) { error in
            XCTAssertEqual(error as? PlotError, .unrecognizedFormat(format: "bq", character: "q"))
            XCTAssertTrue("\(error)".contains("'q'"))
        }
    }

    func testTwoColoursAreRejected() {
        XCTAssertThrowsError(try PlotStyle(format: "br")) { error in
            XCTAssertEqual(error as? PlotError, .conflictingFormat(format: "br", what: "colour"))
        }
        XCTAssertThrowsError(try PlotStyle(format: "o^"))
        XCTAssertThrowsError(try PlotStyle(format: "--:"))
    }

    func testColourHex() {
        XCTAssertEqual(PlotStyle.Color(red: 0x1f, green: 0x77, blue: 0xb4).hex, "#1f77b4")
        XCTAssertEqual(PlotStyle.Color(red: 0, green: 10, blue: 255).hex, "#000aff")
    }

    func testSeriesWithoutColourFollowTheDefaultCycle() throws {
        let figure = Figure()
        try figure.plot(y: [1, 2], style: "o")
        try figure.plot(y: [1, 2], style: "r")
        try figure.plot(y: [1, 2])
        XCTAssertEqual(figure.resolvedColors().map(\.hex), ["#1f77b4", "#ff0000", "#ff7f0e"])
    }
}
