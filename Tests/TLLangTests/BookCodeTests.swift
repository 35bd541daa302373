import Foundation
import XCTest
import TLTestSupport
import TLScript
@testable import TLLang

/// The walkthrough's three methods, run as the book writes them (examples/01_..., 02_..., 03_...), with
/// only the data folder, the weights file and the counts changed: a small folder of real photos and the
/// shared VGG16-architecture weights.
final class BookCodeTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-book-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Everything a session printed, as it grows.
    final class Transcript {
        var text = ""
    }

    /// Runs an example with `settings` as `--set` values and a report folder; returns the session, what
    /// it prints and the report folder.
    func runExample(_ name: String, _ settings: [String: String]) throws -> (Session, Transcript, URL) {
        let transcript = Transcript()
        let session = Session(output: { transcript.text += $0 })
        let report = directory.appendingPathComponent("report-\(name)")
        session.interpreter.report = try ReportRecorder(directory: report.path, title: name)
        for (key, value) in settings { session.interpreter.parameterOverrides.set(key, to: value) }
        let path = SharedFiles.packageRoot.appendingPathComponent("examples/\(name).tl").path
        do {
            try session.interpreter.run(contentsOf: path)
        } catch {
            XCTFail("\(name) failed: \((error as? ScriptError)?.rendered ?? "\(error)")\n--- printed ---\n\(transcript.text)")
            throw error
        }
        session.interpreter.report?.write()
        return (session, transcript, report)
    }

    func assertPlots(_ names: [String], in report: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        for name in names {
            let png = try Data(contentsOf: report.appendingPathComponent(name))
            XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], name, file: file, line: line)
        }
    }

    /// The test's final line: `test acc: X` with X a fraction of the test images.
    func testAccuracy(in printed: String) throws -> Double {
        let line = try XCTUnwrap(printed.split(separator: "\n").last { $0.hasPrefix("test acc:") }, printed)
        return try XCTUnwrap(Double(line.dropFirst("test acc:".count).trimmingCharacters(in: .whitespaces)))
    }

    func testMethodOneTheBooksExtractFeaturesMatchesTheBuiltIn() throws {
        let data = try SharedFiles.makeSmallCatsAndDogs(in: directory, count: 3)
        let (session, transcript, report) = try runExample("01_feature_extraction", [
            "base_dir": data.path, "weights": SharedFiles.vgg16EdgeWeights, "epochs": "2",
            "train_count": "6", "validation_count": "6", "test_count": "6",
        ])
        let printed = transcript.text
        XCTAssertTrue(printed.contains("Found 6 images belonging to 2 classes."), printed)
        XCTAssertTrue(printed.contains("Epoch 2/2"), printed)
        let accuracy = try testAccuracy(in: printed)
        XCTAssertTrue([0, 1, 2, 3, 4, 5, 6].map { Double($0) / 6 }.contains { abs($0 - accuracy) < 1e-6 }, "\(accuracy)")
        try assertPlots(["training_and_validation_accuracy.png", "training_and_validation_loss.png"], in: report)

        // The book's loop over the (shuffled) generator gives the features and labels tl's own
        // extract_features gives (itself checked against Keras's outputs), row for row in some order.
        // `del` gives the built-in back after the book's def shadowed it.
        try session.interpreter.run(source: """
            del extract_features
            builtin_features, builtin_labels = extract_features(conv_base, train_dir, target_size=(150, 150), batch_size=20)
            flat = np.reshape(builtin_features, (6, 8192))
            distance = np.abs(train_features[:, None, :] - flat[None, :, :]).max(axis=2)
            match = distance.argmin(axis=1)
            print('nearest', bool(np.all(distance.min(axis=1) <= 1e-5 * np.abs(flat).max())))
            print('one to one', bool(np.all(np.sort(match) == np.arange(6))))
            print('labels', bool(np.all(train_labels == builtin_labels[match])))
            print('dtypes', train_features.dtype, train_labels.dtype, flat.dtype, np.abs(flat).max() > 0)
            """, fileName: "check.tl")
        XCTAssertTrue(transcript.text.contains("nearest True\none to one True\nlabels True\ndtypes float64 float64 float32 True\n"), String(transcript.text.suffix(800)))
    }

    func testMethodTwoTrainsTheFrozenBaseOnAugmentedBatches() throws {
        let data = try SharedFiles.makeSmallCatsAndDogs(in: directory, count: 3)
        let (_, transcript, report) = try runExample("02_augmented_feature_extraction", [
            "base_dir": data.path, "weights": SharedFiles.vgg16EdgeWeights, "epochs": "2", "steps": "1",
            "validation_steps": "1",
        ])
        let printed = transcript.text
        XCTAssertTrue(printed.contains("before freezing the conv base: 30"), printed)
        XCTAssertTrue(printed.contains("after freezing the conv base: 4"), printed)
        XCTAssertTrue(printed.contains("Epoch 2/2"), printed)
        _ = try testAccuracy(in: printed)
        try assertPlots(["training_and_validation_accuracy.png", "training_and_validation_loss.png"], in: report)
        XCTAssertTrue(FileManager.default.fileExists(atPath: report.appendingPathComponent("cats_and_dogs_small_3.h5").path))
    }

    func testMethodThreeFineTunesBlockFiveAndSmoothsTheCurves() throws {
        let data = try SharedFiles.makeSmallCatsAndDogs(in: directory, count: 3)
        let (session, transcript, report) = try runExample("03_fine_tuning", [
            "base_dir": data.path, "weights": SharedFiles.vgg16EdgeWeights, "epochs": "1", "fine_tune_epochs": "3",
            "steps": "1", "validation_steps": "1", "test_steps": "1",
        ])
        let printed = transcript.text
        XCTAssertEqual(try session.interpreter.evaluate(line: "len(model.trainable_weights)"), .int(10))
        // The book's smooth_curve, checked by hand on the History it smoothed.
        let smoothed = try session.interpreter.evaluate(line: "smooth_curve(loss)")
        let loss = try XCTUnwrap(try session.interpreter.evaluate(line: "loss")?.asSequence?.compactMap(\.asDouble))
        XCTAssertEqual(loss.count, 3)
        let expected = [loss[0], loss[0] * 0.8 + loss[1] * 0.2, (loss[0] * 0.8 + loss[1] * 0.2) * 0.8 + loss[2] * 0.2]
        let got = try XCTUnwrap(smoothed?.asSequence?.compactMap(\.asDouble))
        XCTAssertEqual(got.count, 3)
        for (a, b) in zip(got, expected) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        XCTAssertTrue(printed.contains("Epoch 3/3"), printed)
        _ = try testAccuracy(in: printed)
        try assertPlots(["training_and_validation_accuracy.png", "training_and_validation_loss.png",
                         "training_and_validation_accuracy_2.png", "training_and_validation_loss_2.png"], in: report)
    }
}
