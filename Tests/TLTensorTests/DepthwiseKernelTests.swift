import XCTest
@testable import TLTensor

/// The depthwise kernels on every path against a double-precision loop written from the definition: square
/// 3x3 and 5x5 windows (the row-ring kernels) and others (the general loop), both strides and paddings,
/// channel counts that leave a tail on 8 and 16 lanes, ReLU and ReLU6 clamps.
final class DepthwiseKernelTests: XCTestCase {
    var rng = RandomGenerator(seed: 21)

    func random(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.uniform(-1, 1) })
    }

    func reference(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ g: WindowGeometry, ceiling: Double?) -> [Double] {
        let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var y = [Double](repeating: 0, count: n * g.outputPixels * c)
        for img in 0..<n { for oy in 0..<g.outputHeight { for ox in 0..<g.outputWidth { for ch in 0..<c {
            var sum = Double(b?.scalars[ch] ?? 0)
            for ky in 0..<g.windowHeight { for kx in 0..<g.windowWidth {
                let iy = oy * g.strideY - g.padTop + ky, ix = ox * g.strideX - g.padLeft + kx
                guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                sum += Double(x.scalars[((img * h + iy) * wd + ix) * c + ch]) * Double(w.scalars[(ky * g.windowWidth + kx) * c + ch])
            } }
            if let ceiling { sum = min(max(sum, 0), ceiling) }
            y[((img * g.outputHeight + oy) * g.outputWidth + ox) * c + ch] = sum
        } } } }
        return y
    }

    func testEveryPathMatchesTheDefinition() {
        let windows = [(3, 3), (5, 5), (3, 3), (5, 5), (1, 1), (3, 2)]
        EngineOptions.forEachAvailablePath { path in
            for trial in 0..<24 {
                let window = windows[trial % windows.count], s = 1 + trial % 2
                let h = Int.random(in: 1...13, using: &rng), wd = Int.random(in: 1...13, using: &rng)
                let c = [1, 7, 8, 9, 16, 17, 24, 33][Int.random(in: 0..<8, using: &rng)]
                let g = WindowGeometry(inputHeight: h, inputWidth: wd, channels: c, window: window, strides: (s, s),
                                       padding: trial % 3 == 0 ? .valid : .same)
                guard g.outputHeight > 0, g.outputWidth > 0 else { continue }
                let x = random([2, h, wd, c]), w = random([window.0, window.1, c, 1]), b = trial % 4 == 1 ? nil : random([c])
                let ceiling: Float? = [nil, 6, .infinity, 0.25][trial % 4]
                let y = DepthwiseConvolutionKernels.forward(input: x, kernel: w, bias: b, geometry: g, relu: ceiling != nil,
                                                            reluCeiling: ceiling ?? .infinity)
                let expected = reference(x, w, b, g, ceiling: ceiling.map(Double.init))
                XCTAssertEqual(y.shape, [2, g.outputHeight, g.outputWidth, c])
                let error = zip(y.scalars, expected).map { abs(Double($0) - $1) }.max() ?? 0
                XCTAssertLessThan(error, 1e-5, "\(path) window \(window) stride \(s) h\(h) w\(wd) c\(c) ceiling \(String(describing: ceiling))")
            }
        }
    }
}

/// Max pooling without the argmax (the C kernels on their paths, the branch-free 2x2 loop on the portable
/// one) equals the argmax-recording loop, on windows that overlap, stride past each other and hang over the
/// edge with "same" padding, and channel counts with tails on 8 and 16 lanes.
final class MaxPoolingKernelTests: XCTestCase {
    func testEveryPathEqualsTheArgmaxLoop() {
        var rng = RandomGenerator(seed: 23)
        let cases: [((Int, Int), (Int, Int), Padding)] = [((2, 2), (2, 2), .valid), ((3, 3), (2, 2), .same), ((2, 2), (1, 1), .same),
                                                          ((3, 2), (1, 2), .valid), ((2, 2), (2, 2), .same)]
        EngineOptions.forEachAvailablePath { path in
            for (trial, (window, strides, padding)) in cases.enumerated() {
                let h = 5 + trial, w = 9 - trial, c = [3, 8, 17, 33, 16][trial]
                let x = Tensor(shape: [2, h, w, c], scalars: (0..<(2 * h * w * c)).map { _ in rng.uniform(-1, 1) })
                let g = WindowGeometry(batch: x, window: window, strides: strides, padding: padding)
                let fast = PoolingKernels.maxForward(input: x, geometry: g, recordArgmax: false).output
                let (reference, argmax) = PoolingKernels.maxForward(input: x, geometry: g, recordArgmax: true)
                XCTAssertEqual(fast, reference, "\(path) window \(window) strides \(strides) \(padding) c\(c)")
                XCTAssertEqual(reference.scalars, argmax.map { x.scalars[Int($0)] }, "the argmax points at the maximum")
            }
        }
    }
}
