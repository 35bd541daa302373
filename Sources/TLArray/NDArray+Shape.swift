import TLTensor

extension NDArray {
    /// Checks `axis` (negative counts from the end) against `rank` axes, with NumPy's AxisError wording.
    public static func normalizedAxis(_ axis: Int, rank: Int) throws -> Int {
        let position = axis < 0 ? axis + rank : axis
        guard position >= 0 && position < rank else {
            throw ArrayError(.value, "axis \(axis) is out of bounds for array of dimension \(rank)")
        }
        return position
    }

    /// A view with the axes permuted (`a.transpose(axes)`); no permutation reverses them (`a.T`).
    public func transposed(_ axes: [Int]? = nil) -> NDArray {
        NDArray(storage: storage, layout: layout.permuted(axes ?? Array((0..<ndim).reversed())))
    }

    /// `np.transpose(a, axes)` with the axes checked.
    public func transposed(checking axes: [Int]) throws -> NDArray {
        guard axes.count == ndim else { throw ArrayError(.value, "axes don't match array") }
        let normalized = try axes.map { try NDArray.normalizedAxis($0, rank: ndim) }
        guard Set(normalized).count == ndim else { throw ArrayError(.value, "repeated axis in transpose") }
        return transposed(normalized)
    }

    /// The same elements under `newShape` (one entry may be -1): a view when the elements are
    /// contiguous, else one copy.
    public func reshaped(_ newShape: [Int]) throws -> NDArray {
        var dims = newShape
        let unknown = dims.indices.filter { dims[$0] < 0 }
        guard unknown.count <= 1 else { throw ArrayError(.value, "can only specify one unknown dimension") }
        guard unknown.allSatisfy({ dims[$0] == -1 }) else { throw ArrayError(.value, "negative dimensions not allowed") }
        if let i = unknown.first {
            let known = NDArray.saturatingCount(dims.enumerated().filter { $0.offset != i }.map(\.element))
            if known > 0 && size % known == 0 { dims[i] = size / known }
        }
        guard dims.allSatisfy({ $0 >= 0 }), NDArray.saturatingCount(dims) == size else {
            throw ArrayError(.value, "cannot reshape array of size \(size) into shape \(compactShape(newShape))")
        }
        let base = layout.isContiguous ? self : copy()
        return NDArray(storage: base.storage, layout: .contiguous(dims, offset: base.layout.offset))
    }

    /// The number of elements of `shape`, or Int.max when the product overflows (a shape no array has).
    static func saturatingCount(_ shape: [Int]) -> Int {
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            if overflow { return .max }
            count = product
        }
        return count
    }

    /// A 1-D view when possible, else a copy (`ravel`).
    public func raveled() -> NDArray { try! reshaped([size]) }

    /// A 1-D copy (`flatten`).
    public func flattened() -> NDArray { copy().raveled() }

    /// A view with a new axis of length 1 at `axis` (`np.expand_dims`).
    public func expandingDimensions(at axis: Int) throws -> NDArray {
        let position = try NDArray.normalizedAxis(axis, rank: ndim + 1)
        var shape = self.shape, strides = self.strides
        shape.insert(1, at: position)
        strides.insert(0, at: position)
        return NDArray(storage: storage, layout: StridedLayout(shape: shape, strides: strides, offset: layout.offset))
    }

    /// A view without the axes of length 1 (all of them, or those of `axes`, which must have length 1).
    public func squeezed(_ axes: [Int]? = nil) throws -> NDArray {
        let drop: Set<Int>
        if let axes {
            drop = Set(try axes.map { try NDArray.normalizedAxis($0, rank: ndim) })
            guard drop.allSatisfy({ shape[$0] == 1 }) else {
                throw ArrayError(.value, "cannot select an axis to squeeze out which has size not equal to one")
            }
        } else {
            drop = Set(shape.indices.filter { shape[$0] == 1 })
        }
        let keep = shape.indices.filter { !drop.contains($0) }
        return NDArray(storage: storage, layout: StridedLayout(shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] }, offset: layout.offset))
    }

    /// Joins arrays along an existing axis (`np.concatenate`); the dtype is their promoted dtype.
    public static func concatenate(_ arrays: [NDArray], axis: Int) throws -> NDArray {
        guard let first = arrays.first else { throw ArrayError(.value, "need at least one array to concatenate") }
        guard first.ndim > 0 else { throw ArrayError(.value, "zero-dimensional arrays cannot be concatenated") }
        let position = try normalizedAxis(axis, rank: first.ndim)
        var shape = first.shape
        shape[position] = 0
        for (i, array) in arrays.enumerated() {
            guard array.ndim == first.ndim else {
                throw ArrayError(.value, "all the input arrays must have same number of dimensions, but the array at index 0 has \(first.ndim) dimension(s) and the array at index \(i) has \(array.ndim) dimension(s)")
            }
            for d in 0..<first.ndim where d != position && array.shape[d] != first.shape[d] {
                throw ArrayError(.value, "all the input array dimensions except for the concatenation axis must match exactly, but along dimension \(d), the array at index 0 has size \(first.shape[d]) and the array at index \(i) has size \(array.shape[d])")
            }
            shape[position] += array.shape[position]
        }
        let dtype = arrays.dropFirst().reduce(first.dtype) { DType.promote($0, $1.dtype) }
        let out = NDArray(zeros: shape, dtype: dtype)
        var start = 0
        for array in arrays {
            var part = out.layout
            part.offset = start * part.strides[position]
            part.shape[position] = array.shape[position]
            out.storeContents(of: array, at: part)
            start += array.shape[position]
        }
        return out
    }

    /// Joins arrays of one shape along a new axis (`np.stack`).
    public static func stack(_ arrays: [NDArray], axis: Int) throws -> NDArray {
        guard let first = arrays.first else { throw ArrayError(.value, "need at least one array to stack") }
        guard arrays.allSatisfy({ $0.shape == first.shape }) else { throw ArrayError(.value, "all input arrays must have the same shape") }
        let position = try normalizedAxis(axis, rank: first.ndim + 1)
        return try concatenate(try arrays.map { try $0.expandingDimensions(at: position) }, axis: position)
    }

    /// `np.vstack`: 1-D arrays become rows, then everything joins along axis 0.
    public static func vstack(_ arrays: [NDArray]) throws -> NDArray {
        try concatenate(try arrays.map { $0.ndim == 0 ? try $0.reshaped([1, 1]) : $0.ndim == 1 ? try $0.reshaped([1, $0.size]) : $0 }, axis: 0)
    }

    /// `np.hstack`: joins 1-D arrays end to end, others along axis 1.
    public static func hstack(_ arrays: [NDArray]) throws -> NDArray {
        let atLeast1D = try arrays.map { $0.ndim == 0 ? try $0.reshaped([1]) : $0 }
        return try concatenate(atLeast1D, axis: (atLeast1D.first?.ndim ?? 1) == 1 ? 0 : 1)
    }
}
