import XCTest
import TLTensor
@testable import TLNN

/// A Conv2D and the max pooling after it run as one pass only when nothing is kept for backpropagation,
/// and give what the two layers give.
final class LayerChainTests: XCTestCase {
    func testConvolutionAndPoolingFuseOnlyWhereAllowedAndChangeNothing() throws {
        var fd = FiniteDifferenceCheck()
        let conv = Conv2D(filters: 32, kernelSize: (3, 3), padding: .same, activation: .relu)
        let pool = MaxPooling2D(poolSize: (2, 2))
        let model = try Sequential([conv, pool, Conv2D(filters: 8, kernelSize: (3, 3), padding: .same, activation: .relu),
                                    MaxPooling2D(poolSize: (2, 2)), Flatten(), Dense(units: 2)], inputShape: [26, 21, 32])
        let inference = ForwardMode.inference, kept = ForwardMode(training: true, keepForBackward: true)
        XCTAssertTrue(ExecutionPlan.canFuse(conv, pool, inference, inference))
        XCTAssertFalse(ExecutionPlan.canFuse(conv, pool, kept, inference))
        XCTAssertFalse(ExecutionPlan.canFuse(conv, pool, inference, kept))
        XCTAssertFalse(ExecutionPlan.canFuse(conv, MaxPooling2D(poolSize: (3, 3)), inference, inference))
        XCTAssertFalse(ExecutionPlan.canFuse(conv, MaxPooling2D(poolSize: (2, 2), padding: .same), inference, inference))
        XCTAssertFalse(ExecutionPlan.canFuse(Conv2D(filters: 4, kernelSize: (3, 3), activation: .tanh), pool, inference, inference))

        // Large enough for Winograd, so the pooling happens inside the convolution's kernel.
        let g = WindowGeometry(inputHeight: 26, inputWidth: 21, channels: 32, window: (3, 3), strides: (1, 1), padding: .same)
        XCTAssertEqual(ConvolutionKernels.resolve(.automatic, geometry: g, filters: 32, batch: 3), .winograd(.f4))
        let x = fd.random([3, 26, 21, 32], scale: 2)
        let fused = try model.forward(x, mode: .inference)
        let separate = try EngineOptions.with(changing: { $0.fusesPooling = false }) { try model.forward(x, mode: .inference) }
        XCTAssertEqual(fused, separate)
    }
}
