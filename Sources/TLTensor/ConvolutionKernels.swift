/// Geometry of a 2-D convolution or pooling window over an NHWC input.
public struct WindowGeometry: Equatable, Sendable {
    public var inputHeight, inputWidth, channels: Int
    public var windowHeight, windowWidth: Int
    public var strideY, strideX: Int
    public var outputHeight, outputWidth: Int
    public var padTop, padLeft: Int

    public init(inputHeight: Int, inputWidth: Int, channels: Int, window: (Int, Int), strides: (Int, Int), padding: Padding) {
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.channels = channels
        (windowHeight, windowWidth) = window
        (strideY, strideX) = strides
        (outputHeight, padTop) = padding.geometry(input: inputHeight, window: window.0, stride: strides.0)
        (outputWidth, padLeft) = padding.geometry(input: inputWidth, window: window.1, stride: strides.1)
    }

    /// Output pixels per image.
    public var outputPixels: Int { outputHeight * outputWidth }
    /// Length of one im2col row: the window's values over all channels.
    public var patchLength: Int { windowHeight * windowWidth * channels }
    /// A 1x1 stride-1 unpadded window reads the input as it lies: no im2col needed.
    public var isPointwise: Bool {
        windowHeight == 1 && windowWidth == 1 && strideY == 1 && strideX == 1 && padTop == 0 && padLeft == 0
    }
}

/// Unrolls one NHWC image into rows of patches: row `oy * OW + ox` holds the window at that output pixel,
/// ordered (ky, kx, c) to match an HWIO kernel viewed as a `(kh*kw*cin) x cout` matrix. Padding reads zero.
@inlinable
public func im2col(_ image: UnsafePointer<Float>, _ g: WindowGeometry, into cols: UnsafeMutablePointer<Float>) {
    let c = g.channels
    let rowLength = g.patchLength
    for oy in 0..<g.outputHeight {
        for ox in 0..<g.outputWidth {
            var dst = cols + (oy * g.outputWidth + ox) * rowLength
            for ky in 0..<g.windowHeight {
                let iy = oy * g.strideY - g.padTop + ky
                if iy < 0 || iy >= g.inputHeight {
                    dst.update(repeating: 0, count: g.windowWidth * c)
                    dst += g.windowWidth * c
                    continue
                }
                let ix0 = ox * g.strideX - g.padLeft
                if ix0 >= 0 && ix0 + g.windowWidth <= g.inputWidth {
                    // The whole row of the window is inside: one contiguous copy.
                    dst.update(from: image + (iy * g.inputWidth + ix0) * c, count: g.windowWidth * c)
                    dst += g.windowWidth * c
                    continue
                }
                for kx in 0..<g.windowWidth {
                    let ix = ix0 + kx
                    if ix < 0 || ix >= g.inputWidth {
                        dst.update(repeating: 0, count: c)
                    } else {
                        dst.update(from: image + (iy * g.inputWidth + ix) * c, count: c)
                    }
                    dst += c
                }
            }
        }
    }
}

/// The adjoint of ``im2col(_:_:into:)``: adds each patch row back onto the image positions it was read from.
@inlinable
public func col2imAdd(_ cols: UnsafePointer<Float>, _ g: WindowGeometry, into image: UnsafeMutablePointer<Float>) {
    let c = g.channels
    let rowLength = g.patchLength
    for oy in 0..<g.outputHeight {
        for ox in 0..<g.outputWidth {
            var src = cols + (oy * g.outputWidth + ox) * rowLength
            for ky in 0..<g.windowHeight {
                let iy = oy * g.strideY - g.padTop + ky
                if iy < 0 || iy >= g.inputHeight { src += g.windowWidth * c; continue }
                for kx in 0..<g.windowWidth {
                    let ix = ox * g.strideX - g.padLeft + kx
                    if ix >= 0 && ix < g.inputWidth {
                        let dst = image + (iy * g.inputWidth + ix) * c
                        for ch in 0..<c { dst[ch] += src[ch] }
                    }
                    src += c
                }
            }
        }
    }
}

/// Convolution kernels over NHWC batches with HWIO kernels (Keras's layout).
public enum ConvolutionKernels {
    /// `y[n, oy, ox, f] = b[f] + sum_{ky,kx,c} x[n, oy*s - pad + ky, ox*s - pad + kx, c] * w[ky, kx, c, f]`,
    /// computed per image as im2col followed by one sgemm.
    public static func forward(input: Tensor, kernel: Tensor, bias: Tensor?, geometry g: WindowGeometry) -> Tensor {
        let n = input.shape[0]
        let filters = kernel.shape[3]
        let p = g.outputPixels, k = g.patchLength
        var output = Tensor(shape: [n, g.outputHeight, g.outputWidth, filters])
        let imageSize = g.inputHeight * g.inputWidth * g.channels
        var cols = [Float](repeating: 0, count: g.isPointwise ? 0 : p * k)
        input.scalars.withUnsafeBufferPointer { x in
            kernel.scalars.withUnsafeBufferPointer { w in
                output.scalars.withUnsafeMutableBufferPointer { y in
                    cols.withUnsafeMutableBufferPointer { colBuffer in
                        for i in 0..<n {
                            let out = y.baseAddress! + i * p * filters
                            if let bias {
                                bias.scalars.withUnsafeBufferPointer { b in
                                    for row in 0..<p { (out + row * filters).update(from: b.baseAddress!, count: filters) }
                                }
                            }
                            let source: UnsafePointer<Float>
                            if g.isPointwise {
                                source = x.baseAddress! + i * imageSize
                            } else {
                                im2col(x.baseAddress! + i * imageSize, g, into: colBuffer.baseAddress!)
                                source = UnsafePointer(colBuffer.baseAddress!)
                            }
                            sgemm(m: p, n: filters, k: k, a: source, lda: k, b: w.baseAddress!, ldb: filters,
                                  beta: bias == nil ? 0 : 1, c: out, ldc: filters)
                        }
                    }
                }
            }
        }
        return output
    }

    /// Gradients of ``forward(input:kernel:bias:geometry:)``.
    ///
    /// `dW += cols(x)^T dY`, `db += sum_pixels dY`, and, when asked, `dX = col2im(dY W^T)`.
    /// Weight gradients are accumulated into `kernelGradient` / `biasGradient` when those are given.
    public static func backward(
        input: Tensor, kernel: Tensor, outputGradient dy: Tensor, geometry g: WindowGeometry,
        kernelGradient: inout Tensor?, biasGradient: inout Tensor?, computeInputGradient: Bool
    ) -> Tensor? {
        let n = input.shape[0]
        let filters = kernel.shape[3]
        let p = g.outputPixels, k = g.patchLength
        let imageSize = g.inputHeight * g.inputWidth * g.channels
        var inputGradient: Tensor? = computeInputGradient ? Tensor(shape: input.shape) : nil
        var cols = [Float](repeating: 0, count: g.isPointwise ? 0 : p * k)
        var dcols = [Float](repeating: 0, count: computeInputGradient && !g.isPointwise ? p * k : 0)
        input.scalars.withUnsafeBufferPointer { x in
            dy.scalars.withUnsafeBufferPointer { dyBuffer in
                kernel.scalars.withUnsafeBufferPointer { w in
                    for i in 0..<n {
                        let dyImage = dyBuffer.baseAddress! + i * p * filters
                        if kernelGradient != nil {
                            let source: UnsafePointer<Float>
                            if g.isPointwise {
                                source = x.baseAddress! + i * imageSize
                            } else {
                                cols.withUnsafeMutableBufferPointer { im2col(x.baseAddress! + i * imageSize, g, into: $0.baseAddress!) }
                                source = cols.withUnsafeBufferPointer { $0.baseAddress! }
                            }
                            kernelGradient!.scalars.withUnsafeMutableBufferPointer { dw in
                                sgemm(transposeA: true, m: k, n: filters, k: p, a: source, lda: k,
                                      b: dyImage, ldb: filters, beta: 1, c: dw.baseAddress!, ldc: filters)
                            }
                        }
                        if biasGradient != nil {
                            biasGradient!.scalars.withUnsafeMutableBufferPointer { db in
                                for row in 0..<p {
                                    let r = dyImage + row * filters
                                    for f in 0..<filters { db[f] += r[f] }
                                }
                            }
                        }
                        if computeInputGradient {
                            inputGradient!.scalars.withUnsafeMutableBufferPointer { dx in
                                let dxImage = dx.baseAddress! + i * imageSize
                                if g.isPointwise {
                                    sgemm(transposeB: true, m: p, n: k, k: filters, a: dyImage, lda: filters,
                                          b: w.baseAddress!, ldb: filters, beta: 0, c: dxImage, ldc: k)
                                } else {
                                    dcols.withUnsafeMutableBufferPointer { dc in
                                        sgemm(transposeB: true, m: p, n: k, k: filters, a: dyImage, lda: filters,
                                              b: w.baseAddress!, ldb: filters, beta: 0, c: dc.baseAddress!, ldc: k)
                                        col2imAdd(dc.baseAddress!, g, into: dxImage)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }
}
