import CTensorKernels
import Dispatch

/// Depthwise convolution kernels over NHWC batches: each channel `c` is filtered by `M` (the depth
/// multiplier) `kh x kw` windows of its own, the kernel in Keras's layout `(kh, kw, channels, M)`, output
/// channel `c * M + j` from window `j`.
///
/// Direct loops: the innermost loop runs along the channels, which are contiguous both in the image and
/// in the kernel. Images of a batch, and blocks of rows within them, are processed concurrently.
///
/// A multiplier `M > 1` runs as multiplier 1 on the input with each channel repeated `M` times
/// (`x'[..., c * M + j] = x[..., c]`): the kernel `(kh, kw, C, M)` read as `(kh, kw, C * M, 1)` is, float
/// for float, the same array, so `depthwise_M(x, W) = depthwise_1(x', W)`, and by the chain rule
/// `dX[..., c] = sum_j dX'[..., c * M + j]` while the weight gradients are those of the repeated input.
public enum DepthwiseConvolutionKernels {
    /// `y[n, oy, ox, c] = act(b[c] + sum_{ky,kx} x[n, oy*sy - pt + ky, ox*sx - pl + kx, c] * w[ky, kx, c, 0])`,
    /// positions outside the image reading zero, `act(v) = min(max(v, 0), reluCeiling)` when `relu` (ReLU6:
    /// ceiling 6), identity otherwise. Blocks of output rows go to the workers; on the C kernels each block
    /// is one call of `tl_depthwise_avx512` or `tl_depthwise_avx2`.
    public static func forward(input: Tensor, kernel: Tensor, bias: Tensor?, geometry g: WindowGeometry,
                               relu: Bool = false, reluCeiling: Float = .infinity, kernels: KernelPath = .current) -> Tensor {
        let multiplier = kernel.shape[3]
        if multiplier > 1 {
            return forward(input: repeatingChannels(input, times: multiplier), kernel: asMultiplierOne(kernel), bias: bias,
                           geometry: repeatedGeometry(g, multiplier), relu: relu, reluCeiling: reluCeiling, kernels: kernels)
        }
        let kernels = kernels.effective
        let n = input.shape[0], c = g.channels
        let outputImage = g.outputPixels * c
        let inputImage = g.inputHeight * g.inputWidth * c
        // At least 4 blocks a worker, so that a worker slowed by another process takes fewer.
        let blocksPerImage = max(1, min(g.outputHeight, (4 * ParallelFor.workerCount + n - 1) / max(n, 1)))
        let rowBlocks = ParallelFor.ranges(g.outputHeight, parts: blocksPerImage)
        return input.scalars.withUnsafeBufferPointer { x in
            kernel.scalars.withUnsafeBufferPointer { w in
                withOptionalPointer(bias?.scalars) { b in
                    uninitializedTensor(shape: [n, g.outputHeight, g.outputWidth, c]) { y in
                        let xBase = x.baseAddress!, wBase = w.baseAddress!, yBase = y.baseAddress!
                        ParallelFor.run(n * rowBlocks.count) { item in
                            let i = item / rowBlocks.count, rows = rowBlocks[item % rowBlocks.count]
                            let image = xBase + i * inputImage, output = yBase + i * outputImage
                            if !nativeRows(kernels, image, wBase, b, g, relu: relu, reluCeiling: reluCeiling, rows: rows, output: output) {
                                forwardRows(image, wBase, b, g, relu: relu, reluCeiling: reluCeiling, rows: rows, output: output)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Output rows `rows` of one image on the C kernels of `path`; false, having done nothing, on the
    /// portable path.
    @inline(__always)
    static func nativeRows(_ path: KernelPath, _ image: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>?,
                           _ g: WindowGeometry, relu: Bool, reluCeiling: Float, rows: Range<Int>,
                           output: UnsafeMutablePointer<Float>) -> Bool {
        #if arch(x86_64)
        let act: Int32 = relu ? 1 : 0
        switch path {
        case .avx512:
            tl_depthwise_avx512(image, g.inputHeight, g.inputWidth, g.channels, w, g.windowHeight, g.windowWidth, g.strideY, g.strideX,
                                g.padTop, g.padLeft, b, act, reluCeiling, output, g.outputWidth, rows.lowerBound, rows.upperBound)
            return true
        case .avx2:
            tl_depthwise_avx2(image, g.inputHeight, g.inputWidth, g.channels, w, g.windowHeight, g.windowWidth, g.strideY, g.strideX,
                              g.padTop, g.padLeft, b, act, reluCeiling, output, g.outputWidth, rows.lowerBound, rows.upperBound)
            return true
        case .portable:
            return false
        }
        #else
        return false
        #endif
    }

    /// The portable loops of ``forward(input:kernel:bias:geometry:relu:reluCeiling:)`` for output rows `rows`
    /// of one image.
    static func forwardRows(_ image: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>?,
                            _ g: WindowGeometry, relu: Bool, reluCeiling: Float, rows: Range<Int>,
                            output: UnsafeMutablePointer<Float>) {
        let c = g.channels
        var out = output + rows.lowerBound * g.outputWidth * c
        for oy in rows {
            for ox in 0..<g.outputWidth {
                if let b {
                    out.update(from: b, count: c)
                } else {
                    out.update(repeating: 0, count: c)
                }
                g.forEachTapInside(oy: oy, ox: ox) { pixel, tap in multiplyAddRun(out, image + pixel * c, w + tap * c, c) }
                if relu { clampReLURun(out, c, reluCeiling) }
                out += c
            }
        }
    }

    /// Gradients of ``forward(input:kernel:bias:geometry:)``:
    /// `dW[ky, kx, c] += sum_{n,oy,ox} dY[n, oy, ox, c] * x[n, oy*sy - pt + ky, ox*sx - pl + kx, c]`,
    /// `db[c] += sum dY[..., c]`, and `dX[n, iy, ix, c] = sum over the windows covering (iy, ix) of dY * w`.
    /// Weight gradients are accumulated into `kernelGradient` / `biasGradient` when those are given.
    public static func backward(
        input: Tensor, kernel: Tensor, outputGradient dy: Tensor, geometry g: WindowGeometry,
        kernelGradient: inout Tensor?, biasGradient: inout Tensor?, computeInputGradient: Bool
    ) -> Tensor? {
        let multiplier = kernel.shape[3]
        if multiplier > 1 {
            let dx = backward(input: repeatingChannels(input, times: multiplier), kernel: asMultiplierOne(kernel), outputGradient: dy,
                              geometry: repeatedGeometry(g, multiplier), kernelGradient: &kernelGradient, biasGradient: &biasGradient,
                              computeInputGradient: computeInputGradient)
            return dx.map { summingChannelGroups($0, size: multiplier) }
        }
        let n = input.shape[0], c = g.channels
        let outputImage = g.outputPixels * c
        let inputImage = g.inputHeight * g.inputWidth * c
        let taps = g.windowHeight * g.windowWidth * c
        let wantsKernel = kernelGradient != nil, wantsBias = biasGradient != nil
        // Per-image partial sums of the weight gradients, added up afterwards so images can run concurrently.
        var kernelParts = [Float](repeating: 0, count: wantsKernel ? n * taps : 0)
        var biasParts = [Float](repeating: 0, count: wantsBias ? n * c : 0)
        var dxStorage = [Float](repeating: 0, count: computeInputGradient ? input.count : 0)
        input.scalars.withUnsafeBufferPointer { x in
            kernel.scalars.withUnsafeBufferPointer { w in
                dy.scalars.withUnsafeBufferPointer { d in
                    kernelParts.withUnsafeMutableBufferPointer { kp in
                        biasParts.withUnsafeMutableBufferPointer { bp in
                            dxStorage.withUnsafeMutableBufferPointer { dxBuffer in
                                let xBase = x.baseAddress!, wBase = w.baseAddress!, dBase = d.baseAddress!
                                // An empty array may still have a base address: select by what was asked for.
                                let kpBase = wantsKernel ? kp.baseAddress : nil
                                let bpBase = wantsBias ? bp.baseAddress : nil
                                let dxBase = computeInputGradient ? dxBuffer.baseAddress : nil
                                DispatchQueue.concurrentPerform(iterations: n) { i in
                                    let image = xBase + i * inputImage
                                    var grad = dBase + i * outputImage
                                    let dw = kpBase.map { $0 + i * taps }
                                    let db = bpBase.map { $0 + i * c }
                                    let dx = dxBase.map { $0 + i * inputImage }
                                    for oy in 0..<g.outputHeight {
                                        for ox in 0..<g.outputWidth {
                                            if let db { for ch in 0..<c { db[ch] += grad[ch] } }
                                            g.forEachTapInside(oy: oy, ox: ox) { pixel, tap in
                                                let offset = pixel * c
                                                if let dw {
                                                    let src = image + offset, acc = dw + tap * c
                                                    for ch in 0..<c { acc[ch] += grad[ch] * src[ch] }
                                                }
                                                if let dx {
                                                    let dst = dx + offset, weights = wBase + tap * c
                                                    for ch in 0..<c { dst[ch] += grad[ch] * weights[ch] }
                                                }
                                            }
                                            grad += c
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let inputGradient = computeInputGradient ? Tensor(shape: input.shape, scalars: dxStorage) : nil
        if wantsKernel {
            kernelGradient!.scalars.withUnsafeMutableBufferPointer { dw in
                for i in 0..<n { for t in 0..<taps { dw[t] += kernelParts[i * taps + t] } }
            }
        }
        if wantsBias {
            biasGradient!.scalars.withUnsafeMutableBufferPointer { db in
                for i in 0..<n { for ch in 0..<c { db[ch] += biasParts[i * c + ch] } }
            }
        }
        return inputGradient
    }
}

extension DepthwiseConvolutionKernels {
    /// The kernel `(kh, kw, C, M)` read as `(kh, kw, C * M, 1)`: the same floats.
    static func asMultiplierOne(_ kernel: Tensor) -> Tensor {
        Tensor(shape: [kernel.shape[0], kernel.shape[1], kernel.shape[2] * kernel.shape[3], 1], scalars: kernel.scalars)
    }

    /// `g` over the input with each channel repeated `multiplier` times.
    static func repeatedGeometry(_ g: WindowGeometry, _ multiplier: Int) -> WindowGeometry {
        var repeated = g
        repeated.channels = g.channels * multiplier
        return repeated
    }

    /// `r[..., c * m + j] = x[..., c]` for `j < m`: each channel of the last axis repeated `m` times in place.
    static func repeatingChannels(_ x: Tensor, times m: Int) -> Tensor {
        let c = x.shape[x.shape.count - 1], positions = x.count / max(c, 1)
        return x.scalars.withUnsafeBufferPointer { source in
            uninitializedTensor(shape: Array(x.shape.dropLast()) + [c * m]) { r in
                for position in 0..<positions {
                    let input = source.baseAddress! + position * c, output = r.baseAddress! + position * c * m
                    for ch in 0..<c { (output + ch * m).update(repeating: input[ch], count: m) }
                }
            }
        }
    }

    /// `s[..., c] = sum_{j < m} d[..., c * m + j]`: the adjoint of ``repeatingChannels(_:times:)``.
    static func summingChannelGroups(_ d: Tensor, size m: Int) -> Tensor {
        let cm = d.shape[d.shape.count - 1], c = cm / m, positions = d.count / max(cm, 1)
        return d.scalars.withUnsafeBufferPointer { source in
            uninitializedTensor(shape: Array(d.shape.dropLast()) + [c]) { s in
                for position in 0..<positions {
                    let group = source.baseAddress! + position * cm
                    for ch in 0..<c {
                        var sum: Float = 0
                        for j in 0..<m { sum += group[ch * m + j] }
                        s[position * c + ch] = sum
                    }
                }
            }
        }
    }
}

/// `y[0..<n] += a[0..<n] * b[0..<n]` (a multiplication, then an addition: no fused multiply-add, as the
/// scalar loop), eight lanes at a time.
@inline(__always)
func multiplyAddRun(_ y: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) {
    let whole = n / 8 * 8
    let (yp, ap, bp) = (UnsafeMutableRawPointer(y), UnsafeRawPointer(a), UnsafeRawPointer(b))
    for offset in stride(from: 0, to: whole * 4, by: 32) {
        let product = ap.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) * bp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        yp.storeBytes(of: yp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) + product, toByteOffset: offset, as: SIMD8<Float>.self)
    }
    for i in whole..<n { y[i] += a[i] * b[i] }
}
