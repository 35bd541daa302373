import XCTest
@testable import TLTensor

/// The weight-gradient product `G = A^T B` and the optimizer steps fused with it, on every kernel path,
/// against plain loops: on the C kernels each element is the FMA chain over the batch from zero (plus zero),
/// bit for bit; the fused RMSprop and Adam steps give the bits of forming `G` and taking the plain step.
final class TransposedProductTests: XCTestCase {
    /// Shapes that cut both register tiles (AVX-512 4 x 64, AVX2 4 x 16) at every kind of edge, the
    /// classifier's own, a depth of 0, 1 and the deepest kept as factors.
    let shapes: [(m: Int, n: Int, k: Int)] = [(1, 1, 1), (4, 64, 20), (5, 65, 3), (3, 15, 7), (7, 17, 256), (13, 100, 1),
                                              (8, 1, 20), (6, 31, 0), (70, 130, 21), (1024, 256, 20)]

    func matrix(_ rows: Int, _ columns: Int, _ rng: inout RandomGenerator) -> Tensor {
        Tensor(shape: [rows, columns], scalars: (0..<(rows * columns)).map { _ in rng.uniform(-1, 1) })
    }

    /// `G[i, j] = fma(a[k-1, i], b[k-1, j], ... fma(a[0, i], b[0, j], 0)) + 0`: the C kernels' definition.
    func fmaChain(_ a: Tensor, _ b: Tensor) -> [Float] {
        let (k, m, n) = (a.shape[0], a.shape[1], b.shape[1])
        var g = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k { sum = sum.addingProduct(a.scalars[p * m + i], b.scalars[p * n + j]) }
                g[i * n + j] = sum + 0
            }
        }
        return g
    }

    func testFormedProductIsTheFMAChainOnTheCPathsAndTheSumOnEveryPath() {
        var rng = RandomGenerator(seed: 31)
        for (m, n, k) in shapes {
            let a = matrix(k, m, &rng), b = matrix(k, n, &rng)
            let chain = fmaChain(a, b)
            EngineOptions.forEachAvailablePath { path in
                let product = TransposedProduct(a, b)
                XCTAssertEqual(product.shape, [m, n])
                let formed = product.formed()
                XCTAssertEqual(formed.shape, [m, n])
                XCTAssertEqual(Tensor.matmul(a, b, transposeA: true), formed, "\(path): matmul(transposeA:) is the same product")
                if path == .portable {
                    for (x, y) in zip(formed.scalars, chain) { XCTAssertEqual(x, y, accuracy: 1e-5 * Float(max(k, 1)), "\(path) \(m)x\(n)x\(k)") }
                } else {
                    XCTAssertEqual(formed.scalars.map(\.bitPattern), chain.map(\.bitPattern), "\(path) \(m)x\(n)x\(k)")
                }
            }
        }
    }

    /// Row strides wider than the rows, rows split in uneven bands, accumulation into C: the C entry point
    /// writes exactly C's rows and columns, `C + G` with G's bits.
    func testStridedBandsAccumulateAndWriteNothingElse() {
        var rng = RandomGenerator(seed: 32)
        let (m, n, k, lda, ldb, ldc) = (23, 70, 9, 26, 75, 73)
        let a = (0..<(k * lda)).map { _ in rng.uniform(-1, 1) }, b = (0..<(k * ldb)).map { _ in rng.uniform(-1, 1) }
        let c0 = (0..<(m * ldc)).map { _ in rng.uniform(-1, 1) }
        let dense = fmaChain(Tensor(shape: [k, m], scalars: (0..<(k * m)).map { a[($0 / m) * lda + $0 % m] }),
                             Tensor(shape: [k, n], scalars: (0..<(k * n)).map { b[($0 / n) * ldb + $0 % n] }))
        for path in KernelPath.available where path != .portable {
            var c = c0
            a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                EngineOptions.with(changing: { $0.workerCount = 3 }) {
                    transposedProductAcrossCores(m: m, n: n, k: k, a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb,
                                                 accumulate: true, c: cp.baseAddress!, ldc: ldc, kernels: path)
                }
            } } }
            for i in 0..<m {
                for j in 0..<ldc {
                    let expected = j < n ? dense[i * n + j] + c0[i * ldc + j] : c0[i * ldc + j]
                    XCTAssertEqual(c[i * ldc + j].bitPattern, expected.bitPattern, "\(path) at \(i),\(j)")
                }
            }
        }
    }

    /// The fused steps give, bit for bit, forming G and taking the plain step (two steps, so that the
    /// slots read back are the fused step's own), on every C path; the portable path has no fused step.
    func testFusedOptimizerStepsGiveThePlainStepsBits() throws {
        var rng = RandomGenerator(seed: 33)
        for (m, n, k) in shapes {
            let products = (0..<2).map { _ in TransposedProduct(matrix(k, m, &rng), matrix(k, n, &rng)) }
            let w0 = matrix(m, n, &rng), v0 = Tensor(shape: [2 * m * n], scalars: (0..<(2 * m * n)).map { _ in rng.uniform(0, 1) })
            EngineOptions.forEachAvailablePath { path in
                var (w, v) = (w0, Tensor(shape: [m, n], scalars: Array(v0.scalars[..<(m * n)])))
                var (plainW, plainV) = (w, v)
                var (adamW, moments) = (w0, v0)
                var (plainAdamW, plainMoments) = (adamW, moments)
                for product in products {
                    let fused = product.rmspropStep(weights: &w, velocity: &v, learningRate: 1e-3, rho: 0.9, epsilon: 1e-7)
                    let fusedAdam = product.adamStep(weights: &adamW, moments: &moments, stepSize: 2e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7)
                    XCTAssertEqual(fused, path != .portable)
                    XCTAssertEqual(fusedAdam, path != .portable)
                    guard fused else { continue }
                    let g = product.formed()
                    plainW.scalars.withUnsafeMutableBufferPointer { wp in plainV.scalars.withUnsafeMutableBufferPointer { vp in
                        rmspropStep(weights: wp.baseAddress!, gradients: g.scalars, velocity: vp.baseAddress!, count: m * n,
                                    learningRate: 1e-3, rho: 0.9, epsilon: 1e-7)
                    } }
                    plainAdamW.scalars.withUnsafeMutableBufferPointer { wp in plainMoments.scalars.withUnsafeMutableBufferPointer { mp in
                        adamStep(weights: wp.baseAddress!, gradients: g.scalars, firstMoment: mp.baseAddress!, secondMoment: mp.baseAddress! + m * n,
                                 count: m * n, stepSize: 2e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7)
                    } }
                }
                guard path != .portable else {
                    XCTAssertEqual(w, w0, "the portable path leaves the weights to the plain step")
                    return
                }
                XCTAssertEqual(w.scalars.map(\.bitPattern), plainW.scalars.map(\.bitPattern), "\(path) RMSprop weights \(m)x\(n)x\(k)")
                XCTAssertEqual(v.scalars.map(\.bitPattern), plainV.scalars.map(\.bitPattern), "\(path) RMSprop velocity \(m)x\(n)x\(k)")
                XCTAssertEqual(adamW.scalars.map(\.bitPattern), plainAdamW.scalars.map(\.bitPattern), "\(path) Adam weights \(m)x\(n)x\(k)")
                XCTAssertEqual(moments.scalars.map(\.bitPattern), plainMoments.scalars.map(\.bitPattern), "\(path) Adam moments \(m)x\(n)x\(k)")
            }
        }
    }

    /// The finiteness judged from the factors: finite factors of modest size settle it; a NaN or an infinity
    /// in a factor, or factors whose product may overflow, leave it open (false), as does a G that does overflow.
    func testCertainFinitenessFromTheFactors() {
        var rng = RandomGenerator(seed: 34)
        let a = matrix(20, 300, &rng), b = matrix(20, 40, &rng)
        XCTAssertTrue(TransposedProduct(a, b).isCertainlyFinite)
        XCTAssertTrue(TransposedProduct(a * 1e15, b * 1e15).isCertainlyFinite, "large factors whose bound (about 1e33) is far from overflow")
        for bad in [Float.nan, .infinity, -.infinity] {
            var c = a
            c.scalars[123] = bad
            XCTAssertFalse(TransposedProduct(c, b).isCertainlyFinite, "\(bad)")
            XCTAssertFalse(TransposedProduct(b, c).isCertainlyFinite, "\(bad)")
        }
        let huge = TransposedProduct(Tensor(shape: [2, 1], scalars: [3e19, 3e19]), Tensor(shape: [2, 1], scalars: [3e19, 3e19]))
        XCTAssertFalse(huge.isCertainlyFinite)
        XCTAssertFalse(huge.formed().allFinite, "the case the bound leaves open does overflow")
        XCTAssertTrue(TransposedProduct(Tensor(shape: [0, 3]), Tensor(shape: [0, 2])).isCertainlyFinite)
        XCTAssertEqual(TransposedProduct(Tensor(shape: [0, 3]), Tensor(shape: [0, 2])).formed(), Tensor.zeros([3, 2]))
    }

    /// The sum of squares of 16-lane bodies and tails, and its overflow to infinity.
    func testSumOfSquares() {
        for count in [0, 1, 15, 16, 17, 100] {
            let t = Tensor(shape: [count], scalars: (0..<count).map { Float($0 % 7) - 3 })
            XCTAssertEqual(t.sumOfSquares, t.scalars.reduce(0) { $0 + $1 * $1 }, "\(count)")
        }
        XCTAssertEqual(Tensor(shape: [3], scalars: [1e30, 0, 0]).sumOfSquares, .infinity)
        XCTAssertTrue(Tensor(shape: [20], scalars: [Float](repeating: .nan, count: 20)).sumOfSquares.isNaN)
    }
}
