import XCTest
@testable import TLTensor

/// The AVX-512 matrix product (with its bias and ReLU epilogue) against a double-precision triple loop, on shapes that cut its 12 x 32 register
/// tile and its 256-deep k-blocks at every kind of edge.
final class NativeKernelsTests: XCTestCase {
    func testProductOnThisThreadMatchesDefinitionOnBothPaths() throws {
        var rng = RandomGenerator(seed: 5)
        let saved = NativeKernels.avx512Enabled
        defer { NativeKernels.avx512Enabled = saved }
        let shapes = [(1, 1, 1), (12, 32, 256), (13, 33, 257), (11, 31, 5), (25, 64, 600), (40, 100, 27), (3, 17, 513), (7, 5, 0),
                      (14, 1100, 300)]   // three 512-column blocks of B, the last one short
        for native in NativeKernels.avx512Available ? [false, true] : [false] {
            NativeKernels.avx512Enabled = native
            for (m, n, k) in shapes {
                for variant in 0..<8 {
                    let accumulate = variant & 1 != 0, withBias = variant & 2 != 0, relu = variant & 4 != 0
                    // Row strides wider than the rows, so that a kernel reading past its row would be caught.
                    let lda = k + 3, ldb = n + 2, ldc = n + 5
                    let a = (0..<(m * lda)).map { _ in rng.uniform(-1, 1) }
                    let b = (0..<(max(k, 1) * ldb)).map { _ in rng.uniform(-1, 1) }
                    let c0 = (0..<(m * ldc)).map { _ in rng.uniform(-1, 1) }
                    let bias = (0..<n).map { _ in rng.uniform(-1, 1) }
                    var c = c0
                    a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                        bias.withUnsafeBufferPointer { biasPointer in
                            sgemmOnThisThread(m: m, n: n, k: k, a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb,
                                              accumulate: accumulate, bias: withBias ? biasPointer.baseAddress : nil, relu: relu,
                                              c: cp.baseAddress!, ldc: ldc)
                        }
                    } } }
                    for i in 0..<m {
                        for j in 0..<ldc {
                            let label = "\(native ? "avx512" : "blas") m\(m) n\(n) k\(k) accumulate \(accumulate) bias \(withBias) relu \(relu) at \(i),\(j)"
                            guard j < n else {
                                XCTAssertEqual(c[i * ldc + j], c0[i * ldc + j], "wrote outside C: " + label)
                                continue
                            }
                            var sum = accumulate ? Double(c0[i * ldc + j]) : 0
                            for p in 0..<k { sum += Double(a[i * lda + p]) * Double(b[p * ldb + j]) }
                            if withBias { sum += Double(bias[j]) }
                            if relu { sum = max(sum, 0) }
                            XCTAssertEqual(Double(c[i * ldc + j]), sum, accuracy: 1e-5 * Double(max(k, 1)), label)
                        }
                    }
                }
            }
        }
    }
}
