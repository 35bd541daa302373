import TLTensor

/// NumPy's order statistics (`quantile`, `percentile`, `median`), `isclose`, and the logical ufuncs.
extension NDArray {
    /// `np.quantile(a, q, axis)` with NumPy's default `method='linear'`: for each 1-D row sorted, the value at
    /// the virtual index `q (n - 1)`, interpolated between its two neighbours `a` and `b` with
    /// `gamma = index - floor(index)` as `a + (b - a) gamma` (or `b - (b - a)(1 - gamma)` when gamma >= 0.5,
    /// NumPy's `_lerp`). A NaN anywhere in a row gives NaN. The result has `q`'s shape followed by the
    /// shape left after removing `axis`. `floatResult` is the dtype NumPy computes in: float32 only for a
    /// float32 array and a Python-number `q`, float64 otherwise.
    public func quantiles(_ q: [Double], qShape: [Int], axis: Int?, floatResult: DType) throws -> NDArray {
        guard size > 0 else { throw ArrayError(.index, "index -1 is out of bounds for axis 0 with size 0") }
        let rows = try rowsAlong(axis)
        let count = rows.values.count / max(rows.rowCount, 1)
        func compute<T: BinaryFloatingPoint & ArrayElement>(_ type: T.Type) -> NDArray {
            let values = rows.values.map { T($0) }
            var out = [T](repeating: 0, count: q.count * rows.rowCount)
            for r in 0..<rows.rowCount {
                let row = values[(r * count)..<((r + 1) * count)].sorted { $0 < $1 || ($1.isNaN && !$0.isNaN) }
                for (k, fraction) in q.enumerated() {
                    out[k * rows.rowCount + r] = row.contains { $0.isNaN } ? .nan : NDArray.interpolate(row, at: fraction)
                }
            }
            return NDArray(shape: qShape + rows.keptShape, values: out)
        }
        return floatResult == .float32 ? compute(Float.self) : compute(Double.self)
    }

    /// The linear-method value of sorted `row` at fraction `q` (NumPy's `_lerp` rounding).
    static func interpolate<T: BinaryFloatingPoint>(_ row: [T], at q: Double) -> T {
        let index = q * Double(row.count - 1)
        let below = Swift.min(Swift.max(Int(index.rounded(.down)), 0), row.count - 1)
        let above = Swift.min(below + 1, row.count - 1)
        let gamma = T(index - Double(below))
        let a = row[below], b = row[above], difference = b - a
        return gamma >= 0.5 ? b - difference * (1 - gamma) : a + difference * gamma
    }

    /// The elements as float64 in rows along `axis` (the flattened array for nil), and the shape of the rest.
    private func rowsAlong(_ axis: Int?) throws -> (values: [Double], rowCount: Int, keptShape: [Int]) {
        let flat = astype(.float64)
        guard let axis else { return (flat.values(as: Double.self), 1, []) }
        let position = try NDArray.normalizedAxis(axis, rank: ndim)
        let permutation = shape.indices.filter { $0 != position } + [position]
        let kept = permutation.dropLast().map { shape[$0] }
        return (flat.transposed(permutation).values(as: Double.self), kept.reduce(1, *), kept)
    }

    /// `np.median(a, axis)`: the middle element, or the mean of the two middle ones (computed as NumPy's
    /// `mean` does: their sum, divided by 2, in the array's float type; integers give float64).
    public func median(axis: Int?) throws -> NDArray {
        guard size > 0 else { return NDArray(shape: [], values: [Double.nan]) }
        let rows = try rowsAlong(axis)
        let count = rows.values.count / max(rows.rowCount, 1)
        func compute<T: BinaryFloatingPoint & ArrayElement>(_ type: T.Type) -> NDArray {
            let values = rows.values.map { T($0) }
            let out: [T] = (0..<rows.rowCount).map { r in
                let row = values[(r * count)..<((r + 1) * count)].sorted()
                if row.contains(where: { $0.isNaN }) { return .nan }
                return count % 2 == 1 ? row[count / 2] : (row[count / 2 - 1] + row[count / 2]) / 2
            }
            return NDArray(shape: rows.keptShape, values: out)
        }
        return dtype == .float32 ? compute(Float.self) : compute(Double.self)
    }

    /// `np.isclose(a, b, rtol, atol, equal_nan)`: `|a - b| <= atol + rtol |b|` where `b` is finite, or
    /// `a == b` (so equal infinities are close), or both NaN when `equal_nan`. Computed in float64.
    public static func isClose(_ a: Operand, _ b: Operand, relativeTolerance: Double = 1e-5, absoluteTolerance: Double = 1e-8,
                               equalNaN: Bool = false) throws -> NDArray {
        let x = materialize(a, as: .float64), y = materialize(b, as: .float64)
        let distance = try binary(.subtract, .array(x), .array(y)).applying(.absolute)
        let tolerance = try binary(.add, .number(.float(absoluteTolerance)),
                                   .array(try binary(.multiply, .number(.float(relativeTolerance)), .array(y.applying(.absolute)))))
        let within = try binary(.and, .array(try binary(.lessEqual, .array(distance), .array(tolerance))), .array(try y.applying(.isfinite)))
        var close = try binary(.or, .array(within), .array(try binary(.equal, .array(x), .array(y))))
        if equalNaN {
            let bothNaN = try binary(.and, .array(try x.applying(.isnan)), .array(try y.applying(.isnan)))
            close = try binary(.or, .array(close), .array(bothNaN))
        }
        return close
    }

    /// `np.logical_and/or/xor(x1, x2)`: the operands' truth values (nonzero) combined element-wise.
    public static func logical(_ op: BinaryOperator, _ a: Operand, _ b: Operand) throws -> NDArray {
        precondition(op.isBitwise, "logical: and, or or xor")
        return try binary(op, .array(materialize(a, as: .bool)), .array(materialize(b, as: .bool)))
    }
}
