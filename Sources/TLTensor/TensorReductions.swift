/// Sums and means over any axes, as NumPy's `sum(axis=, keepdims=)` and `mean(axis=, keepdims=)` compute
/// them (``StridedKernels/sum(_:_:axes:into:)``: a reduced innermost run is summed pairwise, kept axes
/// accumulate row by row), so results agree with NumPy's bit for bit.
extension Tensor {
    /// `s[j] = sum_{i in the reduced axes} x[i, j]`: the reduced axes (negative ones counting from the
    /// end) dropped, or kept with size 1 when `keepingDimensions`. No axes given: every axis.
    public func sum(alongAxes axes: [Int] = [], keepingDimensions: Bool = false) -> Tensor {
        let reduced = reducedAxes(axes)
        var result = Tensor(shape: shape.indices.filter { !reduced.contains($0) }.map { shape[$0] })
        result.addSum(of: self, reducing: reduced)
        return keepingDimensions ? result.withReducedAxesKept(reduced, of: shape) : result
    }

    /// `m[j] = (sum_i x[i, j]) / n` over the `n` elements of the reduced axes (NumPy's `mean`, which
    /// divides the sum).
    public func mean(alongAxes axes: [Int] = [], keepingDimensions: Bool = false) -> Tensor {
        let reduced = reducedAxes(axes)
        let terms = reduced.reduce(1) { $0 * shape[$1] }
        return sum(alongAxes: axes, keepingDimensions: keepingDimensions) / Float(terms)
    }

    /// `self[j] += sum_i x[i, j]` over `axes` of `x`, whose other axes have this tensor's shape, summed into
    /// these values as they stand: where the last axis is kept (a bias gradient summed over a batch of
    /// rows), `self[j] = ((self[j] + x[0, j]) + x[1, j]) + ...`, the rounding of a plain loop that
    /// accumulates gradients.
    public mutating func addSum(of x: Tensor, alongAxes axes: [Int]) {
        let reduced = x.reducedAxes(axes)
        precondition(shape == x.shape.indices.filter { !reduced.contains($0) }.map { x.shape[$0] },
                     "cannot add the sum of \(x.shape) over axes \(axes) into shape \(shape)")
        guard reduced == Set(0..<reduced.count), count > 0 else {
            addSum(of: x, reducing: reduced)
            return
        }
        // Leading axes: the rows of x added in turn, eight lanes at a time (a kept axis of size 1 too).
        let rows = x.count / count, width = count
        scalars.withUnsafeMutableBufferPointer { target in
            x.scalars.withUnsafeBufferPointer { source in
                for row in 0..<rows { addRun(target.baseAddress!, source.baseAddress! + row * width, width) }
            }
        }
    }

    private mutating func addSum(of x: Tensor, reducing axes: Set<Int>) {
        guard count > 0, x.count > 0 else { return }
        scalars.withUnsafeMutableBufferPointer { target in
            x.scalars.withUnsafeBufferPointer { source in
                StridedKernels.sum(source.baseAddress!, .contiguous(x.shape), axes: axes, into: target.baseAddress!)
            }
        }
    }

    /// The axes named (all when none is), counted from 0.
    private func reducedAxes(_ axes: [Int]) -> Set<Int> {
        axes.isEmpty ? Set(shape.indices) : Set(axes.map { normalizedAxis($0, rank: rank) })
    }

    /// This reduction's values with size-1 axes where `original` had the reduced ones.
    private func withReducedAxesKept(_ axes: Set<Int>, of original: [Int]) -> Tensor {
        Tensor(shape: original.indices.map { axes.contains($0) ? 1 : original[$0] }, scalars: scalars)
    }
}

extension Tensor {
    /// `sum x^2` over the elements (the squared Frobenius norm), summed in float 16 lanes at a time: infinite
    /// or NaN when an element is, or when the sum overflows. Each of the non-negative terms is added with a
    /// relative rounding error of at most `2^-24`, so the result is below the exact sum by at most a factor
    /// `1 - count 2^-28` (each lane adds `count / 16` terms).
    public var sumOfSquares: Float {
        scalars.withUnsafeBufferPointer { buffer -> Float in
            guard let base = buffer.baseAddress else { return 0 }
            let raw = UnsafeRawPointer(base)
            var lanes = SIMD16<Float>(repeating: 0)
            var index = 0
            while index + 16 <= buffer.count {
                let x = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
                lanes += x * x
                index += 16
            }
            var tail: Float = 0
            while index < buffer.count { tail += buffer[index] * buffer[index]; index += 1 }
            return lanes.sum() + tail
        }
    }

    /// Whether every element is finite (no NaN, no infinity): `sum(x * 0) == 0`, since `inf * 0` and
    /// `NaN * 0` are NaN. One pass, 16 lanes at a time (the training step checks every gradient with it).
    public var allFinite: Bool {
        scalars.withUnsafeBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }
            let raw = UnsafeRawPointer(base)
            var lanes = SIMD16<Float>(repeating: 0)
            var index = 0
            while index + 16 <= buffer.count {
                lanes += raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self) * 0
                index += 16
            }
            var tail: Float = 0
            while index < buffer.count { tail += buffer[index] * 0; index += 1 }
            return lanes == SIMD16(repeating: 0) && tail == 0
        }
    }
}
