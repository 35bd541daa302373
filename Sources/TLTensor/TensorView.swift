/// A strided window onto a tensor's values, as NumPy's views are: slices, transposes and broadcasts
/// cost nothing until ``copy()`` gathers the elements into a tensor of their own.
///
/// Element `(i0, ..., ik)` of the view is `base.scalars[layout.offset + i0 * s0 + ... + ik * sk]` with
/// `layout.strides = (s0, ..., sk)`; a stride of 0 repeats one value (broadcasting). The base is held by
/// value (copy-on-write), so a view never sees later writes to the tensor it was taken from.
public struct TensorView: Sendable {
    public let base: Tensor
    public let layout: StridedLayout

    public init(base: Tensor, layout: StridedLayout) {
        self.base = base
        self.layout = layout
    }

    public var shape: [Int] { layout.shape }
    public var rank: Int { layout.rank }
    public var count: Int { layout.count }

    /// The elements in row-major order, as a gapless tensor of the view's shape.
    public func copy() -> Tensor {
        guard count > 0 else { return Tensor(shape: shape) }
        if layout.isContiguous && layout.offset == 0 && count == base.count {
            return Tensor(shape: shape, scalars: base.scalars)
        }
        return uninitializedTensor(shape: shape) { out in
            guard let target = out.baseAddress else { return }
            base.scalars.withUnsafeBufferPointer { source in
                StridedKernels.copy(source.baseAddress!, layout, into: target, .contiguous(shape))
            }
        }
    }

    /// `view[..., r, ...]` with `r` on `axis` (negative axes count from the end): elements `r.lowerBound`,
    /// `r.lowerBound + step`, ... below `r.upperBound` of that axis; the other axes whole.
    public func sliced(axis: Int, _ range: Range<Int>, step: Int = 1) -> TensorView {
        let axis = normalizedAxis(axis, rank: rank)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis], "slice \(range) out of 0..<\(shape[axis]) on axis \(axis)")
        precondition(step > 0, "slice step must be positive")
        var result = layout
        result.offset += range.lowerBound * layout.strides[axis]
        result.shape[axis] = (range.count + step - 1) / step
        result.strides[axis] *= step
        return TensorView(base: base, layout: result)
    }

    /// `view[r0, r1, ...]`: one range per leading axis, the remaining axes whole.
    public func sliced(_ ranges: [Range<Int>]) -> TensorView {
        precondition(ranges.count <= rank, "\(ranges.count) ranges for a view of rank \(rank)")
        return ranges.enumerated().reduce(self) { view, entry in view.sliced(axis: entry.offset, entry.element) }
    }

    /// The axes reordered (NumPy's `transpose(axes)`): axis `i` of the result is axis `axes[i]` of this view.
    public func permuted(_ axes: [Int]) -> TensorView {
        precondition(axes.sorted() == Array(0..<rank), "\(axes) is not a permutation of the \(rank) axes")
        return TensorView(base: base, layout: layout.permuted(axes))
    }

    /// The axes in reverse order (NumPy's `.T`): a matrix's transpose.
    public var transposed: TensorView { permuted(Array((0..<rank).reversed())) }

    /// The elements of `axis` in reverse order (NumPy's `flip(axis)`, `a[::-1]` on that axis).
    public func reversed(axis: Int) -> TensorView {
        let axis = normalizedAxis(axis, rank: rank)
        var result = layout
        if shape[axis] > 0 { result.offset += (shape[axis] - 1) * layout.strides[axis] }
        result.strides[axis] = -layout.strides[axis]
        return TensorView(base: base, layout: result)
    }

    /// This view seen with the shape `target` by NumPy's broadcasting rules (missing leading axes and
    /// axes of size 1 repeat their one element).
    public func broadcast(to target: [Int]) -> TensorView {
        guard let result = layout.broadcast(to: target) else {
            preconditionFailure("cannot broadcast shape \(shape) to \(target)")
        }
        return TensorView(base: base, layout: result)
    }
}

extension Tensor {
    /// The whole tensor as a view.
    public var view: TensorView { TensorView(base: self, layout: .contiguous(shape)) }

    /// A gapless copy of a view's elements.
    public init(_ view: TensorView) { self = view.copy() }

    /// `t[..., r, ...]` on `axis` as a view; assigning a view of that shape (or one that broadcasts to
    /// it) writes its elements there (NumPy's `t[..., a:b] = v`).
    public subscript(axis axis: Int, range: Range<Int>) -> TensorView {
        get { view.sliced(axis: axis, range) }
        set { assign(newValue, to: view.sliced(axis: axis, range).layout) }
    }

    /// `t[r0, r1, ...]`: one range per leading axis, the remaining axes whole; assignable as above.
    public subscript(ranges ranges: Range<Int>...) -> TensorView {
        get { view.sliced(ranges) }
        set { assign(newValue, to: view.sliced(ranges).layout) }
    }

    /// The axes reordered, as a view (see ``TensorView/permuted(_:)``).
    public func permuted(_ axes: [Int]) -> TensorView { view.permuted(axes) }

    /// This tensor seen with the shape `target` by NumPy's broadcasting rules, as a view.
    public func broadcast(to target: [Int]) -> TensorView { view.broadcast(to: target) }

    /// Writes `source` (broadcast to the region's shape) into the region `region` of this tensor's values.
    mutating func assign(_ source: TensorView, to region: StridedLayout) {
        let from = source.broadcast(to: region.shape)
        guard region.count > 0 else { return }
        scalars.withUnsafeMutableBufferPointer { target in
            guard let target = target.baseAddress else { return }
            from.base.scalars.withUnsafeBufferPointer { values in
                StridedKernels.copy(values.baseAddress!, from.layout, into: target, region)
            }
        }
    }
}

/// `axis` counted from the end when negative, as NumPy does; traps outside `-rank..<rank`.
@inlinable
func normalizedAxis(_ axis: Int, rank: Int) -> Int {
    precondition(axis >= -rank && axis < rank, "axis \(axis) is out of bounds for rank \(rank)")
    return axis < 0 ? axis + rank : axis
}
