/// A pointwise (1x1, stride 1) convolution, the depthwise convolution reading it and the pointwise
/// convolution reading that, run image by image in bands of rows read back while still in a core's caches:
/// the inverted-residual block of MobileNetV2 and EfficientNet(-Lite) in inference, either pointwise stage
/// optional.
///
/// Layer by layer, the expanded maps between the stages (six times the block's channels; 43 MB at
/// EfficientNet-Lite0's second block for a batch of 20 at 150x150) are written to memory by one stage and
/// read back by the next, and the depthwise kernel waits on those reads. Here each worker takes whole
/// images; for each band of the depthwise stage's output rows it computes the expanded rows the band needs
/// and has not computed yet (into a per-worker map of one image), the band's depthwise rows, and the
/// band's projected rows, written straight to the output: each stage reads rows the one before has just
/// written. (The per-worker maps hold a whole image, a few MB; only their recent rows are in cache.) Each
/// value is computed by the same kernels, from the same operands, as the stages would compute it one after
/// another (the products' sums do not depend on how rows are blocked), so the result is the same to the bit.
public enum DepthwiseChainKernels {
    /// A pointwise stage: `act(x W * scale + b)` with `W` a `(1, 1, C, F)` kernel, `scale` per output channel
    /// (a folded batch normalisation; nil for none) applied as the kernel is packed, `act` the clamp to
    /// `[0, ceiling]` when `ceiling` is given.
    public struct Pointwise {
        public let kernel: Tensor
        public let scale: [Float]?
        public let bias: Tensor?
        public let ceiling: Float?
        /// Where the packed kernel is kept between calls (nil: packed on every call).
        public let cached: CachedKernel?

        public init(kernel: Tensor, scale: [Float]?, bias: Tensor?, ceiling: Float?, cached: CachedKernel? = nil) {
            (self.kernel, self.scale, self.bias, self.ceiling, self.cached) = (kernel, scale, bias, ceiling, cached)
        }

        var filters: Int { kernel.shape[3] }

        /// A 1x1 kernel over `channels` inputs, with a bias and a scale (when given) per output channel.
        func fits(channels: Int) -> Bool {
            kernel.shape.count == 4 && kernel.shape[0] == 1 && kernel.shape[1] == 1 && kernel.shape[2] == channels
                && (bias?.count ?? filters) == filters && (scale?.count ?? filters) == filters
        }
    }

    /// The depthwise stage: a `(kh, kw, C, 1)` kernel (any folded scale already applied), its bias and
    /// clamp, the window's size, strides and padding.
    public struct Depthwise {
        public let kernel: Tensor
        public let bias: Tensor?
        public let ceiling: Float?
        public let strides: (Int, Int)
        public let padding: Padding

        public init(kernel: Tensor, bias: Tensor?, ceiling: Float?, strides: (Int, Int), padding: Padding) {
            (self.kernel, self.bias, self.ceiling, self.strides, self.padding) = (kernel, bias, ceiling, strides, padding)
        }
    }

    /// Floats of depthwise output a band holds (256 KB): the band, and the expanded rows it reads, stay in L2
    /// while the projection reads them.
    public static let bandBudget = 1 << 16

    /// Whether ``forward(input:expand:depthwise:project:bandFloats:kernels:)`` pays here: the C kernels, and
    /// at least one image per worker (fewer would leave a core idle; the stages one by one split each image).
    public static func applies(batch: Int, kernels: KernelPath = .current) -> Bool {
        kernels.effective != .portable && batch >= ParallelFor.workerCount
    }

    /// Depthwise output pixels an image needs for the chain to pay: below 64 (EfficientNet-Lite0's last stages
    /// at 150x150 have 5x5), a product over one image's rows leaves much of the 12-row register tile idle (25
    /// rows fill 25 of 36), and the whole batch's maps fit the caches anyway, so the stages run one by one.
    public static let minimumPixels = 64

    /// `project(depthwise(expand(x)))` for an NHWC batch `x`, each stage as described above (an absent
    /// pointwise stage passes its input through), in bands of at most `bandFloats` floats of depthwise
    /// output (at least one row). The C kernels only.
    public static func forward(input x: Tensor, expand: Pointwise?, depthwise: Depthwise, project: Pointwise?,
                               bandFloats: Int = bandBudget, kernels: KernelPath = .current) -> Tensor {
        let kernels = kernels.effective
        precondition(kernels != .portable, "the fused chain runs on the C kernels")
        precondition(x.shape.count == 4, "the chain takes an NHWC batch, got shape \(x.shape)")
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let e = expand?.filters ?? c
        precondition(expand.map { $0.fits(channels: c) } ?? true, "the expansion's kernel does not take \(c) channels")
        precondition(depthwise.kernel.shape.count == 4 && depthwise.kernel.shape[2] == e && depthwise.kernel.shape[3] == 1
                     && (depthwise.bias?.count ?? e) == e, "the depthwise kernel does not take \(e) channels at multiplier 1")
        precondition(project.map { $0.fits(channels: e) } ?? true, "the projection's kernel does not take \(e) channels")
        let g = WindowGeometry(inputHeight: h, inputWidth: w, channels: e, window: (depthwise.kernel.shape[0], depthwise.kernel.shape[1]),
                               strides: depthwise.strides, padding: depthwise.padding)
        let f = project?.filters ?? e
        let (oh, ow) = (g.outputHeight, g.outputWidth)
        let bandRows = max(1, min(oh, bandFloats / max(1, ow * e)))
        let workers = min(ParallelFor.workerCount, n)
        return ScratchBuffer.withBuffers(2 + 2 * workers) { scratch in
            withPacked(expand, channels: c, scratch: scratch[0], kernels: kernels) { expandPacked in
                withPacked(project, channels: e, scratch: scratch[1], kernels: kernels) { projectPacked in
                    precondition((expand == nil) == (expandPacked == nil) && (project == nil) == (projectPacked == nil),
                                 "a pointwise stage over no channels")
                    let expanded = expand == nil ? [] : (0..<workers).map { scratch[2 + $0].reserve(h * w * e) }
                    // A band of depthwise rows, rewritten band after band: its lines stay in L2.
                    let bands = project == nil ? [] : (0..<workers).map { scratch[2 + workers + $0].reserve(bandRows * ow * e) }
                    return x.scalars.withUnsafeBufferPointer { xs in
                        depthwise.kernel.scalars.withUnsafeBufferPointer { dk in
                            withOptionalPointer(depthwise.bias?.scalars) { db in
                                withOptionalPointer(expand?.bias?.scalars) { eb in
                                    withOptionalPointer(project?.bias?.scalars) { pb in
                                        let run = ImageRun(
                                            kernels: kernels, geometry: g, inputChannels: c, outputChannels: f, bandRows: bandRows,
                                            expand: expandPacked.map { (packed: $0, bias: eb, ceiling: expand?.ceiling) },
                                            depthwise: (kernel: dk.baseAddress!, bias: db, ceiling: depthwise.ceiling),
                                            project: projectPacked.map { (packed: $0, bias: pb, ceiling: project?.ceiling) })
                                        return uninitializedTensor(shape: [n, oh, ow, f]) { y in
                                            let (xBase, yBase) = (xs.baseAddress!, y.baseAddress!)
                                            ParallelFor.run(n) { image, worker in
                                                run(input: xBase + image * h * w * c, output: yBase + image * oh * ow * f,
                                                    expanded: expand == nil ? nil : expanded[worker], band: project == nil ? nil : bands[worker])
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One call's stages with their operands' addresses: what a worker needs to run an image band by band.
    private struct ImageRun {
        typealias PointwiseOperands = (packed: UnsafePointer<Float>, bias: UnsafePointer<Float>?, ceiling: Float?)
        let kernels: KernelPath
        /// The depthwise window over the (expanded) map of one image.
        let geometry: WindowGeometry
        let inputChannels, outputChannels, bandRows: Int
        let expand: PointwiseOperands?
        let depthwise: (kernel: UnsafePointer<Float>, bias: UnsafePointer<Float>?, ceiling: Float?)
        let project: PointwiseOperands?

        /// One image from `input` to `output`, `expanded` holding its expanded map (when there is an expansion)
        /// and `band` a band of depthwise rows (when there is a projection): for each band of output rows, the
        /// expanded rows it needs and has not had yet, its depthwise rows, its projected rows.
        func callAsFunction(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, expanded: UnsafeMutablePointer<Float>?,
                            band: UnsafeMutablePointer<Float>?) {
            let g = geometry
            let (h, w, c, e, f) = (g.inputHeight, g.inputWidth, inputChannels, g.channels, outputChannels)
            let (oh, ow) = (g.outputHeight, g.outputWidth)
            var expandedRows = 0   // rows of the expanded map computed so far
            var first = 0
            while first < oh {
                let rows = first..<min(oh, first + bandRows)
                var source = input
                if let expand, let expanded {
                    let needed = min(h, (rows.upperBound - 1) * g.strideY - g.padTop + g.windowHeight)
                    if needed > expandedRows {
                        nativeSgemmPacked(kernels, m: (needed - expandedRows) * w, n: e, k: c, a: input + expandedRows * w * c, lda: c,
                                          packed: expand.packed, c: expanded + expandedRows * w * e, ldc: e, bias: expand.bias,
                                          relu: expand.ceiling != nil, reluCeiling: expand.ceiling ?? .infinity)
                        expandedRows = needed
                    }
                    source = UnsafePointer(expanded)
                }
                // The band as a map of its own: its first row reads input row `top`, so the image is cut above
                // max(top, 0) and padded by what lies above row 0.
                let top = first * g.strideY - g.padTop, shift = max(0, top)
                var bandGeometry = g
                (bandGeometry.inputHeight, bandGeometry.padTop, bandGeometry.outputHeight) = (h - shift, shift - top, rows.count)
                let target = band ?? output + first * ow * e
                _ = DepthwiseConvolutionKernels.nativeRows(
                    kernels, source + shift * w * e, depthwise.kernel, depthwise.bias, bandGeometry, relu: depthwise.ceiling != nil,
                    reluCeiling: depthwise.ceiling ?? .infinity, rows: 0..<rows.count, output: target)
                if let project, let band {
                    nativeSgemmPacked(kernels, m: rows.count * ow, n: f, k: e, a: band, lda: e, packed: project.packed,
                                      c: output + first * ow * f, ldc: f, bias: project.bias, relu: project.ceiling != nil,
                                      reluCeiling: project.ceiling ?? .infinity)
                }
                first = rows.upperBound
            }
        }
    }

    /// `body` with a pointwise stage's `C x F` kernel matrix packed (and scaled) once for every image and band:
    /// from the stage's cache, or into `scratch`; nil for an absent stage.
    private static func withPacked<R>(_ stage: Pointwise?, channels: Int, scratch: ScratchBuffer, kernels: KernelPath,
                                      _ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let stage else { return body(nil) }
        return stage.kernel.scalars.withUnsafeBufferPointer { k in
            ConvolutionKernels.withPackedKernelMatrix(k.baseAddress!, patchLength: channels, filters: stage.filters, scale: stage.scale,
                                                      cached: stage.cached, scratch: scratch, kernels: kernels, body)
        }
    }
}
