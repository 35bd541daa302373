import CTensorKernels

/// Stride-1 3x3 convolution by Winograd's minimal filtering F(m x m, 3 x 3).
///
/// The output is cut into m x m tiles; tile `t` reads the alpha x alpha input patch `d_t` (alpha = m + 2)
/// that covers its windows. With `V_t = B^T d_t B` and `U = G g G^T` computed per channel (pair), the
/// convolution becomes, for each of the alpha^2 transformed positions `p`, one matrix product over
/// channels `M[p] = V[p] U[p]` (`tiles x Cin` times `Cin x Cout`), and `y_t = A^T M_t A`. That is
/// alpha^2 / (9 m^2) of the direct method's multiplications: 1/2.25 for F(2x2), 1/3.24 for F(3x3), 1/4 for F(4x4),
/// 1/5.06 for F(6x6).
///
/// On the C kernels the transformed kernel is made once per call, straight into the sgemm's packed
/// layout. Where it is small enough to be read from the caches by every chunk (F(4x4) up to 256 -> 256 channels,
/// F(6x6) up to 128 -> 256),
/// each worker takes chunks of tiles that keep their transformed inputs and products in its L2 and runs
/// all three stages on them. Otherwise (and on the portable path) tiles go through in groups sized so the
/// transformed inputs and products of a group fit a scratch budget: per group, inputs are transformed in
/// parallel over tiles, the alpha^2 products run in parallel (single-threaded sgemm each), and the
/// output transform adds the bias and applies ReLU in parallel over tiles, writing straight into the
/// output.
public enum Winograd {
    /// Floats of transformed inputs plus products held per group: ``EngineOptions/winogradGroupBudget``.
    static var groupBudget: Int { EngineOptions.current.winogradGroupBudget }
    /// Whether the products are dealt out to the workers: ``EngineOptions/splitsWinogradProducts``.
    static var splitProducts: Bool { EngineOptions.current.splitsWinogradProducts }

    /// Distance between two transformed positions' matrices holding `count` floats: rounded so that
    /// successive positions start one cache line apart modulo 4 KB. Unpadded, the alpha^2 streams a
    /// transform reads or writes would all fall in the same L1 set (their distance a multiple of 4 KB).
    @inlinable public static func positionStride(_ count: Int) -> Int { (count + 1023) / 1024 * 1024 + 16 }

    /// The tile's transforms run on the C kernels of `path` (F(3x3), F(4x4), F(6x6); F(2x2) stays on the portable loops).
    static func runsNative(_ tile: WinogradTile, _ path: KernelPath) -> Bool { tile != .f2 && path != .portable }

    /// ``convolve(input:batch:height:width:channels:kernel:filters:bias:relu:reluCeiling:padTop:padLeft:outputHeight:outputWidth:tile:maxPool2x2:kernelScale:output:kernels:)``
    /// can apply 2x2 max pooling at stride 2 as it writes (then `output` is the pooled `OH/2 x OW/2` map):
    /// only the C output transforms (AVX-512, AVX2+FMA) of F(4x4) and F(6x6), whose tiles hold whole 2x2 windows, pool.
    public static func canPool(tile: WinogradTile, kernels: KernelPath = .current) -> Bool {
        tile.m % 2 == 0 && runsNative(tile, kernels.effective)
    }

    /// A 3x3 kernel window at stride 1 can go through Winograd.
    public static func applies(to g: WindowGeometry) -> Bool {
        g.windowHeight == 3 && g.windowWidth == 3 && g.strideY == 1 && g.strideX == 1
    }

    /// `U[p][c][f] = (G g_{c,f} G^T)[p]` for an HWIO kernel `w` of shape (3, 3, C, F); position `p`'s
    /// `C x F` matrix starts at `u + p * positionStride(C * F)`.
    public static func transformKernel(_ w: UnsafePointer<Float>, channels C: Int, filters F: Int, tile: WinogradTile,
                                       into u: UnsafeMutablePointer<Float>, kernels: KernelPath = .current) {
        let kernels = kernels.effective
        let alpha = tile.alpha, positions = alpha * alpha
        let stride = positionStride(C * F)
        let parts = ParallelFor.ranges(C, parts: 4 * ParallelFor.workerCount)
        if runsNative(tile, kernels) {
            transformKernelNatively(w, channels: C, filters: F, tile: tile, into: u, positionStride: stride, packed: false,
                                    scale: nil, kernels: kernels)
            return
        }
        ParallelFor.run(parts.count) { part in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: (9 + 3 * alpha + positions) * winogradLanes) { buffer in
                let taps = buffer.baseAddress!, t = taps + 9 * winogradLanes, out = t + 3 * alpha * winogradLanes
                for c in parts[part] {
                    var f = 0
                    while f < F {
                        let lanes = min(winogradLanes, F - f)
                        for tap in 0..<9 { loadRun(taps + tap * winogradLanes, w + (tap * C + c) * F + f, lanes) }
                        // t = G g along ky: t[i][kx]; then U = t G^T along kx: out[i][j].
                        for kx in 0..<3 {
                            tile.kernelTransform(taps + kx * winogradLanes, 3 * winogradLanes, into: t + kx * winogradLanes, 3 * winogradLanes)
                        }
                        for i in 0..<alpha {
                            tile.kernelTransform(t + 3 * i * winogradLanes, winogradLanes, into: out + i * alpha * winogradLanes, winogradLanes)
                        }
                        for p in 0..<positions { storeRun(u + p * stride + c * F + f, out + p * winogradLanes, lanes) }
                        f += lanes
                    }
                }
            }
        }
    }

    /// `y = act(b + conv3x3(x, w))` at stride 1 (`act(v) = min(max(v, 0), reluCeiling)` when `relu`), for NHWC `x` (n, H, W, C) and HWIO `w` (3, 3, C, F):
    /// `y[n, oy, ox, f] = b[f] + sum_{ky,kx,c} x[n, oy - padTop + ky, ox - padLeft + kx, c] w[ky, kx, c, f]`,
    /// zero outside the input, for `oy < outputHeight`, `ox < outputWidth`. Every output element is written.
    /// With `maxPool2x2` (see ``canPool(tile:kernels:)``) `y` is instead the 2x2 max pooling of that map at
    /// stride 2, `OH/2 x OW/2` per image, and the full map is never stored. `kernels` picks the transforms'
    /// and products' kernels.
    public static func convolve(
        input x: UnsafePointer<Float>, batch n: Int, height H: Int, width W: Int, channels C: Int,
        kernel w: UnsafePointer<Float>, filters F: Int, bias: UnsafePointer<Float>?, relu: Bool, reluCeiling: Float = .infinity,
        padTop: Int, padLeft: Int, outputHeight OH: Int, outputWidth OW: Int, tile: WinogradTile,
        maxPool2x2: Bool = false, kernelScale: UnsafePointer<Float>? = nil, output y: UnsafeMutablePointer<Float>,
        kernels: KernelPath = .current
    ) {
        let kernels = kernels.effective
        guard n > 0, OH > 0, OW > 0, F > 0 else { return }
        precondition(!maxPool2x2 || canPool(tile: tile, kernels: kernels), "pooling inside Winograd needs F(4x4) or F(6x6) on the C kernels")
        precondition(kernelScale == nil || packsKernel(tile: tile, kernels: kernels), "a kernel scale needs the packed route")
        let plan = WinogradPlan(x: x, batch: n, height: H, width: W, channels: C, filters: F, bias: bias, relu: relu,
                                reluCeiling: reluCeiling, padTop: padTop, padLeft: padLeft, outputHeight: OH, outputWidth: OW,
                                tile: tile, maxPool2x2: maxPool2x2, y: y, kernels: kernels)
        let positions = plan.positions
        ScratchBuffer.withBuffers(3 + ParallelFor.workerCount) { scratch in
            guard C > 0, packsKernel(tile: tile, kernels: kernels) else {
                let uStride = positionStride(C * F)
                let u = scratch[0].reserve(positions * uStride)
                if C > 0 { transformKernel(w, channels: C, filters: F, tile: tile, into: u, kernels: kernels) }
                runGroups(plan, uStride: uStride, v: scratch[1], products: scratch[2]) { _ in UnsafePointer(u) }
                return
            }
            // Each U[p] transformed straight into the C sgemm's packed layout, once for all tiles.
            let packedStride = positionStride(packedOperandFloats(kernels, n: F, k: C))
            let total = positions * packedStride
            if plan.groups == 1 && total > kernelBandLimit {
                let rowsPerBand = max(1, kernelBandLimit / (tile.alpha * packedStride))
                runGroups(plan, uStride: packedStride, rowsPerBand: rowsPerBand, v: scratch[1], products: scratch[2]) { rows in
                    let band = scratch[0].reserve(rows.count * tile.alpha * packedStride)
                    transformKernelNatively(w, channels: C, filters: F, tile: tile, into: band, positionStride: packedStride,
                                            packed: true, streaming: true, rows: rows, scale: kernelScale, kernels: kernels)
                    return UnsafePointer(band)
                }
                return
            }
            let packed = scratch[0].reserve(total)
            // Read by every chunk from the caches, or (larger than they hold) streamed to memory past them.
            let chunked = total <= chunkedKernelLimit
            transformKernelNatively(w, channels: C, filters: F, tile: tile, into: packed, positionStride: packedStride, packed: true,
                                    streaming: !chunked, scale: kernelScale, kernels: kernels)
            if chunked {
                plan.convolveInChunks(u: packed, uStride: packedStride, scratch: Array(scratch[3...]))
            } else {
                runGroups(plan, uStride: packedStride, v: scratch[1], products: scratch[2]) { _ in UnsafePointer(packed) }
            }
        }
    }

    /// The transformed kernel is packed for the C sgemm (and can be scaled per output channel as it is):
    /// F(3x3), F(4x4) and F(6x6) on the C kernels with the products dealt out to the workers.
    public static func packsKernel(tile: WinogradTile, kernels: KernelPath = .current) -> Bool {
        runsNative(tile, kernels.effective) && splitProducts
    }

    /// The C kernel transform over parts of the input channels in parallel: into `u` as
    /// ``transformKernel(_:channels:filters:tile:into:kernels:)`` lays it out, or (`packed`) each position's
    /// `C x F` matrix packed for the C sgemm, its columns times `scale` when given. `streaming` (packed only;
    /// `u` on a cache line, `stride` a multiple of 16) writes past the caches, for a kernel larger than they hold.
    static func transformKernelNatively(_ w: UnsafePointer<Float>, channels C: Int, filters F: Int, tile: WinogradTile,
                                        into u: UnsafeMutablePointer<Float>, positionStride stride: Int, packed: Bool,
                                        streaming: Bool = false, rows: Range<Int>? = nil, scale: UnsafePointer<Float>?,
                                        kernels: KernelPath) {
        let rows = rows ?? 0..<tile.alpha
        let (firstRow, endRow) = (rows.lowerBound, rows.upperBound)
        precondition(!streaming || (packed && Int(bitPattern: u) % 64 == 0 && stride % 16 == 0), "streaming stores need aligned packed rows")
        #if arch(x86_64)
        guard let transform = WinogradTileKernels(tile: tile, kernels: kernels)?.kernel else {
            preconditionFailure("no C kernel transform for \(tile) on \(kernels)")
        }
        let parts = ParallelFor.ranges(C, parts: 4 * ParallelFor.workerCount)
        ParallelFor.run(parts.count) { part in
            let (first, end) = (parts[part].lowerBound, parts[part].upperBound)
            let pack: Int32 = streaming ? 2 : packed ? 1 : 0
            transform(w, C, F, first, end, firstRow, endRow, u, stride, pack, scale)
        }
        #endif
    }

    /// Transformed kernels over this many floats (28 MB) go band by band of rows of positions where the tiles
    /// make one group: only a band is held (VGG16's block4 with F(6x6): three bands of 25 MB instead of 67 MB).
    static let kernelBandLimit = 7 << 20

    /// Transformed kernels up to this many floats (packed) are read by every chunk of tiles from the
    /// caches; larger ones (512 x 512 channels: 9.4 M floats for F(4x4), 16.8 M for F(6x6)) go group by group,
    /// each position's product on one worker, so that each U[p] is read once per group.
    static let chunkedKernelLimit = 3 << 20

    /// Floats of transformed inputs plus products a chunk holds (1 MB, half a core's L2), and the fewest
    /// tiles a chunk has (the product's rows).
    static let chunkBudget = 256 << 10, minimumChunkTiles = 24

    /// The three stages group by group: inputs transformed in parallel over tiles, the alpha^2 products
    /// dealt out to the workers, outputs transformed in parallel over tiles. The products go band by band of
    /// `rowsPerBand` rows of positions (all of them by default), each band's transformed kernel from
    /// `kernelRows` (pointing at the band's first position): bands are for one group, whose kernel is then
    /// transformed a band at a time, once.
    static func runGroups(_ plan: WinogradPlan, uStride: Int, rowsPerBand: Int? = nil, v vBuffer: ScratchBuffer,
                          products mBuffer: ScratchBuffer, kernelRows: (Range<Int>) -> UnsafePointer<Float>) {
        let (C, F, positions, alpha) = (plan.channels, plan.filters, plan.positions, plan.tile.alpha)
        let rowsPerBand = rowsPerBand ?? alpha
        precondition(rowsPerBand >= alpha || plan.groups == 1, "a kernel in bands is transformed once: one group of tiles")
        let v = vBuffer.reserve(positions * positionStride(plan.groupSize * C))
        let mm = mBuffer.reserve(positions * positionStride(plan.groupSize * F))
        if C == 0 {
            for t in 0..<(positions * positionStride(plan.groupSize * F)) { mm[t] = 0 }
        }
        for group in 0..<plan.groups {
            let first = group * plan.groupSize
            let count = min(plan.groupSize, plan.totalTiles - first)
            let vStride = positionStride(count * C), mStride = positionStride(count * F)
            if C > 0 {
                plan.transformInputs(first: first, count: count, into: v, positionStride: vStride)   // V[p][t][c]
                for firstRow in stride(from: 0, to: alpha, by: rowsPerBand) {
                    let rows = firstRow..<min(alpha, firstRow + rowsPerBand)
                    plan.multiply(count: count, v: v, vStride: vStride, u: kernelRows(rows), uStride: uStride, into: mm,
                                  mStride: mStride, band: (rows.lowerBound * alpha)..<(rows.upperBound * alpha))
                }
            }
            plan.transformOutputs(first: first, count: count, from: mm, positionStride: mStride)    // y = A^T M A + b, ReLU
        }
    }

    /// `V[p][t][c..<c+lanes] = (B^T d B)[p]` for the patch at (y0, x0) of one image; zero outside it.
    /// `tmp` holds alpha^2 runs of ``winogradLanes`` floats: `tmp[(i * alpha + j) * lanes...]` is d[i][j].
    @inline(__always)
    static func transformInput(_ src: UnsafePointer<Float>, H: Int, W: Int, C: Int, y0: Int, x0: Int, c: Int, lanes: Int,
                               tile: WinogradTile, tmp: UnsafeMutablePointer<Float>,
                               v: UnsafeMutablePointer<Float>, positionStride: Int) {
        let alpha = tile.alpha, run = winogradLanes
        let inside = y0 >= 0 && x0 >= 0 && y0 + alpha <= H && x0 + alpha <= W && lanes == run
        for i in 0..<alpha {
            let row = tmp + i * alpha * run
            let iy = y0 + i
            if inside {
                let p = src + (iy * W + x0) * C + c
                for j in 0..<alpha { copyRun(row + j * run, p + j * C) }
                tile.inputTransform(row, run)
                continue
            }
            for j in 0..<alpha {
                let ix = x0 + j
                if iy >= 0 && iy < H && ix >= 0 && ix < W {
                    loadRun(row + j * run, src + (iy * W + ix) * C + c, lanes)
                } else {
                    for l in 0..<run { row[j * run + l] = 0 }
                }
            }
            tile.inputTransform(row, run)             // along the row: d B
        }
        for j in 0..<alpha { tile.inputTransform(tmp + j * run, alpha * run) }   // along columns: B^T (d B)
        for p in 0..<(alpha * alpha) { storeRun(v + p * positionStride + c, tmp + p * run, lanes) }
    }

    /// Writes `relu(b + A^T M_t A)` for one tile's channels `f..<f+lanes`, clipped to the output's edge.
    @inline(__always)
    static func transformOutput(_ mt: UnsafePointer<Float>, positionStride: Int, f: Int, lanes: Int, F: Int,
                                bias: UnsafePointer<Float>?, relu: Bool, reluCeiling: Float, tile: WinogradTile,
                                tmp: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
                                OH: Int, OW: Int, oy0: Int, ox0: Int) {
        let alpha = tile.alpha, m = tile.m, run = winogradLanes
        for p in 0..<(alpha * alpha) { loadRun(tmp + p * run, mt + p * positionStride + f, lanes) }
        for i in 0..<alpha { tile.outputTransform(tmp + i * alpha * run, run) }   // rows: first m columns
        let b = tmp + alpha * alpha * run                                          // the bias run
        if let bias { loadRun(b, bias + f, lanes) } else { for l in 0..<run { b[l] = 0 } }
        let rows = min(m, OH - oy0), cols = min(m, OW - ox0)
        let bias8 = loadRun8(b), top = SIMD8<Float>(repeating: reluCeiling), zero = SIMD8<Float>()
        for j in 0..<cols {
            let column = tmp + j * run
            tile.outputTransform(column, alpha * run)                              // column j: first m rows
            for i in 0..<rows {
                let src = column + i * alpha * run, dst = y + ((oy0 + i) * OW + ox0 + j) * F + f
                var v = loadRun8(src) + bias8
                if relu {
                    // clampReLU's comparisons, lane by lane: NaN stays.
                    v.replace(with: zero, where: v .< zero)
                    v.replace(with: top, where: v .> top)
                }
                if lanes == run {
                    storeRun8(dst, v)
                } else {
                    for l in 0..<lanes { dst[l] = v[l] }
                }
            }
        }
    }
}

/// `dst[0..<winogradLanes] = src[0..<lanes]`, zero beyond.
@inline(__always) @usableFromInline
func loadRun(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ lanes: Int) {
    if lanes == winogradLanes {
        copyRun(dst, src)
    } else {
        for l in 0..<winogradLanes { dst[l] = l < lanes ? src[l] : 0 }
    }
}

/// `dst[0..<lanes] = src[0..<lanes]`.
@inline(__always) @usableFromInline
func storeRun(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ lanes: Int) {
    if lanes == winogradLanes {
        copyRun(dst, src)
    } else {
        for l in 0..<lanes { dst[l] = src[l] }
    }
}

/// Copies one run of 8 floats as one 32-byte move (a float loop here is not vectorized: the
/// pointers could overlap).
@inline(__always) @usableFromInline
func copyRun(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>) {
    UnsafeMutableRawPointer(dst).storeBytes(of: UnsafeRawPointer(src).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
}
