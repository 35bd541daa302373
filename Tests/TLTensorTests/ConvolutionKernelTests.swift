import XCTest
@testable import TLTensor

/// The im2col + sgemm convolution and the pooling kernels against direct loops written from the definition.
final class ConvolutionKernelTests: XCTestCase {
    var rng = RandomGenerator(seed: 7)

    func random(_ shape: [Int]) -> Tensor {
        var t = Tensor(shape: shape)
        for i in 0..<t.count { t.scalars[i] = rng.uniform(-1, 1) }
        return t
    }

    /// y[n,i,j,f] = b[f] + sum x[n, i*s - pt + u, j*s - pl + v, c] * w[u,v,c,f], zero outside.
    func directConvolution(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ g: WindowGeometry) -> Tensor {
        let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let f = w.shape[3]
        var y = Tensor(shape: [n, g.outputHeight, g.outputWidth, f])
        for img in 0..<n { for i in 0..<g.outputHeight { for j in 0..<g.outputWidth { for o in 0..<f {
            var sum = Double(b.scalars[o])
            for u in 0..<g.windowHeight { for v in 0..<g.windowWidth {
                let yy = i * g.strideY - g.padTop + u, xx = j * g.strideX - g.padLeft + v
                guard yy >= 0, yy < h, xx >= 0, xx < wd else { continue }
                for ch in 0..<c {
                    sum += Double(x.scalars[((img * h + yy) * wd + xx) * c + ch]) * Double(w.scalars[((u * g.windowWidth + v) * c + ch) * f + o])
                }
            } }
            y.scalars[((img * g.outputHeight + i) * g.outputWidth + j) * f + o] = Float(sum)
        } } } }
        return y
    }

    func testRandomShapesMatchDirectConvolution() {
        for _ in 0..<12 {
            let h = Int.random(in: 1...9, using: &rng), w = Int.random(in: 1...9, using: &rng)
            let c = Int.random(in: 1...5, using: &rng), f = Int.random(in: 1...6, using: &rng)
            let kh = Int.random(in: 1...4, using: &rng), kw = Int.random(in: 1...4, using: &rng)
            let s = Int.random(in: 1...3, using: &rng)
            let padding: Padding = Bool.random(using: &rng) ? .same : .valid
            let g = WindowGeometry(inputHeight: h, inputWidth: w, channels: c, window: (kh, kw), strides: (s, s), padding: padding)
            guard g.outputHeight > 0 && g.outputWidth > 0 else { continue }
            let x = random([2, h, w, c]), k = random([kh, kw, c, f]), b = random([f])
            let fast = ConvolutionKernels.forward(input: x, kernel: k, bias: b, geometry: g)
            let slow = directConvolution(x, k, b, g)
            XCTAssertEqual(fast.shape, slow.shape)
            for i in 0..<fast.count {
                XCTAssertEqual(fast.scalars[i], slow.scalars[i], accuracy: 1e-4, "h\(h) w\(w) c\(c) f\(f) k\(kh)x\(kw) s\(s) \(padding)")
            }
        }
    }

    /// TensorFlow's SAME rule, by hand: in 150, window 3, stride 2 -> out 75, total pad 1, before 0.
    func testSamePaddingRule() {
        XCTAssertEqual(Padding.same.geometry(input: 150, window: 3, stride: 2).output, 75)
        XCTAssertEqual(Padding.same.geometry(input: 150, window: 3, stride: 2).padBefore, 0)
        XCTAssertEqual(Padding.same.geometry(input: 7, window: 3, stride: 1).padBefore, 1)
        XCTAssertEqual(Padding.same.geometry(input: 8, window: 5, stride: 2).output, 4)
        XCTAssertEqual(Padding.same.geometry(input: 8, window: 5, stride: 2).padBefore, 1)   // total 3: 1 before, 2 after
        XCTAssertEqual(Padding.valid.geometry(input: 9, window: 2, stride: 2).output, 4)
    }

    func testMaxPoolingByHand() {
        // 1x4x4x1: pool 2 stride 2 -> max of each quadrant.
        let x = Tensor(shape: [1, 4, 4, 1], scalars: [1, 2, 5, 6,
                                                       3, 4, 7, 8,
                                                       -1, -2, 0, 9,
                                                       -3, -4, 1, 2])
        let g = WindowGeometry(inputHeight: 4, inputWidth: 4, channels: 1, window: (2, 2), strides: (2, 2), padding: .valid)
        let (y, _) = PoolingKernels.maxForward(input: x, geometry: g, recordArgmax: false)
        XCTAssertEqual(y.scalars, [4, 8, -1, 9])
        // SAME with 3x3 stride 2 on all-negative input: padding never wins.
        let negative = Tensor(shape: [1, 3, 3, 1], repeating: -5)
        let gs = WindowGeometry(inputHeight: 3, inputWidth: 3, channels: 1, window: (3, 3), strides: (2, 2), padding: .same)
        XCTAssertEqual(PoolingKernels.maxForward(input: negative, geometry: gs, recordArgmax: false).output.scalars, [-5, -5, -5, -5])
    }

    func testSoftmaxSumsToOneAndIsStable() {
        var t = Tensor(shape: [2, 3], scalars: [1000, 1001, 1002, -1, 0, 1])
        Activation.softmax.apply(&t)
        XCTAssertEqual(t.scalars[0] + t.scalars[1] + t.scalars[2], 1, accuracy: 1e-6)
        XCTAssertEqual(t.scalars[2], 1 / (1 + exp(-1) + exp(-2)), accuracy: 1e-6)
        XCTAssertEqual(t.scalars[3...5].reduce(0, +), 1, accuracy: 1e-6)
    }

    func testReshapeInfersOneDimensionAndRejectsBadShapes() throws {
        let t = Tensor(shape: [2, 4, 4, 512], repeating: 1)
        XCTAssertEqual(try t.reshaped([2, -1]).shape, [2, 8192])
        XCTAssertThrowsError(try t.reshaped([3, -1]))
        XCTAssertThrowsError(try t.reshaped([-1, -1]))
        XCTAssertThrowsError(try t.reshaped([2, 100]))
    }
}
