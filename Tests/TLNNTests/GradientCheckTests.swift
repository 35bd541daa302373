import XCTest
import TLTensor
@testable import TLNN

/// Finite-difference checks: every layer's backward pass against central differences of its forward pass.
final class GradientCheckTests: XCTestCase {
    var finiteDifferences = FiniteDifferenceCheck(rng: RandomGenerator(seed: 42))
    var rng: RandomGenerator {
        get { finiteDifferences.rng }
        set { finiteDifferences.rng = newValue }
    }

    func random(_ shape: [Int], scale: Float = 1) -> Tensor { finiteDifferences.random(shape, scale: scale) }

    /// L = sum(layer(x) * r): dL/dx and dL/dw of every weight against central differences.
    func check(_ layer: Layer, input: Tensor, mode: ForwardMode = ForwardMode(training: true, keepForBackward: true),
               epsilon: Float = 1e-2, tolerance: Float = 1e-2, file: StaticString = #filePath, line: UInt = #line) throws {
        try finiteDifferences.check(layer, input: input, mode: mode, epsilon: epsilon, tolerance: tolerance, file: file, line: line)
    }

    func testConv2DSameStride1() throws {
        try check(Conv2D(filters: 3, kernelSize: (3, 3), padding: .same, activation: .linear), input: random([2, 5, 6, 2]))
    }

    func testConv2DValidStride2WithSigmoid() throws {
        try check(Conv2D(filters: 4, kernelSize: (3, 2), strides: (2, 2), padding: .valid, activation: .sigmoid), input: random([2, 7, 6, 3]))
    }

    func testConv2DSameStride2Tanh() throws {
        try check(Conv2D(filters: 2, kernelSize: (3, 3), strides: (2, 2), padding: .same, activation: .tanh), input: random([1, 6, 5, 2]))
    }

    func testConv2DPointwise() throws {
        try check(Conv2D(filters: 3, kernelSize: (1, 1), activation: .linear), input: random([2, 3, 3, 4]))
    }

    func testConv2DRelu() throws {
        // Values away from the kink, so the finite difference does not straddle zero: the weights come from
        // random source in effect, seeded here so they do not depend on which tests ran before in the process.
        let conv = Conv2D(filters: 2, kernelSize: (2, 2), padding: .valid, activation: .relu)
        try RandomSource.with(RandomSource(seed: 3)) { try check(conv, input: random([1, 4, 4, 2]), epsilon: 1e-3, tolerance: 3e-2) }
    }

    func testMaxPooling() throws {
        // Distinct values so the maximum is unique and stable under the perturbation.
        var x = Tensor(shape: [2, 5, 4, 3])
        let order = Array(0..<x.count).shuffled(using: &rng)
        for (i, v) in order.enumerated() { x.scalars[i] = Float(v) * 0.1 }
        try check(MaxPooling2D(poolSize: (2, 2)), input: x, epsilon: 1e-3)
        try check(MaxPooling2D(poolSize: (3, 3), strides: (2, 2), padding: .same), input: x, epsilon: 1e-3)
        try check(GlobalMaxPooling2D(), input: x, epsilon: 1e-3)
    }

    func testGlobalAveragePooling() throws {
        try check(GlobalAveragePooling2D(), input: random([2, 3, 4, 5]))
    }

    /// On every kernel path the processor has (the C kernels' column bands split 40 units as 32 + 8).
    func testDenseActivations() throws {
        try EngineOptions.forEachAvailablePath { _ in
            for activation in [Activation.linear, .sigmoid, .softmax, .tanh] {
                try check(Dense(units: 4, activation: activation), input: random([3, 5]))
            }
            try check(Dense(units: 40, activation: .tanh), input: random([13, 7]))
        }
    }

    func testDenseLogitsModeSkipsActivation() throws {
        try check(Dense(units: 3, activation: .softmax), input: random([2, 4]),
                  mode: ForwardMode(training: true, keepForBackward: true, logitsOutput: true))
    }

    func testFlattenAndDropout() throws {
        try check(Flatten(), input: random([2, 2, 3, 2]))
        // The same mask is needed for each evaluation: fix the generator by re-seeding per forward.
        let dropout = Dropout(rate: 0.5, seed: 1)
        let x = random([4, 6])
        let y = try dropout.forward(x, mode: ForwardMode(training: true, keepForBackward: true))
        let dx = try XCTUnwrap(try dropout.backward(Tensor(shape: x.shape, repeating: 1), needsInputGradient: true))
        var kept = 0
        for i in 0..<x.count {
            if y.scalars[i] == 0 { XCTAssertEqual(dx.scalars[i], 0) } else {
                kept += 1
                XCTAssertEqual(y.scalars[i], x.scalars[i] * 2, accuracy: 1e-6)   // inverted scaling 1/(1-0.5)
                XCTAssertEqual(dx.scalars[i], 2, accuracy: 1e-6)
            }
        }
        XCTAssertGreaterThan(kept, 0)
        XCTAssertLessThan(kept, x.count)
        XCTAssertEqual(try dropout.forward(x, mode: .inference), x)   // identity at inference
    }

    /// Each loss's gradient against central differences of its batch mean.
    func testLossGradients() throws {
        let cases: [(Loss, Tensor, Tensor, Bool)] = [
            (.binaryCrossentropy, random([4, 1], scale: 3), Tensor(shape: [4, 1], scalars: [0, 1, 1, 0]), true),
            (.binaryCrossentropy, Tensor(shape: [3, 1], scalars: [0.2, 0.7, 0.9]), Tensor(shape: [3, 1], scalars: [0, 1, 0]), false),
            (.categoricalCrossentropy, random([2, 3]), Tensor(shape: [2, 3], scalars: [0, 1, 0, 1, 0, 0]), true),
            (.categoricalCrossentropy, Tensor(shape: [2, 3], scalars: [0.2, 0.5, 0.3, 0.6, 0.3, 0.1]), Tensor(shape: [2, 3], scalars: [0, 1, 0, 1, 0, 0]), false),
            (.sparseCategoricalCrossentropy, random([3, 4]), Tensor(shape: [3], scalars: [2, 0, 3]), true),
            (.meanSquaredError, random([3, 2]), random([3, 2]), false),
        ]
        for (loss, prediction, target, fromLogits) in cases {
            let (_, gradient) = try loss.evaluate(prediction: prediction, target: target, fromLogits: fromLogits)
            for i in 0..<prediction.count {
                let eps: Float = 1e-3
                var plus = prediction, minus = prediction
                plus.scalars[i] += eps; minus.scalars[i] -= eps
                let up = try loss.evaluate(prediction: plus, target: target, fromLogits: fromLogits).perSample
                let down = try loss.evaluate(prediction: minus, target: target, fromLogits: fromLogits).perSample
                let numeric = (up.reduce(0, +) - down.reduce(0, +)) / Float(up.count) / (2 * eps)
                XCTAssertEqual(gradient.scalars[i], numeric, accuracy: 2e-3, "\(loss) fromLogits=\(fromLogits) [\(i)]")
            }
        }
    }

    /// Hand-computed values: BCE from logits z=0 is log 2; from z=2, y=1 it is log(1+e^-2).
    func testBinaryCrossentropyValues() throws {
        let (perSample, _) = try Loss.binaryCrossentropy.evaluate(
            prediction: Tensor(shape: [2, 1], scalars: [0, 2]), target: Tensor(shape: [2, 1], scalars: [0, 1]), fromLogits: true)
        XCTAssertEqual(perSample[0], log(2), accuracy: 1e-6)
        XCTAssertEqual(perSample[1], log(1 + exp(-2)), accuracy: 1e-6)
        // Probabilities are clipped to [1e-7, 1 - 1e-7]: p = 0 with y = 1 costs -log(1e-7).
        let (clipped, _) = try Loss.binaryCrossentropy.evaluate(
            prediction: Tensor(shape: [1, 1], scalars: [0]), target: Tensor(shape: [1, 1], scalars: [1]), fromLogits: false)
        XCTAssertEqual(clipped[0], -log(Float(1e-7)), accuracy: 1e-3)
    }
}
