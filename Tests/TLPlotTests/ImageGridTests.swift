import XCTest
@testable import TLPlot

final class ImageGridTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = try makeTemporaryFolder()
        let created = folder
        addTeardownBlock { try? FileManager.default.removeItem(atPath: created) }
    }

    /// A `width` x `height` image of one colour.
    private func solid(_ width: Int, _ height: Int, _ r: UInt8, _ g: UInt8, _ b: UInt8) -> GridImage {
        (width, height, Array([[UInt8]](repeating: [r, g, b], count: width * height).joined()))
    }

    func testGridOfThreeImagesInTwoColumns() throws {
        let images = [solid(8, 6, 255, 0, 0), solid(8, 6, 0, 255, 0), solid(4, 6, 0, 0, 255)]
        let png = folder + "/grid.png"
        try renderImageGrid(images: images, columns: 2, to: png, title: "Augmented")

        // Cells 8x6, gap 2: the grid is 2*8 + 3*2 = 22 by 2*6 + 3*2 = 18 image pixels, enlarged
        // floor(160 / 8) = 20 times, plus 32 pixels of title: 440 x 392.
        let header = try XCTUnwrap(PNGHeader(path: png))
        XCTAssertEqual(header.width, 440)
        XCTAssertEqual(header.height, 392)

        let pixels = try Data(contentsOf: URL(fileURLWithPath: folder + "/grid.rgb"))
        XCTAssertEqual(pixels.count, (8 * 6 + 8 * 6 + 4 * 6) * 3)
        XCTAssertEqual(Array(pixels.prefix(3)), [255, 0, 0])
        XCTAssertEqual(Array(pixels.suffix(3)), [0, 0, 255])

        let script = try String(contentsOfFile: folder + "/grid.gp", encoding: .utf8)
        XCTAssertTrue(script.contains("'Augmented'"))
        // Third image: second row (bottom), first column, centred: x = 2 + (8 - 4) / 2 = 4, y = 2.
        XCTAssertTrue(script.contains("skip=288 array=(4,6) flipy origin=(4,2)"), script)
        // First image: top row: y = 2 + (6 + 2) = 10.
        XCTAssertTrue(script.contains("skip=0 array=(8,6) flipy origin=(2,10)"), script)
    }

    func testMalformedImagesAreRejected() {
        XCTAssertThrowsError(try renderImageGrid(images: [(2, 2, [0, 0, 0])], columns: 1, to: folder + "/bad.png")) { error in
            XCTAssertEqual(error as? PlotError, .invalidImage(index: 0, reason: "a 2x2 RGB image needs 12 bytes, it has 3"))
        }
        XCTAssertThrowsError(try renderImageGrid(images: [], columns: 1, to: folder + "/none.png"))
        XCTAssertThrowsError(try renderImageGrid(images: [solid(1, 1, 0, 0, 0)], columns: 0, to: folder + "/zero.png"))
    }

    func testMissingGnuplotGivesClearError() {
        let noGnuplot = Gnuplot(environment: ["PATH": folder])
        XCTAssertThrowsError(try renderImageGrid(images: [solid(2, 2, 1, 2, 3)], columns: 1,
                                                 to: folder + "/g.png", gnuplot: noGnuplot)) { error in
            XCTAssertEqual(error as? PlotError, .gnuplotNotInstalled)
        }
    }
}
