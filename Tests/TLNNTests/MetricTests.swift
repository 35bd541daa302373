import XCTest
import TLTensor
@testable import TLNN

/// Keras's metrics (AUC, Precision, Recall, binary and categorical accuracy), fed batch by batch as fit
/// feeds them, against what Keras computes for the same inputs (scripts/make_keras_callback_fixtures.py).
final class MetricTests: XCTestCase {
    typealias K = KerasCallbackFixtures

    func result(of definition: MetricDefinition) -> Double {
        let accumulator = definition.makeAccumulator(loss: .binaryCrossentropy)
        for (start, end) in K.batches {
            let p = Array(K.binaryPredictions[start..<end]), y = Array(K.binaryLabels[start..<end])
            accumulator.update(prediction: Tensor(shape: [p.count, 1], scalars: p), target: Tensor(shape: [y.count, 1], scalars: y))
        }
        return accumulator.result
    }

    func testBinaryMetricsMatchKeras() throws {
        for (name, key) in [("AUC", "auc"), ("Precision", "precision"), ("Recall", "recall"), ("binary_accuracy", "binary_accuracy")] {
            let definition = try XCTUnwrap(MetricDefinition(kerasName: name))
            XCTAssertEqual(result(of: definition), K.binaryResults[key]!, accuracy: 1e-6, name)
        }
        let coarse = MetricDefinition(kind: .auc(thresholds: 50), name: "auc")
        XCTAssertEqual(result(of: coarse), K.binaryResults["auc50"]!, accuracy: 1e-6)
    }

    func testHistoryKeysAreKerasNames() {
        XCTAssertEqual(["AUC", "auc", "Precision", "Recall", "acc", "binary_accuracy"].compactMap { MetricDefinition(kerasName: $0)?.name },
                       ["auc", "auc", "precision", "recall", "acc", "binary_accuracy"])
        XCTAssertNil(MetricDefinition(kerasName: "f1"))
    }

    func testCategoricalAccuracyMatchesKeras() throws {
        let accumulator = try XCTUnwrap(MetricDefinition(kerasName: "categorical_accuracy")).makeAccumulator(loss: .categoricalCrossentropy)
        for rows in [0..<5, 5..<12] {
            let p = Array(K.categoricalPredictions[(rows.lowerBound * 3)..<(rows.upperBound * 3)])
            let y = Array(K.categoricalLabels[(rows.lowerBound * 3)..<(rows.upperBound * 3)])
            accumulator.update(prediction: Tensor(shape: [rows.count, 3], scalars: p), target: Tensor(shape: [rows.count, 3], scalars: y))
        }
        XCTAssertEqual(accumulator.result, K.categoricalAccuracy, accuracy: 1e-7)
    }

    /// A perfect ranking has area 1, a reversed one 0, as the ROC curve's definition says.
    func testAUCOfPerfectAndReversedRankings() {
        func auc(_ p: [Float], _ y: [Float]) -> Double {
            let a = MetricDefinition(kind: .auc(thresholds: 200), name: "auc").makeAccumulator(loss: .binaryCrossentropy)
            a.update(prediction: Tensor(shape: [p.count], scalars: p), target: Tensor(shape: [y.count], scalars: y))
            return a.result
        }
        XCTAssertEqual(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1, accuracy: 1e-9)
        XCTAssertEqual(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0, accuracy: 1e-9)
        // Two thresholds (-eps and 1+eps) see only "all positive" and "none positive": the diagonal.
        let diagonal = MetricDefinition(kind: .auc(thresholds: 2), name: "auc").makeAccumulator(loss: .binaryCrossentropy)
        diagonal.update(prediction: Tensor(shape: [4], scalars: [0.1, 0.2, 0.8, 0.9]), target: Tensor(shape: [4], scalars: [0, 0, 1, 1]))
        XCTAssertEqual(diagonal.result, 0.5, accuracy: 1e-9)
    }

    /// fit records every compiled metric per epoch and for validation, under Keras's keys.
    func testFitRecordsEveryMetric() throws {
        let model = try RandomSource.with(RandomSource(seed: 3)) { try Sequential([Dense(units: 1, activation: .sigmoid)], inputShape: [2]) }
        try model.compile(optimizer: SGD(learningRate: 0.1), loss: .binaryCrossentropy, metrics: ["acc", "AUC", "Precision", "Recall"])
        let x = Tensor(shape: [6, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1, 0.5, 0.5, 0.2, 0.8])
        let y = Tensor(shape: [6], scalars: [0, 1, 1, 1, 1, 0])
        let history = try model.fit(x: x, y: y, epochs: 2, batchSize: 6, validationData: (x, y), shuffle: false, progress: .silent)
        XCTAssertEqual(history.keys, ["loss", "acc", "auc", "precision", "recall", "val_loss", "val_acc", "val_auc", "val_precision", "val_recall"])
        // One batch an epoch: the validation after epoch 1 sees the weights epoch 2 trains from.
        let evaluation = try model.evaluate(x: x, y: y)
        XCTAssertEqual(evaluation.count, 5)
        XCTAssertEqual(history["val_auc"]!.last!, evaluation[2], accuracy: 1e-12)
    }
}
