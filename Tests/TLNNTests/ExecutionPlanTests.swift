import XCTest
import TLTensor
@testable import TLNN

/// Execution plans: what they keep, what they fuse, when they are rebuilt; one trainer for stacks and
/// graphs; the optimizers' shared state and its checkpoint.
final class ExecutionPlanTests: XCTestCase {
    var fd = FiniteDifferenceCheck()

    func makeStack() throws -> Sequential {
        try Sequential([Dense(units: 4, activation: .relu, name: "a"), Dense(units: 3, activation: .tanh, name: "b"),
                        Dense(units: 2, name: "c")], inputShape: [5])
    }

    func testPlanKeepsFromTheFirstTrainedLayerAndIsRebuiltWhenTheRequestChanges() throws {
        let model = try makeStack()
        let mode = ForwardMode(training: true, keepForBackward: true)
        let (a, b, c) = (model.layers[0] as! Dense, model.layers[1] as! Dense, model.layers[2] as! Dense)
        c.kernel!.requiresGradient = true
        XCTAssertEqual(ExecutionPlan(model.planNodes, mode: mode, fusions: []).kept, [false, false, false, true])
        let x = fd.random([3, 5])
        _ = try model.forward(x, mode: mode)
        XCTAssertThrowsError(try b.backward(fd.random([3, 3]), needsInputGradient: false), "b is before the first trained layer")
        XCTAssertNil(try model.backward(fd.random([3, 2]), needsInputGradient: false))
        XCTAssertThrowsError(try model.backward(fd.random([3, 2]), needsInputGradient: true))
        XCTAssertNil(c.bias!.gradient, "a gradient not requested is not computed")
        XCTAssertNotNil(c.kernel!.gradient)
        model.clearCache()

        // Requesting b's gradient too: a new plan keeps from b on.
        b.bias!.requiresGradient = true
        XCTAssertEqual(ExecutionPlan(model.planNodes, mode: mode, fusions: []).kept, [false, false, true, true])
        _ = try model.forward(x, mode: mode)
        XCTAssertThrowsError(try a.backward(fd.random([3, 4]), needsInputGradient: false))
        XCTAssertNil(try model.backward(fd.random([3, 2]), needsInputGradient: false))
        XCTAssertNotNil(b.bias!.gradient)
        XCTAssertNil(b.kernel!.gradient)
        // Asked for the input gradient, every layer keeps.
        let all = ForwardMode(training: true, keepForBackward: true, needsInputGradient: true)
        XCTAssertEqual(ExecutionPlan(model.planNodes, mode: all, fusions: []).kept, [true, true, true, true])
    }

    /// A stack popped and grown again runs its new layer, not the cached plan's old one.
    func testPlanFollowsTheLayersOfAStack() throws {
        let model = try makeStack()
        let x = fd.random([2, 5])
        _ = try model.forward(x, mode: .inference)
        try model.pop()
        let replacement = Dense(units: 7, name: "d")
        try model.add(replacement)
        XCTAssertEqual(try model.forward(x, mode: .inference).shape, [2, 7])
        XCTAssertEqual(try model.forward(x, mode: .inference), try replacement.forward(try model.layers[1].forward(
            try model.layers[0].forward(x, mode: .inference), mode: .inference), mode: .inference))
    }

    func testConvolutionAndPoolingAreOneStepOnlyWhereNothingIsKept() throws {
        let model = try Sequential([Conv2D(filters: 4, kernelSize: (3, 3), padding: .same, activation: .relu), MaxPooling2D(poolSize: (2, 2)),
                                    Flatten(), Dense(units: 2)], inputShape: [8, 8, 3])
        func operations(_ mode: ForwardMode) -> [String] {
            ExecutionPlan(model.planNodes, mode: mode, fusions: .convolutionPooling).steps.map { step in
                switch step.operation {
                case .input: return "input"
                case .layer: return "layer"
                case .convolutionPooling: return "conv+pool"
                case .foldedNormalization: return "folded"
                case .clampedAdd: return "add+relu"
                case .depthwiseChain: return "chain"
                }
            }
        }
        XCTAssertEqual(operations(.inference), ["input", "conv+pool", "layer", "layer"])
        XCTAssertEqual(operations(ForwardMode(training: true, keepForBackward: true)), ["input", "layer", "layer", "layer", "layer"])
        // Only the Dense trains: the convolution keeps nothing, so it still fuses with its pooling.
        (model.layers[3] as! Dense).kernel!.requiresGradient = true
        XCTAssertEqual(operations(ForwardMode(training: true, keepForBackward: true)), ["input", "conv+pool", "layer", "layer"])
    }

    /// A graph model trains with `fit` itself, and gives what the same layers give as a Sequential stack
    /// (which the golden runs check against Keras): the same History and weights, bit for bit.
    func testGraphModelTrainsDirectlyAsItsStackDoes() throws {
        let stack = try Sequential([Dense(units: 6, activation: .relu), Dense(units: 1, activation: .sigmoid)], inputShape: [4])
        let graph = Functional(inputShape: [4])
        let hidden = try graph.apply(Dense(units: 6, activation: .relu), to: graph.input)
        try graph.apply(Dense(units: 1, activation: .sigmoid), to: hidden)
        for (target, source) in zip(graph.weights, stack.weights) { target.value = source.value }
        let initial = stack.weights.map(\.value)
        let x = fd.random([10, 4])
        let y = Tensor(shape: [10, 1], scalars: (0..<10).map { Float($0 % 2) })
        var histories: [[(String, [Double])]] = []
        for model in [stack, graph] as [any Model] {
            try model.compile(optimizer: RMSprop(learningRate: 0.01), loss: .binaryCrossentropy, metrics: ["acc"])
            let history = try model.fit(x: x, y: y, epochs: 3, batchSize: 4, shuffle: false, progress: .silent)
            histories.append(history.entries)
            XCTAssertEqual(try model.evaluate(x: x, y: y).count, 2)
        }
        XCTAssertEqual(histories[0].map(\.0), ["loss", "acc"])
        XCTAssertEqual(histories[0].map(\.1), histories[1].map(\.1))
        XCTAssertEqual(graph.weights.map(\.value), stack.weights.map(\.value))
        XCTAssertNotEqual(graph.weights.map(\.value), initial, "trained")
    }

    /// The shared base's checkpoint: two steps, export, import into a fresh optimizer, one more step
    /// equals three uninterrupted steps; the step count travels with the state.
    func testOptimizerStateRoundTripContinuesExactly() throws {
        let makers: [() -> OptimizerBase] = [{ RMSprop(learningRate: 0.1) }, { SGD(learningRate: 0.1, momentum: 0.9, nesterov: true) },
                                             { Adam(learningRate: 0.1) }]
        let gradients: [[Float]] = [[0.5, -1, 2], [0.25, 0, -3], [1, 1, 1]]
        for make in makers {
            func parameter() -> Parameter { Parameter(name: "w", value: Tensor(shape: [3], scalars: [1, -2, 0.5])) }
            func step(_ optimizer: OptimizerBase, _ p: Parameter, _ g: [Float]) {
                p.requiresGradient = true
                p.gradient!.scalars = g
                optimizer.apply(to: [p])
            }
            let straight = make(), p = parameter()
            for g in gradients { step(straight, p, g) }
            let first = make(), q = parameter()
            for g in gradients.prefix(2) { step(first, q, g) }
            let state = first.exportState(for: [q])
            XCTAssertEqual(state.step, 2)
            XCTAssertEqual(Set(state.slots.keys), Set(first.slotNames))
            let resumed = make()
            try resumed.importState(state, for: [q])
            step(resumed, q, gradients[2])
            XCTAssertEqual(q.value.scalars, p.value.scalars, resumed.typeName)
            XCTAssertEqual(resumed.exportState(for: [q]), straight.exportState(for: [p]), resumed.typeName)
            XCTAssertThrowsError(try make().importState(state, for: [q, p]), "state for one weight does not fit two")
        }
        let plain = SGD(learningRate: 0.1), p = Parameter(name: "w", value: Tensor(shape: [2], scalars: [1, 2]))
        p.requiresGradient = true
        p.gradient!.scalars = [1, -1]
        plain.apply(to: [p])
        XCTAssertEqual(p.value.scalars, [1 - Float(0.1) * 1, 2 - Float(0.1) * -1])
        XCTAssertEqual(plain.exportState(for: [p]).slots["momentum"]!, [nil], "SGD without momentum keeps no state")
    }
}
