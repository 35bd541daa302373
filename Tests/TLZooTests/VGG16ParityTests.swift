import XCTest
import TLTensor
import TLNN
import TLTestSupport
import TLSaving
@testable import TLZoo

/// The VGG16 base loaded from the shared Keras-2 legacy file computes what Keras computed (golden outputs).
final class VGG16ParityTests: XCTestCase {
    static var base: Sequential?

    func loadBase(inputShape: FeatureShape = [150, 150, 3]) throws -> Sequential {
        try VGG16.load(weights: .file(SharedFiles.vgg16EdgeWeights), includeTop: false, inputShape: inputShape)
    }

    func tensor(_ golden: GoldenArray) -> Tensor { Tensor(shape: golden.shape, scalars: golden.values) }

    /// The layers of `model` up to and including `name`, as a model of their own.
    func prefix(of model: Sequential, through name: String) throws -> Sequential {
        let end = try XCTUnwrap(model.layers.firstIndex { $0.name == name })
        return try Sequential(Array(model.layers[...end]), name: "prefix_" + name)
    }

    /// On every kernel path the processor has (portable, AVX2+FMA, AVX-512).
    func testIntermediateAndFinalOutputsMatchKeras() throws {
        let base = try loadBase()
        let input = tensor(Golden.array("vgg16_input"))
        try EngineOptions.forEachAvailablePath { path in
            let first = try prefix(of: base, through: "block1_conv1")(input.slice(0..<1))
            let conv1Error = Golden.relativeError(first.scalars, Golden.array("vgg16_block1_conv1").values)
            XCTAssertLessThan(conv1Error, 1e-4, "block1_conv1 \(path)")
            let pool3 = try prefix(of: base, through: "block3_pool")(input)
            XCTAssertEqual(pool3.shape, Golden.array("vgg16_block3_pool").shape)
            let pool3Error = Golden.relativeError(pool3.scalars, Golden.array("vgg16_block3_pool").values)
            XCTAssertLessThan(pool3Error, 1e-4, "block3_pool \(path)")
            let features = try base.predict(x: input, batchSize: 2)
            XCTAssertEqual(features.shape, [4, 4, 4, 512])
            let pool5Error = Golden.relativeError(features.scalars, Golden.array("vgg16_block5_pool").values)
            XCTAssertLessThan(pool5Error, 1e-4, "block5_pool \(path)")
            print("vgg16 relative errors (\(path)): block1_conv1 \(conv1Error), block3_pool \(pool3Error), block5_pool \(pool5Error)")
        }
    }

    /// Any input size: a base built without input_shape takes a 224x180 image.
    func testUnknownSpatialSizeTakesAnyImage() throws {
        let base = try VGG16.load(weights: .file(SharedFiles.vgg16EdgeWeights), includeTop: false, inputShape: nil)
        XCTAssertEqual(base.outputShape.map(describeShape), "(None, None, None, 512)")
        let out = try base(tensor(Golden.array("vgg16_input_224x180_bilinear")))
        XCTAssertEqual(out.shape, [1, 7, 5, 512])
        XCTAssertLessThan(Golden.relativeError(out.scalars, Golden.array("vgg16_block5_pool_224x180").values), 1e-4)
    }

    func testSummaryOfBaseReadsLikeKeras() throws {
        LayerNames.reset()
        let base = try VGG16.make(includeTop: false, inputShape: [150, 150, 3])
        let text = summaryText(of: base)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[1], "Layer (type)                 Output Shape              Param #   ")
        XCTAssertEqual(lines[3], "input_1 (InputLayer)         (None, 150, 150, 3)       0         ")
        XCTAssertEqual(lines[5], "block1_conv1 (Conv2D)        (None, 150, 150, 64)      1792      ")
        XCTAssertTrue(text.contains("block5_pool (MaxPooling2D)   (None, 4, 4, 512)         0         "))
        let rows = lines.filter { $0.contains(" (") && !$0.hasPrefix("Layer") }
        XCTAssertEqual(rows.count, 19)
        XCTAssertTrue(text.contains("Total params: 14,714,688\nTrainable params: 14,714,688\nNon-trainable params: 0\n"))
        XCTAssertEqual(base.trainableWeights.count, 26)
    }

    /// The walkthrough's Sequential: vgg16 nested, flatten, dense 256, dense 1 — and freezing.
    func testWalkthroughModelSummaryAndFreezing() throws {
        LayerNames.reset()
        let base = try VGG16.make(includeTop: false, inputShape: [150, 150, 3])
        let model = Sequential()
        try model.add(base)
        try model.add(Flatten())
        try model.add(Dense(units: 256, activation: .relu))
        try model.add(Dense(units: 1, activation: .sigmoid))
        let text = summaryText(of: model)
        XCTAssertTrue(text.contains("vgg16 (Model)                (None, 4, 4, 512)         14714688  "), text)
        XCTAssertTrue(text.contains("flatten_1 (Flatten)          (None, 8192)              0         "), text)
        XCTAssertTrue(text.contains("dense_1 (Dense)              (None, 256)               2097408   "), text)
        XCTAssertTrue(text.contains("dense_2 (Dense)              (None, 1)                 257       "), text)
        XCTAssertTrue(text.contains("Total params: 16,812,353"), text)
        XCTAssertEqual(model.trainableWeights.count, 30)
        base.trainable = false
        XCTAssertEqual(model.trainableWeights.count, 4)
        XCTAssertTrue(summaryText(of: model).contains("Trainable params: 2,097,665\nNon-trainable params: 14,714,688"))
        // The fine-tuning loop: block5 on.
        base.trainable = true
        var on = false
        for layer in base.layers {
            if layer.name == "block5_conv1" { on = true }
            layer.trainable = on
        }
        XCTAssertEqual(model.trainableWeights.count, 10)
    }

    func testIncludeTopNeeds224() throws {
        XCTAssertThrowsError(try VGG16.make(includeTop: true, inputShape: [150, 150, 3])) { error in
            XCTAssertTrue("\(error)".contains("(224, 224, 3)"), "\(error)")
        }
        let full = try VGG16.make(includeTop: true, inputShape: nil)
        XCTAssertEqual(full.parameterCount, 138_357_544)   // Keras's VGG16 with top
        XCTAssertEqual(full.layers.last?.name, "predictions")
    }

    func testWeightsOfAnotherArchitectureAreRefusedAndNothingLoads() throws {
        let tiny = SharedFiles.golden.appendingPathComponent("tiny_legacy.h5").path
        let base = try VGG16.make(includeTop: false, inputShape: [64, 64, 3])
        let before = base.weights.map(\.value)
        XCTAssertThrowsError(try KerasWeights.load(into: base, path: tiny)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("tiny_legacy.h5") && message.contains("13") && message.contains("block1_conv1"), message)
        }
        XCTAssertEqual(base.weights.map(\.value), before)
        // With the top, the file lacks fc1..predictions: a count mismatch naming the first missing layer.
        let full = try VGG16.make(includeTop: true, inputShape: nil)
        XCTAssertThrowsError(try KerasWeights.load(into: full, path: SharedFiles.vgg16EdgeWeights)) { error in
            XCTAssertTrue("\(error)".contains("'fc1'"), "\(error)")
        }
    }
}
