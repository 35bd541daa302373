import TLTensor

extension NDArray {
    /// `np.sort(a, axis)` (`axis` nil sorts the flattened array): ascending, NaNs last.
    public func sorted(axis: Int? = -1) throws -> NDArray {
        let order = try sortOrder(axis: axis)
        return try alongAxis(axis) { row in row.gathered(order(row)) }
    }

    /// `np.argsort(a, axis)`: the positions that sort each row (stable: equal elements keep their order).
    public func argsorted(axis: Int? = -1) throws -> NDArray {
        let order = try sortOrder(axis: axis)
        return try alongAxis(axis, resultType: .int64) { row in NDArray(shape: [row.size], values: order(row).map(Int64.init)) }
    }

    /// A function giving the sorting permutation of a 1-D array of this dtype.
    private func sortOrder(axis: Int?) throws -> (NDArray) -> [Int] {
        func order<T: ArrayElement>(_ type: T.Type) -> (NDArray) -> [Int] {
            return { row in
                let values = row.values(as: T.self)
                return values.indices.sorted { i, j in
                    let a = values[i], b = values[j]
                    if a != a { return false }        // NaN sorts last
                    if b != b { return true }
                    return a < b || (a == b && i < j)
                }
            }
        }
        return order(dtype.elementType)
    }

    /// The elements at `positions` of a 1-D array.
    func gathered(_ positions: [Int]) -> NDArray {
        (try? subscripted([.array(NDArray(shape: [positions.count], values: positions.map(Int64.init)))]).array) ?? self
    }

    /// Applies `transform` to every 1-D row along `axis` (nil: the flattened array) and reassembles.
    func alongAxis(_ axis: Int?, resultType: DType? = nil, _ transform: (NDArray) throws -> NDArray) throws -> NDArray {
        guard let axis else { return try transform(raveled()) }
        if ndim == 0 { throw ArrayError(.value, "axis \(axis) is out of bounds for array of dimension 0") }
        let position = try NDArray.normalizedAxis(axis, rank: ndim)
        let permutation = shape.indices.filter { $0 != position } + [position]
        let moved = transposed(permutation).copy()
        let rowLength = shape[position], rows = size / max(rowLength, 1)
        let out = NDArray(zeros: moved.shape, dtype: resultType ?? dtype)
        for r in 0..<(rowLength == 0 ? 0 : rows) {
            let row = NDArray(storage: moved.storage, layout: .contiguous([rowLength], offset: r * rowLength))
            out.storeContents(of: try transform(row), at: .contiguous([rowLength], offset: r * rowLength))
        }
        var inverse = [Int](repeating: 0, count: ndim)
        for (i, p) in permutation.enumerated() { inverse[p] = i }
        return out.transposed(inverse).copy()
    }

    /// `np.unique(a, return_counts=...)`: the sorted distinct elements of the flattened array (NaNs
    /// collapse to one), and how often each occurs.
    public func unique() throws -> (values: NDArray, counts: NDArray) {
        let sortedValues = try sorted(axis: nil)
        func runs<T: ArrayElement>(_ type: T.Type) -> ([T], [Int64]) {
            var values: [T] = [], counts: [Int64] = []
            for v in sortedValues.values(as: T.self) {
                if let last = values.last, last == v || (last != last && v != v) { counts[counts.count - 1] += 1 } else { values.append(v); counts.append(1) }
            }
            return (values, counts)
        }
        func arrays<T: ArrayElement>(_ type: T.Type) -> (values: NDArray, counts: NDArray) {
            let (v, c) = runs(T.self)
            return (NDArray(shape: [v.count], values: v), NDArray(shape: [c.count], values: c))
        }
        return arrays(dtype.elementType)
    }

    /// `a @ b` / `np.matmul` / `np.dot` for 1-D and 2-D operands: float32 by OpenBLAS's sgemm, float64
    /// by dgemm, integers and bools by exact loops in int64. 1-D operands are promoted to a row (left)
    /// or a column (right) and the added axis removed, so a 1-D @ 1-D product is 0-d.
    public static func matmul(_ a: NDArray, _ b: NDArray, name: String = "matmul") throws -> NDArray {
        guard a.ndim >= 1, b.ndim >= 1 else {
            throw ArrayError(.value, "matmul: Input operand \(a.ndim == 0 ? 0 : 1) does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)")
        }
        guard a.ndim <= 2, b.ndim <= 2 else { throw ArrayError(.notSupported, "\(name) of arrays with more than 2 dimensions is not supported in tl") }
        let left = a.ndim == 1 ? try a.reshaped([1, a.size]) : a
        let right = b.ndim == 1 ? try b.reshaped([b.size, 1]) : b
        let (m, k, n) = (left.shape[0], left.shape[1], right.shape[1])
        guard right.shape[0] == k else {
            if name == "dot" {
                throw ArrayError(.value, "shapes \(compactShape(a.shape)) and \(compactShape(b.shape)) not aligned: \(k) (dim \(a.ndim - 1)) != \(right.shape[0]) (dim 0)")
            }
            throw ArrayError(.value, "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size \(right.shape[0]) is different from \(k))")
        }
        let dtype = DType.promote(a.dtype, b.dtype)
        var product: NDArray
        switch dtype {
        case .float32:
            let x = left.astype(.float32).values(as: Float.self), y = right.astype(.float32).values(as: Float.self)
            var out = [Float](repeating: 0, count: m * n)
            sgemm(m: m, n: n, k: k, a: x, lda: max(k, 1), b: y, ldb: max(n, 1), c: &out, ldc: max(n, 1))
            product = NDArray(shape: [m, n], values: out)
        case .float64:
            let x = left.values(as: Double.self), y = right.values(as: Double.self)
            var out = [Double](repeating: 0, count: m * n)
            dgemm(m: m, n: n, k: k, a: x, lda: max(k, 1), b: y, ldb: max(n, 1), c: &out, ldc: max(n, 1))
            product = NDArray(shape: [m, n], values: out)
        case .int64, .int32, .uint8, .bool:
            // Wrapping int64 sums reduce to the narrower dtype's wrapped sums, as NumPy's loops give.
            let x = left.values(as: Int64.self), y = right.values(as: Int64.self)
            var out = [Int64](repeating: 0, count: m * n)
            for i in 0..<m { for j in 0..<n { for p in 0..<k { out[i * n + j] &+= x[i * k + p] &* y[p * n + j] } } }
            product = NDArray(shape: [m, n], values: out)
            if dtype != .int64 { product = product.astype(dtype) }
        }
        var shape: [Int] = []
        if a.ndim == 2 { shape.append(m) }
        if b.ndim == 2 { shape.append(n) }
        return try product.reshaped(shape)
    }
}
