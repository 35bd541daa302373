import XCTest
import TLTensor
@testable import TLNN

/// Dropout's mask, drawn and applied in one pass: element i of a training pass is kept (scaled by
/// `1 / (1 - rate)`) exactly when the i-th unit float of the layer's generator is at least `rate`, and the
/// next pass continues the stream.
final class DropoutMaskTests: XCTestCase {
    func testMaskFollowsTheGeneratorsDrawsAcrossPasses() throws {
        let rate: Float = 0.3, scale = 1 / (1 - rate)
        let dropout = Dropout(rate: rate, seed: 21)
        var draws = RandomGenerator(seed: 21)
        let x = Tensor(shape: [3, 37], scalars: (0..<111).map { Float($0) - 50.5 })
        for _ in 0..<2 {
            let y = try dropout.forward(x, mode: ForwardMode(training: true, keepForBackward: true))
            let dy = Tensor(shape: x.shape, scalars: (0..<111).map { Float($0 % 5) + 1 })
            let dx = try XCTUnwrap(try dropout.backward(dy, needsInputGradient: true))
            for i in 0..<x.count {
                let m: Float = draws.nextUnitFloat() >= rate ? scale : 0
                XCTAssertEqual(y.scalars[i].bitPattern, (x.scalars[i] * m).bitPattern, "element \(i)")
                XCTAssertEqual(dx.scalars[i].bitPattern, (dy.scalars[i] * m).bitPattern, "element \(i)")
            }
        }
    }
}
