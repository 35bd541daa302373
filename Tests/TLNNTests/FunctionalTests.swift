import XCTest
import TLTensor
@testable import TLNN

final class FunctionalTests: XCTestCase {
    var fd = FiniteDifferenceCheck()

    /// input -> conv -> bn -> tanh -> [depthwise -> bn] + (tanh output) -> relu6-free 1x1 conv.
    /// The tanh output fans out to the depthwise branch and the residual Add.
    func makeResidualGraph(channels: Int = 3) throws -> Functional {
        let model = Functional(inputShape: [5, 5, 2], inputName: "in", name: "residual")
        var x = try model.apply(Conv2D(filters: channels, kernelSize: (3, 3), padding: .same, useBias: false, name: "conv"), to: model.input)
        x = try model.apply(BatchNormalization(name: "conv_bn"), to: x)
        let trunk = try model.apply(ActivationLayer(.tanh, name: "act"), to: x)
        var branch = try model.apply(DepthwiseConv2D(kernelSize: (3, 3), padding: .same, useBias: false, name: "dw"), to: trunk)
        branch = try model.apply(BatchNormalization(name: "dw_bn"), to: branch)
        x = try model.apply(Add(name: "add"), to: [branch, trunk])
        try model.apply(Conv2D(filters: 2, kernelSize: (1, 1), name: "project"), to: x)
        for bn in model.allLayers.compactMap({ $0 as? BatchNormalization }) {
            bn.gamma!.value = fd.random(bn.gamma!.shape, scale: 2)
            bn.beta!.value = fd.random(bn.beta!.shape)
        }
        return model
    }

    func testGradientsThroughFanOutAndAdd() throws {
        try fd.check(try makeResidualGraph(), input: fd.random([3, 5, 5, 2]))
    }

    func testGradientsInInferenceMode() throws {
        try fd.check(try makeResidualGraph(), input: fd.random([2, 5, 5, 2]), mode: ForwardMode(training: false, keepForBackward: true))
    }

    /// Training only the last layer: the forward pass keeps activations only from there on, and the
    /// weight gradient equals the one computed with everything kept.
    func testPartialTrainingKeepsOnlyWhatBackpropagationReaches() throws {
        let model = try makeResidualGraph()
        let x = fd.random([2, 5, 5, 2])
        let mode = ForwardMode(training: false, keepForBackward: true)
        let project = try XCTUnwrap(model.layer(named: "project") as? Conv2D)
        let r = fd.random([2, 5, 5, 2])

        _ = try model.forward(x, mode: mode)
        project.kernel!.requiresGradient = true
        _ = try model.backward(r, needsInputGradient: true)
        let reference = project.kernel!.gradient!
        project.kernel!.requiresGradient = false
        model.clearCache()

        project.kernel!.requiresGradient = true
        _ = try model.forward(x, mode: mode)
        let conv = try XCTUnwrap(model.layer(named: "conv") as? Conv2D)
        XCTAssertThrowsError(try conv.backward(r, needsInputGradient: false), "an untrained early layer must not keep its input")
        XCTAssertNil(try model.backward(r, needsInputGradient: false))
        // Unkept, conv -> conv_bn and dw -> dw_bn ran folded into one convolution each: equal up to rounding.
        let gradient = project.kernel!.gradient!
        XCTAssertEqual(gradient.shape, reference.shape)
        let scale = reference.scalars.map(abs).max()!
        for i in 0..<reference.count { XCTAssertEqual(gradient.scalars[i], reference.scalars[i], accuracy: 1e-5 * scale) }
        XCTAssertThrowsError(try model.backward(r, needsInputGradient: true)) { error in
            XCTAssertTrue("\(error)".contains("'residual'"), "\(error)")
        }
        project.kernel!.requiresGradient = false
    }

    func testWiringErrorsNameTheLayer() throws {
        let model = Functional(inputShape: [4, 4, 3], name: "m")
        let other = Functional(inputShape: [4, 4, 3], name: "other")
        let a = try model.apply(Conv2D(filters: 2, kernelSize: (1, 1), name: "a"), to: model.input)
        XCTAssertThrowsError(try model.apply(Add(name: "bad_add"), to: [a, model.input])) { error in
            XCTAssertTrue("\(error)".contains("bad_add"), "\(error)")
        }
        XCTAssertThrowsError(try model.apply(Dense(units: 1, name: "stray"), to: other.input)) { error in
            XCTAssertTrue("\(error)".contains("does not belong"), "\(error)")
        }
        XCTAssertThrowsError(try model.apply(Conv2D(filters: 2, kernelSize: (1, 1), name: "a"), to: a)) { error in
            XCTAssertTrue("\(error)".contains("already"), "\(error)")
        }
        XCTAssertThrowsError(try Sequential([InputLayer(shape: [4, 4, 3]), Add(name: "lonely")])) { error in
            XCTAssertTrue("\(error)".contains("lonely"), "\(error)")
        }
    }

    /// Keras 2's functional summary: 98 columns, "Connected to" at column 65, one row per input.
    func testSummaryShowsConnections() throws {
        let model = try makeResidualGraph()
        let text = summaryText(of: model)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[1], "Layer (type)                    Output Shape         Param #     Connected to                     ")
        XCTAssertTrue(lines.allSatisfy { $0.count <= 98 })
        XCTAssertTrue(lines.contains("in (InputLayer)                 (None, 5, 5, 2)      0                                            "))
        XCTAssertTrue(lines.contains("conv (Conv2D)                   (None, 5, 5, 3)      54          in[0][0]                         "))
        let addRow = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("add (Add)") })
        XCTAssertEqual(lines[addRow], "add (Add)                       (None, 5, 5, 3)      0           dw_bn[0][0]                      ")
        XCTAssertEqual(lines[addRow + 1], String(repeating: " ", count: 64) + " act[0][0]" + String(repeating: " ", count: 24))
        // conv 54, two BN layers of 12 (6 non-trainable each), depthwise 27 (no bias: a BN follows), project 6 + 2.
        XCTAssertTrue(text.contains("Total params: 113"), text)
        XCTAssertTrue(text.contains("Trainable params: 101"), text)
        XCTAssertTrue(text.contains("Non-trainable params: 12"), text)
        // Nested in a Sequential model, the whole graph is one row.
        let outer = try Sequential([model, Flatten(name: "flat"), Dense(units: 1, name: "out")])
        let nested = summaryText(of: outer)
        XCTAssertTrue(nested.contains("residual (Model)             (None, 5, 5, 2)           113"), nested)
        XCTAssertFalse(nested.contains("dw_bn"))
    }

    /// A frozen graph inside a Sequential model (the walkthrough's conv_base): one training step changes
    /// the classifier and leaves the graph's weights and moving statistics alone.
    func testFrozenGraphInSequentialTrainsTheClassifierOnly() throws {
        let base = try makeResidualGraph()
        base.trainable = false
        let head = Dense(units: 1, activation: .sigmoid, name: "head")
        let model = try Sequential([base, Flatten(name: "flatten_r"), head])
        try model.compile(optimizer: RMSprop(learningRate: 1e-2), loss: .binaryCrossentropy, metrics: ["acc"])
        XCTAssertEqual(model.compiled!.trainableParameters.count, 2)
        let before = base.weights.map(\.value)
        let headBefore = head.weights.map(\.value)
        let (loss, _) = try model.trainStep(fd.random([4, 5, 5, 2]), Tensor(shape: [4, 1], scalars: [0, 1, 1, 0]),
                                            setup: model.compiled!, epoch: 1, batch: 1)
        XCTAssertTrue(loss.isFinite)
        XCTAssertEqual(base.weights.map(\.value), before)
        XCTAssertNotEqual(head.weights.map(\.value), headBefore)

        // Unfrozen: the graph's trainable weights and its moving statistics change too.
        base.trainable = true
        try model.compile(optimizer: RMSprop(learningRate: 1e-2), loss: .binaryCrossentropy, metrics: ["acc"])
        XCTAssertEqual(model.compiled!.trainableParameters.count, 1 + 2 + 1 + 2 + 2 + 2)
        _ = try model.trainStep(fd.random([4, 5, 5, 2]), Tensor(shape: [4, 1], scalars: [0, 1, 1, 0]),
                                setup: model.compiled!, epoch: 1, batch: 2)
        for (weight, old) in zip(base.weights, before) {
            XCTAssertNotEqual(weight.value, old, "\(weight.name) should change when the graph trains")
        }
    }
}
