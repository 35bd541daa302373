/// Element-wise operations and reductions over strided views, generic over the element type so one
/// set of loops serves float32 tensors and the other dtypes of NumPy-like arrays.
///
/// Every view is a base pointer plus a ``StridedLayout``; results are written through a layout too, so
/// the same loop copies into a slice (`features[i*b:(i+1)*b] = batch`), a transposed view or a fresh
/// contiguous buffer.
public enum StridedKernels {
    /// `dst[i] = transform(src[i])` for every index of `dst`'s shape; `src` has that shape too (broadcast
    /// it with ``StridedLayout/broadcast(to:)`` first).
    @inlinable
    public static func map<A, R>(_ src: UnsafePointer<A>, _ a: StridedLayout,
                                 into dst: UnsafeMutablePointer<R>, _ d: StridedLayout, _ transform: (A) -> R) {
        precondition(a.shape == d.shape, "map: shapes \(a.shape) and \(d.shape) differ")
        let walk = StridedWalk(shape: d.shape, strides: [a.strides, d.strides])
        let n = walk.rowLength, sa = walk.rowStride(0), sd = walk.rowStride(1)
        walk.forEachRow(offsets: [a.offset, d.offset]) { starts in
            let p = src + starts[0], q = dst + starts[1]
            if sa == 1 && sd == 1 {
                for i in 0..<n { q[i] = transform(p[i]) }
            } else {
                for i in 0..<n { q[i * sd] = transform(p[i * sa]) }
            }
        }
    }

    /// `dst[i] = combine(x[i], y[i])` for every index of `dst`'s shape (operands already broadcast).
    @inlinable
    public static func zip<A, B, R>(_ x: UnsafePointer<A>, _ a: StridedLayout, _ y: UnsafePointer<B>, _ b: StridedLayout,
                                    into dst: UnsafeMutablePointer<R>, _ d: StridedLayout, _ combine: (A, B) -> R) {
        precondition(a.shape == d.shape && b.shape == d.shape, "zip: shapes \(a.shape), \(b.shape), \(d.shape) differ")
        let walk = StridedWalk(shape: d.shape, strides: [a.strides, b.strides, d.strides])
        let n = walk.rowLength, sa = walk.rowStride(0), sb = walk.rowStride(1), sd = walk.rowStride(2)
        walk.forEachRow(offsets: [a.offset, b.offset, d.offset]) { starts in
            let p = x + starts[0], q = y + starts[1], r = dst + starts[2]
            if sa == 1 && sb == 1 && sd == 1 {
                for i in 0..<n { r[i] = combine(p[i], q[i]) }
            } else {
                for i in 0..<n { r[i * sd] = combine(p[i * sa], q[i * sb]) }
            }
        }
    }

    /// Copies a view into another of the same shape, converting each element.
    @inlinable
    public static func copy<A, R>(_ src: UnsafePointer<A>, _ a: StridedLayout,
                                  into dst: UnsafeMutablePointer<R>, _ d: StridedLayout, converting convert: (A) -> R) {
        map(src, a, into: dst, d, convert)
    }

    /// Copies a view into another of the same shape and element type (rows of stride 1 by memcpy).
    @inlinable
    public static func copy<T>(_ src: UnsafePointer<T>, _ a: StridedLayout, into dst: UnsafeMutablePointer<T>, _ d: StridedLayout) {
        precondition(a.shape == d.shape, "copy: shapes \(a.shape) and \(d.shape) differ")
        let walk = StridedWalk(shape: d.shape, strides: [a.strides, d.strides])
        let n = walk.rowLength, sa = walk.rowStride(0), sd = walk.rowStride(1)
        walk.forEachRow(offsets: [a.offset, d.offset]) { starts in
            if sa == 1 && sd == 1 {
                (dst + starts[1]).update(from: src + starts[0], count: n)
            } else {
                let p = src + starts[0], q = dst + starts[1]
                for i in 0..<n { q[i * sd] = p[i * sa] }
            }
        }
    }

    /// Reduces `src` over `axes` into `dst`, a contiguous buffer of the kept axes' shape that holds the
    /// starting value (the identity, or what earlier passes accumulated).
    ///
    /// Axes are walked in the order of the source's strides, largest first, as NumPy's iterator does.
    /// When the innermost axis is reduced, each row is folded by `row(start, count, stride)` and then
    /// `combine`d into its output; otherwise rows of the output are updated element by element:
    /// `dst[j] = combine(dst[j], src[j])`. With NumPy's pairwise summation as `row`, sums round as
    /// NumPy's do.
    @inlinable
    public static func reduce<T>(_ src: UnsafePointer<T>, _ a: StridedLayout, axes: Set<Int>, into dst: UnsafeMutablePointer<T>,
                                 combine: (T, T) -> T, row: (UnsafePointer<T>, Int, Int) -> T) {
        let walk = reductionWalk(a, axes: axes)
        let n = walk.rowLength, sa = walk.rowStride(0), sd = walk.rowStride(1)
        walk.forEachRow(offsets: [a.offset, 0]) { starts in
            let p = src + starts[0], q = dst + starts[1]
            if sd == 0 {
                q[0] = combine(q[0], row(p, n, sa))
            } else if sa == 1 && sd == 1 {
                for i in 0..<n { q[i] = combine(q[i], p[i]) }
            } else {
                for i in 0..<n { q[i * sd] = combine(q[i * sd], p[i * sa]) }
            }
        }
    }

    /// ``reduce(_:_:axes:into:combine:row:)`` for sums of floats with NumPy's pairwise summation, the
    /// addition written out so that accumulating whole rows (`mean(axis=0)`) vectorises.
    @inlinable
    public static func sum<T: FloatingPoint>(_ src: UnsafePointer<T>, _ a: StridedLayout, axes: Set<Int>, into dst: UnsafeMutablePointer<T>) {
        let walk = reductionWalk(a, axes: axes)
        var inner = walk.shape.count
        while inner > 0 && walk.strides[1][inner - 1] == 0 { inner -= 1 }
        if walk.shape.count - inner >= 2 {
            bufferedSum(src, walk, innerAxesFrom: inner, sourceOffset: a.offset, into: dst)
            return
        }
        let n = walk.rowLength, sa = walk.rowStride(0), sd = walk.rowStride(1)
        walk.forEachRow(offsets: [a.offset, 0]) { starts in
            let p = src + starts[0], q = dst + starts[1]
            if sd == 0 {
                q[0] += pairwiseSum(p, n, sa)
            } else if sa == 1 && sd == 1 {
                for i in 0..<n { q[i] += p[i] }
            } else {
                for i in 0..<n { q[i * sd] += p[i * sa] }
            }
        }
    }

    /// The walk of a reduction: the axes in NumPy's iteration order for the source and the output
    /// (``StridedLayout/iterationOrder(_:)``), beside the output's strides (0 along reduced axes).
    @inlinable
    public static func reductionWalk(_ a: StridedLayout, axes: Set<Int>) -> StridedWalk {
        var outStrides = [Int](repeating: 0, count: a.rank)
        var step = 1
        for axis in a.shape.indices.reversed() where !axes.contains(axis) {
            outStrides[axis] = step
            step *= a.shape[axis]
        }
        let order = StridedLayout.iterationOrder([a, StridedLayout(shape: a.shape, strides: outStrides)])
        return StridedWalk(shape: order.map { a.shape[$0] }, strides: [order.map { a.strides[$0] }, order.map { outStrides[$0] }])
    }

    /// Sums whose reduced axes, innermost in the walk, do not form one strided run: NumPy's buffered
    /// iterator copies each output's block of terms in iteration order into a buffer (of at most 8192)
    /// and sums it pairwise, so this does the same.
    @inlinable
    public static func bufferedSum<T: FloatingPoint>(_ src: UnsafePointer<T>, _ walk: StridedWalk, innerAxesFrom inner: Int,
                                              sourceOffset: Int, into dst: UnsafeMutablePointer<T>) {
        let blockWalk = StridedWalk(shape: Array(walk.shape[inner...]), strides: [Array(walk.strides[0][inner...])])
        let block = walk.shape[inner...].reduce(1, *)
        let buffer = UnsafeMutablePointer<T>.allocate(capacity: max(block, 1))
        defer { buffer.deallocate() }
        let outer = StridedWalk(shape: Array(walk.shape[..<inner]), strides: [Array(walk.strides[0][..<inner]), Array(walk.strides[1][..<inner])])
        let n = outer.rowLength, sa = outer.rowStride(0), sd = outer.rowStride(1)
        let bn = blockWalk.rowLength, bs = blockWalk.rowStride(0)
        outer.forEachRow(offsets: [sourceOffset, 0]) { starts in
            for i in 0..<n {
                var filled = 0
                blockWalk.forEachRow(offsets: [starts[0] + i * sa]) { rowStart in
                    for t in 0..<bn { buffer[filled + t] = src[rowStart[0] + t * bs] }
                    filled += bn
                }
                var start = 0
                while start < block {
                    dst[starts[1] + i * sd] += pairwiseSum(buffer + start, min(bufferSize, block - start), 1)
                    start += bufferSize
                }
            }
        }
    }

    /// Elements NumPy's iterator buffers at a time.
    public static let bufferSize = 8192

    /// NumPy's pairwise summation of `count` elements `stride` apart: eight running sums over blocks of
    /// at most 128 elements, halves summed recursively above that, so rounding error grows as
    /// O(log n) rather than O(n), and results agree with NumPy's bit for bit.
    @inlinable
    public static func pairwiseSum<T: FloatingPoint>(_ p: UnsafePointer<T>, _ count: Int, _ stride: Int) -> T {
        if count < 8 {
            var sum: T = 0
            for i in 0..<count { sum += p[i * stride] }
            return sum
        }
        if count <= 128 {
            var r0 = p[0], r1 = p[stride], r2 = p[2 * stride], r3 = p[3 * stride]
            var r4 = p[4 * stride], r5 = p[5 * stride], r6 = p[6 * stride], r7 = p[7 * stride]
            var i = 8
            while i < count - count % 8 {
                let q = p + i * stride
                r0 += q[0]; r1 += q[stride]; r2 += q[2 * stride]; r3 += q[3 * stride]
                r4 += q[4 * stride]; r5 += q[5 * stride]; r6 += q[6 * stride]; r7 += q[7 * stride]
                i += 8
            }
            var sum = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < count { sum += p[i * stride]; i += 1 }
            return sum
        }
        var half = count / 2
        half -= half % 8
        return pairwiseSum(p, half, stride) + pairwiseSum(p + half * stride, count - half, stride)
    }

    /// A plain left-to-right fold of a row, for integer sums, products, minima and maxima.
    @inlinable
    public static func sequentialFold<T>(_ p: UnsafePointer<T>, _ count: Int, _ stride: Int, from initial: T, _ combine: (T, T) -> T) -> T {
        var acc = initial
        for i in 0..<count { acc = combine(acc, p[i * stride]) }
        return acc
    }
}
