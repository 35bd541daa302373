import XCTest
import TLTensor
@testable import TLNN

final class DepthwiseConv2DTests: XCTestCase {
    var fd = FiniteDifferenceCheck()

    func testGradientsSameStride1WithBias() throws {
        let layer = DepthwiseConv2D(kernelSize: (3, 3), padding: .same)
        try fd.check(layer, input: fd.random([2, 5, 6, 3]))
    }

    /// Stride 2 on an even size: TF SAME pads 0 before and 1 after, the asymmetric case.
    func testGradientsSameStride2EvenSizeNoBias() throws {
        let layer = DepthwiseConv2D(kernelSize: (3, 3), strides: (2, 2), padding: .same, useBias: false)
        try fd.check(layer, input: fd.random([2, 6, 6, 4]))
    }

    func testGradientsValid5x5Tanh() throws {
        let layer = DepthwiseConv2D(kernelSize: (5, 3), strides: (1, 2), padding: .valid, activation: .tanh)
        try fd.check(layer, input: fd.random([1, 7, 8, 2]))
    }

    /// A depthwise convolution is a full convolution whose kernel is zero off the channel diagonal:
    /// `Wfull[u, v, c, f] = W[u, v, c, 0] * [c == f]`. Both must give the same output, on every kernel path
    /// the processor has, with and without a ReLU6 clamped as the kernels write.
    func testMatchesConv2DWithDiagonalKernel() throws {
        try EngineOptions.forEachAvailablePath { path in
            for (strides, size, channels, activation) in [((1, 1), 7, 5, Activation.linear), ((2, 2), 8, 21, .relu6), ((2, 2), 7, 5, .relu6),
                                                          ((1, 1), 6, 33, .relu)] {
                let depthwise = DepthwiseConv2D(kernelSize: (5, 5), strides: strides, padding: .same, activation: activation)
                let full = Conv2D(filters: channels, kernelSize: (5, 5), strides: strides, padding: .same, activation: activation)
                let x = fd.random([3, size, size, channels], scale: 4)
                try depthwise.build(inputShape: [size, size, channels])
                try full.build(inputShape: [size, size, channels])
                let w = fd.random([5, 5, channels, 1])
                let b = fd.random([channels])
                depthwise.kernel!.value = w
                depthwise.bias!.value = b
                var wide = Tensor(shape: [5, 5, channels, channels])
                for tap in 0..<25 { for c in 0..<channels { wide.scalars[(tap * channels + c) * channels + c] = w.scalars[tap * channels + c] } }
                full.kernel!.value = wide
                full.bias!.value = b
                let a = try depthwise(x), e = try full(x)
                XCTAssertEqual(a.shape, e.shape)
                let label = "\(path) strides \(strides) size \(size) channels \(channels) \(activation)"
                for i in 0..<a.count { XCTAssertEqual(a.scalars[i], e.scalars[i], accuracy: 1e-5, "\(label) [\(i)]") }
                if activation == .relu6 { XCTAssertTrue(a.scalars.contains(6), "ReLU6 never saturated: \(label)") }
            }
        }
    }

    func testShapesAndWeightsAsKeras() throws {
        let layer = DepthwiseConv2D(kernelSize: (3, 3), strides: (2, 2), padding: .same, useBias: false, name: "dw")
        XCTAssertEqual(try layer.outputShape(for: [75, 75, 96]), [38, 38, 96])
        try layer.build(inputShape: [75, 75, 96])
        XCTAssertEqual(layer.weights.map(\.name), ["depthwise_kernel"])
        XCTAssertEqual(layer.weights.map(\.shape), [[3, 3, 96, 1]])
        XCTAssertEqual(layer.parameterCount, 864)
        XCTAssertThrowsError(try layer.forward(Tensor(shape: [1, 8, 8, 3]), mode: .inference)) { error in
            XCTAssertTrue("\(error)".contains("'dw'"), "\(error)")
        }
    }

    /// Depth multiplier 3: output channel `c * 3 + k` from window `k` of channel `c`, both strides, biased;
    /// and multiplier 2 with ReLU6 at stride 1.
    func testGradientsDepthMultiplier() throws {
        try fd.check(DepthwiseConv2D(kernelSize: (3, 3), strides: (2, 2), padding: .same, depthMultiplier: 3), input: fd.random([2, 6, 5, 2]))
        try fd.check(DepthwiseConv2D(kernelSize: (3, 2), padding: .valid, activation: .tanh, useBias: false, depthMultiplier: 2),
                     input: fd.random([1, 5, 6, 3]))
    }

    /// With multiplier M, `y[..., c * M + k] = depthwise(x[..., c], W[:, :, c, k])`: a full convolution whose
    /// kernel is zero except `Wfull[u, v, c, c * M + k] = W[u, v, c, k]`, on every kernel path.
    func testDepthMultiplierMatchesConv2D() throws {
        try EngineOptions.forEachAvailablePath { path in
            let (channels, m) = (5, 3)
            let depthwise = DepthwiseConv2D(kernelSize: (3, 3), strides: (2, 2), padding: .same, activation: .relu6, depthMultiplier: m)
            let full = Conv2D(filters: channels * m, kernelSize: (3, 3), strides: (2, 2), padding: .same, activation: .relu6)
            let x = fd.random([2, 7, 7, channels], scale: 4)
            try depthwise.build(inputShape: [7, 7, channels])
            try full.build(inputShape: [7, 7, channels])
            XCTAssertEqual(depthwise.kernel!.shape, [3, 3, channels, m])
            XCTAssertEqual(try depthwise.outputShape(for: [7, 7, channels]), [4, 4, channels * m])
            let w = depthwise.kernel!.value, b = fd.random([channels * m])
            depthwise.bias!.value = b
            var wide = Tensor(shape: [3, 3, channels, channels * m])
            for tap in 0..<9 {
                for c in 0..<channels {
                    for k in 0..<m { wide.scalars[(tap * channels + c) * channels * m + c * m + k] = w.scalars[(tap * channels + c) * m + k] }
                }
            }
            full.kernel!.value = wide
            full.bias!.value = b
            let a = try depthwise(x), e = try full(x)
            XCTAssertEqual(a.shape, e.shape)
            for i in 0..<a.count { XCTAssertEqual(a.scalars[i], e.scalars[i], accuracy: 1e-5, "\(path) [\(i)]") }
        }
    }
}
