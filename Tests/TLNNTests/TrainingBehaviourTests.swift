import XCTest
import TLTensor
@testable import TLNN

/// fit's Keras semantics beyond the golden runs: stopping on a non-finite loss, interruption, compile's
/// snapshot of trainability, History means weighted by batch size.
final class TrainingBehaviourTests: XCTestCase {
    func makeModel() throws -> Sequential {
        try RandomSource.with(RandomSource(seed: 5)) {
            try Sequential([Dense(units: 3, activation: .relu), Dense(units: 1, activation: .sigmoid)], inputShape: [2])
        }
    }

    func testNonFiniteLossStopsWithEpochAndBatchAndKeepsLastGoodWeights() throws {
        let model = try makeModel()
        try model.compile(optimizer: RMSprop(learningRate: 0.01), loss: .binaryCrossentropy, metrics: ["acc"])
        // Batch 2 (rows 2-3) holds a NaN: batch 1 trains, batch 2 must not touch the weights.
        let x = Tensor(shape: [4, 2], scalars: [0, 1, 1, 0, .nan, 1, 1, 1])
        let y = Tensor(shape: [4], scalars: [1, 1, 0, 0])
        var messages = ""
        let afterFirstBatch: [Tensor]
        do {
            let probe = try makeModel()
            try probe.compile(optimizer: RMSprop(learningRate: 0.01), loss: .binaryCrossentropy, metrics: [])
            _ = try probe.trainStep(x.slice(0..<2), y.slice(0..<2), setup: probe.compiled!, epoch: 1, batch: 1)
            afterFirstBatch = probe.weights.map(\.value)
        }
        let history = try model.fit(x: x, y: y, epochs: 3, batchSize: 2, shuffle: false,
                                    progress: ProgressOptions(verbose: 1, write: { messages += $0 }))
        XCTAssertTrue(messages.contains("epoch 1, batch 2"), messages)
        XCTAssertTrue(history.stopReason?.contains("last good batch") ?? false)
        XCTAssertEqual(history.epochs, [])
        XCTAssertEqual(model.weights.map(\.value), afterFirstBatch)
    }

    func testInterruptionKeepsFinishedEpochs() throws {
        let model = try makeModel()
        try model.compile(optimizer: SGD(learningRate: 0.1), loss: .binaryCrossentropy, metrics: ["acc"])
        let x = Tensor(shape: [6, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1, 0.5, 0.5, 0.2, 0.8])
        let y = Tensor(shape: [6], scalars: [0, 1, 1, 0, 1, 0])
        var calls = 0
        // fit asks before each of the 3 batches of an epoch and once after the last: stopping at the 10th
        // question (before batch 2 of epoch 3) keeps 2 epochs.
        let history = try model.fit(x: x, y: y, epochs: 5, batchSize: 2, progress: ProgressOptions(verbose: 0, shouldStop: {
            calls += 1
            return calls == 10
        }))
        XCTAssertEqual(history["loss"]?.count, 2)
        XCTAssertTrue(history.stopReason?.contains("interrupted at epoch 3, batch 2") ?? false, history.stopReason ?? "")
    }

    /// Ctrl-C during the last batch of an epoch stops before validation: that epoch is not recorded.
    func testInterruptionDuringTheLastBatchIsHonoured() throws {
        let model = try makeModel()
        try model.compile(optimizer: SGD(learningRate: 0.1), loss: .binaryCrossentropy, metrics: ["acc"])
        let x = Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1])
        let y = Tensor(shape: [4], scalars: [0, 1, 1, 0])
        var calls = 0
        let history = try model.fit(x: x, y: y, epochs: 3, batchSize: 2, validationData: (x, y), progress: ProgressOptions(verbose: 0, shouldStop: {
            calls += 1
            return calls == 3   // asked after the epoch's second and last batch
        }))
        XCTAssertEqual(history.epochs, [])
        XCTAssertTrue(history.stopReason?.contains("interrupted at epoch 1, batch 2") ?? false, history.stopReason ?? "")
    }

    func testCompileSnapshotsTrainability() throws {
        let model = try makeModel()
        try model.compile(optimizer: SGD(learningRate: 0.5), loss: .meanSquaredError, metrics: [])
        model.layers[0].trainable = false
        XCTAssertTrue(model.trainabilityChangedSinceCompile)
        // As in Keras, the change takes effect at the next compile: this fit still trains layer 0.
        let before = model.layers[0].weights.map(\.value)
        _ = try model.fit(x: Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), y: Tensor(shape: [2], scalars: [1, 0]),
                          epochs: 1, batchSize: 2, progress: .silent)
        XCTAssertNotEqual(model.layers[0].weights.map(\.value), before)
        try model.compile(optimizer: SGD(learningRate: 0.5), loss: .meanSquaredError, metrics: [])
        let frozen = model.layers[0].weights.map(\.value)
        _ = try model.fit(x: Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), y: Tensor(shape: [2], scalars: [1, 0]),
                          epochs: 1, batchSize: 2, progress: .silent)
        XCTAssertEqual(model.layers[0].weights.map(\.value), frozen)
    }

    /// Keras's epoch loss: the mean of batch losses weighted by batch size (5 samples in batches of 2, 2, 1).
    func testEpochMeansAreWeightedByBatchSize() throws {
        let model = try makeModel()
        try model.compile(optimizer: SGD(learningRate: 0), loss: .meanSquaredError, metrics: ["acc"])   // lr 0: weights fixed
        let x = Tensor(shape: [5, 2], scalars: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        let y = Tensor(shape: [5], scalars: [0, 1, 0, 1, 0])
        let history = try model.fit(x: x, y: y, epochs: 1, batchSize: 2, shuffle: false, progress: .silent)
        let p = try model.predict(x: x).scalars
        let perSample = (0..<5).map { Double((p[$0] - y.scalars[$0]) * (p[$0] - y.scalars[$0])) }
        XCTAssertEqual(history["loss"]![0], perSample.reduce(0, +) / 5, accuracy: 1e-6)
        XCTAssertEqual(try model.evaluate(x: x, y: y, batchSize: 2)[0], perSample.reduce(0, +) / 5, accuracy: 1e-6)
    }
}
