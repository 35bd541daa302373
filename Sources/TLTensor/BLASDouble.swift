import COpenBLAS

/// Row-major double-precision matrix product through OpenBLAS, as ``sgemm`` is for float32:
/// `C = op(A) * op(B)` with op(A) of size m x k and op(B) of size k x n.
public func dgemm(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                  c: UnsafeMutablePointer<Double>, ldc: Int) {
    guard m > 0, n > 0 else { return }
    if k == 0 {
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = 0 } }
        return
    }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
}
