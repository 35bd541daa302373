import CTensorKernels

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

    /// The geometry of a window over an NHWC batch.
    public init(batch x: Tensor, window: (Int, Int), strides: (Int, Int), padding: Padding) {
        self.init(inputHeight: x.shape[1], inputWidth: x.shape[2], channels: x.shape[3],
                  window: window, strides: strides, padding: padding)
    }

    /// Calls `body(pixel, tap)` for each tap of the window at output (oy, ox) that falls inside the input:
    /// `pixel = iy * inputWidth + ix`, `tap = ky * windowWidth + kx`.
    @inline(__always)
    public func forEachTapInside(oy: Int, ox: Int, _ body: (_ pixel: Int, _ tap: Int) -> Void) {
        for ky in 0..<windowHeight {
            let iy = oy * strideY - padTop + ky
            if iy < 0 || iy >= inputHeight { continue }
            for kx in 0..<windowWidth {
                let ix = ox * strideX - padLeft + kx
                if ix < 0 || ix >= inputWidth { continue }
                body(iy * inputWidth + ix, ky * windowWidth + kx)
            }
        }
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
    im2col(image, g, rows: 0..<g.outputPixels, into: cols)
}

/// Rows `rows` (output pixels `oy * OW + ox`) of ``im2col(_:_:into:)``, written from `cols` on.
@inlinable
public func im2col(_ image: UnsafePointer<Float>, _ g: WindowGeometry, rows: Range<Int>, into cols: UnsafeMutablePointer<Float>) {
    let c = g.channels
    var dst = cols
    for pixel in rows {
        let oy = pixel / g.outputWidth, ox = pixel % g.outputWidth
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

/// How a convolution is computed.
public enum ConvolutionAlgorithm: Equatable, Sendable {
    /// Winograd for 3x3 stride-1 windows over at least 8 channels in and out, im2col + sgemm otherwise.
    case automatic
    /// im2col + sgemm (no im2col for 1x1 stride-1 unpadded windows).
    case im2col
    /// Winograd F(m x m, 3 x 3) with this tile; only for 3x3 stride-1 windows.
    case winograd(WinogradTile)
}

/// Convolution kernels over NHWC batches with HWIO kernels (Keras's layout).
public enum ConvolutionKernels {
    /// Floats of im2col rows unrolled at a time for the weight gradient (4 MB, times 4 per block).
    static let im2colBudget = 1 << 20
    /// Floats of im2col rows plus output rows one forward block holds (1 MB): the block's bias fill,
    /// sgemm and ReLU then work in L2 instead of streaming the output through memory three times.
    static let forwardBlockBudget = 1 << 18

    /// The algorithm ``ConvolutionAlgorithm/automatic`` stands for on this geometry, filter count and batch.
    ///
    /// Winograd needs a 3x3 stride-1 window over at least 8 channels in and out, and must pay for itself. The
    /// tile is the one needing the fewest products (``WinogradTile/cheapest(outputHeight:outputWidth:largeTiles:)``),
    /// F(6x6) among them from 64 channels in and out.
    /// Per `C x F` channel pair, in multiply-add equivalents: direct `9 P` (P output pixels of the batch);
    /// Winograd `alpha^2 T` for the products (T tiles), about `15 alpha^2 T (C + F) / (C F)` for the input
    /// and output transforms, and about `50 alpha^2` for transforming the kernel (memory-bound, redone on
    /// every call). So a single 9x9 image (block5 of VGG16 at 150x150) stays with im2col, a batch does not.
    public static func resolve(_ algorithm: ConvolutionAlgorithm, geometry g: WindowGeometry, filters: Int,
                               batch: Int = 1) -> ConvolutionAlgorithm {
        guard algorithm == .automatic else { return algorithm }
        guard EngineOptions.current.usesWinograd && Winograd.applies(to: g) && g.channels >= 8 && filters >= 8 else { return .im2col }
        // F(6x6) where 64+ channels in and out make the products dominate its costlier transforms.
        let largeTiles = EngineOptions.current.usesLargeWinogradTiles && g.channels >= 64 && filters >= 64
        let tile = WinogradTile.cheapest(outputHeight: g.outputHeight, outputWidth: g.outputWidth, largeTiles: largeTiles)
        let a2 = Double(tile.alpha * tile.alpha)
        let pixels = Double(batch * g.outputPixels)
        let tiles = Double(batch * ((g.outputHeight + tile.m - 1) / tile.m) * ((g.outputWidth + tile.m - 1) / tile.m))
        let c = Double(g.channels), f = Double(filters)
        let winograd = a2 * tiles * (1 + 15 * (c + f) / (c * f)) + 50 * a2
        return winograd < 9 * pixels ? .winograd(tile) : .im2col
    }

    /// `y[n, oy, ox, f] = act(b[f] + sum_{ky,kx,c} x[n, oy*s - pad + ky, ox*s - pad + kx, c] * w[ky, kx, c, f])`,
    /// with `act(v) = min(max(v, 0), reluCeiling)` when `relu` is set (ReLU, or ReLU6 with ceiling 6; fused into
    /// the kernel's last pass), identity otherwise.
    ///
    /// Winograd (see ``Winograd``) for 3x3 stride-1 windows; else im2col + sgemm over blocks of output
    /// pixels, spread over the cores with one sgemm thread each.
    ///
    /// `kernelScale` (one factor per filter) multiplies the kernel's output channels first: a batch
    /// normalisation folded into the convolution. Where the kernel is packed for the C sgemm the factors
    /// are applied as it is packed; elsewhere a scaled copy of the kernel is made.
    ///
    /// `cached` (the kernel's cache and its weight's version) keeps the im2col route's packed kernel between
    /// calls; the Winograd routes transform the kernel on every call (their transformed kernels are 3 to 7
    /// times its size).
    public static func forward(input: Tensor, kernel: Tensor, bias: Tensor?, geometry g: WindowGeometry,
                               relu: Bool = false, reluCeiling: Float = .infinity, kernelScale: [Float]? = nil,
                               algorithm: ConvolutionAlgorithm = .automatic, cached: CachedKernel? = nil,
                               kernels: KernelPath = .current) -> Tensor {
        let kernels = kernels.effective
        let n = input.shape[0]
        let filters = kernel.shape[3]
        let shape = [n, g.outputHeight, g.outputWidth, filters]
        let chosen = resolve(algorithm, geometry: g, filters: filters, batch: n)
        let (kernel, kernelScale) = scaledUnlessPacked(kernel, kernelScale, packed: packsKernel(chosen, kernels: kernels))
        return input.scalars.withUnsafeBufferPointer { x in
            kernel.scalars.withUnsafeBufferPointer { w in
                withOptionalPointer(bias?.scalars) { b in
                    uninitializedTensor(shape: shape) { y in
                        switch chosen {
                        case .winograd(let tile):
                            precondition(Winograd.applies(to: g), "Winograd needs a 3x3 window at stride 1")
                            withOptionalPointer(kernelScale) { scale in
                                Winograd.convolve(input: x.baseAddress!, batch: n, height: g.inputHeight, width: g.inputWidth,
                                                  channels: g.channels, kernel: w.baseAddress!, filters: filters, bias: b, relu: relu,
                                                  reluCeiling: reluCeiling, padTop: g.padTop, padLeft: g.padLeft,
                                                  outputHeight: g.outputHeight, outputWidth: g.outputWidth, tile: tile, kernelScale: scale,
                                                  output: y.baseAddress!, kernels: kernels)
                            }
                        default:
                            im2colForward(x.baseAddress!, batch: n, kernel: w.baseAddress!, filters: filters, bias: b,
                                          relu: relu, reluCeiling: reluCeiling, kernelScale: kernelScale, cached: cached, geometry: g,
                                          output: y.baseAddress!, kernels: kernels)
                        }
                    }
                }
            }
        }
    }

    /// Whether the route packs the kernel for the C sgemm (and so can scale it as it packs).
    static func packsKernel(_ algorithm: ConvolutionAlgorithm, kernels: KernelPath) -> Bool {
        if case .winograd(let tile) = algorithm { return Winograd.packsKernel(tile: tile, kernels: kernels) }
        return kernels != .portable
    }

    /// The kernel with its output channels (last axis) multiplied by `scale` where the route will not scale
    /// it as it packs, and the scale left to apply.
    static func scaledUnlessPacked(_ kernel: Tensor, _ scale: [Float]?, packed: Bool) -> (Tensor, [Float]?) {
        guard let scale, !packed else { return (kernel, scale) }
        return (scalingOutputChannels(kernel, by: scale), nil)
    }

    /// `kernel` with each run of `scale.count` values multiplied by `scale`: a convolution kernel's output
    /// channels (its last axis; a depthwise kernel's channels, before its trailing 1) scaled, as folding a
    /// batch normalisation into it does.
    public static func scalingOutputChannels(_ kernel: Tensor, by scale: [Float]) -> Tensor {
        precondition(!scale.isEmpty && kernel.count % scale.count == 0, "a scale of \(scale.count) for a kernel of shape \(kernel.shape)")
        var scaled = kernel
        let channels = scale.count
        scaled.scalars.withUnsafeMutableBufferPointer { w in
            for row in stride(from: 0, to: w.count, by: channels) {
                for c in 0..<channels { w[row + c] *= scale[c] }
            }
        }
        return scaled
    }

    /// ``forward(input:kernel:bias:geometry:relu:reluCeiling:algorithm:)`` followed by 2x2 max pooling at
    /// stride 2 with no padding (Keras's `MaxPooling2D()`): `p[n, i, j, f] = max_{a,b<2} y[n, 2i+a, 2j+b, f]`.
    /// Where Winograd F(4x4) or F(6x6) runs on the C kernels (AVX-512, AVX2+FMA) the pooling happens as tiles are
    /// written, so the full-size map is never stored (VGG16's block ends); elsewhere it is the two passes.
    public static func forwardMaxPooled(input: Tensor, kernel: Tensor, bias: Tensor?, geometry g: WindowGeometry,
                                        relu: Bool = false, reluCeiling: Float = .infinity,
                                        algorithm: ConvolutionAlgorithm = .automatic, cached: CachedKernel? = nil,
                                        kernels: KernelPath = .current) -> Tensor {
        let kernels = kernels.effective
        let n = input.shape[0], filters = kernel.shape[3]
        guard case .winograd(let tile) = resolve(algorithm, geometry: g, filters: filters, batch: n),
              Winograd.canPool(tile: tile, kernels: kernels) else {
            let y = forward(input: input, kernel: kernel, bias: bias, geometry: g, relu: relu, reluCeiling: reluCeiling,
                            algorithm: algorithm, cached: cached, kernels: kernels)
            return PoolingKernels.maxForward(input: y, geometry: WindowGeometry(batch: y, window: (2, 2), strides: (2, 2), padding: .valid),
                                             recordArgmax: false, kernels: kernels).output
        }
        return input.scalars.withUnsafeBufferPointer { x in
            kernel.scalars.withUnsafeBufferPointer { w in
                withOptionalPointer(bias?.scalars) { b in
                    uninitializedTensor(shape: [n, g.outputHeight / 2, g.outputWidth / 2, filters]) { y in
                        Winograd.convolve(input: x.baseAddress!, batch: n, height: g.inputHeight, width: g.inputWidth,
                                          channels: g.channels, kernel: w.baseAddress!, filters: filters, bias: b, relu: relu,
                                          reluCeiling: reluCeiling, padTop: g.padTop, padLeft: g.padLeft, outputHeight: g.outputHeight,
                                          outputWidth: g.outputWidth, tile: tile, maxPool2x2: true, output: y.baseAddress!,
                                          kernels: kernels)
                    }
                }
            }
        }
    }

    /// im2col + sgemm over the batch's output pixels as one `(n * P) x k` matrix (P pixels an image, `k`
    /// the patch length): blocks of its rows (see ``forwardBlocks(images:pixels:patchLength:filters:pointwise:kernels:)``)
    /// go to the workers, each unrolling its block into its own scratch (a pointwise window reads the
    /// input in place) and multiplying it by the kernel matrix with the bias and ReLU fused.
    static func im2colForward(_ x: UnsafePointer<Float>, batch n: Int, kernel w: UnsafePointer<Float>, filters: Int,
                              bias: UnsafePointer<Float>?, relu: Bool, reluCeiling: Float, kernelScale: [Float]? = nil,
                              cached: CachedKernel? = nil, geometry g: WindowGeometry, output y: UnsafeMutablePointer<Float>,
                              kernels: KernelPath) {
        let p = g.outputPixels, k = g.patchLength
        guard n > 0, p > 0, filters > 0 else { return }
        let blocks = forwardBlocks(images: n, pixels: p, patchLength: k, filters: filters, pointwise: g.isPointwise, kernels: kernels)
        let workers = min(ParallelFor.workerCount, blocks.count)
        let rowsMax = blocks.map(\.count).max() ?? 0
        ScratchBuffer.withBuffers(workers + 1) { scratch in
            let cols = g.isPointwise ? [] : (0..<workers).map { scratch[$0].reserve(rowsMax * k) }
            precondition(kernelScale == nil || kernels != .portable, "a kernel scale needs the packed route")
            withPackedKernelMatrix(w, patchLength: k, filters: filters, scale: kernelScale, cached: cached, scratch: scratch[workers],
                                   kernels: kernels) { packed in
                ParallelFor.run(blocks.count) { block, worker in
                    let rows = blocks[block]
                    let source: UnsafePointer<Float>
                    if g.isPointwise {
                        source = x + rows.lowerBound * k
                    } else {
                        im2colBatchRows(x, g, rows: rows, into: cols[worker])
                        source = UnsafePointer(cols[worker])
                    }
                    if let packed {
                        nativeSgemmPacked(kernels, m: rows.count, n: filters, k: k, a: source, lda: k, packed: packed,
                                          c: y + rows.lowerBound * filters, ldc: filters, bias: bias, relu: relu, reluCeiling: reluCeiling)
                    } else {
                        sgemmOnThisThread(m: rows.count, n: filters, k: k, a: source, lda: k, b: w, ldb: filters, bias: bias, relu: relu,
                                          reluCeiling: reluCeiling, c: y + rows.lowerBound * filters, ldc: filters, kernels: kernels)
                    }
                }
            }
        }
    }

    /// The `k x filters` kernel matrix packed once for the C sgemm of `kernels` (in parallel over its rows),
    /// so that every block of rows multiplies by it without packing it again; nil on the portable path.
    static func packKernelMatrix(_ w: UnsafePointer<Float>, patchLength k: Int, filters: Int, scale: UnsafePointer<Float>?,
                                 into buffer: ScratchBuffer, kernels: KernelPath) -> UnsafePointer<Float>? {
        guard kernels != .portable, k > 0 else { return nil }
        let packed = buffer.reserve(packedOperandFloats(kernels, n: filters, k: k))
        let parts = ParallelFor.ranges(k, parts: 2 * ParallelFor.workerCount)
        ParallelFor.run(parts.count) { part in
            let rows = parts[part]
            packOperand(kernels, n: filters, k: k, firstRow: rows.lowerBound, rows: rows.count, b: w + rows.lowerBound * filters,
                        ldb: filters, columnScale: scale, into: packed)
        }
        return UnsafePointer(packed)
    }

    /// The forward blocks: ranges of rows of the batch's `(n * P) x k` im2col matrix.
    ///
    /// On the C kernels blocks span images and are long: at least 256 rows where the batch has 16 of them, at most 8 blocks a worker,
    /// and at least 4 a worker of 48 rows or more (the workers share the cores with the image decoders,
    /// and a worker slowed by them takes fewer blocks), in multiples of 12 rows (the register tile's
    /// height; a short tile is zero-padded, so a row's result does not depend on its block). ResNet50's last stage at 150x150 (5x5 pixels, 512 -> 2048 channels) used to repack 4 MB
    /// for every image's 25 rows. Unrolled blocks keep their rows and outputs within
    /// ``forwardBlockBudget`` floats where that leaves 192 rows, so that the product reads them from L2.
    ///
    /// On OpenBLAS, whose edge rows take other kernels (other rounding), blocks never cross an image and
    /// split each alike, so an image's features do not depend on its place in the batch (the frozen-prefix
    /// cache relies on it); they stay within ``forwardBlockBudget``, as OpenBLAS adds the bias and clamps
    /// in passes of their own.
    static func forwardBlocks(images n: Int, pixels p: Int, patchLength k: Int, filters: Int, pointwise: Bool,
                              kernels: KernelPath) -> [Range<Int>] {
        let workers = ParallelFor.workerCount
        guard kernels != .portable else {
            var perImage = max(1, (p * (k + filters) + forwardBlockBudget - 1) / forwardBlockBudget)
            if n * perImage < 4 * workers { perImage = min(p, (4 * workers + n - 1) / n) }
            let split = ParallelFor.ranges(p, parts: perImage)
            return (0..<n).flatMap { image in split.map { ($0.lowerBound + image * p)..<($0.upperBound + image * p) } }
        }
        let total = n * p
        let count = max(1, min(8 * workers, max(total / 256, min(4 * workers, total / 48))))
        var rows = ((total + count - 1) / count + 11) / 12 * 12
        if !pointwise { rows = min(rows, max(192, forwardBlockBudget / (k + filters))) }
        return stride(from: 0, to: total, by: rows).map { $0..<min(total, $0 + rows) }
    }

    /// Gradients of ``forward(input:kernel:bias:geometry:relu:algorithm:)`` (before the activation).
    ///
    /// `dW += cols(x)^T dY` over all images at once (row blocks unrolled in parallel, each block one
    /// multithreaded sgemm; by Winograd F(3x3) where ``kernelGradientUsesWinograd(_:geometry:filters:kernels:)``
    /// says so), `db += sum_pixels dY`, and, when asked, `dX`: for 3x3 stride-1 windows the
    /// stride-1 convolution of `dY` with the kernel rotated by 180 degrees and its channels swapped,
    /// `dX[i] = sum_k dY[i + pad - k] W[k] = sum_k' dY[i - (2 - pad) + k'] W[2 - k']`, by Winograd; otherwise
    /// `col2im(dY W^T)` image by image in parallel.
    /// Weight gradients are accumulated into `kernelGradient` / `biasGradient` when those are given.
    public static func backward(
        input: Tensor, kernel: Tensor, outputGradient dy: Tensor, geometry g: WindowGeometry,
        kernelGradient: inout Tensor?, biasGradient: inout Tensor?, computeInputGradient: Bool,
        algorithm: ConvolutionAlgorithm = .automatic, kernels: KernelPath = .current
    ) -> Tensor? {
        let kernels = kernels.effective
        let n = input.shape[0], filters = kernel.shape[3]
        if kernelGradient != nil {
            let winograd = kernelGradientUsesWinograd(algorithm, geometry: g, filters: filters, kernels: kernels)
            input.scalars.withUnsafeBufferPointer { x in
                dy.scalars.withUnsafeBufferPointer { d in
                    kernelGradient!.scalars.withUnsafeMutableBufferPointer { dw in
                        if winograd {
                            winogradKernelGradientAccumulate(x.baseAddress!, batch: n, dy: d.baseAddress!, filters: filters,
                                                             geometry: g, into: dw.baseAddress!, kernels: kernels)
                        } else {
                            kernelGradientAccumulate(x.baseAddress!, batch: n, dy: d.baseAddress!, filters: filters,
                                                     geometry: g, into: dw.baseAddress!, kernels: kernels)
                        }
                    }
                }
            }
        }
        biasGradient?.addSum(of: dy, alongAxes: [0, 1, 2])
        guard computeInputGradient else { return nil }
        let adjoint = adjointGeometry(g, filters: filters)
        if case .winograd(let tile) = resolve(algorithm, geometry: adjoint, filters: g.channels, batch: n) {
            precondition(Winograd.applies(to: g), "Winograd needs a 3x3 window at stride 1")
            return winogradInputGradient(dy, kernel: kernel, geometry: g, adjoint: adjoint, tile: tile, inputShape: input.shape,
                                         kernels: kernels)
        }
        return im2colInputGradient(dy, kernel: kernel, geometry: g, inputShape: input.shape)
    }

    /// The window whose forward convolution of `dY` is the input gradient (for a stride-1 window): `dY`'s
    /// map as input, `filters` channels in, the input's size out, padded by `window - 1 - pad`.
    static func adjointGeometry(_ g: WindowGeometry, filters: Int) -> WindowGeometry {
        var adjoint = g
        adjoint.inputHeight = g.outputHeight; adjoint.inputWidth = g.outputWidth; adjoint.channels = filters
        adjoint.outputHeight = g.inputHeight; adjoint.outputWidth = g.inputWidth
        adjoint.padTop = g.windowHeight - 1 - g.padTop; adjoint.padLeft = g.windowWidth - 1 - g.padLeft
        return adjoint
    }

    /// `dX` of a 3x3 stride-1 convolution by Winograd: `dY` convolved with the kernel rotated by 180 degrees,
    /// its channels swapped: `W'[ky, kx, f, c] = W[2 - ky, 2 - kx, c, f]`.
    static func winogradInputGradient(_ dy: Tensor, kernel: Tensor, geometry g: WindowGeometry, adjoint: WindowGeometry,
                                      tile: WinogradTile, inputShape: [Int], kernels: KernelPath) -> Tensor {
        let n = inputShape[0], filters = kernel.shape[3]
        let rotated = rotatedAdjointKernel(kernel, channels: g.channels, filters: filters)
        return dy.scalars.withUnsafeBufferPointer { d in
            rotated.withUnsafeBufferPointer { r in
                uninitializedTensor(shape: inputShape) { dx in
                    Winograd.convolve(input: d.baseAddress!, batch: n, height: g.outputHeight, width: g.outputWidth,
                                      channels: filters, kernel: r.baseAddress!, filters: g.channels, bias: nil, relu: false,
                                      padTop: adjoint.padTop, padLeft: adjoint.padLeft, outputHeight: g.inputHeight,
                                      outputWidth: g.inputWidth, tile: tile, output: dx.baseAddress!, kernels: kernels)
                }
            }
        }
    }

    /// `W'[ky, kx, f, c] = W[2 - ky, 2 - kx, c, f]` of a 3x3 HWIO kernel: nine `c x f` transposes, in 32 x 32
    /// blocks that stay in L1, spread over the cores.
    static func rotatedAdjointKernel(_ kernel: Tensor, channels c: Int, filters: Int) -> [Float] {
        var rotated = [Float](repeating: 0, count: kernel.count)
        kernel.scalars.withUnsafeBufferPointer { w in
            rotated.withUnsafeMutableBufferPointer { r in
                let (wBase, rBase) = (w.baseAddress!, r.baseAddress!)
                let blocks = (c + 31) / 32
                ParallelFor.run(9 * blocks) { item in
                    let tap = item / blocks, ch0 = (item % blocks) * 32
                    let (ky, kx) = (tap / 3, tap % 3)
                    let from = wBase + ((2 - ky) * 3 + (2 - kx)) * c * filters
                    let to = rBase + tap * filters * c
                    for f0 in stride(from: 0, to: filters, by: 32) {
                        for ch in ch0..<min(c, ch0 + 32) {
                            for f in f0..<min(filters, f0 + 32) { to[f * c + ch] = from[ch * filters + f] }
                        }
                    }
                }
            }
        }
        return rotated
    }

    /// `dX = col2im(dY W^T)`, image by image in parallel (no col2im for a pointwise window).
    static func im2colInputGradient(_ dy: Tensor, kernel: Tensor, geometry g: WindowGeometry, inputShape: [Int]) -> Tensor {
        let n = inputShape[0], filters = kernel.shape[3]
        let p = g.outputPixels, k = g.patchLength
        let imageSize = g.inputHeight * g.inputWidth * g.channels
        var inputGradient = Tensor(shape: inputShape)
        let workers = ParallelFor.workerCount
        dy.scalars.withUnsafeBufferPointer { dyBuffer in
            kernel.scalars.withUnsafeBufferPointer { w in
                inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                    ScratchBuffer.withBuffers(workers) { scratch in
                        let dcols = g.isPointwise ? [] : (0..<workers).map { scratch[$0].reserve(p * k) }
                        ParallelFor.run(n) { i, worker in
                            let dyImage = dyBuffer.baseAddress! + i * p * filters
                            let dxImage = dx.baseAddress! + i * imageSize
                            let target = g.isPointwise ? dxImage : dcols[worker]
                            sgemm(transposeB: true, m: p, n: k, k: filters, a: dyImage, lda: filters,
                                  b: w.baseAddress!, ldb: filters, beta: 0, c: target, ldc: k)
                            if !g.isPointwise { col2imAdd(dcols[worker], g, into: dxImage) }
                        }
                    }
                }
            }
        }
        return inputGradient
    }

    /// `dW += cols(x)^T dY` with the rows of all images stacked: blocks of at most ``im2colBudget`` floats
    /// are unrolled in parallel, then each block is one (multithreaded) sgemm `k x rows x filters`.
    static func kernelGradientAccumulate(_ x: UnsafePointer<Float>, batch n: Int, dy: UnsafePointer<Float>, filters: Int,
                                         geometry g: WindowGeometry, into dw: UnsafeMutablePointer<Float>, kernels: KernelPath) {
        let p = g.outputPixels, k = g.patchLength
        let totalRows = n * p
        guard totalRows > 0 else { return }
        if kernels != .portable {
            kernelGradientAccumulateNative(x, batch: n, dy: dy, filters: filters, geometry: g, into: dw, kernels: kernels)
            return
        }
        if g.isPointwise {
            sgemm(transposeA: true, m: k, n: filters, k: totalRows, a: x, lda: k, b: dy, ldb: filters,
                  beta: 1, c: dw, ldc: filters)
            return
        }
        let blockRows = max(1, min(totalRows, 4 * im2colBudget / max(1, k)))
        ScratchBuffer.withBuffers(1) { scratch in
            let cols = scratch[0].reserve(blockRows * k)
            var start = 0
            while start < totalRows {
                let end = min(totalRows, start + blockRows)
                im2colRows(x, g, rows: start..<end, into: cols)
                sgemm(transposeA: true, m: k, n: filters, k: end - start, a: cols, lda: k, b: dy + start * filters,
                      ldb: filters, beta: 1, c: dw, ldc: filters)
                start = end
            }
        }
    }
}

extension ConvolutionKernels {
    /// ``kernelGradientAccumulate(_:batch:dy:filters:geometry:into:kernels:)`` on the C kernels, which multiply
    /// plain (untransposed) matrices: `dW^T += dY^T cols(x)` block by block (`dY^T` is small: filters x
    /// the block's rows), a `filters x k` product whose long side spreads over the cores, then
    /// `dW += (dW^T)^T` once.
    static func kernelGradientAccumulateNative(_ x: UnsafePointer<Float>, batch n: Int, dy: UnsafePointer<Float>, filters: Int,
                                               geometry g: WindowGeometry, into dw: UnsafeMutablePointer<Float>, kernels: KernelPath) {
        let p = g.outputPixels, k = g.patchLength
        let totalRows = n * p
        var dwT = [Float](repeating: 0, count: filters * k)
        let blockRows = g.isPointwise ? totalRows : max(1, min(totalRows, 4 * im2colBudget / max(1, k)))
        dwT.withUnsafeMutableBufferPointer { t in
            ScratchBuffer.withBuffers(1) { scratch in
                let cols = g.isPointwise ? nil : scratch[0].reserve(blockRows * k)
                var start = 0
                while start < totalRows {
                    let end = min(totalRows, start + blockRows)
                    let source: UnsafePointer<Float>
                    if let cols {
                        im2colRows(x, g, rows: start..<end, into: cols)
                        source = UnsafePointer(cols)
                    } else {
                        source = x + start * k
                    }
                    let dyT = transposed(dy + start * filters, rows: end - start, columns: filters)
                    dyT.withUnsafeBufferPointer { d in
                        sgemmAcrossCores(m: filters, n: k, k: end - start, a: d.baseAddress!, lda: end - start, b: source, ldb: k,
                                         accumulate: true, c: t.baseAddress!, ldc: k, kernels: kernels)
                    }
                    start = end
                }
            }
            let parts = ParallelFor.ranges(k, parts: 4 * ParallelFor.workerCount)
            ParallelFor.run(parts.count) { part in
                for i in parts[part] { for f in 0..<filters { dw[i * filters + f] += t[f * k + i] } }
            }
        }
    }
}

/// Rows `rows` of the im2col matrix of a whole NHWC batch (row `image * outputPixels + pixel`; a range may
/// span images), unrolled on the calling thread into `cols`.
func im2colBatchRows(_ x: UnsafePointer<Float>, _ g: WindowGeometry, rows: Range<Int>, into cols: UnsafeMutablePointer<Float>) {
    let p = g.outputPixels, k = g.patchLength
    let imageSize = g.inputHeight * g.inputWidth * g.channels
    var row = rows.lowerBound
    while row < rows.upperBound {
        let image = row / p, pixel = row % p
        let upto = min(rows.upperBound, (image + 1) * p)
        im2col(x + image * imageSize, g, rows: pixel..<(pixel + upto - row), into: cols + (row - rows.lowerBound) * k)
        row = upto
    }
}

/// ``im2colBatchRows(_:_:rows:into:)`` in parallel pieces.
func im2colRows(_ x: UnsafePointer<Float>, _ g: WindowGeometry, rows: Range<Int>, into cols: UnsafeMutablePointer<Float>) {
    let pieces = ParallelFor.ranges(rows.count, parts: 4 * ParallelFor.workerCount)
    ParallelFor.run(pieces.count) { piece in
        let first = rows.lowerBound + pieces[piece].lowerBound
        im2colBatchRows(x, g, rows: first..<(rows.lowerBound + pieces[piece].upperBound),
                        into: cols + pieces[piece].lowerBound * g.patchLength)
    }
}

/// Calls `body` with the array's base address, or nil.
@inlinable
public func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}

extension ConvolutionKernels {
    /// The kernel gradient of a 3x3 stride-1 convolution goes through Winograd F(3x3, 3x3) (on the C kernels):
    /// when `algorithm` asks for Winograd, or, automatically, over at least 128 channels in and out, where its
    /// 25 products per 3x3 tile of dY (against the direct method's 9 per output pixel, 81 a whole tile) run as
    /// long, efficient products, and where the tiles cover the map tightly enough that the products are at
    /// most half the direct method's (a 2x2 map's one tile takes 25 against 36). Below that the transforms
    /// cost more than the products they save.
    public static func kernelGradientUsesWinograd(_ algorithm: ConvolutionAlgorithm, geometry g: WindowGeometry, filters: Int,
                                                  kernels: KernelPath = .current) -> Bool {
        guard kernels.effective != .portable, Winograd.applies(to: g), g.channels >= 8, filters >= 8 else { return false }
        switch algorithm {
        case .winograd: return true
        case .im2col: return false
        case .automatic:
            let tiles = ((g.outputHeight + 2) / 3) * ((g.outputWidth + 2) / 3)
            return EngineOptions.current.usesWinograd && g.channels >= 128 && filters >= 128 && 2 * 25 * tiles <= 9 * g.outputPixels
        }
    }

    /// `dW += sum_{n,oy,ox} x[n, oy - pt + u, ox - pl + v, c] dY[n, oy, ox, f]` by Winograd F(3x3, 3x3): for each
    /// 3x3 tile of dY (its 5x5 input patch `d`, zero outside), `dW_t = A^T ((G dY_t G^T) . (B^T d B)) A`, and
    /// since the transforms are linear the tiles are summed in the transformed domain, where for each of the 25
    /// positions `p` the sum over tiles is one product `M[p] = V[p]^T U[p]` (`C x tiles` times `tiles x F`).
    /// Tiles go in chunks whose transforms fit ``EngineOptions/winogradGroupBudget`` (but of 16 tiles at least,
    /// the products' depth); each chunk's transforms run in parallel over tiles, its products over positions
    /// and bands of input channels (accumulating onto the chunks before), and one output transform adds
    /// `A^T M A` to `dW`. `M` holds `25 C F` floats besides (26 MB for 512 -> 512 channels).
    static func winogradKernelGradientAccumulate(_ x: UnsafePointer<Float>, batch n: Int, dy: UnsafePointer<Float>, filters F: Int,
                                                 geometry g: WindowGeometry, into dw: UnsafeMutablePointer<Float>,
                                                 kernels: KernelPath) {
        #if arch(x86_64)
        let (C, OH, OW, H, W) = (g.channels, g.outputHeight, g.outputWidth, g.inputHeight, g.inputWidth)
        let tilesX = (OW + 2) / 3, tilesPerImage = ((OH + 2) / 3) * tilesX, total = n * tilesPerImage
        guard total > 0, C > 0, F > 0 else { return }
        let positions = 25
        let chunk = min(total, max(16, EngineOptions.current.winogradGroupBudget / (positions * (C + F))))
        let vStride = Winograd.positionStride(chunk * C), uStride = Winograd.positionStride(chunk * F)
        let mStride = Winograd.positionStride(C * F)
        let avx512 = kernels == .avx512
        ScratchBuffer.withBuffers(3) { scratch in
            let v = scratch[0].reserve(positions * vStride), u = scratch[1].reserve(positions * uStride)
            let m = scratch[2].reserve(positions * mStride)
            let bands = ParallelFor.ranges(C, parts: max(1, min(4, C / 64)))
            var first = 0
            while first < total {
                let count = min(chunk, total - first)
                let parts = ParallelFor.ranges(count, parts: 4 * ParallelFor.workerCount)
                ParallelFor.run(parts.count) { part in
                    for t in parts[part] {
                        let index = first + t, image = index / tilesPerImage, rest = index % tilesPerImage
                        let oy0 = (rest / tilesX) * 3, ox0 = (rest % tilesX) * 3
                        let xi = x + image * H * W * C, dyi = dy + image * OH * OW * F
                        if avx512 {
                            tl_winograd_f3_input_avx512(xi, H, W, C, oy0 - g.padTop, ox0 - g.padLeft, v + t * C, vStride)
                            tl_winograd_f3_gradient_tile_avx512(dyi, OH, OW, F, oy0, ox0, u + t * F, uStride)
                        } else {
                            tl_winograd_f3_input_avx2(xi, H, W, C, oy0 - g.padTop, ox0 - g.padLeft, v + t * C, vStride)
                            tl_winograd_f3_gradient_tile_avx2(dyi, OH, OW, F, oy0, ox0, u + t * F, uStride)
                        }
                    }
                }
                let accumulate: Int32 = first > 0 ? 1 : 0
                ParallelFor.run(positions * bands.count) { item in
                    let p = item / bands.count, band = bands[item % bands.count]
                    let (a, b, c) = (v + p * vStride, u + p * uStride, m + p * mStride)
                    if avx512 {
                        tl_transposed_product_avx512(band.lowerBound, band.upperBound, F, count, a, C, b, F, c, F, accumulate)
                    } else {
                        tl_transposed_product_avx2(band.lowerBound, band.upperBound, F, count, a, C, b, F, c, F, accumulate)
                    }
                }
                first += count
            }
            let parts = ParallelFor.ranges(C * F, parts: 4 * ParallelFor.workerCount)
            ParallelFor.run(parts.count) { part in
                let start = parts[part].lowerBound, count = parts[part].count
                if avx512 {
                    tl_winograd_f3_weight_output_avx512(m + start, mStride, count, dw + start, C * F)
                } else {
                    tl_winograd_f3_weight_output_avx2(m + start, mStride, count, dw + start, C * F)
                }
            }
        }
        #else
        preconditionFailure("the Winograd kernel gradient has C kernels only")
        #endif
    }
}
