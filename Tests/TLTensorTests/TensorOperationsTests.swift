import XCTest
@testable import TLTensor

/// Tensor's own operations against values worked out by hand or by a double-precision definition, and the
/// same bits on every kernel path the processor has.
final class TensorOperationsTests: XCTestCase {
    func testElementwiseArithmeticBroadcastsAsNumPyDoes() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let row = Tensor(shape: [3], scalars: [10, 20, 30])
        let column = Tensor(shape: [2, 1], scalars: [100, 200])
        XCTAssertEqual(a + row, Tensor(shape: [2, 3], scalars: [11, 22, 33, 14, 25, 36]))
        XCTAssertEqual(a - column, Tensor(shape: [2, 3], scalars: [-99, -98, -97, -196, -195, -194]))
        XCTAssertEqual(row * column, Tensor(shape: [2, 3], scalars: [1000, 2000, 3000, 2000, 4000, 6000]))
        XCTAssertEqual(a / Tensor(shape: [1], scalars: [2]), Tensor(shape: [2, 3], scalars: [0.5, 1, 1.5, 2, 2.5, 3]))
        XCTAssertEqual(a * 2, Tensor(shape: [2, 3], scalars: [2, 4, 6, 8, 10, 12]))
        XCTAssertEqual(a / 4, Tensor(shape: [2, 3], scalars: [0.25, 0.5, 0.75, 1, 1.25, 1.5]))
        var b = a
        b += row
        b -= Tensor(shape: [2, 3], repeating: 1)
        b *= column
        b += 0.5
        XCTAssertEqual(b, Tensor(shape: [2, 3], scalars: [1000.5, 2100.5, 3200.5, 2600.5, 4800.5, 7000.5]))
        XCTAssertEqual(a, Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), "value semantics: a is untouched")
    }

    /// Long runs (tails of every length, more than one core's piece) give the portable loop's bits on every path.
    func testElementwiseKernelsAgreeBitForBitOnEveryPath() {
        var rng = RandomGenerator(seed: 11)
        for count in [1, 7, 8, 9, 15, 16, 17, 33, 1000, (1 << 18) + 13] {
            let x = Tensor(shape: [count], scalars: (0..<count).map { _ in rng.uniform(-3, 3) })
            let y = Tensor(shape: [count], scalars: (0..<count).map { _ in rng.uniform(0.5, 3) })
            let expected = [x.scalars.indices.map { x.scalars[$0] + y.scalars[$0] }, x.scalars.indices.map { x.scalars[$0] - y.scalars[$0] },
                            x.scalars.indices.map { x.scalars[$0] * y.scalars[$0] }, x.scalars.indices.map { x.scalars[$0] / y.scalars[$0] },
                            x.scalars.map { $0 * 0.3 }, x.scalars.map { $0 + 0.3 }]
            EngineOptions.forEachAvailablePath { path in
                var inPlace = x
                inPlace += 0.3
                let results = [x + y, x - y, x * y, x / y, x * 0.3, inPlace]
                for (result, want) in zip(results, expected) {
                    XCTAssertEqual(result.scalars.map(\.bitPattern), want.map(\.bitPattern), "\(count) floats on \(path)")
                }
            }
        }
    }

    func testSumsAndMeansOverAnyAxes() {
        let x = Tensor(shape: [2, 3, 2], scalars: (1...12).map(Float.init))
        XCTAssertEqual(x.sum(), Tensor(shape: [], scalars: [78]))
        XCTAssertEqual(x.sum(alongAxes: [0]), Tensor(shape: [3, 2], scalars: [8, 10, 12, 14, 16, 18]))
        XCTAssertEqual(x.sum(alongAxes: [1]), Tensor(shape: [2, 2], scalars: [9, 12, 27, 30]))
        XCTAssertEqual(x.sum(alongAxes: [-1], keepingDimensions: true), Tensor(shape: [2, 3, 1], scalars: [3, 7, 11, 15, 19, 23]))
        XCTAssertEqual(x.sum(alongAxes: [0, 2]), Tensor(shape: [3], scalars: [18, 26, 34]))
        XCTAssertEqual(x.mean(alongAxes: [0, 1]), Tensor(shape: [2], scalars: [6, 7]))
        var total = Tensor(shape: [2], scalars: [1, -1])
        total.addSum(of: x, alongAxes: [0, 1])
        XCTAssertEqual(total, Tensor(shape: [2], scalars: [37, 41]))
    }

    /// A bias gradient accumulates row by row, `((db + g0) + g1) + ...`, also for one column.
    func testAddSumOverLeadingAxesAddsRowsInTurn() {
        let rows: [Float] = [1e8, 1, -1e8, 3, 0.25]
        var db = Tensor(shape: [1], scalars: [0.5])
        db.addSum(of: Tensor(shape: [5, 1], scalars: rows), alongAxes: [0])
        XCTAssertEqual(db.scalars[0], rows.reduce(Float(0.5), +))
    }

    func testViewsSliceTransposeBroadcastAndAssign() {
        let x = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        XCTAssertEqual(x[axis: -1, 1..<3].copy(), Tensor(shape: [2, 3, 2], scalars: [1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22]))
        XCTAssertEqual(x[ranges: 1..<2, 0..<3].copy(), Tensor(shape: [1, 3, 4], scalars: (12..<24).map(Float.init)))
        XCTAssertEqual(x.view.sliced(axis: 2, 0..<4, step: 3).copy().scalars, [0, 3, 4, 7, 8, 11, 12, 15, 16, 19, 20, 23])
        XCTAssertEqual(x.permuted([2, 0, 1]).copy().shape, [4, 2, 3])
        XCTAssertEqual(x.permuted([2, 0, 1]).copy().scalars.prefix(6), [0, 4, 8, 12, 16, 20])
        let m = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(m.view.transposed.copy(), Tensor(shape: [3, 2], scalars: [1, 4, 2, 5, 3, 6]))
        XCTAssertEqual(m.view.reversed(axis: 1).copy(), Tensor(shape: [2, 3], scalars: [3, 2, 1, 6, 5, 4]))
        XCTAssertEqual(Tensor(shape: [3], scalars: [1, 2, 3]).broadcast(to: [2, 3]).copy(), Tensor(shape: [2, 3], scalars: [1, 2, 3, 1, 2, 3]))
        var padded = Tensor(shape: [1, 4, 4, 1])
        padded[ranges: 0..<1, 1..<3, 1..<3] = Tensor(shape: [1, 2, 2, 1], scalars: [1, 2, 3, 4]).view
        XCTAssertEqual(padded.scalars, [0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0])
        var joined = Tensor(shape: [2, 3])
        joined[axis: 1, 0..<1] = Tensor(shape: [2, 1], scalars: [7, 8]).view
        joined[axis: 1, 1..<3] = Tensor(shape: [2], scalars: [5, 6]).view   // broadcast over the rows
        XCTAssertEqual(joined.scalars, [7, 5, 6, 8, 5, 6])
    }

    /// `act(op(A) op(B) + bias)` and `C += op(A) op(B)` against a double-precision definition on every path,
    /// with the results of the paths' own kernels (the C sgemm's rounding differs from OpenBLAS's).
    func testMatmulWithTransposesBiasAndClampMatchesDefinition() {
        var rng = RandomGenerator(seed: 3)
        for (m, n, k) in [(1, 1, 1), (20, 33, 70), (5, 1, 300), (13, 40, 9)] {
            for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = Tensor(shape: transposeA ? [k, m] : [m, k], scalars: (0..<(m * k)).map { _ in rng.uniform(-1, 1) })
                let b = Tensor(shape: transposeB ? [n, k] : [k, n], scalars: (0..<(k * n)).map { _ in rng.uniform(-1, 1) })
                let bias = Tensor(shape: [n], scalars: (0..<n).map { _ in rng.uniform(-1, 1) })
                let start = Tensor(shape: [m, n], scalars: (0..<(m * n)).map { _ in rng.uniform(-1, 1) })
                func element(_ i: Int, _ j: Int) -> Double {
                    (0..<k).reduce(0.0) { sum, p in
                        sum + Double(transposeA ? a.scalars[p * m + i] : a.scalars[i * k + p])
                            * Double(transposeB ? b.scalars[j * k + p] : b.scalars[p * n + j])
                    }
                }
                EngineOptions.forEachAvailablePath { path in
                    let y = Tensor.matmul(a, b, transposeA: transposeA, transposeB: transposeB, bias: bias, reluCeiling: 0.5)
                    var c = start
                    c.addMatmul(a, b, transposeA: transposeA, transposeB: transposeB)
                    XCTAssertEqual(y.shape, [m, n])
                    for i in 0..<m {
                        for j in 0..<n {
                            let z = element(i, j)
                            XCTAssertEqual(Double(y.scalars[i * n + j]), min(max(z + Double(bias.scalars[j]), 0), 0.5), accuracy: 1e-4,
                                           "\(m)x\(n)x\(k) \(transposeA) \(transposeB) on \(path)")
                            XCTAssertEqual(Double(c.scalars[i * n + j]), Double(start.scalars[i * n + j]) + z, accuracy: 1e-4)
                        }
                    }
                }
            }
        }
    }

    /// A batch of higher rank keeps its leading axes; an empty inner dimension gives the bias alone.
    func testMatmulOfABatchOfRowsAndOfAnEmptyProduct() {
        let x = Tensor(shape: [2, 2, 3], scalars: (1...12).map(Float.init))
        let w = Tensor(shape: [3, 1], scalars: [1, 0, -1])
        XCTAssertEqual(Tensor.matmul(x, w), Tensor(shape: [2, 2, 1], scalars: [-2, -2, -2, -2]))
        let empty = Tensor.matmul(Tensor(shape: [2, 0]), Tensor(shape: [0, 3]), bias: Tensor(shape: [3], scalars: [1, 2, 3]))
        XCTAssertEqual(empty, Tensor(shape: [2, 3], scalars: [1, 2, 3, 1, 2, 3]))
        XCTAssertEqual(Tensor.matmul(Tensor(shape: [2, 0]), Tensor(shape: [0, 2])), Tensor(shape: [2, 2]))
    }

    /// `allFinite` finds a NaN or an infinity wherever it is (in the 16-lane body or the tail), and
    /// accepts zeros of both signs and the largest finite values.
    func testAllFiniteFindsEveryNonFiniteValue() {
        let count = 37
        var finite = Tensor(shape: [count], scalars: (0..<count).map { Float($0) - 18 })
        finite.scalars[3] = -0.0
        finite.scalars[4] = .greatestFiniteMagnitude
        finite.scalars[5] = -.greatestFiniteMagnitude
        XCTAssertTrue(finite.allFinite)
        XCTAssertTrue(Tensor(shape: [0]).allFinite)
        for position in [0, 15, 16, 31, 32, 36] {
            for bad: Float in [.nan, .infinity, -.infinity] {
                var t = finite
                t.scalars[position] = bad
                XCTAssertFalse(t.allFinite, "\(bad) at \(position)")
            }
        }
    }
}
