import Foundation
import XCTest
@testable import TLData

/// BMP, GIF and PNG colour layouts decode to the RGB TensorFlow gives (Pillow's for the paletted BMPs
/// TensorFlow refuses), from Fixtures/KerasImageFormatFixtures.swift (scripts/make_image_format_fixtures.py).
final class ImageFormatTests: XCTestCase {
    func testEveryFixtureDecodesToKerasPixels() throws {
        for (name, bytes, width, height, expected) in KerasImageFormatFixtures.files {
            let image = try ImageDecoder.decode(data: Data(bytes), name: name)
            XCTAssertEqual(image.width, width, name)
            XCTAssertEqual(image.height, height, name)
            XCTAssertEqual(image.pixels, expected, name)
        }
    }

    func testDamagedBMPAndGIFAndUnknownFormatsNameTheFile() {
        let bmp = KerasImageFormatFixtures.files.first { $0.0 == "bmp24" }!.1
        let gif = KerasImageFormatFixtures.files.first { $0.0 == "gifPlain" }!.1
        for (name, bytes) in [("cut.bmp", Array(bmp.prefix(80))), ("cut.gif", Array(gif.prefix(30))), ("photo.tiff", [0x49, 0x49, 0x2A, 0, 8, 0, 0, 0])] {
            XCTAssertThrowsError(try ImageDecoder.decode(data: Data(bytes), name: name)) { error in
                XCTAssertTrue("\(error)".contains(name), "\(error)")
            }
        }
    }

    /// A class folder holding a BMP, a GIF and a grayscale PNG beside JPEGs loads as one data set.
    func testMixedFormatsLoadInAClassFolder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tl-formats-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for label in ["a", "b"] { try FileManager.default.createDirectory(at: root.appendingPathComponent(label), withIntermediateDirectories: true) }
        let files = Dictionary(uniqueKeysWithValues: KerasImageFormatFixtures.files.map { ($0.0, $0.1) })
        try Data(files["bmp24"]!).write(to: root.appendingPathComponent("a/one.bmp"))
        try Data(files["gifAnimated"]!).write(to: root.appendingPathComponent("a/two.gif"))
        try Data(files["pngGray"]!).write(to: root.appendingPathComponent("b/three.png"))
        try Data(files["bmp8"]!).write(to: root.appendingPathComponent("b/four.BMP"))
        let index = try ImageDatasetIndex(directory: root.path, classNames: nil, shuffle: false, seed: 0)
        XCTAssertEqual(index.paths.map { URL(fileURLWithPath: $0).lastPathComponent }, ["one.bmp", "two.gif", "four.BMP", "three.png"])
        let dataset = try ImageDataset(index: index, imageSize: (7, 5), batchSize: 4, labelMode: .int, shuffleSeed: nil)
        let batch = try dataset.batch([0, 1, 2, 3])
        XCTAssertEqual(batch.images.shape, [4, 7, 5, 3])
        XCTAssertEqual(Array(batch.images.scalars.prefix(3)), KerasImageFormatFixtures.files[0].4.prefix(3).map(Float.init))
        XCTAssertEqual(batch.labels?.scalars, [0, 0, 1, 1])
    }
}
