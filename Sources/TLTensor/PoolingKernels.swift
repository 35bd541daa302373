import CTensorKernels

/// Max and average pooling over NHWC batches.
public enum PoolingKernels {
    /// `y[n, oy, ox, c] = max over the window of x`; padded positions never win (TensorFlow's rule), and of
    /// equal values the first in row-major window order wins. Returns the flat input index of each maximum
    /// as well, for the backward pass. Output rows are spread over the cores; a 2x2 stride-2 window
    /// inside the input takes a branch-free path. Without the argmax, the C kernels of `kernels` do the rows.
    public static func maxForward(input: Tensor, geometry g: WindowGeometry, recordArgmax: Bool,
                                  kernels: KernelPath = .current) -> (output: Tensor, argmax: [Int32]) {
        let kernels = kernels.effective
        let native = !recordArgmax && kernels != .portable
        let n = input.shape[0], c = g.channels
        let shape = [n, g.outputHeight, g.outputWidth, c]
        var argmax = [Int32](repeating: 0, count: recordArgmax ? shape.reduce(1, *) : 0)
        let imageSize = g.inputHeight * g.inputWidth * c
        let rowLength = g.outputWidth * c
        let output = input.scalars.withUnsafeBufferPointer { xBuffer in
            argmax.withUnsafeMutableBufferPointer { amBuffer in
                uninitializedTensor(shape: shape) { yBuffer in
                    let x = xBuffer.baseAddress!, y = yBuffer.baseAddress!, am = recordArgmax ? amBuffer.baseAddress : nil
                    let rows = n * g.outputHeight
                    let parts = ParallelFor.ranges(rows, parts: 4 * ParallelFor.workerCount)
                    ParallelFor.run(parts.count) { part in
                        for row in parts[part] {
                            let i = row / g.outputHeight, oy = row % g.outputHeight
                            if native {
                                nativeMaxRow(kernels, x + i * imageSize, g, oy: oy, y: y + i * g.outputHeight * rowLength)
                                continue
                            }
                            maxRow(x + i * imageSize, base: i * imageSize, g, oy: oy, y: y + row * rowLength,
                                   argmax: am.map { $0 + row * rowLength })
                        }
                    }
                }
            }
        }
        return (output, argmax)
    }

    /// Output row `oy` of one image (`y` the image's output) on the C kernels of `path` (not portable).
    @inline(__always)
    static func nativeMaxRow(_ path: KernelPath, _ x: UnsafePointer<Float>, _ g: WindowGeometry, oy: Int, y: UnsafeMutablePointer<Float>) {
        #if arch(x86_64)
        if path == .avx512 {
            tl_max_pool_avx512(x, g.inputHeight, g.inputWidth, g.channels, g.windowHeight, g.windowWidth, g.strideY, g.strideX,
                               g.padTop, g.padLeft, y, g.outputWidth, oy, oy + 1)
        } else {
            tl_max_pool_avx2(x, g.inputHeight, g.inputWidth, g.channels, g.windowHeight, g.windowWidth, g.strideY, g.strideX,
                             g.padTop, g.padLeft, y, g.outputWidth, oy, oy + 1)
        }
        #endif
    }

    /// One output row of ``maxForward(input:geometry:recordArgmax:kernels:)``; `base` is the image's flat offset.
    @inline(__always)
    static func maxRow(_ x: UnsafePointer<Float>, base: Int, _ g: WindowGeometry, oy: Int,
                       y: UnsafeMutablePointer<Float>, argmax am: UnsafeMutablePointer<Int32>?) {
        let c = g.channels
        let y0 = max(0, oy * g.strideY - g.padTop)
        let y1 = min(g.inputHeight, oy * g.strideY - g.padTop + g.windowHeight)
        var o = 0
        for ox in 0..<g.outputWidth {
            let x0 = max(0, ox * g.strideX - g.padLeft)
            let x1 = min(g.inputWidth, ox * g.strideX - g.padLeft + g.windowWidth)
            let first = (y0 * g.inputWidth + x0) * c
            if am == nil && y1 - y0 == 2 && x1 - x0 == 2 {
                let a = x + first, b = a + c, d = a + g.inputWidth * c, e = d + c
                max2x2Run(y + o, a, b, d, e, c)
                o += c
                continue
            }
            for ch in 0..<c {
                y[o + ch] = x[first + ch]
                am?[o + ch] = Int32(base + first + ch)
            }
            for iy in y0..<y1 {
                for ix in x0..<x1 {
                    let at = (iy * g.inputWidth + ix) * c
                    for ch in 0..<c where x[at + ch] > y[o + ch] {
                        y[o + ch] = x[at + ch]
                        am?[o + ch] = Int32(base + at + ch)
                    }
                }
            }
            o += c
        }
    }

    /// `y = max(max(a, b), max(d, e))` over `n` channels, eight lanes at a time, with Swift's `max`
    /// (`max(p, q) = q >= p ? q : p`) in every lane.
    @inline(__always)
    static func max2x2Run(_ y: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                          _ d: UnsafePointer<Float>, _ e: UnsafePointer<Float>, _ n: Int) {
        @inline(__always) func maximum(_ p: SIMD8<Float>, _ q: SIMD8<Float>) -> SIMD8<Float> { p.replacing(with: q, where: q .>= p) }
        @inline(__always) func run(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> { UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self) }
        let whole = n / 8 * 8
        for i in stride(from: 0, to: whole, by: 8) {
            let value = maximum(maximum(run(a, i), run(b, i)), maximum(run(d, i), run(e, i)))
            UnsafeMutableRawPointer(y + i).storeBytes(of: value, as: SIMD8<Float>.self)
        }
        for ch in whole..<n { y[ch] = max(max(a[ch], b[ch]), max(d[ch], e[ch])) }
    }

    /// Routes each output gradient to the input position that held the maximum.
    public static func maxBackward(outputGradient dy: Tensor, argmax: [Int32], inputShape: [Int]) -> Tensor {
        var dx = Tensor(shape: inputShape)
        dx.scalars.withUnsafeMutableBufferPointer { d in
            dy.scalars.withUnsafeBufferPointer { g in
                argmax.withUnsafeBufferPointer { am in
                    for i in 0..<g.count { d[Int(am[i])] += g[i] }
                }
            }
        }
        return dx
    }

    /// Mean over all spatial positions: `[n, h, w, c] -> [n, c]`, `y = (sum_{h,w} x) * (1 / (h w))` (the
    /// positions summed in turn, then scaled by the reciprocal).
    public static func globalAverage(_ input: Tensor) -> Tensor {
        let pixels = input.shape[1] * input.shape[2]
        return input.sum(alongAxes: [1, 2]) * (1 / Float(max(pixels, 1)))
    }

    /// Gradient of ``globalAverage(_:)``: each position receives `dy * (1 / (h * w))`.
    public static func globalAverageBackward(_ dy: Tensor, inputShape: [Int]) -> Tensor {
        let (n, pixels, c) = (inputShape[0], inputShape[1] * inputShape[2], inputShape[3])
        let scaled = dy * (1 / Float(max(pixels, 1)))
        return Tensor(shape: [n, 1, 1, c], scalars: scaled.scalars).broadcast(to: inputShape).copy()
    }

    /// Average pooling: `y[n, oy, ox, c]` is the mean of `x` over the window's positions inside the input
    /// (padded positions not counted, as TensorFlow's `avg_pool`): the taps summed in turn, then scaled by
    /// `1 / count`. Output rows are spread over the cores.
    public static func averageForward(input x: Tensor, geometry g: WindowGeometry) -> Tensor {
        let n = x.shape[0], c = g.channels
        var y = Tensor(shape: [n, g.outputHeight, g.outputWidth, c])
        let inputImage = g.inputHeight * g.inputWidth * c
        x.scalars.withUnsafeBufferPointer { xs in
            y.scalars.withUnsafeMutableBufferPointer { ys in
                let xBase = xs.baseAddress!, yBase = ys.baseAddress!
                let rows = n * g.outputHeight
                let parts = ParallelFor.ranges(rows, parts: 4 * ParallelFor.workerCount)
                ParallelFor.run(parts.count) { part in
                    for row in parts[part] {
                        let image = row / g.outputHeight, oy = row % g.outputHeight
                        for ox in 0..<g.outputWidth {
                            let out = yBase + (row * g.outputWidth + ox) * c
                            var count = 0
                            g.forEachTapInside(oy: oy, ox: ox) { pixel, _ in
                                let input = xBase + image * inputImage + pixel * c
                                for k in 0..<c { out[k] += input[k] }
                                count += 1
                            }
                            let scale = 1 / Float(max(count, 1))
                            for k in 0..<c { out[k] *= scale }
                        }
                    }
                }
            }
        }
        return y
    }

    /// Gradient of ``averageForward(input:geometry:)``: each output gradient spread evenly over its window,
    /// `dx += dy * (1 / count)` at each tap inside the input; one image per task (windows of one image
    /// overlap, images do not).
    public static func averageBackward(outputGradient dy: Tensor, geometry g: WindowGeometry, inputShape shape: [Int]) -> Tensor {
        let c = g.channels, inputImage = g.inputHeight * g.inputWidth * c
        var dx = Tensor(shape: shape)
        dy.scalars.withUnsafeBufferPointer { dys in
            dx.scalars.withUnsafeMutableBufferPointer { dxs in
                let dyBase = dys.baseAddress!, dxBase = dxs.baseAddress!
                ParallelFor.run(shape[0]) { image in
                    for oy in 0..<g.outputHeight {
                        for ox in 0..<g.outputWidth {
                            var count = 0
                            g.forEachTapInside(oy: oy, ox: ox) { _, _ in count += 1 }
                            let scale = 1 / Float(max(count, 1))
                            let gradient = dyBase + ((image * g.outputHeight + oy) * g.outputWidth + ox) * c
                            g.forEachTapInside(oy: oy, ox: ox) { pixel, _ in
                                let target = dxBase + image * inputImage + pixel * c
                                for k in 0..<c { target[k] += gradient[k] * scale }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }

    /// Maximum over all spatial positions: `[n, h, w, c] -> [n, c]`, with the winning flat indices.
    public static func globalMax(_ input: Tensor) -> (output: Tensor, argmax: [Int32]) {
        let g = WindowGeometry(inputHeight: input.shape[1], inputWidth: input.shape[2], channels: input.shape[3],
                               window: (input.shape[1], input.shape[2]), strides: (1, 1), padding: .valid)
        let (pooled, argmax) = maxForward(input: input, geometry: g, recordArgmax: true)
        return (Tensor(shape: [input.shape[0], input.shape[3]], scalars: pooled.scalars), argmax)
    }
}
