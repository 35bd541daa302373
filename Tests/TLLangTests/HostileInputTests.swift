import Foundation
import XCTest
import TLTestSupport
import TLFormats
import TLScript
@testable import TLLang

/// Hostile and unusual input, end to end through the language: every case ends in a clear message
/// naming the culprit (or loads, when the input is merely unusual), never a crash or a hang.
///
/// Each case prints a `| input | message |` row: docs/ROBUSTNESS.md's table is copied from these rows.
final class HostileInputTests: ScriptSessionTestCase {
    /// Runs `source`, expects it to fail with a message containing every one of `fragments`, and prints the row.
    func expectMessage(_ input: String, _ source: String, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        let message = failure(source, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(message.contains(fragment), "\(input): '\(fragment)' is not in: \(message)", file: file, line: line)
        }
        row(input, message)
    }

    func row(_ input: String, _ shown: String) {
        let cell = shown.replacingOccurrences(of: directory.path, with: "DIR").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "|", with: "\\|")
        print("| \(input) | \(cell.count > 400 ? String(cell.prefix(400)) + "..." : cell) |")
    }

    func write(_ data: Data, _ name: String) throws -> String {
        let file = path(name)
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: file))
        return file
    }

    var photo: Data {
        get throws { try Data(contentsOf: SharedFiles.packageRoot.appendingPathComponent("examples/data/cats_and_dogs_small/train/cats/cat.0.jpg")) }
    }

    // MARK: Images

    func testDamagedAndForeignImageFiles() throws {
        let jpeg = try photo
        let truncated = try write(jpeg.prefix(jpeg.count / 3), "truncated.jpg")
        expectMessage("truncated JPEG", "load_img(\"\(truncated)\")", [truncated, "damaged JPEG"])
        let empty = try write(Data(), "empty.jpg")
        expectMessage("zero-byte file", "load_img(\"\(empty)\")", [empty, "empty (0 bytes)"])
        let text = try write(Data("just some notes\n".utf8), "notes.jpg")
        expectMessage("text file named .jpg", "load_img(\"\(text)\")", [text, "not a JPEG, PNG, BMP, GIF or TIFF"])
        let huge = try write(TestImages.png(width: 1, height: 1, declaredWidth: 20000, declaredHeight: 20000), "huge.png")
        expectMessage("PNG header claiming 20000x20000", "load_img(\"\(huge)\")", [huge, "20000x20000", "Shrink the image"])
        let missing = path("missing.jpg")
        expectMessage("missing file", "load_img(\"\(missing)\")", [missing])
    }

    func testUnusualButValidImagesLoadAsRGB() throws {
        let cases: [(String, Data)] = [
            ("16-bit PNG", TestImages.png(width: 5, height: 4, bitDepth: 16)),
            ("palette PNG", TestImages.png(width: 5, height: 4, colorType: .palette)),
            ("1-channel (grey) PNG", TestImages.png(width: 5, height: 4, colorType: .gray)),
            ("4-channel (RGBA) PNG", TestImages.png(width: 5, height: 4, colorType: .rgba)),
            ("grey + alpha PNG", TestImages.png(width: 5, height: 4, colorType: .grayAlpha)),
        ]
        for (index, (input, data)) in cases.enumerated() {
            let file = try write(data, "image\(index).png")
            let out = try run("a = load_img(\"\(file)\")\nprint(a.shape)")
            XCTAssertEqual(out, "(4, 5, 3)\n", input)
            row(input, "loads as RGB: `\(out.trimmingCharacters(in: .newlines))`")
        }
    }

    func testNamesWithSpacesAndNonASCIIAndSymlinkLoops() throws {
        let jpeg = try photo
        for label in ["chats é", "dogs 🐕"] {
            _ = try write(jpeg, "data/\(label)/photo \(label) 1.jpg")
            _ = try write(jpeg, "data/\(label)/ünïcödé 2.jpg")
        }
        // A folder linking to its own parent: Keras does not follow links to sub-folders, nor does tl.
        try FileManager.default.createSymbolicLink(atPath: path("data/chats é/loop"), withDestinationPath: path("data"))
        let out = try run("""
            flow = flow_from_directory(image_data_generator(rescale=1/255), "\(path("data"))", target_size=(8, 8), batch_size=4, class_mode="binary")
            x, y = next(flow)
            print(x.shape, flow.class_indices)
            """)
        XCTAssertTrue(out.contains("Found 4 images belonging to 2 classes.") && out.contains("(4, 8, 8, 3)") && out.contains("'chats é': 0"), out)
        row("names with spaces and non-ASCII; a symlink loop in the data folder", "`" + out.split(separator: "\n").joined(separator: "` / `") + "`")
    }

    func testFlowStopsAtTheDamagedImageAndNamesIt() throws {
        let jpeg = try photo
        _ = try write(jpeg, "data/cats/good.jpg")
        let bad = try write(Data(), "data/cats/bad.jpg")
        expectMessage("zero-byte image inside a flow", """
            flow = flow_from_directory(image_data_generator(rescale=1/255), "\(path("data"))", target_size=(8, 8), batch_size=2, class_mode="binary", shuffle=False)
            next(flow)
            """, [bad])
    }

    func testUnreadableImage() throws {
        let file = try write(try photo, "locked.jpg")
        chmod(file, 0)
        defer { chmod(file, 0o644) }
        if FileManager.default.isReadableFile(atPath: file) {
            throw XCTSkip("running as root: permission bits do not stop root from reading, so an unreadable file cannot be made here")
        }
        expectMessage("file without read permission", "load_img(\"\(file)\")", [file, "cannot read"])
    }

    // MARK: Weights

    func modelScript(_ units: [Int]) -> String {
        "m = sequential()\nm.add(dense(\(units[0]), input_dim=3))\n" + units.dropFirst().map { "m.add(dense(\($0)))\n" }.joined()
    }

    func testHostileWeightFiles() throws {
        try run(modelScript([4, 2]) + "save_weights(m, \"\(path("two.h5"))\")")
        expectMessage("weights of another architecture (missing layer)", modelScript([4, 2, 1]) + "load_weights(m, \"\(path("two.h5"))\")",
                      ["holds 2 layers with weights", "the model has 3", "another architecture"])
        expectMessage("weights with a wrong shape", modelScript([5, 2]) + "load_weights(m, \"\(path("two.h5"))\")",
                      ["has shape (3, 5) in the model but (3, 4) in the file"])
        try run("m = sequential()\nm.add(conv2d(2, (3, 3), input_shape=(8, 8, 3)))\nm.add(flatten())\nm.add(dense(1))\nsave_weights(m, \"\(path("conv.h5"))\")")
        expectMessage("weights of a convolutional model into a dense one", modelScript([4, 2]) + "load_weights(m, \"\(path("conv.h5"))\")",
                      ["weight 0 (kernel) has shape (3, 4) in the model but (3, 3, 3, 2) in the file"])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path("two.h5")))
        let truncated = try write(bytes.prefix(bytes.count / 2), "truncated.h5")
        expectMessage("truncated HDF5", modelScript([4, 2]) + "load_weights(m, \"\(truncated)\")", [truncated, "truncated"])
        let text = try write(Data("not weights at all\n".utf8), "text.h5")
        expectMessage("not HDF5 at all", modelScript([4, 2]) + "load_weights(m, \"\(text)\")", [text, "not an HDF5 file"])
        try KerasWeightFile.writeLegacy(path: path("nan.h5"), layers: [
            LayerWeightGroup(layerName: "dense_a", weights: [WeightArray(name: "kernel", shape: [3, 4], values: [Float](repeating: .nan, count: 12)),
                                                             WeightArray(name: "bias", shape: [4], values: [0, 0, 0, 0])]),
            LayerWeightGroup(layerName: "dense_b", weights: [WeightArray(name: "kernel", shape: [4, 2], values: [Float](repeating: 0, count: 8)),
                                                             WeightArray(name: "bias", shape: [2], values: [0, 0])]),
        ])
        expectMessage("NaN weights", modelScript([4, 2]) + "load_weights(m, \"\(path("nan.h5"))\")", ["non-finite value (nan at index 0)", "dense_a"])
        expectMessage("load_model on a weights-only file", "load_model(\"\(path("two.h5"))\")", ["no model architecture"])
    }

    // MARK: Scripts

    func testSyntaxErrorsOfEveryKind() {
        let cases: [(String, String, String)] = [
            ("unclosed bracket", "x = (1, 2", "was never closed"),
            ("unmatched closing bracket", "x = 1)", ")"),
            ("unterminated string", "x = \"abc", "string"),
            ("missing colon", "for i in range(3)\n    print(i)", ":"),
            ("unexpected indent", "x = 1\n    y = 2", "indent"),
            ("inconsistent dedent", "if True:\n        x = 1\n    y = 2", "indent"),
            ("stray character", "x = 1 $ 2", "$"),
            ("else without if", "else:\n    x = 1", "else"),
            ("assignment to a literal", "3 = x", "assign"),
            ("incomplete expression", "x = 1 +", "incomplete"),
            ("tabs and spaces mixed", "if True:\n\tx = 1\n        y = 2", "indent"),
            ("keyword as a name", "for = 3", "unexpected '='"),
        ]
        for (input, source, fragment) in cases {
            expectMessage("syntax: \(input)", source, [fragment])
        }
    }

    func testRuntimeMistakes() {
        expectMessage("unknown command", "model = sequentail()", ["sequentail", "did you mean 'sequential'"])
        expectMessage("unknown keyword argument", "d = dense(3, activaton=\"relu\")", ["activaton", "activation"])
        expectMessage("wrong argument type", "d = dense(\"three\")", ["units", "dense"])
        expectMessage("adding text to a number", "x = \"a\" + 1", ["str", "int"])
        expectMessage("division by zero", "x = 1 / 0", ["division by zero"])
        expectMessage("integer overflow", "x = 2 ** 100000", ["integer overflow"])
        expectMessage("runaway recursion", "def f(n):\n    return f(n + 1)\nf(0)", ["recursion"])
        expectMessage("brackets nested 5000 deep", "x = " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000),
                      ["too many nested brackets"])
        let deepBlocks = (0..<300).map { String(repeating: "    ", count: $0) + "if True:\n" }.joined() + String(repeating: "    ", count: 300) + "x = 1\n"
        expectMessage("300 nested blocks", deepBlocks, ["too many levels of indentation"])
        expectMessage("a 150000-character line", "x = \"" + String(repeating: "a", count: 150_000) + "\"", ["longer than 100000 characters"])
        expectMessage("an expression of 20000 additions", "x = 1" + String(repeating: " + 1", count: 20_000), ["expression is too long"])
        expectMessage("fit with batch_size=0", """
            m = sequential()
            m.add(dense(1, input_dim=2))
            m.compile(loss="mse")
            m.fit(reshape([1.0, 2.0, 3.0, 4.0], (2, 2)), [1.0, 0.0], batch_size=0)
            """, ["batch_size must be at least 1, got 0"])
    }

    func testInvalidUTF8Script() throws {
        let file = try write(Data("x = \"".utf8) + Data([0xFF, 0xFE]) + Data("\"\n".utf8), "bad.tl")
        let session = Session(output: { _ in })
        XCTAssertThrowsError(try session.interpreter.run(contentsOf: file)) { error in
            let message = (error as? ScriptError)?.message ?? "\(error)"
            XCTAssertTrue(message.contains("invalid UTF-8"), message)
            row("invalid UTF-8 in a script", message)
        }
    }

    func testFitWithZeroEpochsReturnsAnEmptyHistoryAsKerasDoes() throws {
        let out = try run("""
            m = sequential()
            m.add(dense(1, input_dim=2))
            m.compile(loss="mse")
            h = m.fit(reshape([1.0, 2.0, 3.0, 4.0], (2, 2)), [1.0, 0.0], epochs=0)
            print(h.history, h.epoch)
            """)
        XCTAssertEqual(out, "{} []\n")
        row("fit with epochs=0", "returns an empty History, as Keras: `\(out.trimmingCharacters(in: .newlines))`")
    }
}
