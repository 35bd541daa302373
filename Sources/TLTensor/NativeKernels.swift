import CTensorKernels
import Foundation

/// What remains of the switch that predates ``EngineOptions``: read-only views of the options in effect.
///
/// Swift builds tl for the x86-64 baseline, so its own vector loops are 4 floats wide (or 8 where written
/// with SIMD8) and OpenBLAS may be held to its AVX2 kernels (`OPENBLAS_CORETYPE`). The C kernels carry
/// their own target attributes and work on 16 (AVX-512) or 8 (AVX2+FMA) floats at a time; the portable
/// Swift and OpenBLAS paths stay the reference the tests compare against.
public enum NativeKernels {
    /// The options in effect run the AVX-512 kernels. Read-only: choose a path with `TL_KERNELS` or
    /// ``EngineOptions/with(_:_:)``.
    public static var avx512Enabled: Bool { KernelPath.current == .avx512 }

    /// The options in effect run one of the C kernel families (AVX-512 or AVX2+FMA), whose sgemm takes
    /// plain (untransposed) operands only.
    public static var enabled: Bool { KernelPath.current != .portable }

    /// The processor can run the AVX-512 kernels (whatever the options say).
    public static var avx512Available: Bool { KernelPath.avx512.isAvailable }
}

/// The C sgemm of `path` (see `tl_sgemm_nn_avx512`); false, having done nothing, on the portable path.
@inline(__always)
func nativeSgemm(_ path: KernelPath, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                 c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, bias: UnsafePointer<Float>?, relu: Bool,
                 reluCeiling: Float) -> Bool {
    #if arch(x86_64)
    switch path {
    case .avx512:
        tl_sgemm_nn_avx512(m, n, k, a, lda, b, ldb, c, ldc, accumulate ? 1 : 0, bias, relu ? 1 : 0, reluCeiling)
        return true
    case .avx2:
        tl_sgemm_nn_avx2(m, n, k, a, lda, b, ldb, c, ldc, accumulate ? 1 : 0, bias, relu ? 1 : 0, reluCeiling)
        return true
    case .portable:
        return false
    }
    #else
    return false
    #endif
}

/// B laid out once for the C kernels' sgemm of `path`, to multiply many A by it (a layer's weights against
/// each block of rows): the floats a packed k x n B takes; 0 on the portable path, which has no packed form.
func packedOperandFloats(_ path: KernelPath, n: Int, k: Int) -> Int {
    #if arch(x86_64)
    switch path {
    case .avx512: return tl_sgemm_packed_b_floats_avx512(n, k)
    case .avx2: return tl_sgemm_packed_b_floats_avx2(n, k)
    case .portable: return 0
    }
    #else
    return 0
    #endif
}

/// Packs rows `firstRow..<firstRow + rows` of a k x n B (`b` at row `firstRow`, row stride `ldb`) into
/// `packed` (``packedOperandFloats(_:n:k:)`` floats) for ``nativeSgemmPacked``, column `j` multiplied by
/// `columnScale[j]` when given. The C paths only.
func packOperand(_ path: KernelPath, n: Int, k: Int, firstRow: Int, rows: Int, b: UnsafePointer<Float>, ldb: Int,
                 columnScale: UnsafePointer<Float>? = nil, into packed: UnsafeMutablePointer<Float>) {
    #if arch(x86_64)
    switch path {
    case .avx512: tl_sgemm_pack_b_avx512(n, k, firstRow, rows, b, ldb, columnScale, packed)
    case .avx2: tl_sgemm_pack_b_avx2(n, k, firstRow, rows, b, ldb, columnScale, packed)
    case .portable: preconditionFailure("the portable path has no packed operands")
    }
    #endif
}

/// ``nativeSgemm(_:m:n:k:a:lda:b:ldb:c:ldc:accumulate:bias:relu:reluCeiling:)`` with B packed by
/// ``packOperand(_:n:k:firstRow:rows:b:ldb:into:)``, on the calling thread. The C paths only.
@inline(__always)
func nativeSgemmPacked(_ path: KernelPath, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, packed: UnsafePointer<Float>,
                       c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false, bias: UnsafePointer<Float>? = nil,
                       relu: Bool = false, reluCeiling: Float = .infinity) {
    #if arch(x86_64)
    let (acc, act) = (Int32(accumulate ? 1 : 0), Int32(relu ? 1 : 0))
    switch path {
    case .avx512: tl_sgemm_nn_packed_avx512(m, n, k, a, lda, packed, c, ldc, acc, bias, act, reluCeiling)
    case .avx2: tl_sgemm_nn_packed_avx2(m, n, k, a, lda, packed, c, ldc, acc, bias, act, reluCeiling)
    case .portable: preconditionFailure("the portable path has no packed operands")
    }
    #endif
}

/// Row-major `C = act(A B + bias)`, or `C = act(C + A B + bias)` when `accumulate`, with A m x k, B k x n,
/// `bias` n floats, `act(y) = min(max(y, 0), reluCeiling)` when `relu` (ReLU6: ceiling 6), on the calling
/// thread only: for callers that already spread their work over the cores (``ParallelFor`` holds OpenBLAS
/// to one thread). `kernels` picks the C kernels or OpenBLAS.
public func sgemmOnThisThread(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                              accumulate: Bool = false, bias: UnsafePointer<Float>? = nil, relu: Bool = false,
                              reluCeiling: Float = .infinity, c: UnsafeMutablePointer<Float>, ldc: Int,
                              kernels: KernelPath = .current) {
    let kernels = kernels.effective
    guard m > 0, n > 0 else { return }
    if nativeSgemm(kernels, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate,
                   bias: bias, relu: relu, reluCeiling: reluCeiling) { return }
    blasProduct(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, accumulate: accumulate, bias: bias,
                reluCeiling: relu ? reluCeiling : nil, c: c, ldc: ldc)
}

/// Row-major `C = act(op(A) op(B) + bias)` (or `C = act(C + op(A) op(B) + bias)`) through OpenBLAS, which
/// reads transposed operands in place: the bias is written (or added) into C first and the product added
/// to it, then `act(y) = min(max(y, 0), reluCeiling)` clamps the rows when a ceiling is given.
func blasProduct(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                 b: UnsafePointer<Float>, ldb: Int, accumulate: Bool, bias: UnsafePointer<Float>?, reluCeiling: Float?,
                 c: UnsafeMutablePointer<Float>, ldc: Int) {
    var accumulate = accumulate
    if let bias {
        for i in 0..<m {
            let row = c + i * ldc
            if accumulate { addRun(row, bias, n) } else { row.update(from: bias, count: n) }
        }
        accumulate = true
    }
    sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
          beta: accumulate ? 1 : 0, c: c, ldc: ldc)
    if let reluCeiling {
        for i in 0..<m { clampReLURun(c + i * ldc, n, reluCeiling) }
    }
}

/// `y[0..<n] += x[0..<n]`, eight lanes at a time (Swift's own loop stays 4-wide on the x86-64 baseline).
@inline(__always) @usableFromInline
func addRun(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) {
    let whole = n / 8 * 8
    let (yp, xp) = (UnsafeMutableRawPointer(y), UnsafeRawPointer(x))
    for offset in stride(from: 0, to: whole * 4, by: 32) {
        let sum = yp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) + xp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        yp.storeBytes(of: sum, toByteOffset: offset, as: SIMD8<Float>.self)
    }
    for j in whole..<n { y[j] += x[j] }
}

/// `y[0..<n] = min(max(y, 0), ceiling)` in place, eight lanes at a time, NaN passing through as in
/// ``clampReLU(_:_:)``.
@inline(__always) @usableFromInline
func clampReLURun(_ y: UnsafeMutablePointer<Float>, _ n: Int, _ ceiling: Float) {
    let whole = n / 8 * 8
    let yp = UnsafeMutableRawPointer(y)
    let top = SIMD8<Float>(repeating: ceiling), zero = SIMD8<Float>()
    for offset in stride(from: 0, to: whole * 4, by: 32) {
        var v = yp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        // Lane-wise selects with clampReLU's comparisons, so NaN (for which both are false) stays.
        v.replace(with: zero, where: v .< zero)
        v.replace(with: top, where: v .> top)
        yp.storeBytes(of: v, toByteOffset: offset, as: SIMD8<Float>.self)
    }
    for j in whole..<n { y[j] = clampReLU(y[j], ceiling) }
}

/// `min(max(y, 0), ceiling)`, NaN passing through (as the AVX-512 kernels do).
@inline(__always) @inlinable
public func clampReLU(_ y: Float, _ ceiling: Float) -> Float {
    y < 0 ? 0 : (y > ceiling ? ceiling : y)
}

/// Row-major `C = act(A B + bias)` (or `C = act(C + A B + bias)`), as ``sgemmOnThisThread``, spread over the
/// cores: with the C kernels, bands of 32 columns of B and C (a multiple of either register tile's width)
/// go to the workers; otherwise OpenBLAS threads one call. For products too small for OpenBLAS's threads
/// to pay (a batch of 20 rows through a Dense layer, where waking and parking them cost more than the
/// arithmetic).
public func sgemmAcrossCores(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                             accumulate: Bool = false, bias: UnsafePointer<Float>? = nil, relu: Bool = false,
                             reluCeiling: Float = .infinity, c: UnsafeMutablePointer<Float>, ldc: Int, kernels: KernelPath = .current) {
    let kernels = kernels.effective
    guard m > 0, n > 0 else { return }
    guard kernels != .portable else {
        sgemmOnThisThread(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, accumulate: accumulate, bias: bias, relu: relu,
                          reluCeiling: reluCeiling, c: c, ldc: ldc, kernels: kernels)
        return
    }
    let bands = (n + 31) / 32
    let parts = ParallelFor.ranges(bands, parts: min(bands, ParallelFor.workerCount))
    ParallelFor.run(parts.count) { part in
        let first = parts[part].lowerBound * 32, end = min(n, parts[part].upperBound * 32)
        _ = nativeSgemm(kernels, m: m, n: end - first, k: k, a: a, lda: lda, b: b + first, ldb: ldb, c: c + first, ldc: ldc,
                        accumulate: accumulate, bias: bias.map { $0 + first }, relu: relu, reluCeiling: reluCeiling)
    }
}

/// The `columns x rows` transpose of a row-major `rows x columns` matrix whose rows lie `rowStride` apart.
public func transposed(_ a: UnsafePointer<Float>, rows: Int, columns: Int, rowStride: Int? = nil) -> [Float] {
    let rowStride = rowStride ?? columns
    return [Float](unsafeUninitializedCapacity: rows * columns) { t, count in
        for r in 0..<rows { for c in 0..<columns { t[c * rows + r] = a[r * rowStride + c] } }
        count = rows * columns
    }
}

/// One Keras 3 RMSprop step over `count` weights on the calling thread: `v = rho v + (1 - rho) g^2`,
/// `w -= lr g / sqrt(v + epsilon)`. Every path does the same float operations in the same order, so they
/// agree to the bit.
public func rmspropStep(weights w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                        velocity v: UnsafeMutablePointer<Float>, count: Int, learningRate: Float, rho: Float, epsilon: Float,
                        kernels: KernelPath = .current) {
    let kernels = kernels.effective
    #if arch(x86_64)
    switch kernels {
    case .avx512: tl_rmsprop_avx512(w, g, v, count, learningRate, rho, epsilon); return
    case .avx2: tl_rmsprop_avx2(w, g, v, count, learningRate, rho, epsilon); return
    case .portable: break
    }
    #endif
    // Eight lanes at a time: the square root and division dominate this loop.
    let whole = count / 8 * 8
    let (vp, gp, wp) = (UnsafeMutableRawPointer(v), UnsafeRawPointer(g), UnsafeMutableRawPointer(w))
    for offset in stride(from: 0, to: whole * 4, by: 32) {
        let gi = gp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        let vi = rho * vp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) + (1 - rho) * gi * gi
        let wi = wp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) - learningRate * gi / (vi + epsilon).squareRoot()
        vp.storeBytes(of: vi, toByteOffset: offset, as: SIMD8<Float>.self)
        wp.storeBytes(of: wi, toByteOffset: offset, as: SIMD8<Float>.self)
    }
    for i in whole..<count {
        v[i] = rho * v[i] + (1 - rho) * g[i] * g[i]
        w[i] -= learningRate * g[i] / (v[i] + epsilon).squareRoot()
    }
}

/// One Keras 3 Adam step over `count` weights on the calling thread: `m = b1 m + (1 - b1) g`,
/// `v = b2 v + (1 - b2) g^2`, `w -= stepSize m / (sqrt(v) + epsilon)` with the bias-corrected
/// `stepSize = lr sqrt(1 - b2^t) / (1 - b1^t)` computed by the caller. Every path does the same float
/// operations in the same order (those of the loop in `Adam.apply`), so they agree to the bit.
public func adamStep(weights w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                     firstMoment m: UnsafeMutablePointer<Float>, secondMoment v: UnsafeMutablePointer<Float>, count: Int,
                     stepSize alpha: Float, beta1: Float, beta2: Float, epsilon: Float, kernels: KernelPath = .current) {
    let kernels = kernels.effective
    #if arch(x86_64)
    switch kernels {
    case .avx512: tl_adam_avx512(w, g, m, v, count, alpha, beta1, beta2, epsilon); return
    case .avx2: tl_adam_avx2(w, g, m, v, count, alpha, beta1, beta2, epsilon); return
    case .portable: break
    }
    #endif
    let whole = count / 8 * 8
    let (mp, vp, gp, wp) = (UnsafeMutableRawPointer(m), UnsafeMutableRawPointer(v), UnsafeRawPointer(g), UnsafeMutableRawPointer(w))
    for offset in stride(from: 0, to: whole * 4, by: 32) {
        let gi = gp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        let mi = beta1 * mp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) + (1 - beta1) * gi
        let vi = beta2 * vp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) + (1 - beta2) * gi * gi
        let wi = wp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) - alpha * mi / (vi.squareRoot() + epsilon)
        mp.storeBytes(of: mi, toByteOffset: offset, as: SIMD8<Float>.self)
        vp.storeBytes(of: vi, toByteOffset: offset, as: SIMD8<Float>.self)
        wp.storeBytes(of: wi, toByteOffset: offset, as: SIMD8<Float>.self)
    }
    for i in whole..<count {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i]
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
        w[i] -= alpha * m[i] / (v[i].squareRoot() + epsilon)
    }
}
