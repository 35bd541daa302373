import XCTest
import TLTensor
import TLNN
import TLFormats
import TLTestSupport
@testable import TLSaving

/// The manifest's tiny model: inference from both weight layouts, one RMSprop step, a 3-epoch fit.
final class TinyModelGoldenTests: XCTestCase {
    var legacyPath: String { SharedFiles.golden.appendingPathComponent("tiny_legacy.h5").path }
    var keras3Path: String { SharedFiles.golden.appendingPathComponent("tiny.weights.h5").path }

    /// c1 Conv2D(4,3,relu,same) p1 MaxPool2 c2 Conv2D(5,3,relu,valid) f Flatten d1 Dense(6,relu)
    /// [drop Dropout(0.5)] d2 Dense(1,sigmoid), input (12, 10, 3).
    func makeTiny(dropout: Bool) throws -> Sequential {
        var layers: [Layer] = [
            Conv2D(filters: 4, kernelSize: (3, 3), padding: .same, activation: .relu, name: "c1"),
            MaxPooling2D(poolSize: (2, 2), name: "p1"),
            Conv2D(filters: 5, kernelSize: (3, 3), activation: .relu, name: "c2"),
            Flatten(name: "f"),
            Dense(units: 6, activation: .relu, name: "d1"),
        ]
        if dropout { layers.append(Dropout(rate: 0.5, name: "drop")) }
        layers.append(Dense(units: 1, activation: .sigmoid, name: "d2"))
        return try Sequential(layers, inputShape: [12, 10, 3])
    }

    func golden(_ name: String) -> Tensor {
        let g = Golden.array(name)
        return Tensor(shape: g.shape, scalars: g.values)
    }

    func testInferenceFromBothLayouts() throws {
        try EngineOptions.forEachAvailablePath { kernels in
            for path in [legacyPath, keras3Path] {
                let model = try makeTiny(dropout: true)
                try KerasWeights.load(into: model, path: path)
                let out = try model(golden("tiny_input"))
                XCTAssertLessThan(Golden.relativeError(out.scalars, Golden.array("tiny_output").values), 1e-5, "\(path) \(kernels)")
            }
        }
    }

    func testByNameLoadsIntoReorderedModel() throws {
        let model = try makeTiny(dropout: false)
        try KerasWeights.load(into: model, path: legacyPath, byName: true)
        let out = try model(golden("tiny_input"))
        XCTAssertLessThan(Golden.relativeError(out.scalars, Golden.array("tiny_output").values), 1e-5)
    }

    func testOneRMSpropStepMatchesKeras() throws {
        try EngineOptions.forEachAvailablePath { path in try oneRMSpropStepMatchesKeras(path) }
    }

    func oneRMSpropStepMatchesKeras(_ path: KernelPath) throws {
        let model = try makeTiny(dropout: false)
        try KerasWeights.load(into: model, path: legacyPath)
        try model.compile(optimizer: RMSprop(learningRate: 1e-2), loss: .binaryCrossentropy, metrics: [])
        let result = try model.trainStep(golden("tiny_input"), Tensor(shape: [3], scalars: [0, 1, 1]),
                                         setup: model.compiled!, epoch: 1, batch: 1)
        let expectedLoss = (Golden.entry("tiny_rmsprop_step_loss")["value"] as! NSNumber).doubleValue
        XCTAssertEqual(result.loss, expectedLoss, accuracy: 1e-5, "\(path)")
        for name in ["c1", "c2", "d1", "d2"] {
            let layer = try XCTUnwrap(model.layer(named: name))
            for p in layer.weights {
                let reference = Golden.array("tiny_rmsprop_step_sequential_\(name)_\(p.name)")
                XCTAssertEqual(p.shape, reference.shape)
                XCTAssertLessThan(Golden.maxAbsError(p.value.scalars, reference.values), 1e-5, "\(name) \(p.name) \(path)")
            }
        }
    }

    /// On every kernel path the processor has.
    func testThreeEpochFitMatchesKerasHistoryAndPredictions() throws {
        try EngineOptions.forEachAvailablePath { path in try threeEpochFitMatchesKeras(path) }
    }

    func threeEpochFitMatchesKeras(_ path: KernelPath) throws {
        let model = try makeTiny(dropout: false)
        try KerasWeights.load(into: model, path: keras3Path)
        try model.compile(optimizer: RMSprop(learningRate: 1e-3), loss: .binaryCrossentropy, metrics: ["acc"])
        let history = try model.fit(x: golden("tiny_fit_x"), y: golden("tiny_fit_y"), epochs: 3, batchSize: 4,
                                    shuffle: false, progress: .silent)
        let reference = Golden.entry("tiny_fit_history")
        let loss = (reference["loss"] as! [NSNumber]).map(\.doubleValue)
        let acc = (reference["acc"] as! [NSNumber]).map(\.doubleValue)
        for epoch in 0..<3 {
            XCTAssertEqual(history["loss"]![epoch], loss[epoch], accuracy: 1e-4, "loss, epoch \(epoch + 1), \(path)")
            XCTAssertEqual(history["acc"]![epoch], acc[epoch], accuracy: 1e-6, "acc, epoch \(epoch + 1), \(path)")
        }
        let predictions = try model.predict(x: golden("tiny_fit_x"))
        XCTAssertLessThan(Golden.maxAbsError(predictions.scalars, Golden.array("tiny_fit_output").values), 1e-4, "\(path)")
    }

    func testSaveAndReloadBothLayoutsRoundTrip() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tl-zoo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try makeTiny(dropout: true)
        try KerasWeights.load(into: model, path: legacyPath)
        let reference = try model(golden("tiny_input"))
        for name in ["tiny.h5", "tiny.weights.h5"] {
            let path = dir.appendingPathComponent(name).path
            try KerasWeights.save(model, path: path)
            let fresh = try makeTiny(dropout: true)
            try KerasWeights.load(into: fresh, path: path)
            XCTAssertEqual(try fresh(golden("tiny_input")), reference, name)
        }
    }

    func testShapeMismatchNamesLayerAndShapes() throws {
        let wrong = try Sequential([
            Conv2D(filters: 4, kernelSize: (3, 3), padding: .same, activation: .relu, name: "c1"),
            MaxPooling2D(poolSize: (2, 2), name: "p1"),
            Conv2D(filters: 7, kernelSize: (3, 3), activation: .relu, name: "c2"),
            Flatten(name: "f"),
            Dense(units: 6, activation: .relu, name: "d1"),
            Dense(units: 1, activation: .sigmoid, name: "d2"),
        ], inputShape: [12, 10, 3])
        XCTAssertThrowsError(try KerasWeights.load(into: wrong, path: legacyPath)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("'c2'") && message.contains("(3, 3, 4, 7)") && message.contains("(3, 3, 4, 5)"), message)
        }
    }
}
