import TLData
import XCTest

/// Exact, hand-computed truths for the geometric part of Keras's augmentation.
final class AffineTransformTests: XCTestCase {
    /// A one-channel-looking RGB image: every channel of pixel (r, c) holds `value(r, c)`.
    private func image(height: Int, width: Int, _ value: (Int, Int) -> Float) -> FloatImage {
        var values: [Float] = []
        for r in 0..<height { for c in 0..<width { values += [value(r, c), value(r, c), value(r, c)] } }
        return FloatImage(height: height, width: width, values: values)
    }

    /// The red channel as rows.
    private func rows(_ image: FloatImage) -> [[Float]] {
        (0..<image.height).map { r in (0..<image.width).map { c in image.values[(r * image.width + c) * 3] } }
    }

    private func assertClose(_ actual: [[Float]], _ expected: [[Float]], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.map(\.count), expected.map(\.count), file: file, line: line)
        for (a, e) in zip(actual.joined(), expected.joined()) {
            XCTAssertEqual(a, e, accuracy: 1e-4, "\(actual) != \(expected)", file: file, line: line)
        }
    }

    private func transform(_ picture: FloatImage, _ parameters: AugmentationParameters,
                           fill: FillMode = .nearest, cval: Double = 0) throws -> FloatImage {
        try ImageAugmentation(fillMode: fill, cval: cval).apply(parameters, to: picture)
    }

    func testFlipsMirrorColumnsAndRows() throws {
        let picture = image(height: 2, width: 3) { r, c in Float(10 * r + c) }
        XCTAssertEqual(rows(try transform(picture, AugmentationParameters(flipHorizontal: true))), [[2, 1, 0], [12, 11, 10]])
        XCTAssertEqual(rows(try transform(picture, AugmentationParameters(flipVertical: true))), [[10, 11, 12], [0, 1, 2]])
        XCTAssertEqual(rows(try transform(picture, AugmentationParameters(flipHorizontal: true, flipVertical: true))),
                       [[12, 11, 10], [2, 1, 0]])
        // Channels stay in place: a horizontal flip moves whole pixels.
        let rgb = FloatImage(height: 1, width: 2, values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try transform(rgb, AugmentationParameters(flipHorizontal: true)).values, [4, 5, 6, 1, 2, 3])
    }

    /// θ = 90° on a 3x5 image. Keras centres with (h, w) in its x, y order and then swaps the axes, so the
    /// fixed point is (row (w-1)/2, column (h-1)/2) = (2, 1): output (r, c) reads input (c + 1, 3 - r).
    func testQuarterTurnOfANonSquareImageFollowsKerasCentre() throws {
        let picture = image(height: 3, width: 5) { r, c in Float(10 * (5 * r + c)) }
        // cos 90° is 6e-17 in Double, so sample positions are integers only to within 1e-15.
        let out = rows(try transform(picture, AugmentationParameters(theta: 90), fill: .constant, cval: -1))
        assertClose(out, [[80, 130, -1, -1, -1], [70, 120, -1, -1, -1], [60, 110, -1, -1, -1]])
        // On a square image the fixed point is the centre: output (r, c) reads input (c, n-1-r), a quarter
        // turn of the picture counter-clockwise.
        let square = image(height: 3, width: 3) { r, c in Float(3 * r + c) }
        assertClose(rows(try transform(square, AugmentationParameters(theta: 90))), [[2, 5, 8], [1, 4, 7], [0, 3, 6]])
    }

    /// Whole-pixel shifts move pixels without blending: `tx` (from height_shift_range) moves along the
    /// columns, `ty` (from width_shift_range) along the rows, as in Keras.
    func testIntegerShiftsMoveWholePixels() throws {
        let picture = image(height: 3, width: 4) { r, c in Float(10 * r + c) }
        XCTAssertEqual(rows(try transform(picture, AugmentationParameters(tx: 1), fill: .constant, cval: -1)),
                       [[1, 2, 3, -1], [11, 12, 13, -1], [21, 22, 23, -1]])
        XCTAssertEqual(rows(try transform(picture, AugmentationParameters(ty: -1), fill: .constant, cval: -1)),
                       [[-1, -1, -1, -1], [0, 1, 2, 3], [10, 11, 12, 13]])
        XCTAssertEqual(rows(try transform(picture, AugmentationParameters(tx: -2, ty: 1), fill: .nearest)),
                       [[10, 10, 10, 11], [20, 20, 20, 21], [20, 20, 20, 21]])
    }

    /// One row `a b c d` = 1 2 4 8 shifted by 2 and -2 columns, and by half a pixel, in each fill mode.
    func testEachFillModeOnASmallImage() throws {
        let picture = image(height: 2, width: 4) { _, c in Float(1 << c) }
        func firstRow(_ tx: Double, _ mode: FillMode) throws -> [Float] {
            rows(try transform(picture, AugmentationParameters(tx: tx), fill: mode, cval: -5))[0]
        }
        // Output column j reads input column j + tx.
        XCTAssertEqual(try firstRow(2, .nearest), [4, 8, 8, 8])
        XCTAssertEqual(try firstRow(2, .constant), [4, 8, -5, -5])
        XCTAssertEqual(try firstRow(2, .reflect), [4, 8, 8, 4])   // d c b a | a b c d | d c b a
        XCTAssertEqual(try firstRow(2, .wrap), [4, 8, 2, 4])      // period n-1 = 3: 4 -> 1, 5 -> 2
        XCTAssertEqual(try firstRow(-2, .nearest), [1, 1, 1, 2])
        XCTAssertEqual(try firstRow(-2, .constant), [-5, -5, 1, 2])
        XCTAssertEqual(try firstRow(-2, .reflect), [2, 1, 1, 2])
        XCTAssertEqual(try firstRow(-2, .wrap), [2, 4, 1, 2])     // -2 -> 1, -1 -> 2
        // Linear between samples; in constant mode any coordinate past the last column gives cval.
        XCTAssertEqual(try firstRow(0.5, .nearest), [1.5, 3, 6, 8])
        XCTAssertEqual(try firstRow(0.5, .constant), [1.5, 3, 6, -5])
        XCTAssertEqual(try firstRow(0.5, .reflect), [1.5, 3, 6, 8])
        XCTAssertEqual(try firstRow(0.5, .wrap), [1.5, 3, 6, 1.5])
    }

    func testZoomOfOneAndZeroRangesLeaveTheImageAlone() throws {
        let picture = image(height: 4, width: 6) { r, c in Float(r * 31 + c * 7) + 0.25 }
        XCTAssertNil(AffineTransformMatrix(parameters: AugmentationParameters(zx: 1, zy: 1), height: 4, width: 6))
        let still = try ImageAugmentation(rotationRange: 0, widthShiftRange: .uniform(0), heightShiftRange: .integer(0),
                                          shearRange: 0, zoom: 0, channelShiftRange: 0)
        let pair = try ImageAugmentation(zoomRange: (1, 1))
        var random = MersenneTwister(seed: 3)
        for _ in 0..<20 {
            XCTAssertEqual(still.randomTransform(picture, random: &random), picture)
            XCTAssertEqual(pair.randomTransform(picture, random: &random), picture)
        }
        // Zero ranges draw only the two flip numbers, as Keras does.
        var drawn = MersenneTwister(seed: 9), reference = MersenneTwister(seed: 9)
        _ = still.randomParameters(height: 4, width: 6, random: &drawn)
        _ = reference.nextDouble(); _ = reference.nextDouble()
        XCTAssertEqual(drawn.nextUInt32(), reference.nextUInt32())
    }

    /// Zooming by 2 about the centre of a square image reads every other pixel around the middle one.
    func testZoomScalesAboutTheCentre() throws {
        let picture = image(height: 5, width: 5) { r, c in Float(10 * r + c) }
        let out = rows(try transform(picture, AugmentationParameters(zx: 2, zy: 2), fill: .constant, cval: -1))
        // Output (r, c) reads (2 + 2(r - 2), 2 + 2(c - 2)).
        XCTAssertEqual(out[2], [-1, 20, 22, 24, -1])
        XCTAssertEqual(out[1], [-1, 0, 2, 4, -1])
        XCTAssertEqual(out[0], [-1, -1, -1, -1, -1])
    }
}
