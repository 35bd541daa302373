import CTensorKernels

/// The product `G = A^T B` kept as its two factors: a Dense layer's weight gradient over a batch,
/// `dW = x^T dz`, whose `k` rows (the batch) are few while `G` is as large as the weights.
///
/// Each operand is read as a matrix whose rows are its leading axes flattened (as in
/// ``Tensor/matmul(_:_:transposeA:transposeB:bias:reluCeiling:)``): `a` is `k x m`, `b` is `k x n`, `G` is
/// `m x n` with `G[i, j] = sum_p a[p, i] b[p, j]`. An optimizer can apply its step to `G` tile by tile as the
/// C kernels form it (``rmspropStep(weights:velocity:learningRate:rho:epsilon:kernels:)``,
/// ``adamStep(weights:moments:stepSize:beta1:beta2:epsilon:kernels:)``), so that `G` is never stored;
/// ``formed(kernels:)`` stores it. On the C kernels every element is summed over `p` in order by FMA from
/// zero, so the fused steps, the stored `G` and the product `Tensor.matmul(a, b, transposeA: true)` agree
/// to the bit.
public struct TransposedProduct: Sendable {
    public let a: Tensor
    public let b: Tensor
    /// `G`'s rows (`a`'s columns), columns (`b`'s) and the depth summed over (the batch's rows).
    public let m: Int, n: Int, k: Int

    /// The deepest product kept as factors: deeper ones (a batch of more than 256 rows) are formed by the
    /// blocked sgemm, whose packing then pays, and whose rounding (k-blocks of 256) the kernels here match below it.
    public static let maximumDepth = 256

    public init(_ a: Tensor, _ b: Tensor) {
        let p = MatrixOperands(a, b, transposeA: true, transposeB: false)
        (self.a, self.b, m, n, k) = (a, b, p.m, p.n, p.k)
    }

    public var shape: [Int] { [m, n] }

    /// `G`, stored.
    public func formed(kernels: KernelPath = .current) -> Tensor {
        uninitializedTensor(shape: shape) { out in
            guard let c = out.baseAddress else { return }
            let operands = MatrixOperands(a, b, transposeA: true, transposeB: false)
            operands.run(a, b, into: c, accumulate: false, bias: nil, reluCeiling: nil, kernels: kernels)
        }
    }

    /// True when every element of `G` is certainly finite, decided without forming it: by Cauchy-Schwarz
    /// `|G[i, j]| <= |a[:, i]| |b[:, j]| <= |a|_F |b|_F`, and rounding (each of the k FMAs, and the float sums of
    /// squares, which ``Tensor/sumOfSquares`` bounds) adds far less than the factor 2 of margin left below
    /// the largest float. False means "not known" (a factor not finite, or the bound too large): form `G` and look.
    public var isCertainlyFinite: Bool {
        let (squaresA, squaresB) = (a.sumOfSquares, b.sumOfSquares)
        guard squaresA.isFinite, squaresB.isFinite, a.count < 1 << 26, b.count < 1 << 26, k < 1 << 20 else { return false }
        return (Double(squaresA) * Double(squaresB)).squareRoot() * 2 <= Double(Float.greatestFiniteMagnitude) / 2
    }

    /// One Keras 3 RMSprop step with the gradient `G`, with the bits of
    /// ``rmspropStep(weights:gradients:velocity:count:learningRate:rho:epsilon:kernels:)`` on the stored `G`;
    /// `weights` and `velocity` of `G`'s size. False, having done nothing, on the
    /// portable path, which has no fused kernel: form `G` and take the plain step.
    public func rmspropStep(weights: inout Tensor, velocity: inout Tensor, learningRate: Float, rho: Float, epsilon: Float,
                            kernels: KernelPath = .current) -> Bool {
        precondition(weights.count == m * n && velocity.count == m * n, "an RMSprop step of \(shape) on \(weights.shape) weights")
        #if arch(x86_64)
        let kernels = kernels.effective
        guard kernels != .portable else { return false }
        velocity.scalars.withUnsafeMutableBufferPointer { v in
            let v = v.baseAddress!
            forEachBand(of: &weights) { first, end, a, b, w in
                if kernels == .avx512 {
                    tl_rmsprop_product_avx512(first, end, n, k, a, m, b, n, w, v, n, learningRate, rho, epsilon)
                } else {
                    tl_rmsprop_product_avx2(first, end, n, k, a, m, b, n, w, v, n, learningRate, rho, epsilon)
                }
            }
        }
        return true
        #else
        return false
        #endif
    }

    /// One Keras 3 Adam step with the gradient `G`, with the bits of
    /// ``adamStep(weights:gradients:firstMoment:secondMoment:count:stepSize:beta1:beta2:epsilon:kernels:)`` on the
    /// stored `G`; `moments` holds the first moment then the second, each of `G`'s size. False,
    /// having done nothing, on the portable path.
    public func adamStep(weights: inout Tensor, moments: inout Tensor, stepSize: Float, beta1: Float, beta2: Float, epsilon: Float,
                         kernels: KernelPath = .current) -> Bool {
        precondition(weights.count == m * n && moments.count == 2 * m * n, "an Adam step of \(shape) on \(weights.shape) weights")
        #if arch(x86_64)
        let kernels = kernels.effective
        guard kernels != .portable else { return false }
        let count = m * n
        moments.scalars.withUnsafeMutableBufferPointer { moments in
            let (first, second) = (moments.baseAddress!, moments.baseAddress! + count)
            forEachBand(of: &weights) { start, end, a, b, w in
                if kernels == .avx512 {
                    tl_adam_product_avx512(start, end, n, k, a, m, b, n, w, first, second, n, stepSize, beta1, beta2, epsilon)
                } else {
                    tl_adam_product_avx2(start, end, n, k, a, m, b, n, w, first, second, n, stepSize, beta1, beta2, epsilon)
                }
            }
        }
        return true
        #else
        return false
        #endif
    }

    /// Calls `body(firstRow, endRow, a, b, weights)` for bands of `G`'s rows spread over the cores when the
    /// product is large enough to pay for waking them.
    private func forEachBand(of weights: inout Tensor,
                             _ body: (Int, Int, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        guard m > 0, n > 0 else { return }
        let bands = TransposedProduct.bands(m: m, n: n, k: k)
        a.scalars.withUnsafeBufferPointer { a in
            b.scalars.withUnsafeBufferPointer { b in
                weights.scalars.withUnsafeMutableBufferPointer { w in
                    // k = 0: the factors are empty and never read; the weights' own address stands in.
                    let w = w.baseAddress!
                    let (a, b) = (a.baseAddress ?? UnsafePointer(w), b.baseAddress ?? UnsafePointer(w))
                    ParallelFor.run(bands.count) { band in body(bands[band].lowerBound, bands[band].upperBound, a, b, w) }
                }
            }
        }
    }

    /// `G`'s rows in bands for a product of `m n k` multiply-adds: one band below about 100 microseconds of
    /// work, where waking a second thread costs more than it saves; else four per worker (of 64 rows at
    /// least), so that a core slowed by another process takes fewer of them.
    static func bands(m: Int, n: Int, k: Int) -> [Range<Int>] {
        guard m * n * max(k, 1) >= 1 << 20 else { return [0..<m] }
        return ParallelFor.ranges(m, parts: min(4 * ParallelFor.workerCount, max(1, m / 64)))
    }
}

/// Row-major `C = A^T B` (or `C += A^T B`), A `k x m` (row stride `lda`), B `k x n` (`ldb`), on the C kernels of
/// `kernels` (not the portable path), rows of C spread over the cores: each element summed over `p` in order
/// by FMA from zero, plus zero, then added to C when accumulating.
func transposedProductAcrossCores(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                  accumulate: Bool, c: UnsafeMutablePointer<Float>, ldc: Int, kernels: KernelPath) {
    #if arch(x86_64)
    precondition(kernels != .portable, "the transposed product has C kernels only")
    let bands = TransposedProduct.bands(m: m, n: n, k: k)
    ParallelFor.run(bands.count) { band in
        let (first, end) = (bands[band].lowerBound, bands[band].upperBound)
        if kernels == .avx512 {
            tl_transposed_product_avx512(first, end, n, k, a, lda, b, ldb, c, ldc, accumulate ? 1 : 0)
        } else {
            tl_transposed_product_avx2(first, end, n, k, a, lda, b, ldb, c, ldc, accumulate ? 1 : 0)
        }
    }
    #else
    preconditionFailure("the transposed product has C kernels only")
    #endif
}
