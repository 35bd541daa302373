import XCTest
import TLTensor
@testable import TLNN

/// Graph models with several inputs and outputs and a layer used twice, against tf-keras
/// (KerasMultiOutputFixtures, from scripts/make_multi_output_fixtures.py) and finite differences.
final class MultiInputGraphTests: XCTestCase {
    var fd = FiniteDifferenceCheck()

    /// Each test's fresh weights come from its own seeded source, not from what earlier tests left of the
    /// process's default one: otherwise the finite-difference checks see other weights as the suite grows.
    override func invokeTest() {
        RandomSource.with(RandomSource(seed: 7)) { super.invokeTest() }
    }

    /// The fixture's model: `shared = Dense(3, tanh)` on inputs a and b, Concatenate of both uses ->
    /// `out_bin` (Dense(1, sigmoid)), the second use -> `out_cat` (Dense(3, softmax)); weights by the
    /// fixture's formula `sin(0.7 i + k) / 2`, k counting the weights in Keras's order.
    static func makeTwoWayModel() throws -> Functional {
        let model = Functional(inputShape: [4], inputName: "in_a", name: "two_way", typeName: "Functional")
        let b = try model.addInput(shape: [4], name: "in_b")
        let shared = Dense(units: 3, activation: .tanh, name: "shared")
        let ha = try model.apply(shared, to: model.input), hb = try model.apply(shared, to: b)
        let merged = try model.apply(Concatenate(name: "merged"), to: [ha, hb])
        let yBin = try model.apply(Dense(units: 1, activation: .sigmoid, name: "out_bin"), to: merged)
        let yCat = try model.apply(Dense(units: 3, activation: .softmax, name: "out_cat"), to: hb)
        try model.setOutputs([yBin, yCat])
        for (k, p) in model.weights.enumerated() {
            p.value = Tensor(shape: p.shape, scalars: (0..<p.count).map { Float(sin(0.7 * Double($0) + Double(k)) * 0.5) })
        }
        return model
    }

    /// The fixture's data: 12 samples of a and b, binary and one-hot labels.
    static func twoWayData() -> (xa: Tensor, xb: Tensor, yBin: Tensor, yCat: Tensor) {
        let n = 12
        let xa = Tensor(shape: [n, 4], scalars: (0..<(n * 4)).map { Float(cos(0.3 * Double($0)) * 1.5) })
        let xb = Tensor(shape: [n, 4], scalars: (0..<(n * 4)).map { Float(sin(0.45 * Double($0) + 1)) })
        let yBin = Tensor(shape: [n, 1], scalars: (0..<n).map { $0 % 3 == 0 ? 1 : 0 })
        let yCat = Tensor(shape: [n, 3], scalars: (0..<n).flatMap { i in (0..<3).map { $0 == i * 7 % 3 ? Float(1) : 0 } })
        return (xa, xb, yBin, yCat)
    }

    func testPredictionOfTwoInputsAndTwoOutputsEqualsKeras() throws {
        let model = try Self.makeTwoWayModel()
        let data = Self.twoWayData()
        XCTAssertEqual(model.weights.count, 6, "the shared layer's weights count once")
        XCTAssertEqual(model.parameterCount, 34)
        let outputs = try model.forward([data.xa, data.xb], mode: .inference)
        XCTAssertEqual(outputs.map(\.shape), [[12, 1], [12, 3]])
        for (output, expected) in zip(outputs, [KerasMultiOutputFixtures.predictedBinary, KerasMultiOutputFixtures.predictedCategorical]) {
            for (a, b) in zip(output.scalars, expected) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        }
        XCTAssertThrowsError(try model.forward(data.xa, mode: .inference)) { error in
            XCTAssertTrue("\(error)".contains("2 inputs and 2 outputs"), "\(error)")
        }
        XCTAssertThrowsError(try model.forward([data.xa], mode: .inference)) { error in
            XCTAssertTrue("\(error)".contains("takes 2 inputs (in_a, in_b), got 1"), "\(error)")
        }
    }

    /// L = sum(y1 * r1) + sum(y2 * r2): the shared layer's gradient is the sum over its two uses, the
    /// inputs' gradients reach both inputs; all against central differences.
    func testSharedLayerGradientsSumOverUsesAsFiniteDifferencesSay() throws {
        let model = try Self.makeTwoWayModel()
        try checkGradients(of: model, inputs: [fd.random([5, 4]), fd.random([5, 4])])
    }

    /// One layer used three times, twice in a chain (`d(d(a))`) and once on another input, and a
    /// frozen shared layer before it: every use backpropagates through its own activations.
    func testLayerUsedThreeTimesAndFrozenSharedLayerBackpropagate() throws {
        let frozen = Dense(units: 4, activation: .tanh, name: "frozen")
        frozen.trainable = false
        let d = Dense(units: 4, activation: .tanh, name: "thrice")
        let model = Functional(inputShape: [4], inputName: "a", name: "chain")
        let b = try model.addInput(shape: [4], name: "b")
        let fa = try model.apply(frozen, to: model.input), fb = try model.apply(frozen, to: b)
        let twice = try model.apply(d, to: try model.apply(d, to: fa))
        let sum = try model.apply(Add(name: "sum"), to: [twice, try model.apply(d, to: fb)])
        try model.setOutputs([try model.apply(Dense(units: 2, name: "head"), to: sum)])
        XCTAssertEqual(model.trainableWeights.count, 4)
        let inputs = [fd.random([3, 4]), fd.random([3, 4])]
        try checkGradients(of: model, inputs: inputs)
        // Without the input gradient the frozen layer keeps nothing: the weight gradients are the same.
        let r = [fd.random([3, 2])]
        func weightGradients(inputGradient: Bool) throws -> [[Float]] {
            let trained = model.trainableWeights
            for p in trained { p.requiresGradient = true }
            defer { for p in trained { p.requiresGradient = false }; model.clearCache() }
            _ = try model.forward(inputs, mode: ForwardMode(training: true, keepForBackward: true, needsInputGradient: inputGradient))
            _ = try model.backward(r, needsInputGradient: inputGradient)
            return trained.map { $0.gradient!.scalars }
        }
        XCTAssertEqual(try weightGradients(inputGradient: false), try weightGradients(inputGradient: true))
    }

    /// A siamese encoder (a nested model with batch normalisation, training mode) used on both inputs:
    /// the recomputed earlier use leaves the moving statistics as the forward pass left them.
    func testSharedNestedModelWithBatchNormalizationBackpropagatesEachUse() throws {
        let encoder = try Sequential([Dense(units: 3, useBias: false, name: "enc_dense"), BatchNormalization(name: "enc_bn"),
                                      ActivationLayer(.tanh, name: "enc_act")], name: "encoder", inputShape: [4])
        let model = Functional(inputShape: [4], inputName: "left", name: "siamese")
        let right = try model.addInput(shape: [4], name: "right")
        let l = try model.apply(encoder, to: model.input), r = try model.apply(encoder, to: right)
        let joined = try model.apply(Add(name: "joined"), to: [l, r])
        try model.setOutputs([try model.apply(Dense(units: 2, name: "head"), to: joined), r])
        let inputs = [fd.random([6, 4]), fd.random([6, 4])]
        let bn = try XCTUnwrap(encoder.layers[1] as? BatchNormalization)
        let movingStatistics: [Parameter] = bn.alwaysFrozenWeights
        _ = try model.forward(inputs, mode: ForwardMode(training: true, keepForBackward: false))
        let statisticsAfterForward = movingStatistics.map(\.value)
        movingStatistics.forEach { $0.value = Tensor(shape: $0.shape, scalars: [Float](repeating: 0.5, count: $0.count)) }
        let trained = model.trainableWeights
        for p in trained { p.requiresGradient = true }
        _ = try model.forward(inputs, mode: ForwardMode(training: true, keepForBackward: true, needsInputGradient: true))
        let statistics = movingStatistics.map(\.value)
        _ = try model.backward([fd.random([6, 2]), fd.random([6, 3])], needsInputGradient: true)
        XCTAssertEqual(movingStatistics.map(\.value), statistics, "the recomputation restored the moving statistics")
        XCTAssertNotEqual(statistics, statisticsAfterForward, "(the probe starts from other statistics)")
        for p in trained { p.requiresGradient = false }
        model.clearCache()
        try checkGradients(of: model, inputs: inputs)
    }

    /// Dropout in a shared layer: the recomputed earlier use draws the mask its forward pass drew, so
    /// the input gradient of that use is zero exactly where its output was dropped.
    func testSharedDropoutRecomputesTheSameMask() throws {
        let dropout = Dropout(rate: 0.5, seed: 11, name: "drop")
        let model = Functional(inputShape: [50], inputName: "a", name: "dropping")
        let b = try model.addInput(shape: [50], name: "b")
        try model.setOutputs([try model.apply(dropout, to: model.input), try model.apply(dropout, to: b)])
        let ones = Tensor(shape: [2, 50], scalars: [Float](repeating: 1, count: 100))
        let outputs = try model.forward([ones, ones], mode: ForwardMode(training: true, keepForBackward: true))
        let gradients = try XCTUnwrap(try model.backward([ones, ones], needsInputGradient: true))
        for (y, dx) in zip(outputs, gradients) { XCTAssertEqual(y.scalars, dx.scalars) }
        XCTAssertNotEqual(outputs[0].scalars, outputs[1].scalars, "each use draws its own mask")
    }

    func testSummaryShowsEveryInputAndUse() throws {
        let text = summaryText(of: try Self.makeTwoWayModel())
        let rows = text.split(separator: "\n").map { String($0) }
        func row(_ start: String) -> String? { rows.first { $0.hasPrefix(start) } }
        XCTAssertEqual(row("in_b (InputLayer)")?.trimmingCharacters(in: .whitespaces), "in_b (InputLayer)               (None, 4)            0")
        XCTAssertEqual(row("shared (Dense)"), "shared (Dense)                  (None, 3)            15          in_a[0][0]" + String(repeating: " ", count: 23))
        let merged = try XCTUnwrap(rows.firstIndex { $0.hasPrefix("merged") })
        XCTAssertTrue(rows[merged].hasSuffix("shared[0][0]" + String(repeating: " ", count: 21)), rows[merged])
        XCTAssertEqual(rows[merged + 1].trimmingCharacters(in: .whitespaces), "shared[1][0]")
        XCTAssertTrue(row("out_cat (Dense)")?.contains("shared[1][0]") ?? false, text)
        XCTAssertTrue(text.contains("Total params: 34"), text)
    }

    /// tl's file form keeps the second input, the shared layer's second use and the outputs.
    func testConfigurationRoundTripKeepsInputsOutputsAndSharing() throws {
        let model = try Self.makeTwoWayModel()
        let description = try LayerRegistry.describe(model)
        let copy = try XCTUnwrap(try LayerRegistry.make(description, source: "test") as? Functional)
        XCTAssertEqual(copy.inputNodes, model.inputNodes)
        XCTAssertEqual(copy.outputNodes, model.outputNodes)
        XCTAssertEqual(copy.nodes.map(\.layer.name), model.nodes.map(\.layer.name))
        XCTAssertTrue(copy.nodes[3].layer === copy.nodes[2].layer, "one layer object for both uses")
        XCTAssertEqual(copy.weights.count, 6)
        for (target, source) in zip(copy.weights, model.weights) { target.value = source.value }
        let data = Self.twoWayData()
        XCTAssertEqual(try copy.forward([data.xa, data.xb], mode: .inference).map(\.scalars),
                       try model.forward([data.xa, data.xb], mode: .inference).map(\.scalars))
    }

    /// Central differences of L = sum_k sum(y_k * r_k) against the backward pass, for every trainable
    /// weight and both inputs (training mode without randomness).
    private func checkGradients(of model: Functional, inputs: [Tensor], epsilon: Float = 1e-2) throws {
        let mode = ForwardMode(training: true, keepForBackward: true, needsInputGradient: true)
        let probe = ForwardMode(training: true, keepForBackward: false)
        let outputs = try model.forward(inputs, mode: .inference)
        let r = outputs.map { fd.random($0.shape) }
        let trained = model.trainableWeights
        for p in trained { p.requiresGradient = true }
        defer { for p in trained { p.requiresGradient = false } }
        _ = try model.forward(inputs, mode: mode)
        let dxs = try XCTUnwrap(try model.backward(r, needsInputGradient: true))
        func loss(_ xs: [Tensor]) throws -> Double {
            zip(try model.forward(xs, mode: probe), r).reduce(0.0) { total, pair in
                total + zip(pair.0.scalars, pair.1.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            }
        }
        func compare(_ analytic: [Float], _ what: String, numeric: (Int) throws -> Double) throws {
            let scale = max(analytic.map { abs($0) }.max() ?? 0, 1e-3)
            for i in analytic.indices {
                let n = try numeric(i)
                XCTAssertLessThan(abs(Float(n) - analytic[i]) / scale, 1e-2, "\(what)[\(i)]: analytic \(analytic[i]) numeric \(n)")
            }
        }
        for (k, dx) in dxs.enumerated() {
            try compare(dx.scalars, "input \(k)") { i in
                var plus = inputs, minus = inputs
                plus[k].scalars[i] += epsilon; minus[k].scalars[i] -= epsilon
                return (try loss(plus) - loss(minus)) / Double(2 * epsilon)
            }
        }
        for p in trained {
            let analytic = try XCTUnwrap(p.gradient).scalars
            XCTAssertTrue(analytic.contains { $0 != 0 }, "\(p.name): gradient is all zeros")
            try compare(analytic, p.name) { i in
                let saved = p.value.scalars[i]
                p.value.scalars[i] = saved + epsilon; let up = try loss(inputs)
                p.value.scalars[i] = saved - epsilon; let down = try loss(inputs)
                p.value.scalars[i] = saved
                return (up - down) / Double(2 * epsilon)
            }
        }
    }
}

/// Training a graph model with two inputs and two outputs, against tf-keras.
final class MultiOutputTrainingTests: XCTestCase {
    func compileTwoWay(_ model: Functional) throws {
        let accuracy = try XCTUnwrap(MetricDefinition(kerasName: "accuracy"))
        try model.compile(optimizer: SGD(learningRate: 0.1), objectives: [
            OutputObjective(name: "out_bin", loss: .binaryCrossentropy, weight: 1, metricDefinitions: [accuracy]),
            OutputObjective(name: "out_cat", loss: .categoricalCrossentropy, weight: 0.5, metricDefinitions: [accuracy]),
        ])
    }

    /// Three SGD steps with losses by output name, loss weights 1 and 0.5 and an accuracy per output:
    /// the History (keys and values) and the trained weights equal tf-keras's within 1e-5.
    func testThreeStepFitEqualsKeras() throws {
        let model = try MultiInputGraphTests.makeTwoWayModel()
        try compileTwoWay(model)
        let data = MultiInputGraphTests.twoWayData()
        let history = try model.fit(inputs: [data.xa, data.xb], targets: [data.yBin, data.yCat], epochs: 1, batchSize: 4,
                                    shuffle: false, progress: .silent)
        XCTAssertEqual(history.entries.map(\.0), KerasMultiOutputFixtures.historyKeys)
        for ((key, values), expected) in zip(history.entries, KerasMultiOutputFixtures.historyValues) {
            XCTAssertEqual(values[0], expected, accuracy: 1e-5, key)
        }
        for (p, expected) in zip(model.weights, KerasMultiOutputFixtures.trainedWeights) {
            for (a, b) in zip(p.value.scalars, expected) { XCTAssertEqual(a, b, accuracy: 1e-5, p.name) }
        }
        // evaluate gives the same keys' values in inference; the total is the weighted sum of the parts.
        let evaluated = try model.evaluate(inputs: [data.xa, data.xb], targets: [data.yBin, data.yCat], batchSize: 5)
        XCTAssertEqual(evaluated.count, 5)
        XCTAssertEqual(evaluated[0], evaluated[1] + 0.5 * evaluated[2], accuracy: 1e-9)
    }

    /// One loss for every output, and the messages when the arrays do not fit the model.
    func testOneLossForEveryOutputAndArrayChecks() throws {
        let model = try MultiInputGraphTests.makeTwoWayModel()
        try model.compile(optimizer: SGD(learningRate: 0.1), loss: .meanSquaredError, metrics: ["acc"])
        XCTAssertEqual(["loss"] + model.compiled!.metrics, ["loss", "out_bin_loss", "out_cat_loss", "out_bin_acc", "out_cat_acc"])
        let data = MultiInputGraphTests.twoWayData()
        XCTAssertThrowsError(try model.fit(inputs: [data.xa], targets: [data.yBin, data.yCat], epochs: 1, progress: .silent)) { error in
            XCTAssertTrue("\(error)".contains("takes 2 input arrays, got 1"), "\(error)")
        }
        XCTAssertThrowsError(try model.fit(x: data.xa, y: data.yBin, epochs: 1, progress: .silent)) { error in
            XCTAssertTrue("\(error)".contains("takes 2 input arrays, got 1"), "\(error)")
        }
        XCTAssertThrowsError(try model.fit(inputs: [data.xa, data.xb], targets: [data.yBin, data.yCat], epochs: 1,
                                           progress: .silent, classWeight: [0: 1, 1: 2])) { error in
            XCTAssertTrue("\(error)".contains("class_weight is only supported for models with a single output"), "\(error)")
        }
        let predicted = try model.predict(inputs: [data.xa, data.xb], batchSize: 5)
        XCTAssertEqual(predicted.map(\.shape), [[12, 1], [12, 3]])
        XCTAssertEqual(predicted.map(\.scalars), try model.forward([data.xa, data.xb], mode: .inference).map(\.scalars))
    }
}
