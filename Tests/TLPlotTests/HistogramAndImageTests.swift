import XCTest
@testable import TLPlot

/// `plt.hist`'s bins (numpy.histogram's rules) and `imshow`'s conversion of arrays to pixels.
final class HistogramAndImageTests: XCTestCase {
    func testEqualWidthBinsAsNumpy() throws {
        // numpy.histogram([1, 2, 2, 3, 3, 3, 4, 4, 5], bins=5)
        let histogram = try Histogram(values: [1, 2, 2, 3, 3, 3, 4, 4, 5], bins: .count(5))
        XCTAssertEqual(histogram.counts, [1, 2, 3, 2, 1])
        for (edge, expected) in zip(histogram.edges, [1, 1.8, 2.6, 3.4, 4.2, 5]) { XCTAssertEqual(edge, expected, accuracy: 1e-12) }
        XCTAssertEqual(histogram.widths.count, 5)
        XCTAssertEqual(histogram.centres[0], 1.4, accuracy: 1e-12)
    }

    func testExplicitEdgesRangeDensityAndConstantData() throws {
        // numpy.histogram([0.5, 1, 2.5, 7], bins=[0, 1, 2, 3]) -> [1, 1, 1]: 7 is outside, 1 opens the second bin.
        XCTAssertEqual(try Histogram(values: [0.5, 1, 2.5, 7], bins: .edges([0, 1, 2, 3])).counts, [1, 1, 1])
        // The last bin is closed: 3 counts.
        XCTAssertEqual(try Histogram(values: [3, 3], bins: .edges([0, 1, 2, 3])).counts, [0, 0, 2])
        // numpy.histogram([1, 2, 3], bins=2, range=(0, 4)) -> [1, 2]
        XCTAssertEqual(try Histogram(values: [1, 2, 3], bins: .count(2), range: (0, 4)).counts, [1, 2])
        // density: counts / (total * width) -> [1/3, 2/3] / 2
        let density = try Histogram(values: [1, 2, 3], bins: .count(2), range: (0, 4), density: true)
        XCTAssertEqual(density.counts[0], 1.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(density.counts[1], 2.0 / 6, accuracy: 1e-12)
        // numpy widens an empty span: histogram([3, 3, 3], bins=2) -> [0, 3], edges [2.5, 3, 3.5]
        let constant = try Histogram(values: [3, 3, 3], bins: .count(2))
        XCTAssertEqual(constant.counts, [0, 3])
        XCTAssertEqual(constant.edges, [2.5, 3, 3.5])
        XCTAssertThrowsError(try Histogram(values: [1], bins: .count(0)))
        XCTAssertThrowsError(try Histogram(values: [1], bins: .edges([2, 1])))
    }

    func testRGBFloatsAndIntegersGiveTheSameBytes() throws {
        let floats = try PlotImage(values: [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1], shape: [2, 2, 3], integerValued: false)
        let integers = try PlotImage(values: [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255], shape: [2, 2, 3], integerValued: true)
        XCTAssertEqual(floats.rgb, [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])
        XCTAssertEqual(integers.rgb, floats.rgb)
        XCTAssertFalse(floats.wasClipped)
        XCTAssertEqual(floats.width, 2)
        // matplotlib truncates: 0.5 * 255 = 127.5 -> 127.
        XCTAssertEqual(try PlotImage(values: [0.5, 0.5, 0.5], shape: [1, 1, 3], integerValued: false).rgb, [127, 127, 127])
    }

    func testOutOfRangeRGBIsClippedAndFlagged() throws {
        let image = try PlotImage(values: [255, 128, -3], shape: [1, 1, 3], integerValued: false)
        XCTAssertEqual(image.rgb, [255, 255, 0])
        XCTAssertTrue(image.wasClipped)
    }

    func testGrayscaleGoesThroughTheColormapFromMinimumToMaximum() throws {
        let gray = try PlotImage(values: [0, 1, 2, 3], shape: [2, 2], integerValued: true, colormap: Colormap(named: "gray"))
        XCTAssertEqual(gray.rgb, [0, 0, 0, 85, 85, 85, 170, 170, 170, 255, 255, 255])
        let fixed = try PlotImage(values: [0, 10], shape: [1, 2], integerValued: false, colormap: Colormap(named: "gray"),
                                  vmin: 0, vmax: 20)
        XCTAssertEqual(fixed.rgb, [0, 0, 0, 128, 128, 128])
        let viridis = try PlotImage(values: [0, 1], shape: [1, 2], integerValued: false)
        XCTAssertEqual(viridis.rgb, [0x44, 0x01, 0x54, 0xfd, 0xe7, 0x25])
    }

    func testAlphaBlendsOverWhiteAndBadShapesAreRefused() throws {
        let half = try PlotImage(values: [0, 0, 0, 0.5], shape: [1, 1, 4], integerValued: false)
        XCTAssertEqual(half.rgb, [128, 128, 128])
        XCTAssertThrowsError(try PlotImage(values: [1, 2], shape: [1, 1, 2], integerValued: false)) { error in
            XCTAssertTrue("\(error)".contains("invalid shape (1, 1, 2)"), "\(error)")
        }
        XCTAssertThrowsError(try PlotImage(values: [1], shape: [1, 1, 1], integerValued: false)) { error in
            XCTAssertTrue("\(error)".contains("x[:, :, 0]"), "\(error)")
        }
        XCTAssertThrowsError(try PlotImage(values: [1, 2, 3], shape: [2, 2], integerValued: false))
    }
}
