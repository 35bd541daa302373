import XCTest
@testable import TLPlot

/// The walkthrough's pair of curves: labels, title and series as the book draws them.
final class HistoryFigureTests: XCTestCase {
    func testAccuracyPairIsTitledAsTheWalkthrough() throws {
        let figure = try Figure.historyPair(training: [0.5, 0.7], validation: [0.6, 0.65], metric: "acc")
        XCTAssertEqual(figure.title, "Training and validation accuracy")
        XCTAssertEqual(figure.series.map(\.label), ["Training acc", "Validation acc"])
        XCTAssertEqual(figure.series.map { $0.x }, [[1, 2], [1, 2]])
        XCTAssertEqual(figure.xLabel, "Epochs")
        XCTAssertEqual(figure.yLabel, "Accuracy")
        XCTAssertTrue(figure.showsLegend)
    }

    func testWithoutValidationOnlyTheTrainingCurveIsDrawn() throws {
        let figure = try Figure.historyPair(training: [0.9, 0.4, 0.3], validation: [], metric: "loss")
        XCTAssertEqual(figure.title, "Training and validation loss")
        XCTAssertEqual(figure.series.count, 1)
        XCTAssertEqual(figure.series[0].y, [0.9, 0.4, 0.3])
    }
}

extension HistoryFigureTests {
    /// The walkthrough's smoothed curves: "Smoothed training acc", "Smoothed training and validation accuracy".
    func testSmoothedPairSaysSo() throws {
        let figure = try Figure.historyPair(training: [0.5, 0.7], validation: [0.6, 0.65], metric: "acc", smoothed: true)
        XCTAssertEqual(figure.title, "Smoothed training and validation accuracy")
        XCTAssertEqual(figure.series.map(\.label), ["Smoothed training acc", "Smoothed validation acc"])
    }
}
