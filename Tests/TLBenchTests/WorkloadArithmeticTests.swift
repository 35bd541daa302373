import XCTest
@testable import TLBench
import TLNN
import TLZoo

/// The bench's FLOP counts against counts made by hand from the layers' shapes.
final class WorkloadArithmeticTests: XCTestCase {
    /// VGG16's base at 150x150: the 13 convolutions' `side² · 9 · Cin · Cout` multiply-adds, side halved
    /// (rounded down) by each pooling; 13.23 GFLOP an image, the figure issue 18 quotes.
    func testVGG16BaseAt150IsThirteenPointTwoGigaflops() throws {
        let convolutions: [(side: Double, inputs: Double, outputs: Double)] = [
            (150, 3, 64), (150, 64, 64), (75, 64, 128), (75, 128, 128),
            (37, 128, 256), (37, 256, 256), (37, 256, 256), (18, 256, 512), (18, 512, 512), (18, 512, 512),
            (9, 512, 512), (9, 512, 512), (9, 512, 512),
        ]
        let expected = 2 * convolutions.reduce(0) { $0 + $1.side * $1.side * 9 * $1.inputs * $1.outputs }
        let base = try VGG16.make(includeTop: false, inputShape: [150, 150, 3])
        let counted = try WorkloadArithmetic(model: base, inputShape: [150, 150, 3])
        XCTAssertEqual(counted.forwardFLOPs, expected)
        XCTAssertEqual(counted.forwardFLOPs / 1e9, 13.23, accuracy: 0.005)
        // Nothing trains in a frozen base's step, so a step is its forward pass.
        base.trainable = false
        XCTAssertEqual(try WorkloadArithmetic(model: base, inputShape: [150, 150, 3]).trainingFLOPs, expected)
    }

    /// Conv2D 3x3 (3 -> 4) on 8x8, DepthwiseConv2D 3x3, Flatten, Dense 64 -> 5, Dense 5 -> 1; the
    /// convolution frozen.
    func testEachCountedLayerAndTheBackwardPassOfATrainingStep() throws {
        let conv = Conv2D(filters: 4, kernelSize: (3, 3))
        let model = try Sequential([conv, DepthwiseConv2D(kernelSize: (3, 3)), Flatten(), Dense(units: 5), Dense(units: 1)],
                                   inputShape: [8, 8, 3])
        conv.trainable = false
        let counted = try WorkloadArithmetic(model: model, inputShape: [8, 8, 3])
        let convolution = 6.0 * 6 * 3 * 3 * 3 * 4   // 6x6 outputs, 3x3x3 window, 4 filters
        let depthwise = 4.0 * 4 * 3 * 3 * 4          // 4x4 outputs, 3x3 window per channel
        let dense = 64.0 * 5, last = 5.0
        XCTAssertEqual(counted.leaves.map(\.multiplyAdds), [convolution, depthwise, 0, dense, last])
        XCTAssertEqual(counted.leaves.map(\.trains), [false, true, false, true, true])
        XCTAssertEqual(counted.forwardFLOPs, 2 * (convolution + depthwise + dense + last))
        // Backward: every trained layer's weight gradient; the input gradients of the layers after the
        // depthwise one (the first trained layer, whose own input gradient nothing needs).
        let backward = (depthwise + dense + last) + (dense + last)
        XCTAssertEqual(counted.trainingFLOPs, 2 * (convolution + depthwise + dense + last + backward))
    }

    /// A graph's branches are counted once each; the Add merging them is not counted.
    func testAGraphCountsEveryBranch() throws {
        let model = Functional(inputShape: [5, 5, 2])
        let a = try model.apply(Conv2D(filters: 3, kernelSize: (1, 1)), to: model.input)
        let b = try model.apply(Conv2D(filters: 3, kernelSize: (3, 3), padding: .same), to: model.input)
        try model.apply(Add(), to: [a, b])
        let counted = try WorkloadArithmetic(model: model, inputShape: [5, 5, 2])
        XCTAssertEqual(counted.forwardFLOPs, 2 * (25 * 2 * 3 + 25 * 9 * 2 * 3))
    }
}
