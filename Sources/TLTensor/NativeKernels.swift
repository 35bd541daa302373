import CTensorKernels
import Foundation

/// The AVX-512 kernels of `CTensorKernels`, used where the processor has AVX-512.
///
/// Swift builds tl for the x86-64 baseline, so its own vector loops are 4 floats wide and OpenBLAS may be
/// held to its AVX2 kernels (`OPENBLAS_CORETYPE`). These C kernels carry their own target attribute and
/// work on 16 floats at a time; everything else falls back to the Swift and OpenBLAS paths, which stay
/// the reference the tests compare against.
public enum NativeKernels {
    /// True when the processor has AVX-512F and `TL_AVX512` is not `0` in the environment.
    /// Tests and benchmarks switch it off to compare the two paths.
    nonisolated(unsafe) public static var avx512Enabled: Bool = {
        if let setting = getenv("TL_AVX512"), String(cString: setting) == "0" { return false }
        return tl_cpu_has_avx512() != 0
    }()

    /// The processor can run the AVX-512 kernels (whatever ``avx512Enabled`` says).
    public static var avx512Available: Bool { tl_cpu_has_avx512() != 0 }
}

/// Row-major `C = act(A B + bias)`, or `C = act(C + A B + bias)` when `accumulate`, with A m x k, B k x n,
/// `bias` n floats, `act(y) = min(max(y, 0), reluCeiling)` when `relu` (ReLU6: ceiling 6), on the calling thread only: for callers that already spread
/// their work over the cores (``ParallelFor`` holds OpenBLAS to one thread).
@inlinable
public func sgemmOnThisThread(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                              accumulate: Bool = false, bias: UnsafePointer<Float>? = nil, relu: Bool = false,
                              reluCeiling: Float = .infinity, c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard m > 0, n > 0 else { return }
    if NativeKernels.avx512Enabled {
        tl_sgemm_nn_avx512(m, n, k, a, lda, b, ldb, c, ldc, accumulate ? 1 : 0, bias, relu ? 1 : 0, reluCeiling)
        return
    }
    var accumulate = accumulate
    if let bias {
        for i in 0..<m {
            let row = c + i * ldc
            if accumulate { for j in 0..<n { row[j] += bias[j] } } else { row.update(from: bias, count: n) }
        }
        accumulate = true
    }
    sgemm(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: accumulate ? 1 : 0, c: c, ldc: ldc)
    if relu {
        for i in 0..<m {
            let row = c + i * ldc
            for j in 0..<n { row[j] = clampReLU(row[j], reluCeiling) }
        }
    }
}

/// `min(max(y, 0), ceiling)`, NaN passing through (as the AVX-512 kernels do).
@inline(__always) @inlinable
public func clampReLU(_ y: Float, _ ceiling: Float) -> Float {
    y < 0 ? 0 : (y > ceiling ? ceiling : y)
}

/// Row-major `C = act(A B + bias)` (or `C = act(C + A B + bias)`), as ``sgemmOnThisThread``, spread over the
/// cores: with AVX-512, bands of 32 columns of B and C go to the workers; otherwise OpenBLAS threads one
/// call. For products too small for OpenBLAS's threads to pay (a batch of 20 rows through a Dense layer,
/// where waking and parking them cost more than the arithmetic).
public func sgemmAcrossCores(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                             accumulate: Bool = false, bias: UnsafePointer<Float>? = nil, relu: Bool = false,
                             c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard m > 0, n > 0 else { return }
    guard NativeKernels.avx512Enabled else {
        sgemmOnThisThread(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, accumulate: accumulate, bias: bias, relu: relu, c: c, ldc: ldc)
        return
    }
    let bands = (n + 31) / 32
    let parts = ParallelFor.ranges(bands, parts: min(bands, ParallelFor.workerCount))
    ParallelFor.run(parts.count) { part in
        let first = parts[part].lowerBound * 32, end = min(n, parts[part].upperBound * 32)
        tl_sgemm_nn_avx512(m, end - first, k, a, lda, b + first, ldb, c + first, ldc, accumulate ? 1 : 0,
                           bias.map { $0 + first }, relu ? 1 : 0, .infinity)
    }
}

/// The `columns x rows` transpose of a row-major `rows x columns` matrix.
public func transposed(_ a: UnsafePointer<Float>, rows: Int, columns: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: rows * columns) { t, count in
        for r in 0..<rows { for c in 0..<columns { t[c * rows + r] = a[r * columns + c] } }
        count = rows * columns
    }
}

/// One Keras 3 RMSprop step over `count` weights on the calling thread: `v = rho v + (1 - rho) g^2`,
/// `w -= lr g / sqrt(v + epsilon)`. Both paths do the same float operations in the same order, so they
/// agree to the bit.
public func rmspropStep(weights w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                        velocity v: UnsafeMutablePointer<Float>, count: Int, learningRate: Float, rho: Float, epsilon: Float) {
    if NativeKernels.avx512Enabled {
        tl_rmsprop_avx512(w, g, v, count, learningRate, rho, epsilon)
        return
    }
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
