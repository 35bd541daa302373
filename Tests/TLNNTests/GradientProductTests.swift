import XCTest
import TLTensor
@testable import TLNN

/// A Dense layer's weight gradient kept as its factors `x^T dz` (``Parameter/pendingProduct``) and applied by
/// the optimizer as the kernels form it: what reading the gradient gives, accumulation, the finiteness
/// check, and whole training runs equal, bit for bit on every path, to runs that form every gradient first.
final class GradientProductTests: XCTestCase {
    var fd = FiniteDifferenceCheck()

    func testDenseKeepsItsKernelGradientAsFactorsAndReadingFormsIt() throws {
        let dense = Dense(units: 5, activation: .tanh)
        let x = fd.random([6, 7])
        _ = try dense.forward(x, mode: .inference)
        let (kernel, bias) = (dense.kernel!, dense.bias!)
        XCTAssertNil(kernel.gradient, "not requested: no gradient")
        XCTAssertFalse(kernel.hasGradient)
        kernel.requiresGradient = true
        bias.requiresGradient = true
        XCTAssertTrue(kernel.hasGradient)
        XCTAssertEqual(bias.gradient, Tensor.zeros([5]), "requested and untouched: zeros")
        let y = try dense.forward(x, mode: ForwardMode(training: true, keepForBackward: true))
        let dy = fd.random(y.shape)
        _ = try dense.backward(dy, needsInputGradient: false)
        let product = try XCTUnwrap(kernel.pendingProduct)
        XCTAssertEqual(product.a, x)
        var dz = dy
        Activation.tanh.backward(output: y, gradient: &dz)
        XCTAssertEqual(product.b, dz)
        var expected = Tensor.zeros([7, 5])
        expected.addMatmul(x, dz, transposeA: true)
        XCTAssertEqual(kernel.gradient, expected, "reading forms x^T dz as the product into zeros would")
        XCTAssertNil(kernel.pendingProduct, "read once, the gradient is stored")

        // A second pass (a layer used twice) adds to the stored gradient.
        _ = try dense.forward(x, mode: ForwardMode(training: true, keepForBackward: true))
        _ = try dense.backward(dy, needsInputGradient: false)
        expected.addMatmul(x, dz, transposeA: true)
        XCTAssertEqual(kernel.gradient, expected)
        kernel.requiresGradient = false
        XCTAssertNil(kernel.gradient, "cleared with the request")
        XCTAssertNil(kernel.pendingProduct)
    }

    /// Two passes before anything reads the gradient: the first stays factors until the second comes, then
    /// both are summed.
    func testASecondProductFormsTheFirstAndAddsToIt() {
        let p = Parameter(name: "kernel", value: Tensor.zeros([4, 3]))
        p.requiresGradient = true
        let (a1, b1, a2, b2) = (fd.random([2, 4]), fd.random([2, 3]), fd.random([5, 4]), fd.random([5, 3]))
        p.accumulateTransposedProduct(a1, b1)
        XCTAssertNotNil(p.pendingProduct)
        p.accumulateTransposedProduct(a2, b2)
        XCTAssertNil(p.pendingProduct)
        var expected = Tensor.zeros([4, 3])
        expected.addMatmul(a1, b1, transposeA: true)
        expected.addMatmul(a2, b2, transposeA: true)
        XCTAssertEqual(p.gradient, expected)
        let deep = Parameter(name: "kernel", value: Tensor.zeros([4, 3]))
        deep.requiresGradient = true
        deep.accumulateTransposedProduct(fd.random([TransposedProduct.maximumDepth + 1, 4]), fd.random([TransposedProduct.maximumDepth + 1, 3]))
        XCTAssertNil(deep.pendingProduct, "a batch deeper than the kernels keep is formed at once")
    }

    func testFinitenessOfAPendingProduct() {
        let p = Parameter(name: "kernel", value: Tensor.zeros([1, 1]))
        p.requiresGradient = true
        p.accumulateTransposedProduct(Tensor(shape: [2, 1], scalars: [1, 2]), Tensor(shape: [2, 1], scalars: [3, 4]))
        XCTAssertTrue(p.gradientIsFinite)
        XCTAssertNotNil(p.pendingProduct, "settled from the factors, not formed")
        p.requiresGradient = false
        p.requiresGradient = true
        p.accumulateTransposedProduct(Tensor(shape: [2, 1], scalars: [3e19, 3e19]), Tensor(shape: [2, 1], scalars: [3e19, 3e19]))
        XCTAssertFalse(p.gradientIsFinite, "an overflowing product is formed and found infinite")
        p.requiresGradient = false
        p.requiresGradient = true
        p.accumulateTransposedProduct(Tensor(shape: [2, 1], scalars: [3e19, 3e19]), Tensor(shape: [2, 1], scalars: [1e19, -1e19]))
        XCTAssertTrue(p.gradientIsFinite, "factors too large to settle it, whose product stays finite (3e38 - 3e38): formed and found finite")
        XCTAssertNil(p.pendingProduct)
        p.requiresGradient = false
        XCTAssertTrue(p.gradientIsFinite, "no gradient")
    }

    /// An optimizer that reads every gradient first, so that the one it wraps takes its plain step on the
    /// formed gradients.
    final class FormingOptimizer: Optimizer {
        let inner: OptimizerBase
        init(_ inner: OptimizerBase) { self.inner = inner }
        var typeName: String { inner.typeName }
        var learningRate: Float {
            get { inner.learningRate }
            set { inner.learningRate = newValue }
        }
        var kerasConfig: KerasConfig { inner.kerasConfig }
        var description: String { inner.description }
        func apply(to parameters: [Parameter]) {
            for p in parameters { _ = p.gradient }
            inner.apply(to: parameters)
        }
    }

    /// The method-1 classifier in small, fitted with the fused steps and with formed gradients: the same
    /// weights, bit for bit, on every path, for RMSprop, Adam and SGD.
    func testFitWithTheFusedStepsEqualsFitWithFormedGradients() throws {
        var rng = RandomGenerator(seed: 12)
        let x = Tensor(shape: [40, 50], scalars: (0..<2000).map { _ in rng.uniform(0, 1) })
        let y = Tensor(shape: [40], scalars: (0..<40).map { Float($0 % 2) })
        let optimizers: [() -> OptimizerBase] = [{ RMSprop(learningRate: 1e-3) }, { Adam(learningRate: 1e-3) },
                                                 { SGD(learningRate: 0.01, momentum: 0.9) }]
        try EngineOptions.forEachAvailablePath { path in
            for make in optimizers {
                func fitted(_ optimizer: Optimizer) throws -> [Tensor] {
                    try RandomSource.with(RandomSource(seed: 3)) {
                        let model = try Sequential([Dense(units: 16, activation: .relu), Dropout(rate: 0.5, seed: 4),
                                                    Dense(units: 1, activation: .sigmoid)], inputShape: [50])
                        try model.compile(optimizer: optimizer, loss: .binaryCrossentropy, metrics: ["acc"])
                        _ = try model.fit(x: x, y: y, epochs: 2, batchSize: 8, progress: .silent)
                        return model.weights.map(\.value)
                    }
                }
                let fused = try fitted(make()), formed = try fitted(FormingOptimizer(make()))
                XCTAssertEqual(fused.count, 4)
                for (a, b) in zip(fused, formed) {
                    XCTAssertEqual(a.scalars.map(\.bitPattern), b.scalars.map(\.bitPattern), "\(path) \(make().typeName)")
                }
            }
        }
    }
}
