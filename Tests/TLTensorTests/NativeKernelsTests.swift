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

/// The AVX-512 RMSprop step does the portable loop's float operations in its order: the same bits, on a
/// length that leaves a masked tail, with tiny and large gradients.
final class RMSpropStepTests: XCTestCase {
    func testBothPathsAgreeToTheBitAndFollowTheFormula() throws {
        try XCTSkipUnless(NativeKernels.avx512Available, "no AVX-512 here: only the portable path exists")
        var rng = RandomGenerator(seed: 9)
        let n = 1037
        let g = (0..<n).map { i in rng.uniform(-1, 1) * (i % 7 == 0 ? 1e-6 : 10) }
        let w0 = (0..<n).map { _ in rng.uniform(-1, 1) }, v0 = (0..<n).map { _ in rng.uniform(0, 1) }
        let saved = NativeKernels.avx512Enabled
        defer { NativeKernels.avx512Enabled = saved }
        var results: [[Float]] = []
        for native in [false, true] {
            NativeKernels.avx512Enabled = native
            var w = w0, v = v0
            w.withUnsafeMutableBufferPointer { wp in v.withUnsafeMutableBufferPointer { vp in g.withUnsafeBufferPointer { gp in
                rmspropStep(weights: wp.baseAddress!, gradients: gp.baseAddress!, velocity: vp.baseAddress!, count: n,
                            learningRate: 1e-3, rho: 0.9, epsilon: 1e-7)
            } } }
            results.append(w + v)
        }
        XCTAssertEqual(results[0].map(\.bitPattern), results[1].map(\.bitPattern))
        for i in [0, 1, 500, n - 1] {
            let v = 0.9 * Double(v0[i]) + 0.1 * Double(g[i]) * Double(g[i])
            XCTAssertEqual(Double(results[1][i]), Double(w0[i]) - 1e-3 * Double(g[i]) / (v + 1e-7).squareRoot(), accuracy: 1e-6)
            XCTAssertEqual(Double(results[1][n + i]), v, accuracy: 1e-5 * max(1, v))
        }
    }
}
