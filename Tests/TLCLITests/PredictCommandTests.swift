import Foundation
import XCTest
import TLTestSupport

/// `tl predict MODEL.h5 PHOTOS... --top N --classes ...` on a model saved by a script.
final class PredictCommandTests: XCTestCase {
    private var binary: TLBinary!

    override func setUpWithError() throws { binary = try TLBinary() }
    override func tearDownWithError() throws { binary.removeHome() }

    func testPredictPrintsEachPhotosClassesAndNamesBadFiles() throws {
        let cats = SharedFiles.data.appendingPathComponent("train/cats").path
        let photo = cats + "/cat.0.jpg"
        let model = binary.home.appendingPathComponent("tiny.h5").path
        let build = try binary.run(["-c", """
            model = keras.Sequential([layers.Rescaling(1./255, input_shape=(24, 24, 3)), layers.GlobalAveragePooling2D(), layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.save("\(model)")
            """])
        XCTAssertEqual(build.status, 0, build.stderr)
        let result = try binary.run(["predict", model, photo, "--top", "2", "--classes", "cat,dog,bird"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let line = result.stdout.split(separator: "\n").first.map(String.init) ?? ""
        XCTAssertTrue(line.range(of: #"^.*cat\.0\.jpg: (cat|dog|bird) \(0\.\d{4}\), (cat|dog|bird) \(0\.\d{4}\)$"#, options: .regularExpression) != nil, result.stdout)
        let bad = binary.home.appendingPathComponent("notes.png")
        try Data("not an image".utf8).write(to: bad)
        let failed = try binary.run(["predict", model, bad.path])
        XCTAssertNotEqual(failed.status, 0)
        XCTAssertTrue(failed.stderr.contains("notes.png"), failed.stderr)
    }
}
