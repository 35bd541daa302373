/// Where the elements of an n-dimensional view live in a flat buffer: element (i0, ..., ik) is at
/// `offset + i0 * strides[0] + ... + ik * strides[k]`. Strides count elements; a stride of 0 repeats
/// one element along an axis (broadcasting), a negative one walks backwards (`a[::-1]`).
public struct StridedLayout: Equatable, Sendable {
    public var shape: [Int]
    public var strides: [Int]
    public var offset: Int

    public init(shape: [Int], strides: [Int], offset: Int = 0) {
        precondition(shape.count == strides.count, "shape \(shape) and strides \(strides) differ in rank")
        self.shape = shape
        self.strides = strides
        self.offset = offset
    }

    /// Row-major (C order) strides: the last axis moves fastest.
    public static func rowMajorStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in shape.indices.reversed() {
            strides[axis] = step
            step *= max(shape[axis], 1)
        }
        return strides
    }

    /// A gapless row-major layout of `shape` starting at `offset`.
    public static func contiguous(_ shape: [Int], offset: Int = 0) -> StridedLayout {
        StridedLayout(shape: shape, strides: rowMajorStrides(shape), offset: offset)
    }

    /// The order in which NumPy's iterator walks views of one shape together (outermost axis first),
    /// which is also the memory order ("K") of results it allocates: a stable insertion sort of the axes
    /// by stride, an axis moving outward only when every view with nonzero strides on both axes agrees,
    /// C order winning conflicts (`npyiter_find_best_axis_ordering`).
    public static func iterationOrder(_ views: [StridedLayout]) -> [Int] {
        guard let rank = views.first?.rank, rank > 1 else { return Array(0..<(views.first?.rank ?? 0)) }
        var order = Array((0..<rank).reversed())   // innermost first, as NumPy sorts
        for i0 in 1..<rank {
            let j0 = order[i0]
            var insertion = i0
            var i1 = i0 - 1
            while i1 >= 0 {
                let j1 = order[i1]
                var ambiguous = true, shouldSwap = false
                for view in views where view.strides[j0] != 0 && view.strides[j1] != 0 {
                    if abs(view.strides[j1]) <= abs(view.strides[j0]) { shouldSwap = false } else if ambiguous { shouldSwap = true }
                    ambiguous = false
                }
                if !ambiguous {
                    if shouldSwap { insertion = i1 } else { break }
                }
                i1 -= 1
            }
            if insertion != i0 { order.insert(order.remove(at: i0), at: insertion) }
        }
        return order.reversed()
    }

    /// A gapless layout of `shape` whose axes lie in memory in the order `order` (outermost first), as
    /// NumPy allocates results in "K" order: `contiguous(shape, order: iterationOrder([view]))`.
    public static func contiguous(_ shape: [Int], order: [Int]) -> StridedLayout {
        let packed = rowMajorStrides(order.map { shape[$0] })
        var strides = [Int](repeating: 0, count: shape.count)
        for (position, axis) in order.enumerated() { strides[axis] = packed[position] }
        return StridedLayout(shape: shape, strides: strides, offset: 0)
    }

    /// The number of elements (the product of the shape; 1 for a 0-d view).
    public var count: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }

    /// Whether the elements are stored gaplessly in row-major order (size-1 axes may have any stride).
    public var isContiguous: Bool {
        var expected = 1
        for axis in shape.indices.reversed() where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// This layout seen with the shape `target` (NumPy broadcasting): missing leading axes and axes of
    /// size 1 get stride 0. Nil when the shapes are incompatible.
    public func broadcast(to target: [Int]) -> StridedLayout? {
        guard target.count >= shape.count else { return nil }
        let lead = target.count - shape.count
        var newStrides = [Int](repeating: 0, count: target.count)
        for axis in shape.indices {
            if shape[axis] == target[lead + axis] {
                newStrides[lead + axis] = shape[axis] == 1 ? 0 : strides[axis]
            } else if shape[axis] != 1 {
                return nil
            }
        }
        return StridedLayout(shape: target, strides: newStrides, offset: offset)
    }

    /// The axes reordered: axis `i` of the result is axis `permutation[i]` of this layout.
    public func permuted(_ permutation: [Int]) -> StridedLayout {
        StridedLayout(shape: permutation.map { shape[$0] }, strides: permutation.map { strides[$0] }, offset: offset)
    }

    /// The shape two shapes broadcast to, or nil when an axis differs and neither is 1.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if x == y || y == 1 { result[i] = x } else if x == 1 { result[i] = y } else { return nil }
        }
        return result
    }
}

/// Walks several views of one shape together, row by row along the innermost axis.
///
/// Axes that every view can walk as one (for each view, `stride[i] == stride[i+1] * shape[i+1]`) are
/// merged first and axes of size 1 dropped, so a contiguous operation becomes one long row.
public struct StridedWalk {
    /// The merged shape; never empty (a 0-d walk is one row of one element).
    public let shape: [Int]
    /// The merged strides of each view.
    public let strides: [[Int]]

    public init(shape: [Int], strides: [[Int]]) {
        var dims: [Int] = []
        var merged: [[Int]] = strides.map { _ in [] }
        for axis in shape.indices where shape[axis] != 1 {
            if let last = dims.last,
               strides.indices.allSatisfy({ merged[$0].last! == strides[$0][axis] * shape[axis] }) {
                dims[dims.count - 1] = last * shape[axis]
                for v in strides.indices { merged[v][merged[v].count - 1] = strides[v][axis] }
                continue
            }
            dims.append(shape[axis])
            for v in strides.indices { merged[v].append(strides[v][axis]) }
        }
        if shape.contains(0) { dims = [0]; merged = strides.map { _ in [0] } }
        if dims.isEmpty { dims = [1]; merged = strides.map { _ in [0] } }
        self.shape = dims
        self.strides = merged
    }

    /// Elements of one row (the merged innermost axis).
    public var rowLength: Int { shape[shape.count - 1] }
    /// Each view's stride along a row.
    public func rowStride(_ view: Int) -> Int { strides[view][strides[view].count - 1] }

    /// Calls `row(starts)` with each view's offset of the first element of every row, in row-major order.
    @inlinable
    public func forEachRow(offsets: [Int], _ row: ([Int]) -> Void) {
        let outer = shape.count - 1
        guard !shape.contains(0) else { return }
        var index = [Int](repeating: 0, count: outer)
        var starts = offsets
        while true {
            row(starts)
            var axis = outer - 1
            while axis >= 0 {
                index[axis] += 1
                for v in starts.indices { starts[v] += strides[v][axis] }
                if index[axis] < shape[axis] { break }
                for v in starts.indices { starts[v] -= strides[v][axis] * shape[axis] }
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }
}
