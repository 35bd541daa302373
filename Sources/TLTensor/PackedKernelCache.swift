import Foundation

/// A kernel matrix packed for the C sgemm (its output channels scaled when a batch normalisation is folded
/// in), kept from one call to the next while the weight it was packed from is unchanged: inference would
/// otherwise pack every im2col and pointwise kernel on every call (EfficientNet-Lite0's features: 2-3% of
/// their time). A layer owns one per kernel; the caller names the weight's state by a version that changes
/// whenever the weight does (`Parameter.version` in TLNN). It holds one packed copy of the kernel (about the
/// kernel's size) for as long as the layer lives.
public final class PackedKernelCache: @unchecked Sendable {
    /// What the packed floats were made from: the weight's version, the scale applied, the kernel path
    /// (each packs its own layout) and the matrix's size.
    struct Key: Equatable {
        let version: UInt64
        let scale: [Float]?
        let kernels: KernelPath
        let patchLength: Int
        let filters: Int
    }

    private let lock = NSLock()
    /// The packed matrix and what it was packed from. A caller reading it holds its own reference to the
    /// buffer, so the lock is held only to look it up or swap it: calls never wait on each other's
    /// products, and a chain whose two stages share a layer does not take the lock twice.
    private var entry: (key: Key, buffer: ScratchBuffer)?
    /// How many times a matrix was packed into the cache (for tests: a second call with the same weight packs nothing).
    public private(set) var packings = 0

    public init() {}

    /// Whether the cache holds a packed matrix (for tests).
    public var isFilled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return entry != nil
    }

    /// `body` with the matrix packed for `key`: packed by `pack` first (into the buffer the cache held, when
    /// no other call still reads it, else a new one) unless the cache holds it already. `pack` returns nil
    /// where nothing is packed (the portable path); the cache is then left empty.
    func withPacked<R>(_ key: Key, pack: (ScratchBuffer) -> UnsafePointer<Float>?, _ body: (UnsafePointer<Float>?) -> R) -> R {
        lock.lock()
        if let entry, entry.key == key {
            let buffer = entry.buffer
            lock.unlock()
            return withExtendedLifetime(buffer) { body(UnsafePointer(buffer.pointer)) }
        }
        var spare = entry?.buffer
        entry = nil
        lock.unlock()
        let buffer = isKnownUniquelyReferenced(&spare) ? spare! : ScratchBuffer()
        spare = nil
        guard let packed = pack(buffer) else { return body(nil) }
        lock.lock()
        entry = (key, buffer)
        packings += 1
        lock.unlock()
        return withExtendedLifetime(buffer) { body(packed) }
    }
}

/// A kernel's cache and the version of the weight it holds now, handed to the convolution kernels.
public struct CachedKernel {
    public let cache: PackedKernelCache
    public let version: UInt64

    public init(cache: PackedKernelCache, version: UInt64) {
        (self.cache, self.version) = (cache, version)
    }
}

extension ConvolutionKernels {
    /// `body` with the `k x filters` kernel matrix `w` packed for the C sgemm (nil on the portable path):
    /// from `cached`'s cache when given (packed there first if the weight changed), else into `scratch`.
    static func withPackedKernelMatrix<R>(_ w: UnsafePointer<Float>, patchLength k: Int, filters: Int, scale: [Float]?,
                                          cached: CachedKernel?, scratch: ScratchBuffer, kernels: KernelPath,
                                          _ body: (UnsafePointer<Float>?) -> R) -> R {
        withOptionalPointer(scale) { scalePointer in
            guard let cached else {
                return body(packKernelMatrix(w, patchLength: k, filters: filters, scale: scalePointer, into: scratch, kernels: kernels))
            }
            let key = PackedKernelCache.Key(version: cached.version, scale: scale, kernels: kernels, patchLength: k, filters: filters)
            return cached.cache.withPacked(key, pack: { buffer in
                packKernelMatrix(w, patchLength: k, filters: filters, scale: scalePointer, into: buffer, kernels: kernels)
            }, body)
        }
    }
}
