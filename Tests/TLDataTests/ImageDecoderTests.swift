import Foundation
import TLData
import TLTestSupport
import XCTest

/// Colour conversions (Pillow's convert("RGB") rules, hand-computed) and every way a file can be bad.
final class ImageDecoderTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder.remove() }

    private func decode(_ name: String, _ data: Data) throws -> RGBImage {
        try folder.write(name, data)
        return try ImageDecoder.decode(path: folder.path + "/" + name)
    }

    private func decodeError(_ name: String, _ data: Data) -> ImageError? {
        do { _ = try decode(name, data); return nil } catch { return error as? ImageError }
    }

    func testPalettePNGWithTransparencyExpandsToRGB() throws {
        // 2-bit indices 2, 0, 1 packed MSB first: 10 00 01 00. Entry 0 is fully transparent; RGB ignores it.
        let png = PNGWriter.encode(width: 3, height: 1, bitDepth: 2, colorType: .palette, rows: [[0b1000_0100]],
                                   palette: [(10, 20, 30), (40, 50, 60), (70, 80, 90)], transparency: [0])
        let image = try decode("palette.png", png)
        XCTAssertEqual(image.pixels, [70, 80, 90, 10, 20, 30, 40, 50, 60])
    }

    func testSixteenBitGrayIsClippedAsPillowDoes() throws {
        // Pillow reads it as I;16 and converts to RGB by clipping at 255 (not by keeping the high byte).
        let samples: [UInt16] = [0x0000, 0x0080, 0x00FF, 0x0100, 0xFFFF]
        let row = samples.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        let image = try decode("g16.png", PNGWriter.encode(width: 5, height: 1, bitDepth: 16, colorType: .gray, rows: [row]))
        XCTAssertEqual(image.pixels, [0, 0, 0, 128, 128, 128, 255, 255, 255, 255, 255, 255, 255, 255, 255])
    }

    func testSixteenBitColourKeepsHighByteAndDropsAlpha() throws {
        let rgb: [UInt8] = [0x12, 0x34, 0xAB, 0xCD, 0x00, 0xFF]
        XCTAssertEqual(try decode("rgb16.png", PNGWriter.encode(width: 1, height: 1, bitDepth: 16, colorType: .rgb,
                                                                rows: [rgb])).pixels, [0x12, 0xAB, 0x00])
        let rgba: [UInt8] = [0xFE, 0x01, 0x80, 0x80, 0x01, 0x02, 0x00, 0x00]
        XCTAssertEqual(try decode("rgba16.png", PNGWriter.encode(width: 1, height: 1, bitDepth: 16, colorType: .rgba,
                                                                 rows: [rgba])).pixels, [0xFE, 0x80, 0x01])
        let grayAlpha: [UInt8] = [0x9A, 0xBC, 0x00, 0x00]
        XCTAssertEqual(try decode("la16.png", PNGWriter.encode(width: 1, height: 1, bitDepth: 16, colorType: .grayAlpha,
                                                               rows: [grayAlpha])).pixels, [0x9A, 0x9A, 0x9A])
    }

    func testLowBitGrayAndGrayAlphaReplicate() throws {
        // 1-bit gray 1, 0 -> 255, 0; 8-bit gray+alpha (77, alpha 0) -> 77 in all three channels.
        XCTAssertEqual(try decode("bw.png", PNGWriter.encode(width: 2, height: 1, bitDepth: 1, colorType: .gray,
                                                             rows: [[0b1000_0000]])).pixels, [255, 255, 255, 0, 0, 0])
        XCTAssertEqual(try decode("la.png", PNGWriter.encode(width: 1, height: 1, bitDepth: 8, colorType: .grayAlpha,
                                                             rows: [[77, 0]])).pixels, [77, 77, 77])
    }

    func testFormatIsSniffedNotTakenFromTheName() throws {
        let png = PNGWriter.solid(width: 2, height: 3, color: (1, 2, 3))
        let image = try decode("actually_png.jpg", png)
        XCTAssertEqual(image.width, 2)
        XCTAssertEqual(image.height, 3)
        XCTAssertEqual(Array(image.pixels.prefix(3)), [1, 2, 3])
    }

    func testTextFileNamedJpgIsRejectedByName() {
        let error = decodeError("notes.jpg", Data("just some text\n".utf8))
        XCTAssertEqual(error, .unknownFormat(path: folder.path + "/notes.jpg"))
        XCTAssertTrue(error!.description.contains("notes.jpg is not a JPEG, PNG, BMP, GIF or TIFF image"))
    }

    func testEmptyAndMissingFiles() {
        XCTAssertEqual(decodeError("zero.jpg", Data()), .empty(path: folder.path + "/zero.jpg"))
        XCTAssertThrowsError(try ImageDecoder.decode(path: folder.path + "/absent.jpg")) { error in
            guard case .unreadable(let path, _)? = error as? ImageError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, self.folder.path + "/absent.jpg")
        }
    }

    func testTruncatedJPEGIsAnErrorNotGreyRows() throws {
        let jpeg = try Data(contentsOf: SharedFiles.data.appendingPathComponent("test/cats/cat.0.jpg"))
        let error = decodeError("half.jpg", jpeg.prefix(jpeg.count / 2))
        guard case .corrupt(let path, let format, let reason)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(path, folder.path + "/half.jpg")
        XCTAssertEqual(format, "JPEG")
        XCTAssertTrue(reason.lowercased().contains("premature end"), reason)
        // Only the SOI marker: the header itself is cut.
        XCTAssertNotNil(decodeError("soi.jpg", Data([0xFF, 0xD8, 0xFF])))
    }

    func testTruncatedPNGIsAnError() {
        let png = PNGWriter.solid(width: 20, height: 20, color: (9, 9, 9))
        guard case .corrupt(_, "PNG", _)? = decodeError("cut.png", png.prefix(png.count - 40)) else {
            return XCTFail("a truncated PNG must be reported as corrupt")
        }
    }

    func testHugeHeadersAreRefusedBeforeDecoding() throws {
        XCTAssertEqual(decodeError("huge.png", PNGWriter.headerOnly(width: 20_000, height: 20_000)),
                       .tooLarge(path: folder.path + "/huge.png", width: 20_000, height: 20_000,
                                 limit: ImageDecoder.maximumPixelCount))
        // A real JPEG whose SOF0 frame header is patched to 20000 x 20000.
        var jpeg = [UInt8](try Data(contentsOf: SharedFiles.data.appendingPathComponent("test/cats/cat.0.jpg")))
        let sof = try XCTUnwrap((0..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && (0xC0...0xC2).contains(jpeg[$0 + 1]) })
        jpeg.replaceSubrange((sof + 5)...(sof + 8), with: [0x4E, 0x20, 0x4E, 0x20])
        XCTAssertEqual(decodeError("huge.jpg", Data(jpeg)),
                       .tooLarge(path: folder.path + "/huge.jpg", width: 20_000, height: 20_000,
                                 limit: ImageDecoder.maximumPixelCount))
    }

    func testSharedPhotoDecodesToItsSize() throws {
        let image = try ImageDecoder.decode(path: SharedFiles.data.appendingPathComponent("train/dogs/dog.3.jpg").path)
        XCTAssertEqual(image.width, 128)
        XCTAssertEqual(image.height, 128)
        XCTAssertEqual(image.pixels.count, 128 * 128 * 3)
    }
}
