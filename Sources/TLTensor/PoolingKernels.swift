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

    /// Mean over all spatial positions: `[n, h, w, c] -> [n, c]`.
    public static func globalAverage(_ input: Tensor) -> Tensor {
        let n = input.shape[0], pixels = input.shape[1] * input.shape[2], c = input.shape[3]
        var out = Tensor(shape: [n, c])
        input.scalars.withUnsafeBufferPointer { x in
            out.scalars.withUnsafeMutableBufferPointer { y in
                for i in 0..<n {
                    for p in 0..<pixels {
                        let row = x.baseAddress! + (i * pixels + p) * c
                        for ch in 0..<c { y[i * c + ch] += row[ch] }
                    }
                    let scale = 1 / Float(max(pixels, 1))
                    for ch in 0..<c { y[i * c + ch] *= scale }
                }
            }
        }
        return out
    }

    /// Gradient of ``globalAverage(_:)``: each position receives `dy / (h * w)`.
    public static func globalAverageBackward(_ dy: Tensor, inputShape: [Int]) -> Tensor {
        let n = inputShape[0], pixels = inputShape[1] * inputShape[2], c = inputShape[3]
        var dx = Tensor(shape: inputShape)
        let scale = 1 / Float(max(pixels, 1))
        dx.scalars.withUnsafeMutableBufferPointer { d in
            dy.scalars.withUnsafeBufferPointer { g in
                for i in 0..<n { for p in 0..<pixels { for ch in 0..<c { d[(i * pixels + p) * c + ch] = g[i * c + ch] * scale } } }
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
