import XCTest
import TLTensor
@testable import TLNN

/// Folded pointwise -> depthwise -> pointwise convolutions run image by image in bands (one step of the
/// plan) against the same folded steps run one after another: equal to the bit, since every value comes
/// from the same kernels and operands.
final class DepthwiseChainFusionTests: XCTestCase {
    var fd = FiniteDifferenceCheck()

    /// Three blocks shaped like EfficientNet-Lite's: expand -> depthwise 3x3 -> project with a residual
    /// sum; expand -> depthwise 5x5 at stride 2 -> project; depthwise -> project (no expansion, as in its
    /// first block). Every block's depthwise output has 64 pixels or more an image, so all three run fused.
    /// Batch normalisation statistics far from the identity.
    static func makeBlocks(using fd: inout FiniteDifferenceCheck) throws -> Functional {
        let model = Functional(inputShape: [24, 26, 8], inputName: "in", name: "blocks")
        func folded(_ layer: Layer, _ x: GraphTensor, _ name: String, relu6: Bool) throws -> GraphTensor {
            var y = try model.apply(layer, to: x)
            y = try model.apply(BatchNormalization(name: name + "_bn"), to: y)
            return relu6 ? try model.apply(ActivationLayer(.relu6, name: name + "_activation"), to: y) : y
        }
        var x = try folded(Conv2D(filters: 24, kernelSize: (1, 1), padding: .same, useBias: false, name: "a_expand"), model.input, "a_expand", relu6: true)
        x = try folded(DepthwiseConv2D(kernelSize: (3, 3), padding: .same, useBias: false, name: "a_dw"), x, "a_dw", relu6: true)
        x = try folded(Conv2D(filters: 8, kernelSize: (1, 1), padding: .same, useBias: false, name: "a_project"), x, "a_project", relu6: false)
        x = try model.apply(Add(name: "a_add"), to: [x, model.input])
        x = try folded(Conv2D(filters: 32, kernelSize: (1, 1), padding: .same, useBias: true, name: "b_expand"), x, "b_expand", relu6: true)
        x = try folded(DepthwiseConv2D(kernelSize: (5, 5), strides: (2, 2), padding: .same, useBias: true, name: "b_dw"), x, "b_dw", relu6: true)
        x = try folded(Conv2D(filters: 12, kernelSize: (1, 1), padding: .same, useBias: false, name: "b_project"), x, "b_project", relu6: false)
        x = try folded(DepthwiseConv2D(kernelSize: (3, 3), padding: .valid, useBias: false, name: "c_dw"), x, "c_dw", relu6: true)
        _ = try folded(Conv2D(filters: 16, kernelSize: (1, 1), padding: .same, useBias: false, name: "c_project"), x, "c_project", relu6: false)
        try randomizeStatistics(model, sample: [24, 26, 8], using: &fd)
        return model
    }

    /// Builds `model` and gives its batch normalisations statistics far from the identity.
    static func randomizeStatistics(_ model: Functional, sample: [Int], using fd: inout FiniteDifferenceCheck) throws {
        _ = try model.forward([fd.random([1] + sample)], mode: ForwardMode(training: false, keepForBackward: false))
        for bn in model.allLayers.compactMap({ $0 as? BatchNormalization }) {
            bn.gamma!.value = fd.random(bn.gamma!.shape, scale: 3)
            bn.beta!.value = fd.random(bn.beta!.shape, scale: 2)
            bn.movingMean!.value = fd.random(bn.movingMean!.shape)
            bn.movingVariance!.value = Tensor(shape: bn.movingVariance!.shape, scalars: fd.random(bn.movingVariance!.shape).scalars.map { $0 * $0 + 0.1 })
        }
    }

    /// On two workers, a batch of 5 runs fused on the C paths (and one image, or the portable path, step by
    /// step through the same plan).
    func testChainsEqualTheFoldedStepsOneByOne() throws {
        let model = try Self.makeBlocks(using: &fd)
        let inference = ForwardMode(training: false, keepForBackward: false)
        try EngineOptions.with(changing: { $0.workerCount = 2 }) {
            try EngineOptions.forEachAvailablePath { path in
            for n in [1, 5] {
                XCTAssertEqual(DepthwiseChainKernels.applies(batch: n), path != .portable && n == 5, "\(path) n\(n)")
                let x = fd.random([n, 24, 26, 8], scale: 3)
                let separate = try EngineOptions.with(changing: { $0.fusesDepthwiseChains = false }) { try model.forward(x, mode: inference) }
                XCTAssertEqual(model.depthwiseChainsInLastForward, 0)
                XCTAssertEqual(model.foldedRunsInLastForward, 8)
                let chained = try model.forward(x, mode: inference)
                XCTAssertEqual(model.depthwiseChainsInLastForward, 3, "\(path)")
                XCTAssertEqual(model.foldedRunsInLastForward, 8, "\(path)")
                XCTAssertEqual(chained.shape, [n, 10, 11, 16])
                XCTAssertEqual(chained, separate, "\(path) n\(n)")
                XCTAssertTrue(chained.scalars.contains { $0 != 0 }, "an all-zero output: a weak test")
            }
            }
        }
    }

    /// A chain stops where a value inside it is also read elsewhere or is one of the model's outputs: the
    /// expanded map feeding a second branch, the depthwise output returned as a second output.
    func testValuesReadElsewhereBreakTheChain() throws {
        let model = Functional(inputShape: [12, 12, 8], inputName: "in", name: "branches")
        var e = try model.apply(Conv2D(filters: 16, kernelSize: (1, 1), useBias: false, name: "expand"), to: model.input)
        e = try model.apply(BatchNormalization(name: "expand_bn"), to: e)
        e = try model.apply(ActivationLayer(.relu6, name: "expand_activation"), to: e)
        var d = try model.apply(DepthwiseConv2D(kernelSize: (3, 3), padding: .same, useBias: false, name: "dw"), to: e)
        d = try model.apply(BatchNormalization(name: "dw_bn"), to: d)
        d = try model.apply(ActivationLayer(.relu6, name: "dw_activation"), to: d)
        let side = try model.apply(Conv2D(filters: 16, kernelSize: (1, 1), name: "side"), to: e)   // reads the expanded map too
        var p = try model.apply(Conv2D(filters: 16, kernelSize: (1, 1), useBias: false, name: "project"), to: d)
        p = try model.apply(BatchNormalization(name: "project_bn"), to: p)
        let sum = try model.apply(Add(name: "add"), to: [p, side])
        try model.setOutputs([sum, d])                                                             // d is an output
        try Self.randomizeStatistics(model, sample: [12, 12, 8], using: &fd)
        let x = fd.random([4, 12, 12, 8], scale: 2)
        let inference = ForwardMode(training: false, keepForBackward: false)
        let chained = try model.forward([x], mode: inference)
        XCTAssertEqual(model.depthwiseChainsInLastForward, 0)
        XCTAssertEqual(model.foldedRunsInLastForward, 3)
        let separate = try EngineOptions.with(changing: { $0.fusesDepthwiseChains = false }) { try model.forward([x], mode: inference) }
        XCTAssertEqual(chained, separate)
    }

    /// Nothing chains where a value is kept for backpropagation (a trained block).
    func testKeptValuesAreNotChained() throws {
        let model = try Self.makeBlocks(using: &fd)
        _ = try model.forward(fd.random([2, 24, 26, 8]), mode: ForwardMode(training: false, keepForBackward: true))
        XCTAssertEqual(model.depthwiseChainsInLastForward, 0)
    }

    /// The kernels on their own, in bands of one to a few rows (the expanded rows computed as the bands
    /// reach them; the first band of a stride-2 window needs rows beyond its own), against the three
    /// stages one after another, on every C path.
    func testBandsEqualTheStagesOneByOne() throws {
        for path in KernelPath.available where path != .portable {
            for (stride, window, padding) in [(1, 3, Padding.same), (2, 5, .same), (2, 3, .valid), (1, 5, .valid)] {
                let (n, h, w, c, e, f) = (3, 14, 9, 6, 40, 7)
                let x = fd.random([n, h, w, c], scale: 2)
                let expand = DepthwiseChainKernels.Pointwise(kernel: fd.random([1, 1, c, e]), scale: fd.random([e]).scalars,
                                                             bias: fd.random([e]), ceiling: 6)
                let depthwise = DepthwiseChainKernels.Depthwise(kernel: fd.random([window, window, e, 1]), bias: fd.random([e]), ceiling: 6,
                                                                strides: (stride, stride), padding: padding)
                let project = DepthwiseChainKernels.Pointwise(kernel: fd.random([1, 1, e, f]), scale: nil, bias: nil, ceiling: nil)
                EngineOptions.with(changing: { $0.kernels = path }) {
                    let pointwise = WindowGeometry(inputHeight: h, inputWidth: w, channels: c, window: (1, 1), strides: (1, 1), padding: .same)
                    let expanded = ConvolutionKernels.forward(input: x, kernel: expand.kernel, bias: expand.bias, geometry: pointwise, relu: true,
                                                              reluCeiling: 6, kernelScale: expand.scale)
                    let g = WindowGeometry(inputHeight: h, inputWidth: w, channels: e, window: (window, window), strides: (stride, stride),
                                           padding: padding)
                    let filtered = DepthwiseConvolutionKernels.forward(input: expanded, kernel: depthwise.kernel, bias: depthwise.bias,
                                                                       geometry: g, relu: true, reluCeiling: 6)
                    let projected = ConvolutionKernels.forward(
                        input: filtered, kernel: project.kernel, bias: nil,
                        geometry: WindowGeometry(inputHeight: g.outputHeight, inputWidth: g.outputWidth, channels: e, window: (1, 1),
                                                 strides: (1, 1), padding: .same))
                    for band in [1, g.outputWidth * e, 3 * g.outputWidth * e, DepthwiseChainKernels.bandBudget] {
                        let label = "\(path) \(window)x\(window)/\(stride) \(padding) band \(band)"
                        let all = DepthwiseChainKernels.forward(input: x, expand: expand, depthwise: depthwise, project: project, bandFloats: band)
                        XCTAssertEqual(all, projected, label)
                        let noProject = DepthwiseChainKernels.forward(input: x, expand: expand, depthwise: depthwise, project: nil, bandFloats: band)
                        XCTAssertEqual(noProject, filtered, label + " without the projection")
                        let noExpand = DepthwiseChainKernels.forward(input: expanded, expand: nil, depthwise: depthwise, project: project,
                                                                     bandFloats: band)
                        XCTAssertEqual(noExpand, projected, label + " without the expansion")
                    }
                }
            }
        }
    }
}
