import TLData
import TLTestSupport
import XCTest

/// Decoding and resizing compared with what Keras's load_img (Pillow + libjpeg-turbo) produced.
final class GoldenImageTests: XCTestCase {
    private func floats(_ image: RGBImage, scale: Float = 1) -> [Float] { image.pixels.map { Float($0) * scale } }

    func testFourPhotosNearest150MatchKeras() throws {
        let golden = Golden.array("vgg16_input")
        let files = Golden.entry("vgg16_input")["files"] as! [String]
        var values = [Float]()
        for file in files {
            let image = try loadImage(path: SharedFiles.data.appendingPathComponent(file).path,
                                      targetSize: (height: 150, width: 150), interpolation: "nearest")
            XCTAssertEqual(image.width, 150)
            XCTAssertEqual(image.height, 150)
            values += floats(image, scale: 1 / 255)
        }
        XCTAssertEqual(golden.shape, [4, 150, 150, 3])
        // Same decoder settings and Pillow's nearest arithmetic: equal to float rounding of x/255.
        XCTAssertLessThanOrEqual(Golden.maxAbsError(values, golden.values), 1e-6)
    }

    func testBilinear224x180MatchesKeras() throws {
        let golden = Golden.array("vgg16_input_224x180_bilinear")
        let file = (Golden.entry("vgg16_input_224x180_bilinear")["files"] as! [String])[0]
        let image = try loadImage(path: SharedFiles.data.appendingPathComponent(file).path,
                                  targetSize: (height: 224, width: 180), interpolation: "bilinear")
        XCTAssertEqual([1, image.height, image.width, 3], golden.shape)
        XCTAssertLessThanOrEqual(Golden.maxAbsError(floats(image, scale: 1 / 255), golden.values), 1e-6)
    }

    func testLargePhotoShrinkMatchesPillow() throws {
        let path = SharedFiles.golden.appendingPathComponent("large_photo.png").path
        let original = try ImageDecoder.decode(path: path)
        XCTAssertEqual(original.width, 500)
        XCTAssertEqual(original.height, 375)
        for method in ["nearest", "bilinear"] {
            let golden = Golden.array("large_photo_150_\(method)")
            let image = try loadImage(path: path, targetSize: (height: 150, width: 150), interpolation: method)
            XCTAssertEqual(Golden.maxAbsError(floats(image), golden.values), 0, method)
        }
    }
}
