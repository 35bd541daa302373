import XCTest
import TLTensor
@testable import TLNN

/// Optimizer steps against the update rules computed by hand.
final class OptimizerTests: XCTestCase {
    func parameter(_ w: [Float], gradient g: [Float]) -> Parameter {
        let p = Parameter(name: "w", value: Tensor(shape: [w.count], scalars: w))
        p.gradient = Tensor(shape: [g.count], scalars: g)
        return p
    }

    func testRMSpropEpsilonInsideRoot() {
        let p = parameter([1, -2], gradient: [0.5, 0])
        let opt = RMSprop(learningRate: 0.1)
        opt.apply(to: [p])
        // v = 0.1 * 0.25 = 0.025; w = 1 - 0.1 * 0.5 / sqrt(0.025 + 1e-7)
        XCTAssertEqual(p.value.scalars[0], 1 - 0.1 * 0.5 / (0.025 + 1e-7).squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(p.value.scalars[1], -2)   // zero gradient: epsilon inside the root keeps it finite and still
        opt.apply(to: [p])
        let v2: Float = 0.9 * 0.025 + 0.1 * 0.25
        XCTAssertEqual(p.value.scalars[0], 1 - 0.1 * 0.5 / (0.025 + 1e-7).squareRoot() - 0.1 * 0.5 / (v2 + 1e-7).squareRoot(), accuracy: 1e-6)
    }

    func testSGDMomentumAndNesterov() {
        let p = parameter([1], gradient: [2])
        let opt = SGD(learningRate: 0.1, momentum: 0.9)
        opt.apply(to: [p]); opt.apply(to: [p])
        // m1 = -0.2, w1 = 0.8; m2 = 0.9*-0.2 - 0.2 = -0.38, w2 = 0.42
        XCTAssertEqual(p.value.scalars[0], 0.42, accuracy: 1e-6)
        let q = parameter([1], gradient: [2])
        SGD(learningRate: 0.1, momentum: 0.9, nesterov: true).apply(to: [q])
        // m1 = -0.2; w += 0.9 * -0.2 - 0.2 = -0.38
        XCTAssertEqual(q.value.scalars[0], 0.62, accuracy: 1e-6)
    }

    func testAdamEpsilonOutsideRoot() {
        let p = parameter([1], gradient: [0.3])
        Adam(learningRate: 0.01).apply(to: [p])
        // m = 0.03, v = 0.00009; alpha = 0.01 * sqrt(0.001) / 0.1; step = alpha * m / (sqrt(v) + 1e-7)
        let alpha = 0.01 * Float(0.001).squareRoot() / 0.1
        XCTAssertEqual(p.value.scalars[0], 1 - alpha * 0.03 / (Float(0.00009).squareRoot() + 1e-7), accuracy: 1e-6)
    }

    /// A weight large enough to be updated in pieces over the cores gets, element by element, what the
    /// same values get as one-element weights.
    func testLargeWeightsStepLikeSmallOnes() {
        let n = 1 << 17
        let w = (0..<n).map { Float($0 % 97) / 97 - 0.5 }, g = (0..<n).map { Float($0 % 89) / 89 - 0.3 }
        for make in [{ RMSprop(learningRate: 0.01) as OptimizerBase }, { Adam(learningRate: 0.01) }] {
            let large = parameter(w, gradient: g), optimizer = make()
            optimizer.apply(to: [large]); optimizer.apply(to: [large])
            for i in [0, 1, 8191, n / 2 + 3, n - 1] {
                let small = parameter([w[i]], gradient: [g[i]]), reference = make()
                reference.apply(to: [small]); reference.apply(to: [small])
                XCTAssertEqual(large.value.scalars[i], small.value.scalars[0], accuracy: 1e-6, "\(optimizer.typeName) weight \(i)")
            }
        }
    }

    /// Each optimizer's Keras config rebuilds the same optimizer; missing keys take Keras's defaults.
    func testKerasConfigRoundTrips() throws {
        let optimizers: [OptimizerBase] = [RMSprop(learningRate: 2e-5, rho: 0.8, epsilon: 1e-6),
                                           SGD(learningRate: 0.05, momentum: 0.9, nesterov: true),
                                           Adam(learningRate: 0.003, beta1: 0.8, beta2: 0.99, epsilon: 1e-8)]
        for optimizer in optimizers {
            let rebuilt = try XCTUnwrap(OptimizerBase.make(className: optimizer.typeName, config: optimizer.kerasConfig))
            XCTAssertEqual(rebuilt.description, optimizer.description)
            XCTAssertEqual(rebuilt.kerasConfig, optimizer.kerasConfig)
        }
        XCTAssertEqual(SGD().kerasConfig.keys.sorted(), ["learning_rate", "momentum", "nesterov"])
        XCTAssertEqual(OptimizerBase.make(className: "SGD", config: [:])?.description, SGD().description)
        XCTAssertEqual(OptimizerBase.make(className: "Adam", config: Adam(learningRate: 0.5).kerasConfig.filter { $0.key == "learning_rate" })?.description, Adam(learningRate: 0.5).description)
        XCTAssertNil(OptimizerBase.make(className: "Adagrad", config: [:]))
    }
}
