import TLTensor

/// NumPy's functions that run along an axis or repeat an array: `cumsum`, `cumprod`, `diff`, `flip`,
/// `tile`, `repeat`, `split`/`array_split`, written on views, subscripts and the element-wise operators.
extension NDArray {
    /// `np.cumsum(a, axis)` / `np.cumprod`: running sums (products) along `axis`, of the flattened array when
    /// nil. Integers and bools accumulate in int64, floats in their own dtype, one element after another.
    public func accumulated(_ operation: BinaryOperator, axis: Int?) throws -> NDArray {
        precondition(operation == .add || operation == .multiply, "accumulated: add or multiply")
        let source = dtype.isFloatingPoint || dtype == .int64 ? self : astype(.int64)
        func run<T: ArrayElement & Numeric>(_ type: T.Type, _ step: @escaping (T, T) -> T) throws -> NDArray {
            try source.alongAxis(axis) { row in
                var values = row.values(as: T.self)
                for i in values.indices.dropFirst() { values[i] = step(values[i - 1], values[i]) }
                return NDArray(shape: [values.count], values: values)
            }
        }
        let adds = operation == .add
        switch source.dtype {
        case .float32: return try run(Float.self, adds ? (+) : (*))
        case .float64: return try run(Double.self, adds ? (+) : (*))
        default: return try run(Int64.self, adds ? (&+) : (&*))
        }
    }

    /// The slice `start..<stop` of `axis` (a view).
    func sliced(axis: Int, _ start: Int?, _ stop: Int?, step: Int? = nil) throws -> NDArray {
        var items = [IndexItem](repeating: .slice(start: nil, stop: nil, step: nil), count: ndim)
        items[axis] = .slice(start: start, stop: stop, step: step)
        return try subscripted(items).array
    }

    /// `np.diff(a, n, axis)`: `a[1:] - a[:-1]` along `axis`, `n` times (`!=` for bools, as NumPy).
    public func differences(count n: Int = 1, axis: Int = -1) throws -> NDArray {
        guard n >= 0 else { throw ArrayError(.value, "order must be non-negative but got \(n)") }
        guard ndim > 0 else { throw ArrayError(.value, "diff requires input that is at least one dimensional") }
        let position = try NDArray.normalizedAxis(axis, rank: ndim)
        var result = self
        for _ in 0..<n {
            let later = try result.sliced(axis: position, 1, nil), earlier = try result.sliced(axis: position, nil, -1)
            result = try NDArray.binary(dtype == .bool ? .notEqual : .subtract, .array(later), .array(earlier))
        }
        return result
    }

    /// `np.flip(a, axis)`: a view with the order of `axis` (every axis when nil) reversed.
    public func flipped(axes: [Int]?) throws -> NDArray {
        let chosen = try Set((axes ?? Array(0..<ndim)).map { try NDArray.normalizedAxis($0, rank: ndim) })
        let items = (0..<ndim).map { IndexItem.slice(start: nil, stop: nil, step: chosen.contains($0) ? -1 : nil) }
        return ndim == 0 ? self : try subscripted(items).array
    }

    /// `np.repeat(a, repeats, axis)`: each element (of the flattened array when `axis` is nil) `repeats[i]`
    /// times; one count repeats every element alike.
    public func repeated(_ repeats: [Int], axis: Int?) throws -> NDArray {
        let source = axis == nil ? raveled() : self
        let position = try NDArray.normalizedAxis(axis ?? 0, rank: max(source.ndim, 1))
        let length = source.ndim == 0 ? 1 : source.shape[position]
        guard repeats.allSatisfy({ $0 >= 0 }) else { throw ArrayError(.value, "repeats may not contain negative values.") }
        guard repeats.count == 1 || repeats.count == length else {
            throw ArrayError(.value, "operands could not be broadcast together with shape (\(length),) (\(repeats.count),)")
        }
        let positions = (0..<length).flatMap { i in [Int](repeating: i, count: repeats.count == 1 ? repeats[0] : repeats[i]) }
        let index = IndexItem.array(NDArray(shape: [positions.count], values: positions.map(Int64.init)))
        var items = [IndexItem](repeating: .slice(start: nil, stop: nil, step: nil), count: source.ndim)
        items[position] = index
        return try (source.ndim == 0 ? source.reshaped([1]) : source).subscripted(items).array
    }

    /// `np.tile(a, reps)`: the array repeated `reps[i]` times along each axis (leading axes of 1 added
    /// to whichever of the two is shorter).
    public func tiled(_ reps: [Int]) throws -> NDArray {
        guard reps.allSatisfy({ $0 >= 0 }) else { throw ArrayError(.value, "negative dimensions are not allowed") }
        let rank = max(ndim, reps.count)
        var result = try reshaped([Int](repeating: 1, count: rank - ndim) + shape).copy()
        let counts = [Int](repeating: 1, count: rank - reps.count) + reps
        for (axis, count) in counts.enumerated() where count != 1 {
            result = try NDArray.concatenate([NDArray](repeating: result, count: count), axis: axis)
            if count == 0 { result = try result.sliced(axis: axis, 0, 0).copy() }
        }
        return result
    }

    /// `np.array_split(a, sections, axis)`: `sections` pieces as equal as they can be (the first
    /// `size % sections` one longer); `equal: true` is `np.split`, which requires an equal division.
    public func split(sections: Int, axis: Int = 0, equal: Bool) throws -> [NDArray] {
        guard sections > 0 else { throw ArrayError(.value, "number sections must be larger than 0.") }
        let position = try NDArray.normalizedAxis(axis, rank: ndim)
        let length = shape[position]
        if equal && length % sections != 0 { throw ArrayError(.value, "array split does not result in an equal division") }
        var bounds = [0]
        for k in 0..<sections { bounds.append(bounds[k] + length / sections + (k < length % sections ? 1 : 0)) }
        return try (0..<sections).map { try sliced(axis: position, bounds[$0], bounds[$0 + 1]) }
    }

    /// `np.split(a, [i, j, ...], axis)`: the pieces between the given positions (clamped, as NumPy's slices).
    public func split(at indices: [Int], axis: Int = 0) throws -> [NDArray] {
        let position = try NDArray.normalizedAxis(axis, rank: ndim)
        let starts = [0] + indices, stops = indices.map(Optional.some) + [nil]
        return try zip(starts, stops).map { try sliced(axis: position, $0, $1) }
    }

    /// `np.meshgrid(*xs, indexing)`: coordinate arrays, the first two axes swapped for `'xy'` (Cartesian)
    /// indexing; copies, as NumPy's default `copy=True`.
    public static func meshgrid(_ vectors: [NDArray], cartesian: Bool = true) throws -> [NDArray] {
        var lengths = vectors.map(\.size)
        if cartesian && lengths.count >= 2 { lengths.swapAt(0, 1) }
        return try vectors.enumerated().map { i, vector in
            var axis = i
            if cartesian && vectors.count >= 2 && i < 2 { axis = 1 - i }
            var shape = [Int](repeating: 1, count: lengths.count)
            shape[axis] = vector.size
            let column = try vector.raveled().reshaped(shape)
            return NDArray(storage: column.storage, layout: column.layout.broadcast(to: lengths)!).copy()
        }
    }
}
