import Foundation
import TLTensor

/// The reductions of NumPy's `sum`, `mean`, `var`, `std`, `min`, `max`, `argmin`, `argmax`.
public enum Reduction: String, Sendable {
    case sum, product = "prod", mean, variance = "var", standardDeviation = "std", min, max, argmin, argmax
}

extension NDArray {
    /// The axes a reduction runs over: all of them for nil, else each normalised; repeated axes are an error.
    public func reductionAxes(_ axes: [Int]?) throws -> Set<Int> {
        guard let axes else { return Set(0..<ndim) }
        let normalized = try axes.map { try NDArray.normalizedAxis($0, rank: ndim) }
        guard Set(normalized).count == normalized.count else { throw ArrayError(.value, "duplicate value in 'axis'") }
        return Set(normalized)
    }

    /// Reduces over `axes` (nil: all). The result has the kept axes (and length-1 reduced ones with
    /// `keepdims`); a reduction over everything without `keepdims` is 0-d, which callers show as a
    /// NumPy scalar. Dtypes follow NumPy: sums of bools and ints are int64, means and variances of
    /// them float64, float32 stays float32.
    public func reduced(_ reduction: Reduction, axes: [Int]?, keepdims: Bool = false, ddof: Int = 0) throws -> NDArray {
        let set = try reductionAxes(axes)
        let result: NDArray
        switch reduction {
        case .sum: result = sum(over: set)
        case .product: result = product(over: set)
        case .mean: result = try mean(over: set)
        case .variance: result = try variance(over: set, ddof: ddof)
        case .standardDeviation: result = try variance(over: set, ddof: ddof).applying(.sqrt)
        case .min, .max: result = try extreme(over: set, largest: reduction == .max)
        case .argmin, .argmax:
            guard axes == nil || set.count == 1 else { throw ArrayError(.type, "'tuple' object cannot be interpreted as an integer") }
            result = try argExtreme(axis: axes == nil ? nil : set.first, largest: reduction == .argmax)
            if keepdims {
                return try result.reshaped(axes == nil ? [Int](repeating: 1, count: ndim) : shape.indices.map { set.contains($0) ? 1 : shape[$0] })
            }
            return result
        }
        guard keepdims else { return result }
        return try result.reshaped(shape.indices.map { set.contains($0) ? 1 : shape[$0] })
    }

    /// The number of elements each output of a reduction over `axes` combines.
    func reductionCount(_ axes: Set<Int>) -> Int { axes.reduce(1) { $0 * shape[$1] } }

    func keptShape(_ axes: Set<Int>) -> [Int] { shape.indices.filter { !axes.contains($0) }.map { shape[$0] } }

    /// Sums with NumPy's pairwise summation along the innermost axis; bools and ints sum as int64 (NumPy
    /// sums int32 as int64 too, and uint8 as uint64, which tl does not have).
    func sum(over axes: Set<Int>) -> NDArray {
        switch dtype {
        case .float32: return floatSum(Float.self, over: axes)
        case .float64: return floatSum(Double.self, over: axes)
        case .int64, .int32, .uint8, .bool:
            let ints = dtype == .int64 ? self : astype(.int64)
            return ints.folded(Int64.self, axes, initial: 0, combine: &+) { StridedKernels.sequentialFold($0, $1, $2, from: 0, &+) }
        }
    }

    /// Products in order along the reduced elements (NumPy multiplies sequentially: its pairwise scheme is
    /// for sums); bools and ints multiply as int64, wrapping as NumPy's do.
    func product(over axes: Set<Int>) -> NDArray {
        switch dtype {
        case .float32: return folded(Float.self, axes, initial: 1, combine: *) { StridedKernels.sequentialFold($0, $1, $2, from: 1, *) }
        case .float64: return folded(Double.self, axes, initial: 1, combine: *) { StridedKernels.sequentialFold($0, $1, $2, from: 1, *) }
        case .int64, .int32, .uint8, .bool:
            let ints = dtype == .int64 ? self : astype(.int64)
            return ints.folded(Int64.self, axes, initial: 1, combine: &*) { StridedKernels.sequentialFold($0, $1, $2, from: 1, &*) }
        }
    }

    private func floatSum<T: ArrayElement & FloatingPoint>(_ type: T.Type, over axes: Set<Int>) -> NDArray {
        let shape = keptShape(axes)
        var values = [T](repeating: 0, count: shape.reduce(1, *))
        if size > 0 {
            T.reading(storage) { src in
                values.withUnsafeMutableBufferPointer { dst in StridedKernels.sum(src, layout, axes: axes, into: dst.baseAddress!) }
            }
        }
        return NDArray(shape: shape, values: values)
    }

    func folded<T: ArrayElement>(_ type: T.Type, _ axes: Set<Int>, initial: T, combine: (T, T) -> T,
                                 row: (UnsafePointer<T>, Int, Int) -> T) -> NDArray {
        let shape = keptShape(axes)
        var values = [T](repeating: initial, count: shape.reduce(1, *))
        if size > 0 {
            T.reading(storage) { src in
                values.withUnsafeMutableBufferPointer { dst in
                    StridedKernels.reduce(src, layout, axes: axes, into: dst.baseAddress!, combine: combine, row: row)
                }
            }
        }
        return NDArray(shape: shape, values: values)
    }

    /// NumPy's `_mean`: the sum (in float64 for bools and ints), divided by the count in float64 and
    /// stored in the sum's dtype.
    func mean(over axes: Set<Int>) throws -> NDArray {
        let source = dtype.isFloatingPoint ? self : astype(.float64)
        return source.sum(over: axes).dividedInFloat64(by: reductionCount(axes))
    }

    /// Each element divided by `count` in float64, the result kept in this array's (float) dtype,
    /// as `true_divide(x, intp(count), out=x, casting='unsafe')` does.
    func dividedInFloat64(by count: Int) -> NDArray {
        let divisor = Double(count)
        switch dtype {
        case .float32: return NDArray(shape: shape, values: values(as: Float.self).map { Float(Double($0) / divisor) })
        default: return NDArray(shape: shape, values: values(as: Double.self).map { $0 / divisor })
        }
    }

    /// NumPy's `_var`: the mean kept as a broadcastable array, squared deviations summed, divided by
    /// `count - ddof`.
    func variance(over axes: Set<Int>, ddof: Int) throws -> NDArray {
        let source = dtype.isFloatingPoint ? self : astype(.float64)
        let count = reductionCount(axes)
        let mean = try source.sum(over: axes).dividedInFloat64(by: count).reshaped(shape.indices.map { axes.contains($0) ? 1 : shape[$0] })
        let deviation = try NDArray.binary(.subtract, .array(source), .array(mean))
        let squared = try NDArray.binary(.multiply, .array(deviation), .array(deviation))
        return squared.sum(over: axes).dividedInFloat64(by: max(count - ddof, 0))
    }

    /// `max`/`min`: NaN wins, as in NumPy; an empty reduction is an error.
    func extreme(over axes: Set<Int>, largest: Bool) throws -> NDArray {
        guard size > 0 || reductionCount(axes) > 0 else {
            throw ArrayError(.value, "zero-size array to reduction operation \(largest ? "maximum" : "minimum") which has no identity")
        }
        switch dtype {
        case .float32:
            let pick: (Float, Float) -> Float = largest ? nanMaximum : nanMinimum
            return folded(Float.self, axes, initial: largest ? -.infinity : .infinity, combine: pick) { StridedKernels.sequentialFold($0, $1, $2, from: largest ? -.infinity : .infinity, pick) }
        case .float64:
            let pick: (Double, Double) -> Double = largest ? nanMaximum : nanMinimum
            return folded(Double.self, axes, initial: largest ? -.infinity : .infinity, combine: pick) { StridedKernels.sequentialFold($0, $1, $2, from: largest ? -.infinity : .infinity, pick) }
        case .uint8, .int32, .int64:
            func run<T: IntegerElement>(_ type: T.Type) -> NDArray {
                let pick: (T, T) -> T = largest ? { Swift.max($0, $1) } : { Swift.min($0, $1) }
                return folded(T.self, axes, initial: largest ? .min : .max, combine: pick) { StridedKernels.sequentialFold($0, $1, $2, from: largest ? .min : .max, pick) }
            }
            return run(dtype.integerType!)
        case .bool:
            let pick: (Bool, Bool) -> Bool = largest ? { $0 || $1 } : { $0 && $1 }
            return folded(Bool.self, axes, initial: !largest, combine: pick) { StridedKernels.sequentialFold($0, $1, $2, from: !largest, pick) }
        }
    }

    /// The position of the first largest (smallest) element along `axis`, or in the flattened array;
    /// a NaN counts as the extreme, as in NumPy.
    func argExtreme(axis: Int?, largest: Bool) throws -> NDArray {
        let name = largest ? "argmax" : "argmin"
        let moved: NDArray
        if let axis {
            moved = transposed(shape.indices.filter { $0 != axis } + [axis]).copy()
        } else {
            moved = raveled()
        }
        let rowLength = moved.shape.last ?? 1
        guard rowLength > 0 else { throw ArrayError(.value, "attempt to get \(name) of an empty sequence") }
        let outShape = axis == nil ? [] : Array(moved.shape.dropLast())
        func scan<T: ArrayElement>(_ values: [T]) -> [Int64] {
            stride(from: 0, to: values.count, by: rowLength).map { start in
                var best = start
                for i in start..<(start + rowLength) {
                    let v = values[i], b = values[best]
                    if b != b { break }
                    if v != v || (largest ? v > b : v < b) { best = i }
                }
                return Int64(best - start)
            }
        }
        func scanned<T: ArrayElement>(_ type: T.Type) -> [Int64] { scan(moved.values(as: T.self)) }
        return NDArray(shape: outShape, values: scanned(dtype.elementType))
    }
}
