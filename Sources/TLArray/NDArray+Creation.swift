import Foundation
import TLTensor

/// A (nested) value an array is built from: `np.array([[1, 2], [3, 4.5]])`, `np.asarray(x)`.
public indirect enum NestedValue {
    case number(PythonNumber)
    /// An array or NumPy scalar (its dtype is strong).
    case array(NDArray)
    case sequence([NestedValue])
}

extension NDArray {
    /// Builds an array from nested sequences of numbers and arrays. The dtype is `dtype`, or the
    /// promotion of every leaf's (Python ints int64, floats float64, bools bool), as `np.array` does.
    public static func from(_ value: NestedValue, dtype: DType? = nil) throws -> NDArray {
        if case .array(let array) = value { return dtype.map { array.astype($0) } ?? array.copy() }
        let shape = try nestedShape(value)
        var leafType: DType?
        var leaves: [NDArray] = []
        leaves.reserveCapacity(shape.reduce(1, *))
        var overflow: ArrayError?   // NumPy 2 refuses `np.array([300], dtype=np.uint8)` rather than wrapping
        func collect(_ v: NestedValue) {
            switch v {
            case .number(let n):
                if overflow == nil, case .int(let i) = n { overflow = dtype?.overflow(holding: i) }
                leafType = leafType.map { DType.promote($0, DType.natural(for: n)) } ?? DType.natural(for: n)
                leaves.append(NDArray(n))
            case .array(let a):
                leafType = leafType.map { DType.promote($0, a.dtype) } ?? a.dtype
                leaves.append(a)
            case .sequence(let items): items.forEach(collect)
            }
        }
        collect(value)
        if let overflow { throw overflow }
        let out = NDArray(zeros: shape, dtype: dtype ?? leafType ?? .float64)
        var position = 0
        for leaf in leaves {
            let count = leaf.ndim == 0 ? 1 : leaf.size
            out.storeContents(of: leaf, at: .contiguous(leaf.shape, offset: position))
            position += count
        }
        return out
    }

    /// The shape of a nested value; ragged nesting is NumPy's "inhomogeneous shape" error.
    private static func nestedShape(_ value: NestedValue) throws -> [Int] {
        switch value {
        case .number: return []
        case .array(let a): return a.shape
        case .sequence(let items):
            let shapes = try items.map(nestedShape)
            guard let first = shapes.first else { return [0] }
            guard shapes.allSatisfy({ $0 == first }) else {
                var common = 0
                while shapes.allSatisfy({ $0.count > common && $0[common] == first[common] }) { common += 1 }
                let detected = [items.count] + first.prefix(common)
                throw ArrayError(.value, "setting an array element with a sequence. The requested array has an inhomogeneous shape after \(detected.count) dimensions. The detected shape was \(shapeDescription(detected)) + inhomogeneous part.")
            }
            return [items.count] + first
        }
    }

    /// An array of `shape` with every element `value` (converted to `dtype`).
    public static func full(_ shape: [Int], _ value: PythonNumber, dtype: DType) throws -> NDArray {
        let out = try NDArray.zeros(checking: shape, dtype: dtype)
        out.storeContents(of: NDArray(storage: NDArray(value).storage, layout: StridedLayout(shape: shape, strides: shape.map { _ in 0 })), at: out.layout)
        return out
    }

    /// `np.arange(start, stop, step)`: `ceil((stop - start) / step)` values `start + i * step`; int64 when
    /// all three are integers, else float64.
    public static func arange(_ start: PythonNumber, _ stop: PythonNumber, _ step: PythonNumber, dtype: DType? = nil) throws -> NDArray {
        guard step.doubleValue != 0 else { throw ArrayError(.value, "Maximum allowed size exceeded") }
        let integral = [start, stop, step].allSatisfy { if case .float = $0 { return false }; return true }
        let span = ((stop.doubleValue - start.doubleValue) / step.doubleValue).rounded(.up)
        guard span.isFinite, span < 1e15 else { throw ArrayError(.value, "Maximum allowed size exceeded") }
        let count = max(0, Int(span))
        try checkAllocation([count], dtype: integral ? .int64 : .float64)
        let result: NDArray
        if integral {
            let first = Int64(start.doubleValue), by = Int64(step.doubleValue)
            result = NDArray(shape: [count], values: (0..<count).map { first + Int64($0) * by })
        } else {
            let first = start.doubleValue, by = step.doubleValue
            result = NDArray(shape: [count], values: (0..<count).map { first + Double($0) * by })
        }
        return dtype.map { result.astype($0) } ?? result
    }

    /// `np.linspace(start, stop, num, endpoint)`: evenly spaced float64 values, computed as NumPy does
    /// (`start + i * step`, the last one set to `stop` exactly).
    public static func linspace(_ start: Double, _ stop: Double, count: Int, endpoint: Bool = true) throws -> NDArray {
        guard count >= 0 else { throw ArrayError(.value, "Number of samples, \(count), must be non-negative.") }
        try checkAllocation([count], dtype: .float64)
        let divisions = endpoint ? count - 1 : count
        let delta = stop - start
        var values = (0..<count).map { Double($0) }
        if divisions > 0 {
            let step = delta / Double(divisions)
            values = values.map { step == 0 ? start + $0 / Double(divisions) * delta : start + $0 * step }
        } else {
            values = values.map { start + $0 * delta }
        }
        if endpoint && count > 1 { values[count - 1] = stop }
        return NDArray(shape: [count], values: values)
    }

    /// `np.eye(n, m, k)`: ones on the k-th diagonal.
    public static func eye(_ rows: Int, _ columns: Int? = nil, diagonal k: Int = 0, dtype: DType = .float64) throws -> NDArray {
        let m = columns ?? rows
        try checkAllocation([rows, m], dtype: .float64)
        var values = [Double](repeating: 0, count: rows * m)
        for i in 0..<rows where i + k >= 0 && i + k < m { values[i * m + i + k] = 1 }
        return NDArray(shape: [rows, m], values: values).astype(dtype)
    }
}

/// The generator behind `np.random`: SplitMix64 seeded by `np.random.seed`, owned by its session
/// (no global state). Streams are deterministic but differ from NumPy's.
public final class ArrayRandom {
    public var generator: RandomGenerator

    public init(seed: UInt64) { generator = RandomGenerator(seed: seed) }

    public func seed(_ value: UInt64) { generator = RandomGenerator(seed: value) }

    /// Uniform float64 in [0, 1) with 53 random bits.
    func unit() -> Double { Double(generator.next() >> 11) * 0x1p-53 }

    /// `np.random.rand(*shape)`: uniform in [0, 1), float64.
    public func uniform(_ shape: [Int]) throws -> NDArray {
        try NDArray.checkAllocation(shape, dtype: .float64)
        return NDArray(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in unit() })
    }

    /// `np.random.randn(*shape)`: standard normal float64 (Box-Muller on two uniforms).
    public func normal(_ shape: [Int]) throws -> NDArray {
        try NDArray.checkAllocation(shape, dtype: .float64)
        return NDArray(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in
            let u = 1 - unit(), v = unit()
            return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
        })
    }

    /// `np.random.randint(low, high, size)`: uniform integers in [low, high), int64.
    public func integers(_ low: Int, _ high: Int, shape: [Int]) throws -> NDArray {
        guard high > low else { throw ArrayError(.value, "low >= high") }
        try NDArray.checkAllocation(shape, dtype: .int64)
        let span = UInt64(bitPattern: Int64(high) &- Int64(low))
        return NDArray(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Int64(low) + Int64(generator.next() % span) })
    }

    /// `np.random.normal(loc, scale, size)`: `loc + scale * z` with `z` standard normal, float64.
    public func normal(mean: Double, deviation: Double, shape: [Int]) throws -> NDArray {
        guard deviation >= 0 else { throw ArrayError(.value, "scale < 0") }
        let z = try normal(shape)
        return NDArray(shape: shape, values: z.values(as: Double.self).map { mean + deviation * $0 })
    }

    /// `np.random.uniform(low, high, size)`: `low + (high - low) u` with `u` uniform in [0, 1), float64.
    public func uniform(low: Double, high: Double, shape: [Int]) throws -> NDArray {
        let u = try uniform(shape)
        return NDArray(shape: shape, values: u.values(as: Double.self).map { low + (high - low) * $0 })
    }

    /// `np.random.choice`'s positions: `count` draws from `0..<population`, with replacement or not, uniform
    /// or with probabilities `p` (which must be non-negative and sum to 1, as NumPy checks).
    public func choice(population: Int, count: Int, replace: Bool, probabilities p: [Double]?) throws -> [Int] {
        guard population > 0 else { throw ArrayError(.value, "a must be a positive integer unless no samples are taken") }
        if let p {
            guard p.count == population else { throw ArrayError(.value, "'a' and 'p' must have same size") }
            guard p.allSatisfy({ $0 >= 0 }) else { throw ArrayError(.value, "probabilities are not non-negative") }
            guard Swift.abs(p.reduce(0, +) - 1) <= 1e-8 * Double(population).squareRoot() + 1e-12 else { throw ArrayError(.value, "probabilities do not sum to 1") }
        }
        guard replace || count <= population else {
            throw ArrayError(.value, "Cannot take a larger sample than population when replace is False")
        }
        var weights = p ?? [Double](repeating: 1, count: population)
        return (0..<count).map { _ in
            let total = weights.reduce(0, +)
            var target = unit() * total, pick = 0
            while pick < population - 1 && (target >= weights[pick] || weights[pick] == 0) { target -= weights[pick]; pick += 1 }
            if !replace { weights[pick] = 0 }
            return pick
        }
    }

    /// A uniformly random order of `0..<count` (Fisher-Yates).
    public func permutation(_ count: Int) -> [Int] {
        var order = Array(0..<max(count, 0))
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, Int(generator.next() % UInt64(i + 1))) }
        }
        return order
    }

    /// `np.random.shuffle(a)`: permutes `a` in place along its first axis.
    public func shuffle(_ array: NDArray) throws {
        guard array.ndim > 0 else { throw ArrayError(.value, "shuffle: an array of at least one dimension is needed") }
        let order = permutation(array.shape[0])
        let shuffled = try array.subscripted([.array(NDArray(shape: [order.count], values: order.map(Int64.init)))]).array
        try array.assign([.slice(start: nil, stop: nil, step: nil)], shuffled)
    }
}
