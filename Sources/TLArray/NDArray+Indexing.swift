import TLTensor

/// One entry of a subscript, as NumPy reads `a[1, 2:5:-1, ..., None, mask]`.
public enum IndexItem {
    case integer(Int)
    /// `start:stop:step`; nil parts were omitted.
    case slice(start: Int?, stop: Int?, step: Int?)
    case ellipsis
    /// `None` / `np.newaxis`: a new axis of length 1.
    case newAxis
    /// An integer array (fancy indexing) or a boolean mask.
    case array(NDArray)
}

/// A subscript resolved against an array: the view that its basic part selects (advanced axes kept
/// whole) and the integer index arrays of its advanced part with the view axes they index.
struct ResolvedIndex {
    var view: NDArray
    var advanced: [(axis: Int, sourceAxis: Int, indices: NDArray)]
    /// Only integers, no `...`, no new axis, no arrays: the result is a NumPy scalar.
    var selectsElement: Bool
}

extension NDArray {
    /// `a[items]`: a view for basic indexing, a copy for masks and index arrays. `isScalar` is true when
    /// integers picked a single element (NumPy then returns a scalar, not a 0-d array).
    public func subscripted(_ items: [IndexItem]) throws -> (array: NDArray, isScalar: Bool) {
        if let offsets = fullMaskOffsets(items) { return (gatherElements(offsets, shape: [offsets.count]), false) }
        let resolved = try resolve(items)
        if resolved.advanced.isEmpty { return (resolved.view, resolved.selectsElement && resolved.view.ndim == 0) }
        let plan = try AdvancedPlan(resolved)
        if plan.restLayout.rank == 0 { return (gatherElements(plan.offsets, shape: plan.gatherShape), false) }
        var out = NDArray(zeros: plan.gatherShape, dtype: dtype)
        let restLayout = plan.restLayout, restCount = restLayout.count
        for (b, offset) in plan.offsets.enumerated() {
            let source = NDArray(storage: storage, layout: StridedLayout(shape: restLayout.shape, strides: restLayout.strides, offset: offset))
            out.storeContents(of: source, at: .contiguous(restLayout.shape, offset: b * restCount))
        }
        if let permutation = plan.resultPermutation { out = out.transposed(permutation).copy() }
        return (out, false)
    }

    /// `a[items] = value`, writing through views, masks and index arrays alike; `value` broadcasts to the
    /// indexed shape and is converted to this array's dtype.
    public func assign(_ items: [IndexItem], _ value: NDArray) throws {
        let source = value.sharesMemory(with: self) ? value.copy() : value
        if let offsets = fullMaskOffsets(items) {
            // NumPy's own rules for `x[mask] = value` with a mask of x's shape.
            guard source.ndim <= 1 else {
                throw ArrayError(.type, "NumPy boolean array indexing assignment requires a 0 or 1-dimensional input, input has \(source.ndim) dimensions")
            }
            guard source.size == 1 || source.size == offsets.count else {
                throw ArrayError(.value, "NumPy boolean array indexing assignment cannot assign \(source.size) input values to the \(offsets.count) output values where the mask is true")
            }
            scatterElements(offsets, NDArray(storage: source.storage, layout: source.layout.broadcast(to: [offsets.count])!))
            return
        }
        let resolved = try resolve(items)
        if resolved.advanced.isEmpty {
            guard let layout = source.layout.broadcast(to: resolved.view.shape) else {
                throw ArrayError(.value, "could not broadcast input array from shape \(compactShape(source.shape)) into shape \(compactShape(resolved.view.shape))")
            }
            resolved.view.storeContents(of: NDArray(storage: source.storage, layout: layout), at: resolved.view.layout)
            return
        }
        let plan = try AdvancedPlan(resolved)
        guard var layout = source.layout.broadcast(to: plan.resultShape) else {
            throw ArrayError(.value, "shape mismatch: value array of shape \(compactShape(source.shape)) could not be broadcast to indexing result of shape \(compactShape(plan.resultShape))")
        }
        if let permutation = plan.resultPermutation {
            var inverse = [Int](repeating: 0, count: permutation.count)
            for (i, p) in permutation.enumerated() { inverse[p] = i }
            layout = layout.permuted(inverse)
        }
        if plan.restLayout.rank == 0 {
            scatterElements(plan.offsets, NDArray(storage: source.storage, layout: layout))
            return
        }
        let restLayout = plan.restLayout
        let batchRank = plan.batchShape.count
        let batchStrides = Array(layout.strides.prefix(batchRank)), restStrides = Array(layout.strides.dropFirst(batchRank))
        let batchIndex = StridedLayout(shape: plan.batchShape, strides: batchStrides, offset: layout.offset)
        for (b, sourceOffset) in offsets(of: batchIndex).enumerated() {
            let piece = NDArray(storage: source.storage, layout: StridedLayout(shape: restLayout.shape, strides: restStrides, offset: sourceOffset))
            storeContents(of: piece, at: StridedLayout(shape: restLayout.shape, strides: restLayout.strides, offset: plan.offsets[b]))
        }
    }

    /// For a subscript that is one boolean mask of this array's shape (`x[x > 0]`), the storage offsets
    /// of the selected elements in row-major order; nil for any other subscript.
    func fullMaskOffsets(_ items: [IndexItem]) -> [Int]? {
        guard items.count == 1, case .array(let mask) = items[0], mask.dtype == .bool, mask.ndim > 0, mask.shape == shape else { return nil }
        let flags = mask.values(as: Bool.self)
        var selected: [Int] = []
        var position = 0
        let walk = StridedWalk(shape: shape, strides: [strides])
        let n = walk.rowLength, stride = walk.rowStride(0)
        walk.forEachRow(offsets: [layout.offset]) { starts in
            for i in 0..<n where flags[position + i] { selected.append(starts[0] + i * stride) }
            position += n
        }
        return selected
    }

    /// The elements at storage `offsets`, as a new array of `shape` (masks and index arrays that pick
    /// single elements).
    func gatherElements(_ offsets: [Int], shape: [Int]) -> NDArray {
        func run<T: ArrayElement>(_ type: T.Type) -> NDArray {
            NDArray(shape: shape, values: T.reading(storage) { src in offsets.map { src[$0] } })
        }
        return run(dtype.elementType)
    }

    /// Writes the elements of `source` (in row-major order, converted) to storage `offsets`.
    func scatterElements(_ offsets: [Int], _ source: NDArray) {
        func run<T: ArrayElement>(_ type: T.Type) {
            let values = source.values(as: T.self)
            T.writing(storage) { dst in for (i, offset) in offsets.enumerated() { dst[offset] = values[i] } }
        }
        run(dtype.elementType)
    }

    /// Writes `source` (already of `layout`'s shape, any dtype) into this array's storage at `layout`.
    func storeContents(of source: NDArray, at layout: StridedLayout) {
        store(dtype.elementType, source, layout)
    }

    private func store<D: ArrayElement>(_ target: D.Type, _ source: NDArray, _ layout: StridedLayout) {
        func run<S: ArrayElement>(_ s: S.Type) {
            S.reading(source.storage) { src in
                D.writing(storage) { dst in
                    if S.self == D.self {
                        StridedKernels.copy(UnsafeRawPointer(src).assumingMemoryBound(to: D.self), source.layout, into: dst, layout)
                    } else {
                        StridedKernels.copy(src, source.layout, into: dst, layout) { $0.converted(to: D.self) }
                    }
                }
            }
        }
        run(source.dtype.elementType)
    }

    /// The storage offsets of every element of `layout`, in row-major order.
    func offsets(of layout: StridedLayout) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(layout.count)
        let walk = StridedWalk(shape: layout.shape, strides: [layout.strides])
        let n = walk.rowLength, stride = walk.rowStride(0)
        walk.forEachRow(offsets: [layout.offset]) { starts in
            for i in 0..<n { result.append(starts[0] + i * stride) }
        }
        return result
    }

    /// Applies the basic part of a subscript and collects its advanced part.
    func resolve(_ rawItems: [IndexItem]) throws -> ResolvedIndex {
        var items = try expandMasks(rawItems)
        // Beside an index array, integers are index arrays too (0-d): NumPy places the result's axes by
        // where all of them stand (`x[1, :, [0, 2]]` puts the indexed axis first).
        if items.contains(where: { if case .array = $0 { return true }; return false }) {
            items = items.map { if case .integer(let i) = $0 { return .array(NDArray(.int(i))) }; return $0 }
        }
        var shape: [Int] = [], strides: [Int] = [], offset = layout.offset, axis = 0
        var advanced: [(axis: Int, sourceAxis: Int, indices: NDArray)] = []
        var selectsElement = true
        for item in items {
            switch item {
            case .integer(let i):
                let n = layout.shape[axis]
                let position = i < 0 ? i + n : i
                guard position >= 0 && position < n else { throw ArrayError(.index, "index \(i) is out of bounds for axis \(axis) with size \(n)") }
                offset += position * layout.strides[axis]
                axis += 1
            case .slice(let start, let stop, let step):
                let (first, count, by) = try sliceBounds(start, stop, step, length: layout.shape[axis])
                offset += first * layout.strides[axis]
                shape.append(count)
                strides.append(layout.strides[axis] * by)
                axis += 1
                selectsElement = false
            case .newAxis:
                shape.append(1)
                strides.append(0)
                selectsElement = false
            case .ellipsis:
                let consumed = items.reduce(0) { $0 + $1.consumedAxes }
                for _ in 0..<(ndim - consumed) {
                    shape.append(layout.shape[axis])
                    strides.append(layout.strides[axis])
                    axis += 1
                }
                selectsElement = false
            case .array(let indices):
                advanced.append((shape.count, axis, indices))
                shape.append(layout.shape[axis])
                strides.append(layout.strides[axis])
                axis += 1
                selectsElement = false
            }
        }
        shape += layout.shape[axis...]
        strides += layout.strides[axis...]
        let view = NDArray(storage: storage, layout: StridedLayout(shape: shape, strides: strides, offset: offset))
        return ResolvedIndex(view: view, advanced: advanced, selectsElement: selectsElement)
    }

    /// Checks the number of indexed axes and turns boolean masks into integer index arrays (one per
    /// axis the mask covers, as `mask.nonzero()` gives them).
    private func expandMasks(_ items: [IndexItem]) throws -> [IndexItem] {
        let ellipses = items.filter { if case .ellipsis = $0 { return true }; return false }.count
        guard ellipses <= 1 else { throw ArrayError(.index, "an index can only have a single ellipsis ('...')") }
        let consumed = items.reduce(0) { $0 + $1.consumedAxes }
        guard consumed <= ndim else {
            throw ArrayError(.index, "too many indices for array: array is \(ndim)-dimensional, but \(consumed) were indexed")
        }
        var result: [IndexItem] = []
        var axis = 0
        for item in items {
            guard case .array(let mask) = item, mask.dtype == .bool else {
                if case .ellipsis = item { axis += ndim - consumed } else { axis += item.consumedAxes }
                result.append(item)
                continue
            }
            guard mask.ndim > 0 else { throw ArrayError(.notSupported, "a boolean scalar as an index is not supported in tl") }
            for (k, size) in mask.shape.enumerated() where size != layout.shape[axis + k] {
                throw ArrayError(.index, "boolean index did not match indexed array along axis \(axis + k); size of axis is \(layout.shape[axis + k]) but size of corresponding boolean axis is \(size)")
            }
            let flags = mask.values(as: Bool.self)
            let strides = StridedLayout.rowMajorStrides(mask.shape)
            var coordinates = [[Int64]](repeating: [], count: mask.ndim)
            for (flat, flag) in flags.enumerated() where flag {
                for k in 0..<mask.ndim { coordinates[k].append(Int64(flat / strides[k] % mask.shape[k])) }
            }
            for column in coordinates { result.append(.array(NDArray(shape: [column.count], values: column))) }
            axis += mask.ndim
        }
        return result
    }
}

extension IndexItem {
    /// How many axes of the indexed array this entry uses up.
    var consumedAxes: Int {
        switch self {
        case .integer, .slice: return 1
        case .ellipsis, .newAxis: return 0
        case .array(let a): return a.dtype == .bool ? max(a.ndim, 1) : 1
        }
    }
}

/// Python's `slice.indices`: the first position, the element count and the step over `length` items.
func sliceBounds(_ start: Int?, _ stop: Int?, _ step: Int?, length n: Int) throws -> (first: Int, count: Int, step: Int) {
    let step = step ?? 1
    guard step != 0 else { throw ArrayError(.value, "slice step cannot be zero") }
    let lower = step > 0 ? 0 : -1, upper = step > 0 ? n : n - 1
    func clamp(_ value: Int?, _ omitted: Int) -> Int {
        guard let value else { return omitted }
        return value < 0 ? max(value + n, lower) : min(value, upper)
    }
    let first = clamp(start, step > 0 ? lower : upper)
    let end = clamp(stop, step > 0 ? upper : lower)
    let count = step > 0 ? max(0, (end - first + step - 1) / step) : max(0, (first - end - step - 1) / -step)
    return (first, count, step)
}

/// How the integer index arrays of a subscript gather: the broadcast index shape, each picked
/// element's storage offset, and where NumPy puts the indexed axes in the result.
struct AdvancedPlan {
    var batchShape: [Int]
    /// The view's axes not indexed by arrays, as a layout without offset.
    var restLayout: StridedLayout
    /// Storage offset of each index combination, in row-major order of `batchShape`.
    var offsets: [Int]
    /// Batch axes first, then the rest: the order elements are gathered in.
    var gatherShape: [Int] { batchShape + restLayout.shape }
    /// The result's shape in NumPy's order.
    var resultShape: [Int]
    /// When the indexed axes are adjacent and not first, NumPy keeps them in place: the permutation
    /// from the gather order to the result order; nil when the orders agree.
    var resultPermutation: [Int]?

    init(_ resolved: ResolvedIndex) throws {
        let view = resolved.view
        let arrays = resolved.advanced
        var shape: [Int] = []
        for entry in arrays {
            guard entry.indices.dtype.isInteger || entry.indices.dtype == .bool else {
                throw ArrayError(.index, "arrays used as indices must be of integer (or boolean) type")
            }
            guard let next = StridedLayout.broadcastShape(shape, entry.indices.shape) else {
                throw ArrayError(.index, "shape mismatch: indexing arrays could not be broadcast together with shapes " + arrays.map { compactShape($0.indices.shape) }.joined(separator: " ") + " ")
            }
            shape = next
        }
        batchShape = shape
        let indexedAxes = Set(arrays.map(\.axis))
        let restAxes = view.shape.indices.filter { !indexedAxes.contains($0) }
        restLayout = StridedLayout(shape: restAxes.map { view.shape[$0] }, strides: restAxes.map { view.strides[$0] }, offset: 0)
        let count = shape.reduce(1, *)
        var offsets = [Int](repeating: view.layout.offset, count: count)
        for entry in arrays {
            let size = view.shape[entry.axis], stride = view.strides[entry.axis]
            let values = entry.indices.layout.broadcast(to: shape).map { NDArray(storage: entry.indices.storage, layout: $0).values(as: Int64.self) } ?? []
            for (b, raw) in values.enumerated() {
                let i = Int(raw)
                let position = i < 0 ? i + size : i
                guard position >= 0 && position < size else { throw ArrayError(.index, "index \(i) is out of bounds for axis \(entry.sourceAxis) with size \(size)") }
                offsets[b] += position * stride
            }
        }
        self.offsets = offsets
        let axes = arrays.map(\.axis).sorted()
        let adjacent = zip(axes, axes.dropFirst()).allSatisfy { $1 == $0 + 1 }
        if adjacent, let first = axes.first, first > 0 {
            let batch = Array(0..<shape.count), rest = Array(shape.count..<(shape.count + restAxes.count))
            resultPermutation = Array(rest.prefix(first)) + batch + Array(rest.dropFirst(first))
        } else {
            resultPermutation = nil
        }
        let gather = shape + restLayout.shape
        resultShape = resultPermutation.map { $0.map { gather[$0] } } ?? gather
    }
}
