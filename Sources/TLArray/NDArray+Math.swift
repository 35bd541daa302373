import Foundation
import TLTensor

/// NumPy's unary ufuncs: `-a`, `~a`, `np.abs`, `np.sign`, `np.exp`, `np.log`, `np.sqrt`, `np.floor`,
/// `np.ceil`, `np.round` (to even), `np.isnan`, `np.isinf`, `np.isfinite`, `np.square`, the trigonometric and
/// hyperbolic functions and the other logarithms.
public enum UnaryOperator: String, CaseIterable, Sendable {
    case negative, positive, invert, absolute, sign, exp, log, sqrt, floor, ceil, rint, isnan, isinf, isfinite, square
    case sin, cos, tan, arcsin, arccos, arctan, sinh, cosh, tanh, log10, log2, log1p, expm1, exp2

    /// Functions whose integer and bool inputs are computed in float64, as NumPy's loops do.
    var promotesIntegers: Bool {
        switch self {
        case .exp, .log, .sqrt, .sin, .cos, .tan, .arcsin, .arccos, .arctan, .sinh, .cosh, .tanh, .log10, .log2, .log1p,
             .expm1, .exp2: return true
        default: return false
        }
    }
}

extension NDArray {
    /// Applies a unary ufunc element-wise. Integer and bool inputs of `exp`, `log` and `sqrt` give
    /// float64; `isnan` gives bool; the rest keep the dtype.
    public func applying(_ op: UnaryOperator) throws -> NDArray {
        switch (op, dtype) {
        case (.negative, .bool):
            throw ArrayError(.type, "The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.")
        case (.invert, .float32), (.invert, .float64):
            throw ArrayError(.type, "ufunc 'invert' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''")
        case (.sign, .bool):
            throw ArrayError(.type, "ufunc 'sign' did not contain a loop with signature matching types <class 'numpy.dtypes.BoolDType'> -> None")
        case (.isnan, .float32): return mapped(Float.self, to: Bool.self) { $0.isNaN }
        case (.isnan, .float64): return mapped(Double.self, to: Bool.self) { $0.isNaN }
        case (.isinf, .float32): return mapped(Float.self, to: Bool.self) { $0.isInfinite }
        case (.isinf, .float64): return mapped(Double.self, to: Bool.self) { $0.isInfinite }
        case (.isfinite, .float32): return mapped(Float.self, to: Bool.self) { $0.isFinite }
        case (.isfinite, .float64): return mapped(Double.self, to: Bool.self) { $0.isFinite }
        case (.isnan, _), (.isinf, _): return NDArray(zeros: shape, dtype: .bool)
        case (.isfinite, _): return NDArray(zeros: shape, dtype: .bool).mapped(Bool.self, to: Bool.self) { !$0 }
        case (.square, .bool): return copy()
        case (_, .uint8) where op.promotesIntegers:
            throw ArrayError(.notSupported, "np.\(op.rawValue) of a uint8 array gives float16 in NumPy, a dtype tl does not have; convert first with .astype('float32')")
        case (_, .int32) where op.promotesIntegers, (_, .int64) where op.promotesIntegers, (_, .bool) where op.promotesIntegers:
            return try astype(.float64).applying(op)
        case (_, .float32): return mapped(Float.self, to: Float.self, floating(op))
        case (_, .float64): return mapped(Double.self, to: Double.self, floating(op))
        case (_, .uint8), (_, .int32), (_, .int64): return integerApplying(op, dtype.integerType!)
        default:
            return op == .invert ? mapped(Bool.self, to: Bool.self) { !$0 } : copy()
        }
    }

    /// A unary ufunc on an integer array: negation and `abs` wrap (`-uint8(1)` is 255), as NumPy's loops do.
    private func integerApplying<T: IntegerElement>(_ op: UnaryOperator, _ type: T.Type) -> NDArray {
        switch op {
        case .negative: return mapped(T.self, to: T.self) { 0 &- $0 }
        case .invert: return mapped(T.self, to: T.self) { ~$0 }
        case .absolute: return mapped(T.self, to: T.self) { $0 < 0 ? 0 &- $0 : $0 }
        case .sign: return mapped(T.self, to: T.self) { $0 > 0 ? 1 : ($0 == 0 ? 0 : ~0) }
        case .square: return mapped(T.self, to: T.self) { $0 &* $0 }
        default: return copy()
        }
    }

    /// The floating-point function behind `op`.
    private func floating<T: BinaryFloatingPoint & ElementaryFunctions>(_ op: UnaryOperator) -> (T) -> T {
        switch op {
        case .negative: return { -$0 }
        case .absolute: return { Swift.abs($0) }
        case .sign: return { $0.isNaN ? .nan : ($0 > 0 ? 1 : ($0 < 0 ? -1 : 0)) }
        case .exp: return T.exponential
        case .log: return T.logarithm
        case .sqrt: return { $0.squareRoot() }
        case .floor: return { $0.rounded(.down) }
        case .ceil: return { $0.rounded(.up) }
        case .rint: return { $0.rounded(.toNearestOrEven) }
        case .square: return { $0 * $0 }
        default: return { T.elementary(op, $0) }
        }
    }

    /// A new array of `transform` applied to every element.
    public func mapped<S: ArrayElement, R: ArrayElement>(_ source: S.Type, to result: R.Type, _ transform: (S) -> R) -> NDArray {
        precondition(dtype == S.dtype, "mapped: the array is \(dtype), not \(S.dtype)")
        let out = NDArray(storage: ArrayStorage(dtype: R.dtype, count: size), layout: .contiguous(shape, order: StridedLayout.iterationOrder([layout])))
        S.reading(storage) { src in
            R.writing(out.storage) { dst in StridedKernels.map(src, layout, into: dst, out.layout, transform) }
        }
        return out
    }

    /// `np.round(a, decimals)`: to the nearest even at `decimals` places (floats scale by 10^decimals, as
    /// NumPy does); integers are returned unchanged for decimals >= 0.
    public func rounded(decimals: Int) throws -> NDArray {
        if decimals == 0 { return try applying(.rint) }
        let scale = Foundation.pow(10.0, Double(Swift.abs(decimals)))
        switch dtype {
        case .float32:
            let s = Float(scale)
            return mapped(Float.self, to: Float.self) { decimals > 0 ? ($0 * s).rounded(.toNearestOrEven) / s : ($0 / s).rounded(.toNearestOrEven) * s }
        case .float64:
            return mapped(Double.self, to: Double.self) { decimals > 0 ? ($0 * scale).rounded(.toNearestOrEven) / scale : ($0 / scale).rounded(.toNearestOrEven) * scale }
        case .uint8, .int32, .int64:
            guard decimals < 0 else { return copy() }
            func run<T: IntegerElement>(_ type: T.Type) -> NDArray {
                mapped(T.self, to: T.self) { value in T(fromDouble: (Double(value) / scale).rounded(.toNearestOrEven) * scale) }
            }
            return run(dtype.integerType!)
        case .bool:
            throw ArrayError(.notSupported, "np.round of a bool array is not supported in tl (NumPy gives float16)")
        }
    }

    /// `np.clip(a, low, high)`: `minimum(maximum(a, low), high)`; either bound may be nil.
    public func clipped(_ low: Operand?, _ high: Operand?) throws -> NDArray {
        var result = self
        if let low { result = try NDArray.binary(.maximum, .array(result), low) }
        if let high { result = try NDArray.binary(.minimum, .array(result), high) }
        return result.sharesMemory(with: self) ? copy() : result
    }

    /// `np.where(condition, x, y)`: `x` where the condition holds, else `y`, all three broadcast; the
    /// dtype is `x`'s and `y`'s promoted dtype.
    public static func select(_ condition: NDArray, _ x: Operand, _ y: Operand) throws -> NDArray {
        let dtype = try computeType(.add, x, y).result
        let a = materialize(x, as: dtype), b = materialize(y, as: dtype), mask = condition.astype(.bool)
        guard let partial = StridedLayout.broadcastShape(mask.shape, a.shape),
              let shape = StridedLayout.broadcastShape(partial, b.shape) else {
            throw ArrayError.broadcast([mask.shape, a.shape, b.shape])
        }
        let out = NDArray(zeros: shape, dtype: dtype)
        out.storeContents(of: NDArray(storage: b.storage, layout: b.layout.broadcast(to: shape)!), at: out.layout)
        let flags = NDArray(storage: mask.storage, layout: mask.layout.broadcast(to: shape)!).values(as: Bool.self)
        let picked = NDArray(storage: a.storage, layout: a.layout.broadcast(to: shape)!)
        let positions = flags.indices.filter { flags[$0] }
        guard !positions.isEmpty else { return out }
        let flatIndex = NDArray(shape: [positions.count], values: positions.map(Int64.init))
        let flatOut = try out.reshaped([out.size]), flatPicked = picked.copy().raveled()
        try flatOut.assign([.array(flatIndex)], try flatPicked.subscripted([.array(flatIndex)]).array)
        return out
    }

    /// `np.array_equal(a1, a2)`: the same shape and equal elements (NaN equals nothing, as NumPy's default).
    public static func arrayEqual(_ a: Operand, _ b: Operand) throws -> Bool {
        func shape(_ operand: Operand) -> [Int] {
            if case .array(let array) = operand { return array.shape }
            return []
        }
        guard shape(a) == shape(b) else { return false }
        return try binary(.equal, a, b).values(as: Bool.self).allSatisfy { $0 }
    }

    /// `np.allclose(a, b, rtol, atol)`: `|a - b| <= atol + rtol * |b|` everywhere (NaNs unequal).
    public static func allClose(_ a: Operand, _ b: Operand, relativeTolerance: Double = 1e-5, absoluteTolerance: Double = 1e-8) throws -> Bool {
        let x = materialize(a, as: .float64), y = materialize(b, as: .float64)
        guard let shape = StridedLayout.broadcastShape(x.shape, y.shape) else { throw ArrayError.broadcast([x.shape, y.shape]) }
        let xs = NDArray(storage: x.storage, layout: x.layout.broadcast(to: shape)!).values(as: Double.self)
        let ys = NDArray(storage: y.storage, layout: y.layout.broadcast(to: shape)!).values(as: Double.self)
        for (u, v) in Swift.zip(xs, ys) where !(u == v || Swift.abs(u - v) <= absoluteTolerance + relativeTolerance * Swift.abs(v)) {
            return false
        }
        return true
    }
}

/// The transcendental functions for the floating-point element types: `exp` and `log` call glibc's
/// `expf`/`logf` for float32; the others compute in float64 and round once, which is within NumPy's own
/// float32 loops' error (up to a few ULP) and the same on every CPU.
public protocol ElementaryFunctions {
    static func exponential(_ x: Self) -> Self
    static func logarithm(_ x: Self) -> Self
    /// The C library's function for a transcendental ufunc (the identity for the others).
    static func elementary(_ op: UnaryOperator, _ x: Self) -> Self
}
extension Float: ElementaryFunctions {
    public static func exponential(_ x: Float) -> Float { Foundation.exp(x) }
    public static func logarithm(_ x: Float) -> Float { Foundation.log(x) }
    public static func elementary(_ op: UnaryOperator, _ x: Float) -> Float { Float(Double.elementary(op, Double(x))) }
}
extension Double: ElementaryFunctions {
    public static func exponential(_ x: Double) -> Double { Foundation.exp(x) }
    public static func logarithm(_ x: Double) -> Double { Foundation.log(x) }
    public static func elementary(_ op: UnaryOperator, _ x: Double) -> Double {
        switch op {
        case .sin: return Foundation.sin(x)
        case .cos: return Foundation.cos(x)
        case .tan: return Foundation.tan(x)
        case .arcsin: return Foundation.asin(x)
        case .arccos: return Foundation.acos(x)
        case .arctan: return Foundation.atan(x)
        case .sinh: return Foundation.sinh(x)
        case .cosh: return Foundation.cosh(x)
        case .tanh: return Foundation.tanh(x)
        case .log10: return Foundation.log10(x)
        case .log2: return Foundation.log2(x)
        case .log1p: return Foundation.log1p(x)
        case .expm1: return Foundation.expm1(x)
        case .exp2: return Foundation.exp2(x)
        default: return x
        }
    }
}
