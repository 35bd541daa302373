import TLData
import XCTest

/// Each named preprocessing function on two pixels, by hand.
final class PreprocessingFunctionTests: XCTestCase {
    private let pixels: [Float] = [10, 200, 255, 0, 127, 64]

    private func apply(_ function: PreprocessingFunction) -> [Float] {
        var image = FloatImage(height: 1, width: 2, values: pixels)
        function.apply(to: &image)
        return image.values
    }

    private func assertClose(_ actual: [Float], _ expected: [Float], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e, accuracy: 1e-4, "\(actual)", file: file, line: line) }
    }

    func testVGG16ReversesChannelsAndSubtractsTheImageNetMeans() {
        // (b - 103.939, g - 116.779, r - 123.68)
        assertClose(apply(.vgg16), [255 - 103.939, 200 - 116.779, 10 - 123.68, 64 - 103.939, 127 - 116.779, 0 - 123.68])
    }

    func testTFScalesToMinusOneOne() {
        assertClose(apply(.tf), [10 / 127.5 - 1, 200 / 127.5 - 1, 1, -1, 127 / 127.5 - 1, 64 / 127.5 - 1])
    }

    func testTorchNormalisesWithImageNetMeanAndStd() {
        let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
        let expected = pixels.enumerated().map { i, x in (x / 255 - mean[i % 3]) / std[i % 3] }
        assertClose(apply(.torch), expected)
        XCTAssertEqual(apply(.torch)[2], (1 - 0.406) / 0.225, accuracy: 1e-5)
    }

    func testEfficientNetLiteCentresOn127() {
        assertClose(apply(.efficientnetLite), [-117.0 / 128, 73.0 / 128, 1, -127.0 / 128, 0, -63.0 / 128])
    }

    func testNamesAndUnknownNames() throws {
        XCTAssertEqual(try PreprocessingFunction(name: "VGG16"), .vgg16)
        XCTAssertEqual(try PreprocessingFunction(name: "efficientnet_lite"), .efficientnetLite)
        XCTAssertThrowsError(try PreprocessingFunction(name: "resnet")) { error in
            XCTAssertEqual("\(error)", "unknown preprocessing_function \"resnet\": use one of \"vgg16\", \"tf\", \"torch\", \"efficientnet_lite\".")
        }
    }
}
