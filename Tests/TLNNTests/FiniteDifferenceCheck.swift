import XCTest
import TLTensor
@testable import TLNN

/// Central-difference check of a layer's backward pass, shared by the layers' gradient tests:
/// L = sum(layer(x) * r); dL/dx and dL/dw of every weight an optimizer may train (moving statistics
/// excluded: the output of a training-mode pass does not depend on them, and they are never trained).
struct FiniteDifferenceCheck {
    var rng = RandomGenerator(seed: 7)

    mutating func random(_ shape: [Int], scale: Float = 1) -> Tensor {
        var t = Tensor(shape: shape)
        for i in 0..<t.count { t.scalars[i] = rng.uniform(-scale, scale) }
        return t
    }

    mutating func check(_ layer: Layer, input: Tensor, mode: ForwardMode = ForwardMode(training: true, keepForBackward: true),
                        epsilon: Float = 1e-2, tolerance: Float = 1e-2, file: StaticString = #filePath, line: UInt = #line) throws {
        _ = try layer.forward(input, mode: .inference)   // builds weights
        let frozen = Set(layer.allLayers.flatMap(\.alwaysFrozenWeights).map(ObjectIdentifier.init))
        let checked = layer.weights.filter { !frozen.contains(ObjectIdentifier($0)) }
        let output = try layer.forward(input, mode: mode)
        let r = random(output.shape)
        for p in checked { p.requiresGradient = true }
        defer { for p in checked { p.requiresGradient = false } }
        let dx = try XCTUnwrap(try layer.backward(r, needsInputGradient: true), file: file, line: line)
        XCTAssertEqual(dx.shape, input.shape, file: file, line: line)
        let probe = ForwardMode(training: mode.training, keepForBackward: false, logitsOutput: mode.logitsOutput)
        func loss(_ x: Tensor) throws -> Double {
            let y = try layer.forward(x, mode: probe)
            return zip(y.scalars, r.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        func compare(_ analytic: [Float], numeric: (Int) throws -> Double, what: String) throws {
            let scale = max(analytic.map { abs($0) }.max() ?? 0, 1e-3)
            for i in stride(from: 0, to: analytic.count, by: max(1, analytic.count / 40)) {
                let n = try numeric(i)
                XCTAssertLessThan(abs(Float(n) - analytic[i]) / scale, tolerance,
                                  "\(layer.name) \(what)[\(i)]: analytic \(analytic[i]) numeric \(n)", file: file, line: line)
            }
        }
        try compare(dx.scalars, numeric: { i in
            var plus = input, minus = input
            plus.scalars[i] += epsilon; minus.scalars[i] -= epsilon
            return (try loss(plus) - loss(minus)) / Double(2 * epsilon)
        }, what: "dx")
        for p in checked {
            let analytic = try XCTUnwrap(p.gradient, file: file, line: line).scalars
            XCTAssertTrue(analytic.contains { $0 != 0 }, "\(layer.name) \(p.name): gradient is all zeros", file: file, line: line)
            try compare(analytic, numeric: { i in
                let saved = p.value.scalars[i]
                p.value.scalars[i] = saved + epsilon; let up = try loss(input)
                p.value.scalars[i] = saved - epsilon; let down = try loss(input)
                p.value.scalars[i] = saved
                return (up - down) / Double(2 * epsilon)
            }, what: p.name)
        }
    }
}
