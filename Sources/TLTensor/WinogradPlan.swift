import CTensorKernels

/// One Winograd convolution's geometry and arguments, and its three stages over a group of tiles: the
/// input transform, the alpha^2 products, the output transform. ``Winograd/convolve(input:batch:height:width:channels:kernel:filters:bias:relu:reluCeiling:padTop:padLeft:outputHeight:outputWidth:tile:maxPool2x2:kernelScale:output:kernels:)``
/// makes one and runs the stages group by group; the kernel path is fixed here once for all of them.
struct WinogradPlan {
    let x: UnsafePointer<Float>
    let batch, height, width, channels, filters: Int
    let bias: UnsafePointer<Float>?
    let relu: Bool
    let reluCeiling: Float
    let padTop, padLeft, outputHeight, outputWidth: Int
    let tile: WinogradTile
    let maxPool2x2: Bool
    let y: UnsafeMutablePointer<Float>
    let kernels: KernelPath
    let tilesX, tilesPerImage, totalTiles: Int
    /// Tiles per group (equal groups, each within ``Winograd/groupBudget``), and the number of groups.
    let groupSize, groups: Int
    #if arch(x86_64)
    /// The C transforms of ``tile`` on ``kernels``; nil where the Swift ones run.
    let tileKernels: WinogradTileKernels?
    #endif

    init(x: UnsafePointer<Float>, batch: Int, height: Int, width: Int, channels: Int, filters: Int, bias: UnsafePointer<Float>?,
         relu: Bool, reluCeiling: Float, padTop: Int, padLeft: Int, outputHeight: Int, outputWidth: Int, tile: WinogradTile,
         maxPool2x2: Bool, y: UnsafeMutablePointer<Float>, kernels: KernelPath) {
        (self.x, self.batch, self.height, self.width, self.channels, self.filters) = (x, batch, height, width, channels, filters)
        (self.bias, self.relu, self.reluCeiling) = (bias, relu, reluCeiling)
        (self.padTop, self.padLeft, self.outputHeight, self.outputWidth) = (padTop, padLeft, outputHeight, outputWidth)
        (self.tile, self.maxPool2x2, self.y, self.kernels) = (tile, maxPool2x2, y, kernels)
        tilesX = (outputWidth + tile.m - 1) / tile.m
        tilesPerImage = ((outputHeight + tile.m - 1) / tile.m) * tilesX
        totalTiles = batch * tilesPerImage
        var size = max(16, Winograd.groupBudget / (tile.alpha * tile.alpha * (channels + filters)))
        let count = (totalTiles + size - 1) / size
        size = (totalTiles + count - 1) / count   // equal groups
        groupSize = size
        groups = (totalTiles + size - 1) / size
        #if arch(x86_64)
        tileKernels = WinogradTileKernels(tile: tile, kernels: kernels)
        #endif
    }

    var positions: Int { tile.alpha * tile.alpha }
    var native: Bool { Winograd.runsNative(tile, kernels) }

    /// The image and the top-left output position of tile `index` (counted over the whole batch).
    @inline(__always)
    func locate(_ index: Int) -> (image: Int, oy0: Int, ox0: Int) {
        let image = index / tilesPerImage, rest = index % tilesPerImage
        return (image, (rest / tilesX) * tile.m, (rest % tilesX) * tile.m)
    }

    /// `V[p][t][c]` for the `count` tiles from `first`, in parallel over tiles.
    func transformInputs(first: Int, count: Int, into v: UnsafeMutablePointer<Float>, positionStride vStride: Int) {
        let parts = ParallelFor.ranges(count, parts: 4 * ParallelFor.workerCount)
        let (H, W, C) = (height, width, channels)
        ParallelFor.run(parts.count) { part in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: positions * winogradLanes) { tmp in
                for t in parts[part] {
                    if native {
                        nativeInputTile(first + t, into: v + t * C, positionStride: vStride)
                        continue
                    }
                    let (image, oy0, ox0) = locate(first + t)
                    let y0 = oy0 - padTop, x0 = ox0 - padLeft
                    let src = x + image * H * W * C
                    for c in stride(from: 0, to: C, by: winogradLanes) {
                        Winograd.transformInput(src, H: H, W: W, C: C, y0: y0, x0: x0, c: c, lanes: min(winogradLanes, C - c),
                                                tile: tile, tmp: tmp.baseAddress!, v: v + t * C, positionStride: vStride)
                    }
                }
            }
        }
    }

    /// Tile `index`'s input transform on the C kernels of ``kernels``: `V[p][c]` at `vt + p * vStride + c`.
    @inline(__always)
    func nativeInputTile(_ index: Int, into vt: UnsafeMutablePointer<Float>, positionStride vStride: Int) {
        #if arch(x86_64)
        let (image, oy0, ox0) = locate(index)
        let y0 = oy0 - padTop, x0 = ox0 - padLeft
        let src = x + image * height * width * channels
        tileKernels!.input(src, height, width, channels, y0, x0, vt, vStride)
        #endif
    }

    /// The three stages for chunks of tiles small enough that a chunk's transformed inputs and products stay
    /// in the worker's L2: each worker takes whole chunks (input transforms, the alpha^2 products with the
    /// packed U, output transforms), so nothing waits for the other worker and V and M never reach memory.
    /// `scratch` holds one buffer per worker. The C kernels only.
    func convolveInChunks(u: UnsafePointer<Float>, uStride: Int, scratch: [ScratchBuffer]) {
        let (C, F) = (channels, filters)
        let chunkTiles = max(Winograd.minimumChunkTiles, Winograd.chunkBudget / (positions * (C + F))) / 12 * 12
        let chunks = (totalTiles + chunkTiles - 1) / chunkTiles
        let vStride = Winograd.positionStride(chunkTiles * C), mStride = Winograd.positionStride(chunkTiles * F)
        let buffers = (0..<min(scratch.count, chunks)).map { scratch[$0].reserve(positions * (vStride + mStride)) }
        ParallelFor.run(chunks) { chunk, worker in
            let v = buffers[worker], mm = v + positions * vStride
            let first = chunk * chunkTiles, count = min(chunkTiles, totalTiles - first)
            for t in 0..<count { nativeInputTile(first + t, into: v + t * C, positionStride: vStride) }
            for p in 0..<positions {
                nativeSgemmPacked(kernels, m: count, n: F, k: C, a: v + p * vStride, lda: C, packed: u + p * uStride,
                                  c: mm + p * mStride, ldc: F)
            }
            for t in 0..<count {
                let (image, oy0, ox0) = locate(first + t)
                nativeOutputTile(mm + t * F, positionStride: mStride, image: image, oy0: oy0, ox0: ox0)
            }
        }
    }

    /// `M[p] = V[p] U[p]` for the positions of `band` (`u` at the band's first position): dealt out to the
    /// workers, one single-threaded product each, or (``Winograd/splitProducts`` off) one after another, each
    /// threaded by OpenBLAS.
    func multiply(count: Int, v: UnsafePointer<Float>, vStride: Int, u: UnsafePointer<Float>, uStride: Int,
                  into mm: UnsafeMutablePointer<Float>, mStride: Int, band: Range<Int>) {
        let (C, F, kernels) = (channels, filters, kernels)
        let first = band.lowerBound
        if native && Winograd.splitProducts {
            // U[p] was packed for the C sgemm (see Winograd.convolve).
            ParallelFor.run(band.count) { i in
                let p = first + i
                nativeSgemmPacked(kernels, m: count, n: F, k: C, a: v + p * vStride, lda: C, packed: u + i * uStride,
                                  c: mm + p * mStride, ldc: F)
            }
        } else if Winograd.splitProducts {
            ParallelFor.run(band.count) { i in
                let p = first + i
                sgemmOnThisThread(m: count, n: F, k: C, a: v + p * vStride, lda: C, b: u + i * uStride, ldb: F,
                                  c: mm + p * mStride, ldc: F, kernels: kernels)
            }
        } else {
            for p in band {
                sgemm(m: count, n: F, k: C, a: v + p * vStride, lda: C, b: u + (p - first) * uStride, ldb: F, c: mm + p * mStride, ldc: F)
            }
        }
    }

    /// `y = act(A^T M A + b)` (pooled 2x2 when ``maxPool2x2``) for the `count` tiles from `first`, written
    /// straight into the output, in parallel over tiles.
    func transformOutputs(first: Int, count: Int, from mm: UnsafePointer<Float>, positionStride mStride: Int) {
        let parts = ParallelFor.ranges(count, parts: 4 * ParallelFor.workerCount)
        let (OH, OW, F) = (outputHeight, outputWidth, filters)
        ParallelFor.run(parts.count) { part in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: (positions + 1) * winogradLanes) { tmp in
                for t in parts[part] {
                    let (image, oy0, ox0) = locate(first + t)
                    if native {
                        nativeOutputTile(mm + t * F, positionStride: mStride, image: image, oy0: oy0, ox0: ox0)
                        continue
                    }
                    let dst = y + image * OH * OW * F
                    for f in stride(from: 0, to: F, by: winogradLanes) {
                        Winograd.transformOutput(mm + t * F, positionStride: mStride, f: f, lanes: min(winogradLanes, F - f), F: F,
                                                 bias: bias, relu: relu, reluCeiling: reluCeiling, tile: tile, tmp: tmp.baseAddress!,
                                                 y: dst, OH: OH, OW: OW, oy0: oy0, ox0: ox0)
                    }
                }
            }
        }
    }

    /// One tile's output transform (and pooling) on the C kernels of ``kernels``.
    @inline(__always)
    func nativeOutputTile(_ mt: UnsafePointer<Float>, positionStride mStride: Int, image: Int, oy0: Int, ox0: Int) {
        #if arch(x86_64)
        let (F, act) = (filters, relu ? Int32(1) : 0)
        if maxPool2x2 {
            let ph = outputHeight / 2, pw = outputWidth / 2, dst = y + image * ph * pw * F
            tileKernels!.outputPool!(mt, mStride, F, bias, act, reluCeiling, dst, ph, pw, oy0, ox0)
            return
        }
        let (OH, OW) = (outputHeight, outputWidth), dst = y + image * OH * OW * F
        tileKernels!.output(mt, mStride, F, bias, act, reluCeiling, dst, OH, OW, oy0, ox0)
        #endif
    }
}
