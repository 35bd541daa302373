import XCTest
import TLTensor
@testable import TLNN

/// A convolution keeps its kernel packed for the C sgemm between calls (`PackedKernelCache`); whatever
/// changes the weight (assigned, changed in place, a folded normalisation's statistics) must show in the
/// next call, exactly as a layer that never packed before computes it.
final class PackedKernelCacheTests: XCTestCase {
    var fd = FiniteDifferenceCheck()
    let inference = ForwardMode(training: false, keepForBackward: false)

    func testVersionChangesWithEveryChangeOfTheValue() {
        let a = Parameter(name: "kernel", value: Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
        let b = Parameter(name: "kernel", value: Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
        XCTAssertNotEqual(a.version, b.version, "two parameters never share a version")
        var seen = a.version
        a.value.scalars[1] = 5                                          // in place
        XCTAssertNotEqual(a.version, seen)
        seen = a.version
        a.value.scalars.withUnsafeMutableBufferPointer { $0[0] = 7 }    // through a pointer
        XCTAssertNotEqual(a.version, seen)
        seen = a.version
        a.value = Tensor(shape: [2, 2], scalars: [0, 0, 0, 0])          // assigned
        XCTAssertNotEqual(a.version, seen)
        seen = a.version
        a.accumulate(Tensor(shape: [2, 2], scalars: [1, 1, 1, 1]))      // a gradient is not the value
        _ = a.value
        XCTAssertEqual(a.version, seen)
    }

    /// A 3x3 stride-2 convolution (the im2col route, kernel packed) called again, then again after its kernel
    /// changes in place, on every kernel path: the second call packs nothing, the third equals the kernels
    /// called without a cache.
    func testConvolutionSeesItsKernelChangeInPlace() throws {
        let layer = Conv2D(filters: 20, kernelSize: (3, 3), strides: (2, 2), padding: .same, activation: .relu, name: "conv")
        let x = fd.random([3, 11, 9, 7], scale: 2)
        try EngineOptions.forEachAvailablePath { path in
            _ = try layer.forward(x, mode: inference)
            XCTAssertEqual(layer.packedKernel!.isFilled, path != .portable, "\(path): packed and kept on the C paths")
            let packings = layer.packedKernel!.packings
            let before = try layer.forward(x, mode: inference)
            XCTAssertEqual(layer.packedKernel!.packings, packings, "\(path): the same kernel is not packed again")
            layer.kernel!.value.scalars.withUnsafeMutableBufferPointer { w in for i in w.indices where i % 3 == 0 { w[i] *= -1.5 } }
            let after = try layer.forward(x, mode: inference)
            var expected = ConvolutionKernels.forward(input: x, kernel: layer.kernel!.value, bias: layer.bias!.value,
                                                      geometry: layer.geometry(for: x))
            Activation.relu.apply(&expected)
            XCTAssertEqual(after, expected, "\(path)")
            XCTAssertNotEqual(after, before, "\(path): the change must show")
        }
    }

    /// EfficientNet-Lite-like blocks run as depthwise chains, then every kind of change: a pointwise kernel
    /// changed in place, another assigned, a folded normalisation's gamma and variance changed (the scale
    /// applied as the kernel is packed). The old model then equals a new one with the same weights, fused
    /// and step by step.
    func testChainsSeeChangedKernelsAndStatistics() throws {
        let model = try DepthwiseChainFusionTests.makeBlocks(using: &fd)
        let x = fd.random([5, 24, 26, 8], scale: 3)
        try EngineOptions.with(changing: { $0.workerCount = 2 }) {
            try EngineOptions.forEachAvailablePath { path in
                let before = try model.forward(x, mode: inference)
                let layers = Dictionary(uniqueKeysWithValues: model.allLayers.map { ($0.name, $0) })
                for name in ["a_expand", "a_project", "b_expand", "b_project", "c_project"] {
                    XCTAssertEqual((layers[name] as! Conv2D).packedKernel!.isFilled, path != .portable, "\(path) \(name) kept packed")
                }
                (layers["a_expand"] as! Conv2D).kernel!.value.scalars[5] += 0.75
                let project = layers["b_project"] as! Conv2D
                project.kernel!.value = fd.random(project.kernel!.shape)
                let bn = layers["c_project_bn"] as! BatchNormalization
                bn.gamma!.value.scalars[2] *= -2
                bn.movingVariance!.value.scalars[3] += 4
                let after = try model.forward(x, mode: inference)
                XCTAssertEqual(model.depthwiseChainsInLastForward, 3, "\(path)")
                XCTAssertNotEqual(after, before, "\(path): the changes must show")

                let fresh = try DepthwiseChainFusionTests.makeBlocks(using: &fd)
                for (p, q) in zip(model.weights, fresh.weights) { q.value = p.value }
                XCTAssertEqual(after, try fresh.forward(x, mode: inference), "\(path) fused")
                let separate = try EngineOptions.with(changing: { $0.fusesDepthwiseChains = false }) {
                    try DepthwiseChainFusionTests.makeBlocks(using: &fd)
                }
                for (p, q) in zip(model.weights, separate.weights) { q.value = p.value }
                try EngineOptions.with(changing: { $0.fusesDepthwiseChains = false }) {
                    XCTAssertEqual(after, try separate.forward(x, mode: inference), "\(path) step by step")
                }
            }
        }
    }
}
