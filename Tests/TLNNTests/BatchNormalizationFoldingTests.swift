import XCTest
import TLTensor
@testable import TLNN

/// Convolution -> batch normalisation (-> ReLU6) folded into one convolution in inference, against the
/// same graph run layer by layer (which keeping activations for backpropagation forces).
final class BatchNormalizationFoldingTests: XCTestCase {
    var fd = FiniteDifferenceCheck()

    /// input -> conv(stride 2) -> bn -> relu6 -> depthwise -> bn -> relu6 -> conv 1x1 -> bn, Lite0's block shape,
    /// with batch normalisation statistics far from the identity.
    func makeBlock() throws -> Functional {
        let model = Functional(inputShape: [9, 9, 3], inputName: "in", name: "block")
        var x = try model.apply(Conv2D(filters: 20, kernelSize: (3, 3), strides: (2, 2), padding: .same, useBias: false, name: "stem"), to: model.input)
        x = try model.apply(BatchNormalization(name: "stem_bn"), to: x)
        x = try model.apply(ActivationLayer(.relu6, name: "stem_activation"), to: x)
        x = try model.apply(DepthwiseConv2D(kernelSize: (5, 5), padding: .same, useBias: false, name: "dw"), to: x)
        x = try model.apply(BatchNormalization(name: "dw_bn"), to: x)
        x = try model.apply(ActivationLayer(.relu6, name: "dw_activation"), to: x)
        x = try model.apply(Conv2D(filters: 17, kernelSize: (1, 1), useBias: true, name: "project"), to: x)
        try model.apply(BatchNormalization(name: "project_bn"), to: x)
        _ = try model.forward(fd.random([1, 9, 9, 3]), mode: ForwardMode(training: false, keepForBackward: false))   // builds
        for bn in model.allLayers.compactMap({ $0 as? BatchNormalization }) {
            bn.gamma!.value = fd.random(bn.gamma!.shape, scale: 3)
            bn.beta!.value = fd.random(bn.beta!.shape, scale: 4)
            bn.movingMean!.value = fd.random(bn.movingMean!.shape)
            bn.movingVariance!.value = Tensor(shape: bn.movingVariance!.shape, scalars: fd.random(bn.movingVariance!.shape).scalars.map { $0 * $0 + 0.1 })
        }
        return model
    }

    func assertClose(_ a: Tensor, _ b: Tensor, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.shape, b.shape, message, file: file, line: line)
        let scale = b.scalars.map(abs).max() ?? 1
        let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, 1e-5 * scale, message, file: file, line: line)
    }

    func testFindsConvolutionNormalizationActivationRuns() throws {
        let model = try makeBlock()
        let runs = FoldableRun.find(in: model.planNodes)
        XCTAssertEqual(runs[1], FoldableRun(convolution: 1, normalization: 2, activation: 3))
        XCTAssertEqual(runs[4], FoldableRun(convolution: 4, normalization: 5, activation: 6))
        XCTAssertEqual(runs[7], FoldableRun(convolution: 7, normalization: 8, activation: nil))
        XCTAssertEqual(runs.count, 3)
    }

    func testFoldedInferenceEqualsLayerByLayer() throws {
        try EngineOptions.forEachAvailablePath { path in
            let model = try makeBlock()
            let x = fd.random([2, 9, 9, 3], scale: 3)
            let layered = try model.forward(x, mode: ForwardMode(training: false, keepForBackward: true))
            XCTAssertEqual(model.foldedRunsInLastForward, 0)
            model.clearCache()
            let folded = try model.forward(x, mode: ForwardMode(training: false, keepForBackward: false))
            XCTAssertEqual(model.foldedRunsInLastForward, 3)
            assertClose(folded, layered, "\(path)")
        }
    }

    /// A run that ends the graph in ReLU6: folded, and the clamp saturates at both ends.
    func testFoldedReLU6AtTheOutputClampsLikeTheLayer() throws {
        let model = Functional(inputShape: [6, 6, 4], inputName: "in", name: "stem")
        var x = try model.apply(Conv2D(filters: 24, kernelSize: (3, 3), padding: .same, useBias: false, name: "conv"), to: model.input)
        x = try model.apply(BatchNormalization(name: "bn"), to: x)
        try model.apply(ActivationLayer(.relu6, name: "activation"), to: x)
        XCTAssertEqual(FoldableRun.find(in: model.planNodes)[1], FoldableRun(convolution: 1, normalization: 2, activation: 3))
        let input = fd.random([2, 6, 6, 4], scale: 4)
        _ = try model.forward(input, mode: ForwardMode(training: false, keepForBackward: false))
        let bn = try XCTUnwrap(model.layer(named: "bn") as? BatchNormalization)
        bn.gamma!.value = fd.random(bn.gamma!.shape, scale: 5)
        bn.beta!.value = fd.random(bn.beta!.shape, scale: 3)
        let layered = try model.forward(input, mode: ForwardMode(training: false, keepForBackward: true))
        model.clearCache()
        let folded = try model.forward(input, mode: ForwardMode(training: false, keepForBackward: false))
        XCTAssertEqual(model.foldedRunsInLastForward, 1)
        assertClose(folded, layered, "relu6 at the output")
        XCTAssertTrue(folded.scalars.contains(6) && folded.scalars.contains(0), "ReLU6 saturated nowhere: a weak test")
        XCTAssertFalse(folded.scalars.contains { $0 < 0 || $0 > 6 })
    }

    /// Trainable batch normalisation in training uses the batch's statistics: nothing may be folded then.
    func testTrainingWithBatchStatisticsIsNotFolded() throws {
        let model = try makeBlock()
        let x = fd.random([3, 9, 9, 3], scale: 3)
        let moving = model.allLayers.compactMap { $0 as? BatchNormalization }.map { $0.movingMean!.value }
        let unkept = try model.forward(x, mode: ForwardMode(training: true, keepForBackward: false))
        XCTAssertEqual(model.foldedRunsInLastForward, 0)
        for (bn, before) in zip(model.allLayers.compactMap { $0 as? BatchNormalization }, moving) {
            XCTAssertNotEqual(bn.movingMean!.value, before, "\(bn.name) skipped: its moving mean did not move")
        }
        let inference = try model.forward(x, mode: ForwardMode(training: false, keepForBackward: false))
        XCTAssertGreaterThan(zip(unkept.scalars, inference.scalars).map { abs($0 - $1) }.max()!, 0.1)
    }
}
