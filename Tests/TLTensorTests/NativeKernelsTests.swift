import XCTest
@testable import TLTensor

/// The matrix product (with its bias and ReLU epilogue) on every kernel path the processor has, against a
/// double-precision triple loop, on shapes that cut both register tiles (AVX-512 12 x 32, AVX2 6 x 16),
/// their 256-deep k-blocks and their column blocks (512 and 256) at every kind of edge.
final class NativeKernelsTests: XCTestCase {
    func testProductOnThisThreadMatchesDefinitionOnEveryPath() throws {
        var rng = RandomGenerator(seed: 5)
        var shapes = [(1, 1, 1), (12, 32, 256), (13, 33, 257), (11, 31, 5), (6, 16, 256), (7, 17, 255), (5, 15, 3),
                      (25, 64, 600), (9, 25, 40), (40, 100, 27), (3, 17, 513), (7, 5, 0),
                      (14, 1100, 300)]   // several column blocks of B on either path, the last one short
        for m in 1...24 { shapes.append((m, 37, 29)) }   // every height of a short row panel, on either path
        for _ in 0..<4 { shapes.append((Int.random(in: 1...30, using: &rng), Int.random(in: 1...70, using: &rng), Int.random(in: 1...300, using: &rng))) }
        EngineOptions.forEachAvailablePath { path in
            for (m, n, k) in shapes {
                for variant in 0..<8 {
                    checkProduct(m: m, n: n, k: k, accumulate: variant & 1 != 0, withBias: variant & 2 != 0, relu: variant & 4 != 0,
                                 ceiling: variant == 7 ? 0.5 : .infinity, path: path, rng: &rng)
                }
            }
        }
    }

    /// One product, checked element by element, and the padding of every row left untouched.
    func checkProduct(m: Int, n: Int, k: Int, accumulate: Bool, withBias: Bool, relu: Bool, ceiling: Float, path: KernelPath,
                      rng: inout RandomGenerator) {
        // Row strides wider than the rows, so that a kernel reading or writing past its row would be caught.
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
                                  reluCeiling: ceiling, c: cp.baseAddress!, ldc: ldc, kernels: path)
            }
        } } }
        for i in 0..<m {
            for j in 0..<ldc {
                let label = "\(path) m\(m) n\(n) k\(k) accumulate \(accumulate) bias \(withBias) relu \(relu) ceiling \(ceiling) at \(i),\(j)"
                guard j < n else {
                    XCTAssertEqual(c[i * ldc + j], c0[i * ldc + j], "wrote outside C: " + label)
                    continue
                }
                var sum = accumulate ? Double(c0[i * ldc + j]) : 0
                for p in 0..<k { sum += Double(a[i * lda + p]) * Double(b[p * ldb + j]) }
                if withBias { sum += Double(bias[j]) }
                if relu { sum = min(max(sum, 0), Double(ceiling)) }
                XCTAssertEqual(Double(c[i * ldc + j]), sum, accuracy: 1e-5 * Double(max(k, 1)), label)
            }
        }
    }

    /// A product of few rows (a batch through a Dense layer) reads B in place instead of packing it: its rows
    /// are, bit for bit, those of a product of many rows (packed B) on the same path, with B's rows at
    /// unaligned addresses, several k-blocks and a short column panel.
    func testFewRowsReadingBInPlaceGiveThePackedPathsBits() {
        var rng = RandomGenerator(seed: 8)
        let (rows, n, k, ldb) = (45, 100, 600, 103)
        let a = (0..<(rows * k)).map { _ in rng.uniform(-1, 1) }, b = (0..<(k * ldb)).map { _ in rng.uniform(-1, 1) }
        let bias = (0..<n).map { _ in rng.uniform(-1, 1) }, c0 = (0..<(rows * n)).map { _ in rng.uniform(-1, 1) }
        func product(_ m: Int, accumulate: Bool, path: KernelPath) -> [Float] {
            var c = Array(c0[..<(m * n)])
            a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in bias.withUnsafeBufferPointer { biasPointer in
                c.withUnsafeMutableBufferPointer { cp in
                    sgemmOnThisThread(m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress! + 1, ldb: ldb,
                                      accumulate: accumulate, bias: biasPointer.baseAddress, relu: true, c: cp.baseAddress!, ldc: n,
                                      kernels: path)
                }
            } } }
            return c
        }
        EngineOptions.forEachAvailablePath { path in
            guard path != .portable else { return }
            for accumulate in [false, true] {
                let packed = product(rows, accumulate: accumulate, path: path)
                for m in [1, 6, 13, 20, 32] {
                    XCTAssertEqual(product(m, accumulate: accumulate, path: path), Array(packed[..<(m * n)]),
                                   "\(path) m \(m) accumulate \(accumulate)")
                }
            }
        }
    }

    /// B packed once (in two pieces of rows, as a convolution packs its kernel matrix across the workers) gives
    /// the bits of the product that packs B block by block, for many rows and few, several k- and column
    /// blocks, a short last column panel, with the bias and clamp fused.
    func testProductWithBPackedOnceGivesTheBlockwiseBits() {
        var rng = RandomGenerator(seed: 9)
        let (n, k, ldb) = (550, 600, 553)
        let a = (0..<(40 * k)).map { _ in rng.uniform(-1, 1) }, b = (0..<(k * ldb)).map { _ in rng.uniform(-1, 1) }
        let bias = (0..<n).map { _ in rng.uniform(-1, 1) }, c0 = (0..<(40 * n)).map { _ in rng.uniform(-1, 1) }
        EngineOptions.forEachAvailablePath { path in
            guard path != .portable else { return }
            var packed = [Float](repeating: .nan, count: packedOperandFloats(path, n: n, k: k))
            b.withUnsafeBufferPointer { bp in packed.withUnsafeMutableBufferPointer { pp in
                packOperand(path, n: n, k: k, firstRow: 0, rows: 257, b: bp.baseAddress!, ldb: ldb, into: pp.baseAddress!)
                packOperand(path, n: n, k: k, firstRow: 257, rows: k - 257, b: bp.baseAddress! + 257 * ldb, ldb: ldb, into: pp.baseAddress!)
            } }
            for (m, accumulate) in [(40, false), (40, true), (13, true), (1, false)] {
                var once = Array(c0[..<(m * n)]), blockwise = once
                a.withUnsafeBufferPointer { ap in bias.withUnsafeBufferPointer { biasPointer in
                    once.withUnsafeMutableBufferPointer { cp in
                        nativeSgemmPacked(path, m: m, n: n, k: k, a: ap.baseAddress!, lda: k, packed: packed, c: cp.baseAddress!, ldc: n,
                                          accumulate: accumulate, bias: biasPointer.baseAddress, relu: true, reluCeiling: 3)
                    }
                    b.withUnsafeBufferPointer { bp in blockwise.withUnsafeMutableBufferPointer { cp in
                        sgemmOnThisThread(m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: ldb, accumulate: accumulate,
                                          bias: biasPointer.baseAddress, relu: true, reluCeiling: 3, c: cp.baseAddress!, ldc: n, kernels: path)
                    } }
                } }
                XCTAssertEqual(once, blockwise, "\(path) m \(m) accumulate \(accumulate)")
            }
        }
    }

    /// A residual sum and the ReLU (or ReLU6) after it in one pass give the two passes' bits on every path,
    /// NaN passing through, over sizes that leave every kind of tail and split across the cores.
    func testAddClampedEqualsAddThenClampOnEveryPath() {
        var rng = RandomGenerator(seed: 12)
        for count in [1, 7, 8, 17, 100, 70_001] {
            var a = Tensor(shape: [count]), b = Tensor(shape: [count])
            for i in 0..<count { a.scalars[i] = rng.uniform(-8, 8); b.scalars[i] = rng.uniform(-8, 8) }
            a.scalars[count / 2] = .nan
            for ceiling: Float in [.infinity, 6] {
                let expected = (0..<count).map { clampReLU(a.scalars[$0] + b.scalars[$0], ceiling) }
                EngineOptions.forEachAvailablePath { path in
                    var y = a
                    Activation.addClamped(b, to: &y, ceiling: ceiling)
                    XCTAssertEqual(y.scalars[count / 2].isNaN, true, "\(path) NaN")
                    for i in 0..<count where i != count / 2 {
                        XCTAssertEqual(y.scalars[i], expected[i], "\(path) count \(count) ceiling \(ceiling) at \(i)")
                    }
                }
            }
        }
    }

    /// The product spread over the cores (column bands) equals the one-thread product on every path.
    func testProductAcrossCoresEqualsOneThread() {
        var rng = RandomGenerator(seed: 6)
        let (m, n, k) = (20, 300, 77)
        let a = (0..<(m * k)).map { _ in rng.uniform(-1, 1) }, b = (0..<(k * n)).map { _ in rng.uniform(-1, 1) }
        let bias = (0..<n).map { _ in rng.uniform(-1, 1) }
        EngineOptions.forEachAvailablePath { path in
            var one = [Float](repeating: 0, count: m * n), across = one
            a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in bias.withUnsafeBufferPointer { biasPointer in
                one.withUnsafeMutableBufferPointer { c in
                    sgemmOnThisThread(m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: n, bias: biasPointer.baseAddress,
                                      relu: true, c: c.baseAddress!, ldc: n)
                }
                across.withUnsafeMutableBufferPointer { c in
                    sgemmAcrossCores(m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: n, bias: biasPointer.baseAddress,
                                     relu: true, c: c.baseAddress!, ldc: n)
                }
            } } }
            XCTAssertEqual(one, across, "\(path)")
            XCTAssertTrue(one.contains(0) && one.contains { $0 > 0 }, "\(path): the ReLU never clamped, or clamped everything")
        }
    }
}

/// The RMSprop and Adam steps do the portable loop's float operations in its order on every path: the same
/// bits, on a length that leaves a tail on every vector width, with tiny and large gradients.
final class OptimizerStepTests: XCTestCase {
    let n = 1037
    var rng = RandomGenerator(seed: 9)

    func testRMSpropAgreesToTheBitOnEveryPathAndFollowsTheFormula() throws {
        let g = (0..<n).map { i in rng.uniform(-1, 1) * (i % 7 == 0 ? 1e-6 : 10) }
        let w0 = (0..<n).map { _ in rng.uniform(-1, 1) }, v0 = (0..<n).map { _ in rng.uniform(0, 1) }
        var results: [KernelPath: [Float]] = [:]
        EngineOptions.forEachAvailablePath { path in
            var w = w0, v = v0
            w.withUnsafeMutableBufferPointer { wp in v.withUnsafeMutableBufferPointer { vp in g.withUnsafeBufferPointer { gp in
                rmspropStep(weights: wp.baseAddress!, gradients: gp.baseAddress!, velocity: vp.baseAddress!, count: n,
                            learningRate: 1e-3, rho: 0.9, epsilon: 1e-7)
            } } }
            results[path] = w + v
        }
        let portable = try XCTUnwrap(results[.portable])
        for (path, result) in results { XCTAssertEqual(result.map(\.bitPattern), portable.map(\.bitPattern), "\(path)") }
        for i in [0, 1, 500, n - 1] {
            let v = 0.9 * Double(v0[i]) + 0.1 * Double(g[i]) * Double(g[i])
            XCTAssertEqual(Double(portable[i]), Double(w0[i]) - 1e-3 * Double(g[i]) / (v + 1e-7).squareRoot(), accuracy: 1e-6)
            XCTAssertEqual(Double(portable[n + i]), v, accuracy: 1e-5 * max(1, v))
        }
    }

    func testAdamAgreesToTheBitOnEveryPathAndFollowsTheFormula() throws {
        let g = (0..<n).map { i in rng.uniform(-1, 1) * (i % 5 == 0 ? 1e-5 : 3) }
        let w0 = (0..<n).map { _ in rng.uniform(-1, 1) }
        let m0 = (0..<n).map { _ in rng.uniform(-1, 1) }, v0 = (0..<n).map { _ in rng.uniform(0, 1) }
        let (alpha, b1, b2, eps): (Float, Float, Float, Float) = (2e-3, 0.9, 0.999, 1e-7)
        var results: [KernelPath: [Float]] = [:]
        EngineOptions.forEachAvailablePath { path in
            var w = w0, m = m0, v = v0
            w.withUnsafeMutableBufferPointer { wp in m.withUnsafeMutableBufferPointer { mp in v.withUnsafeMutableBufferPointer { vp in
                g.withUnsafeBufferPointer { gp in
                    adamStep(weights: wp.baseAddress!, gradients: gp.baseAddress!, firstMoment: mp.baseAddress!, secondMoment: vp.baseAddress!,
                             count: n, stepSize: alpha, beta1: b1, beta2: b2, epsilon: eps)
                }
            } } }
            results[path] = w + m + v
        }
        let portable = try XCTUnwrap(results[.portable])
        for (path, result) in results { XCTAssertEqual(result.map(\.bitPattern), portable.map(\.bitPattern), "\(path)") }
        for i in [0, 3, 700, n - 1] {
            let m = 0.9 * Double(m0[i]) + 0.1 * Double(g[i]), v = 0.999 * Double(v0[i]) + 0.001 * Double(g[i]) * Double(g[i])
            XCTAssertEqual(Double(portable[n + i]), m, accuracy: 1e-6)
            XCTAssertEqual(Double(portable[2 * n + i]), v, accuracy: 1e-6)
            XCTAssertEqual(Double(portable[i]), Double(w0[i]) - 2e-3 * m / (v.squareRoot() + 1e-7), accuracy: 1e-5)
        }
    }
}

/// The kernel path comes from `TL_KERNELS` (or the older `TL_AVX512=0`), falls back with a notice where the
/// processor lacks it, and reaches the workers of a parallel loop.
final class EngineOptionsTests: XCTestCase {
    func testEnvironmentSelectsThePathAndFallsBackWithANotice() {
        XCTAssertEqual(EngineOptions.parse([:]).0.kernels, KernelPath.best)
        XCTAssertNil(EngineOptions.parse([:]).notice)
        XCTAssertEqual(EngineOptions.parse(["TL_KERNELS": "portable"]).0.kernels, .portable)
        XCTAssertEqual(EngineOptions.parse(["TL_AVX512": "0"]).0.kernels, .portable)
        XCTAssertEqual(EngineOptions.parse(["TL_AVX512": "1"]).0.kernels, KernelPath.best)
        XCTAssertEqual(EngineOptions.parse(["TL_KERNELS": "avx2", "TL_AVX512": "0"]).0.kernels,
                       KernelPath.avx2.isAvailable ? .avx2 : .portable, "TL_KERNELS wins over TL_AVX512")
        for path in KernelPath.allCases {
            let (options, notice) = EngineOptions.parse(["TL_KERNELS": path.rawValue.uppercased()])
            if path.isAvailable {
                XCTAssertEqual(options.kernels, path)
                XCTAssertNil(notice)
            } else {
                XCTAssertLessThan(options.kernels, path)
                XCTAssertTrue(options.kernels.isAvailable)
                XCTAssertTrue(notice?.contains("using \(options.kernels)") == true && notice?.contains("\n") == false, "\(notice ?? "nil")")
            }
        }
        let (options, notice) = EngineOptions.parse(["TL_KERNELS": "sse9"])
        XCTAssertEqual(options.kernels, KernelPath.best)
        XCTAssertEqual(notice, "tl: TL_KERNELS=sse9 is not one of avx512, avx2, portable; using \(KernelPath.best)")
        XCTAssertEqual(KernelPath.available.first, .portable)
        XCTAssertEqual(KernelPath.available, KernelPath.available.sorted())
        #if arch(x86_64)
        XCTAssertTrue(KernelPath.avx2.isAvailable || !KernelPath.avx512.isAvailable, "every AVX-512 machine here has AVX2+FMA")
        #else
        XCTAssertEqual(KernelPath.available, [.portable])
        #endif
    }

    func testParallelLoopsRunOnTheCallersPath() {
        EngineOptions.forEachAvailablePath { path in
            var seen = [KernelPath?](repeating: nil, count: 64)
            seen.withUnsafeMutableBufferPointer { s in
                let base = s.baseAddress!
                ParallelFor.run(64) { item in base[item] = KernelPath.current }
            }
            XCTAssertEqual(seen, [KernelPath?](repeating: path, count: 64))
        }
        XCTAssertEqual(KernelPath.current, EngineOptions.environment.kernels, "the binding ends with its scope")
    }
}
