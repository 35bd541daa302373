/// Matrix products of tensors: `C = act(op(A) op(B) + bias)`, or `C += op(A) op(B)`, with `op(X) = X` or
/// `X^T` and `act(y) = min(max(y, 0), reluCeiling)` (ReLU: an infinite ceiling; ReLU6: 6) or the identity.
///
/// Each operand is read as a matrix whose rows are its leading axes flattened and whose columns are its
/// last axis (a batch of rows through a Dense layer, whatever its rank). Without `transposeA` the result
/// keeps A's leading axes: `(..., k) x (k, n) -> (..., n)`; with it, `(..., m)^T x (..., n) -> (m, n)`.
///
/// The product picks its kernels from ``EngineOptions/current``: the C sgemm with its fused bias and clamp
/// (bands of columns spread over the cores) on AVX-512 or AVX2+FMA, OpenBLAS on the portable path. The C
/// sgemm multiplies plain operands: a transposed A (a batch of rows, `x^T` in a weight gradient: small) is read
/// in place by the transposed-product kernels up to ``TransposedProduct/maximumDepth`` rows, transposed once
/// beyond; a transposed B (weights, as large as the product) goes to OpenBLAS, which reads it in place.
extension Tensor {
    /// `act(op(a) op(b) + bias)`, with `bias` a vector of the result's last axis.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                              bias: Tensor? = nil, reluCeiling: Float? = nil) -> Tensor {
        let p = MatrixOperands(a, b, transposeA: transposeA, transposeB: transposeB)
        if let bias { precondition(bias.count == p.n, "a bias of \(bias.count) values for a product with \(p.n) columns") }
        let shape = transposeA ? [p.m, p.n] : Array(a.shape.dropLast()) + [p.n]
        return uninitializedTensor(shape: shape) { out in
            guard let c = out.baseAddress else { return }
            withOptionalPointer(bias?.scalars) { biasPointer in
                p.run(a, b, into: c, accumulate: false, bias: biasPointer, reluCeiling: reluCeiling)
            }
        }
    }

    /// `self += op(a) op(b)` (a weight gradient accumulated over batches: `dW += x^T dz`).
    public mutating func addMatmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) {
        let p = MatrixOperands(a, b, transposeA: transposeA, transposeB: transposeB)
        precondition(count == p.m * p.n && shape.last == p.n, "cannot add a \(p.m) x \(p.n) product into shape \(shape)")
        scalars.withUnsafeMutableBufferPointer { out in
            guard let c = out.baseAddress else { return }
            p.run(a, b, into: c, accumulate: true, bias: nil, reluCeiling: nil)
        }
    }
}

/// The matrices of a product as stored: sizes, row strides and which operands are read transposed.
struct MatrixOperands {
    let m: Int, n: Int, k: Int
    let lda: Int, ldb: Int
    let transposeA: Bool, transposeB: Bool

    init(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) {
        precondition(a.rank >= 1 && b.rank >= 1, "matmul takes two matrices (or batches of rows), got \(a.shape) and \(b.shape)")
        let (aRows, aColumns) = MatrixOperands.matrix(a), (bRows, bColumns) = MatrixOperands.matrix(b)
        (m, k) = transposeA ? (aColumns, aRows) : (aRows, aColumns)
        let inner = transposeB ? bColumns : bRows
        n = transposeB ? bRows : bColumns
        precondition(inner == k, "matmul: shapes \(a.shape) and \(b.shape) do not match (\(k) != \(inner))")
        (lda, ldb) = (aColumns, bColumns)
        (self.transposeA, self.transposeB) = (transposeA, transposeB)
    }

    /// A tensor read as a matrix: its leading axes flattened into rows, its last axis the columns.
    static func matrix(_ t: Tensor) -> (rows: Int, columns: Int) {
        (t.shape.dropLast().reduce(1, *), t.shape.last ?? 1)
    }

    func run(_ a: Tensor, _ b: Tensor, into c: UnsafeMutablePointer<Float>, accumulate: Bool, bias: UnsafePointer<Float>?,
             reluCeiling: Float?, kernels: KernelPath = .current) {
        a.scalars.withUnsafeBufferPointer { x in
            b.scalars.withUnsafeBufferPointer { y in
                // An empty operand (k = 0) is never read: C's own address stands in for it.
                matrixProduct(m: m, n: n, k: k, a: x.baseAddress ?? UnsafePointer(c), lda: max(lda, 1), transposeA: transposeA,
                              b: y.baseAddress ?? UnsafePointer(c), ldb: max(ldb, 1), transposeB: transposeB,
                              accumulate: accumulate, bias: bias, reluCeiling: reluCeiling, c: c, ldc: n, kernels: kernels)
            }
        }
    }
}

/// Row-major `C = act(op(A) op(B) + bias)` (or `C = act(C + op(A) op(B) + bias)` when `accumulate`), op(A)
/// `m x k`, op(B) `k x n`, `lda`/`ldb`/`ldc` the row strides as stored, on the kernels of `kernels` spread
/// over the cores (see ``Tensor/matmul(_:_:transposeA:transposeB:bias:reluCeiling:)`` for the choice).
public func matrixProduct(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
                          b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false, accumulate: Bool = false,
                          bias: UnsafePointer<Float>? = nil, reluCeiling: Float? = nil, c: UnsafeMutablePointer<Float>, ldc: Int,
                          kernels: KernelPath = .current) {
    let kernels = kernels.effective
    guard m > 0, n > 0 else { return }
    let plain = !transposeA && !transposeB
    if k == 0 || kernels == .portable || plain {
        guard plain && k > 0 else {
            blasProduct(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                        accumulate: accumulate, bias: bias, reluCeiling: reluCeiling, c: c, ldc: ldc)
            return
        }
        sgemmAcrossCores(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, accumulate: accumulate, bias: bias,
                         relu: reluCeiling != nil, reluCeiling: reluCeiling ?? .infinity, c: c, ldc: ldc, kernels: kernels)
        return
    }
    if transposeA && !transposeB && k <= TransposedProduct.maximumDepth && bias == nil && reluCeiling == nil {
        // A weight gradient over a batch (dW += x^T dz): few rows, read in place (TransposedProduct).
        transposedProductAcrossCores(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, accumulate: accumulate, c: c, ldc: ldc,
                                     kernels: kernels)
        return
    }
    if transposeA && !transposeB {
        // A is a batch of rows (x in dW += x^T dz), small beside C: transposed once, the product is a plain one.
        let aT = transposed(a, rows: k, columns: m, rowStride: lda)
        aT.withUnsafeBufferPointer { t in
            sgemmAcrossCores(m: m, n: n, k: k, a: t.baseAddress!, lda: k, b: b, ldb: ldb, accumulate: accumulate, bias: bias,
                             relu: reluCeiling != nil, reluCeiling: reluCeiling ?? .infinity, c: c, ldc: ldc, kernels: kernels)
        }
        return
    }
    blasProduct(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                accumulate: accumulate, bias: bias, reluCeiling: reluCeiling, c: c, ldc: ldc)
}
