import TLData
import XCTest

/// Pillow's resize arithmetic on images small enough to compute by hand.
final class ResizeTests: XCTestCase {
    private func ramp(_ width: Int) -> RGBImage {
        RGBImage(width: width, height: 1, pixels: (0..<width).flatMap { [UInt8($0), UInt8($0), UInt8($0)] })
    }

    private func reds(_ image: RGBImage) -> [Int] { stride(from: 0, to: image.pixels.count, by: 3).map { Int(image.pixels[$0]) } }

    func testNearestAccumulatesThePositionAsPillowDoes() throws {
        // 128 -> 150: s = 128/150. Column 37: floor(37.5 s) = floor(32.0) = 32, but Pillow's running sum
        // s/2 + 37 s lands just below 32, so it reads column 31.
        let out = reds(try resize(ramp(128), width: 150, height: 1, interpolation: .nearest))
        XCTAssertEqual(out[36], 31)
        XCTAssertEqual(out[37], 31)
        XCTAssertEqual(out[38], 32)
        XCTAssertEqual(out[0], 0)
        XCTAssertEqual(out[149], 127)
    }

    func testBilinearUpscaleInFixedPoint() throws {
        // [0, 255] -> 4 pixels: centres 0.25, 0.75, 1.25, 1.75; weights (1), (0.75, 0.25), (0.25, 0.75), (1);
        // 255 * 0.25 = 63.75 -> 64 and 255 * 0.75 = 191.25 -> 191 after 22-bit rounding.
        let image = RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 255, 255, 255])
        XCTAssertEqual(reds(try resize(image, width: 4, height: 1, interpolation: .bilinear)), [0, 64, 191, 255])
    }

    func testBicubicOvershootIsClipped() throws {
        // Keys a = -0.5 at distances 0.25/0.75/1.25/1.75 gives weights whose clipped result is 0, 53, 202, 255.
        let image = RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 255, 255, 255])
        XCTAssertEqual(reds(try resize(image, width: 4, height: 1, interpolation: .bicubic)), [0, 53, 202, 255])
    }

    func testShrinkingWithBilinearAveragesAndBoxIsAnAreaMean() throws {
        // 4 -> 2 with box: each output is the mean of two inputs, rounded half up: (0+1)/2 = 0.5 -> 1,
        // (2+3)/2 = 2.5 -> 3. Bilinear at scale 2 has support 2: weights 1/8, 3/8, 3/8, 1/8 around centre 1
        // (clipped to the image): (0*3 + 1*3 + 2*1)/7 = 5/7 -> 1 and (1*1 + 2*3 + 3*3)/7 = 16/7 -> 2.
        let image = ramp(4)
        XCTAssertEqual(reds(try resize(image, width: 2, height: 1, interpolation: .box)), [1, 3])
        XCTAssertEqual(reds(try resize(image, width: 2, height: 1, interpolation: .bilinear)), [1, 2])
    }

    func testSameSizeIsUnchangedAndBadSizesThrow() throws {
        let image = ramp(5)
        XCTAssertEqual(try resize(image, width: 5, height: 1, interpolation: .lanczos), image)
        XCTAssertThrowsError(try resize(image, width: 0, height: 1, interpolation: .nearest))
        XCTAssertThrowsError(try Interpolation(kerasName: "cubic")) { error in
            XCTAssertTrue("\(error)".contains("\"bilinear\""))
        }
        XCTAssertEqual(try Interpolation(kerasName: "BILINEAR"), .bilinear)
    }
}
