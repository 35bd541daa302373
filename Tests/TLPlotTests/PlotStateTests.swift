import XCTest
@testable import TLPlot

final class PlotStateTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = try makeTemporaryFolder()
        let created = folder
        addTeardownBlock { try? FileManager.default.removeItem(atPath: created) }
    }

    func testFileNamesComeFromTitles() {
        XCTAssertEqual(PlotState.fileName(for: "Training and validation accuracy"), "training_and_validation_accuracy")
        XCTAssertEqual(PlotState.fileName(for: "  Loss (val) / epoch #3 "), "loss_val_epoch_3")
        XCTAssertEqual(PlotState.fileName(for: "!!!"), "")
    }

    /// The walkthrough's code: two figures, the second started with `figure()`, both written by `show`.
    func testWalkthroughSequenceWritesBothFigures() throws {
        let plt = PlotState()
        let epochs: [Double] = [1, 2, 3]
        try plt.plot(x: epochs, y: [0.6, 0.7, 0.8], style: "bo", label: "Training acc")
        try plt.plot(x: epochs, y: [0.65, 0.7, 0.72], style: "b", label: "Validation acc")
        plt.title("Training and validation accuracy")
        plt.legend()
        plt.figure()
        try plt.plot(x: epochs, y: [0.7, 0.5, 0.4], style: "bo", label: "Training loss")
        try plt.plot(x: epochs, y: [0.6, 0.55, 0.56], style: "b", label: "Validation loss")
        plt.title("Training and validation loss")
        plt.legend()

        let written = try plt.show(directory: folder)
        XCTAssertEqual(written, [folder + "/training_and_validation_accuracy.png",
                                 folder + "/training_and_validation_loss.png"])
        for path in written { XCTAssertNotNil(PNGHeader(path: path), path) }
        XCTAssertTrue(plt.figures.isEmpty, "show closes the figures")

        // Showing the same title again never overwrites the earlier picture.
        try plt.plot(y: [1, 2], style: "r")
        plt.title("Training and validation loss")
        XCTAssertEqual(try plt.show(directory: folder), [folder + "/training_and_validation_loss_2.png"])
        XCTAssertEqual(try plt.show(directory: folder), [], "nothing left to show")
    }

    func testUntitledFiguresAreNumbered() throws {
        let plt = PlotState()
        try plt.plot(y: [1, 2])
        plt.figure()
        try plt.plot(y: [2, 1])
        XCTAssertEqual(try plt.show(directory: folder), [folder + "/figure_1.png", folder + "/figure_2.png"])
    }

    func testSavefigKeepsTheFigureOpen() throws {
        let plt = PlotState()
        try plt.plot(y: [1, 2, 3], style: "g^")
        plt.xlabel("Epochs")
        plt.ylabel("Loss")
        try plt.savefig(folder + "/saved.png")
        XCTAssertNotNil(PNGHeader(path: folder + "/saved.png"))
        XCTAssertEqual(plt.figures.count, 1)
        let script = try String(contentsOfFile: folder + "/saved.gp", encoding: .utf8)
        XCTAssertTrue(script.contains("set xlabel 'Epochs'") && script.contains("set ylabel 'Loss'"))
    }

    func testHistoryPairDrawsDotsAndLine() throws {
        let plt = PlotState()
        let pair = try plt.plotHistoryPair(training: [0.5, 0.6], validation: [0.55, 0.58], metric: "accuracy")
        XCTAssertEqual(pair.title, "Training and validation accuracy")
        XCTAssertEqual(pair.xLabel, "Epochs")
        XCTAssertEqual(pair.yLabel, "Accuracy")
        XCTAssertTrue(pair.showsLegend)
        XCTAssertEqual(pair.series.map(\.label), ["Training accuracy", "Validation accuracy"])
        XCTAssertEqual(pair.series.map(\.style), [try PlotStyle(format: "bo"), try PlotStyle(format: "b")])
        XCTAssertEqual(pair.series[0].x, [1, 2])
        XCTAssertThrowsError(try plt.plotHistoryPair(training: [1, 2], validation: [1], metric: "loss", epochs: [1, 2]))
    }
}
