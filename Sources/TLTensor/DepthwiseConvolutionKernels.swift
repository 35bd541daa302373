import Dispatch

/// Depthwise convolution kernels over NHWC batches (depth multiplier 1): each channel is filtered by its
/// own `kh x kw` window, so the kernel has Keras's layout `(kh, kw, channels, 1)`.
///
/// Direct loops: the innermost loop runs along the channels, which are contiguous both in the image and
/// in the kernel. Images of a batch are processed concurrently.
public enum DepthwiseConvolutionKernels {
    /// `y[n, oy, ox, c] = b[c] + sum_{ky,kx} x[n, oy*sy - pt + ky, ox*sx - pl + kx, c] * w[ky, kx, c, 0]`,
    /// positions outside the image reading zero.
    public static func forward(input: Tensor, kernel: Tensor, bias: Tensor?, geometry g: WindowGeometry) -> Tensor {
        let n = input.shape[0], c = g.channels
        let outputImage = g.outputPixels * c
        let inputImage = g.inputHeight * g.inputWidth * c
        var output = Tensor(shape: [n, g.outputHeight, g.outputWidth, c])
        input.scalars.withUnsafeBufferPointer { x in
            kernel.scalars.withUnsafeBufferPointer { w in
                output.scalars.withUnsafeMutableBufferPointer { y in
                    let b = bias?.scalars
                    let xBase = x.baseAddress!, wBase = w.baseAddress!, yBase = y.baseAddress!
                    DispatchQueue.concurrentPerform(iterations: n) { i in
                        let image = xBase + i * inputImage
                        var out = yBase + i * outputImage
                        for oy in 0..<g.outputHeight {
                            for ox in 0..<g.outputWidth {
                                if let b {
                                    for ch in 0..<c { out[ch] = b[ch] }
                                } else {
                                    out.update(repeating: 0, count: c)
                                }
                                for ky in 0..<g.windowHeight {
                                    let iy = oy * g.strideY - g.padTop + ky
                                    if iy < 0 || iy >= g.inputHeight { continue }
                                    for kx in 0..<g.windowWidth {
                                        let ix = ox * g.strideX - g.padLeft + kx
                                        if ix < 0 || ix >= g.inputWidth { continue }
                                        let src = image + (iy * g.inputWidth + ix) * c
                                        let tap = wBase + (ky * g.windowWidth + kx) * c
                                        for ch in 0..<c { out[ch] += src[ch] * tap[ch] }
                                    }
                                }
                                out += c
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Gradients of ``forward(input:kernel:bias:geometry:)``:
    /// `dW[ky, kx, c] += sum_{n,oy,ox} dY[n, oy, ox, c] * x[n, oy*sy - pt + ky, ox*sx - pl + kx, c]`,
    /// `db[c] += sum dY[..., c]`, and `dX[n, iy, ix, c] = sum over the windows covering (iy, ix) of dY * w`.
    /// Weight gradients are accumulated into `kernelGradient` / `biasGradient` when those are given.
    public static func backward(
        input: Tensor, kernel: Tensor, outputGradient dy: Tensor, geometry g: WindowGeometry,
        kernelGradient: inout Tensor?, biasGradient: inout Tensor?, computeInputGradient: Bool
    ) -> Tensor? {
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
                                            for ky in 0..<g.windowHeight {
                                                let iy = oy * g.strideY - g.padTop + ky
                                                if iy < 0 || iy >= g.inputHeight { continue }
                                                for kx in 0..<g.windowWidth {
                                                    let ix = ox * g.strideX - g.padLeft + kx
                                                    if ix < 0 || ix >= g.inputWidth { continue }
                                                    let offset = (iy * g.inputWidth + ix) * c
                                                    let tap = (ky * g.windowWidth + kx) * c
                                                    if let dw {
                                                        let src = image + offset, acc = dw + tap
                                                        for ch in 0..<c { acc[ch] += grad[ch] * src[ch] }
                                                    }
                                                    if let dx {
                                                        let dst = dx + offset, weights = wBase + tap
                                                        for ch in 0..<c { dst[ch] += grad[ch] * weights[ch] }
                                                    }
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
