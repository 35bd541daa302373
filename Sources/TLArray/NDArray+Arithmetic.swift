import Foundation
import TLTensor

/// One side of an element-wise operation: an array (or NumPy scalar, a 0-d array with a strong dtype) or
/// a Python number (weak under NEP 50).
public enum Operand {
    case array(NDArray)
    case number(PythonNumber)
}

/// NumPy's binary ufuncs reachable from operators and `np.` functions.
public enum BinaryOperator: String, CaseIterable, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", remainder = "%", power = "**"
    case and = "&", or = "|", xor = "^"
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="
    case maximum = "maximum", minimum = "minimum"

    public var isComparison: Bool { [.less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual].contains(self) }
    var isBitwise: Bool { self == .and || self == .or || self == .xor }

    /// The ufunc's name, for messages.
    public var ufuncName: String {
        switch self {
        case .add: return "add"
        case .subtract: return "subtract"
        case .multiply: return "multiply"
        case .divide: return "divide"
        case .floorDivide: return "floor_divide"
        case .remainder: return "remainder"
        case .power: return "power"
        case .and: return "bitwise_and"
        case .or: return "bitwise_or"
        case .xor: return "bitwise_xor"
        case .less: return "less"
        case .lessEqual: return "less_equal"
        case .greater: return "greater"
        case .greaterEqual: return "greater_equal"
        case .equal: return "equal"
        case .notEqual: return "not_equal"
        case .maximum: return "maximum"
        case .minimum: return "minimum"
        }
    }
}

extension NDArray {
    /// `lhs op rhs` element-wise with NumPy's broadcasting and NEP 50 promotion. At least one operand
    /// must be an array.
    public static func binary(_ op: BinaryOperator, _ lhs: Operand, _ rhs: Operand) throws -> NDArray {
        let compute = try computeType(op, lhs, rhs)
        let a = materialize(lhs, as: compute.operands), b = materialize(rhs, as: compute.operands)
        guard let shape = StridedLayout.broadcastShape(a.shape, b.shape) else { throw ArrayError.broadcast([a.shape, b.shape]) }
        let la = a.layout.broadcast(to: shape)!, lb = b.layout.broadcast(to: shape)!
        if op == .power, compute.operands.isInteger, b.values(as: Int64.self).contains(where: { $0 < 0 }) {
            throw ArrayError(.value, "Integers to negative integer powers are not allowed.")
        }
        var out = NDArray(storage: ArrayStorage(dtype: compute.result, count: shape.reduce(1, *)),
                          layout: .contiguous(shape, order: StridedLayout.iterationOrder([la, lb])))
        try out.fill(compute.operands.elementType, a, la, b, lb, op)
        return out
    }

    /// The dtype both operands are converted to, and the dtype of the result.
    static func computeType(_ op: BinaryOperator, _ lhs: Operand, _ rhs: Operand) throws -> (operands: DType, result: DType) {
        var common: DType
        switch (lhs, rhs) {
        case (.array(let a), .array(let b)): common = DType.promote(a.dtype, b.dtype)
        case (.array(let a), .number(let n)), (.number(let n), .array(let a)):
            common = a.dtype.promoted(with: n)
            if case .int(let value) = n, let overflow = common.overflow(holding: value) {
                // NumPy compares such a number exactly (`uint8_array < 300` is all True) and refuses it in arithmetic.
                guard op.isComparison else { throw overflow }
                common = .int64
            }
        case (.number(let m), .number(let n)): common = DType.natural(for: m).promoted(with: n)
        }
        if op.isComparison { return (common, .bool) }
        if op.isBitwise && common.isFloatingPoint {
            throw ArrayError(.type, "ufunc '\(op.ufuncName)' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''")
        }
        switch (op, common) {
        case (.divide, .bool), (.divide, .uint8), (.divide, .int32), (.divide, .int64): common = .float64
        case (.subtract, .bool):
            throw ArrayError(.type, "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.")
        case (.floorDivide, .bool), (.remainder, .bool), (.power, .bool):
            if case .array(let a) = lhs, case .array(let b) = rhs, a.dtype == .bool, b.dtype == .bool {
                throw ArrayError(.notSupported, "np.\(op.ufuncName) of two bool arrays gives int8 in NumPy, a dtype tl does not have; convert one with .astype(np.int64)")
            }
            common = .int64
        default: break
        }
        return (common, common)
    }

    /// An operand as an array of `dtype` (numbers become 0-d arrays; other dtypes are converted).
    static func materialize(_ operand: Operand, as dtype: DType) -> NDArray {
        switch operand {
        case .number(let n): return NDArray(n).astype(dtype)
        case .array(let a): return a.dtype == dtype ? a : a.astype(dtype)
        }
    }

    private mutating func fill<T: ArrayElement & NumericOperations>(_ type: T.Type, _ a: NDArray, _ la: StridedLayout, _ b: NDArray,
                                                                     _ lb: StridedLayout, _ op: BinaryOperator) throws {
        let layout = self.layout
        if op.isComparison {
            let compare = T.comparison(op)
            T.reading(a.storage) { x in T.reading(b.storage) { y in
                Bool.writing(storage) { out in StridedKernels.zip(x, la, y, lb, into: out, layout, compare) }
            } }
            return
        }
        let combine = try T.arithmetic(op)
        T.reading(a.storage) { x in T.reading(b.storage) { y in
            T.writing(storage) { out in StridedKernels.zip(x, la, y, lb, into: out, layout, combine) }
        } }
    }
}

/// The scalar arithmetic of one element type, as NumPy's ufunc loops define it.
public protocol NumericOperations: ArrayElement {
    /// The function behind a binary operator for this type.
    static func arithmetic(_ op: BinaryOperator) throws -> (Self, Self) -> Self
}

extension ArrayElement {
    /// `<`, `==`, ... for this type; NaN compares false except with `!=`.
    static func comparison(_ op: BinaryOperator) -> (Self, Self) -> Bool {
        switch op {
        case .less: return { $0 < $1 }
        case .lessEqual: return { $0 <= $1 }
        case .greater: return { $0 > $1 }
        case .greaterEqual: return { $0 >= $1 }
        case .equal: return { $0 == $1 }
        default: return { $0 != $1 }
        }
    }
}

/// NumPy's `npy_divmod`: the floor quotient and the remainder with the divisor's sign, for floats.
@inline(__always)
func floorDivMod<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> (quotient: T, remainder: T) {
    var mod = a.truncatingRemainder(dividingBy: b)
    if b == 0 { return (a / b, mod) }
    var div = (a - mod) / b
    if mod != 0 {
        if (b < 0) != (mod < 0) { mod += b; div -= 1 }
    } else {
        mod = b.sign == .minus ? -0.0 : 0.0
    }
    var floorDiv: T
    if div != 0 {
        floorDiv = div.rounded(.down)
        if div - floorDiv > 0.5 { floorDiv += 1 }
    } else {
        floorDiv = (a / b).sign == .minus ? -0.0 : 0.0
    }
    return (floorDiv, mod)
}

/// NaN-propagating maximum and minimum (`np.maximum`, `np.minimum`).
@inline(__always) func nanMaximum<T: FloatingPoint>(_ a: T, _ b: T) -> T { a.isNaN || b.isNaN ? .nan : (a >= b ? a : b) }
@inline(__always) func nanMinimum<T: FloatingPoint>(_ a: T, _ b: T) -> T { a.isNaN || b.isNaN ? .nan : (a <= b ? a : b) }

extension Float: NumericOperations {
    public static func arithmetic(_ op: BinaryOperator) throws -> (Float, Float) -> Float { floatingArithmetic(op) }
}

extension Double: NumericOperations {
    public static func arithmetic(_ op: BinaryOperator) throws -> (Double, Double) -> Double { floatingArithmetic(op) }
}

func floatingArithmetic<T: BinaryFloatingPoint & ElementaryPower>(_ op: BinaryOperator) -> (T, T) -> T {
    switch op {
    case .add: return { $0 + $1 }
    case .subtract: return { $0 - $1 }
    case .multiply: return { $0 * $1 }
    case .divide: return { $0 / $1 }
    case .floorDivide: return { floorDivMod($0, $1).quotient }
    case .remainder: return { floorDivMod($0, $1).remainder }
    case .power: return { T.raise($0, $1) }
    case .maximum: return nanMaximum
    case .minimum: return nanMinimum
    default: preconditionFailure("\(op) is not arithmetic")
    }
}

/// `pow` for the floating-point element types.
public protocol ElementaryPower { static func raise(_ base: Self, _ exponent: Self) -> Self }
extension Float: ElementaryPower { public static func raise(_ x: Float, _ y: Float) -> Float { Foundation.pow(x, y) } }
extension Double: ElementaryPower { public static func raise(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) } }

extension DType {
    /// The Swift type holding this dtype's elements, for code written once over every dtype.
    public var elementType: any NumericOperations.Type {
        switch self {
        case .bool: return Bool.self
        case .uint8: return UInt8.self
        case .int32: return Int32.self
        case .int64: return Int64.self
        case .float32: return Float.self
        case .float64: return Double.self
        }
    }

    /// The Swift type of an integer dtype's elements; nil for bool and the floats.
    public var integerType: (any IntegerElement.Type)? {
        switch self {
        case .uint8: return UInt8.self
        case .int32: return Int32.self
        case .int64: return Int64.self
        default: return nil
        }
    }
}

/// The element types of NumPy's integer dtypes (int64, int32, uint8): their arithmetic is written once.
public protocol IntegerElement: NumericOperations, FixedWidthInteger {}

extension IntegerElement {
    public static func arithmetic(_ op: BinaryOperator) throws -> (Self, Self) -> Self { integerArithmetic(op) }
}

extension Int64: IntegerElement {}
extension Int32: IntegerElement {}
extension UInt8: IntegerElement {}

/// Integer arithmetic wraps on overflow as NumPy's does; division by zero gives 0 (NumPy warns).
func integerArithmetic<T: FixedWidthInteger>(_ op: BinaryOperator) -> (T, T) -> T {
        switch op {
        case .add: return { $0 &+ $1 }
        case .subtract: return { $0 &- $1 }
        case .multiply: return { $0 &* $1 }
        case .floorDivide: return { a, b in
            if b == 0 { return 0 }
            if T.isSigned && b == ~0 { return 0 &- a }   // -1: the one quotient that overflows
            let q = a / b
            return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
        }
        case .remainder: return { a, b in
            if b == 0 || (T.isSigned && b == ~0) { return 0 }
            let r = a % b
            return (r != 0 && (r < 0) != (b < 0)) ? r + b : r
        }
        case .power: return { base, exponent in
            var result: T = 1, b = base, e = exponent
            while e > 0 {
                if e & 1 == 1 { result = result &* b }
                b = b &* b
                e >>= 1
            }
            return result
        }
        case .and: return { $0 & $1 }
        case .or: return { $0 | $1 }
        case .xor: return { $0 ^ $1 }
        case .maximum: return { Swift.max($0, $1) }
        case .minimum: return { Swift.min($0, $1) }
        default: preconditionFailure("\(op) is not integer arithmetic")
        }
}

extension Bool: NumericOperations {
    /// Bools add as logical or and multiply as logical and, as NumPy's bool loops do.
    public static func arithmetic(_ op: BinaryOperator) throws -> (Bool, Bool) -> Bool {
        switch op {
        case .add, .or, .maximum: return { $0 || $1 }
        case .multiply, .and, .minimum: return { $0 && $1 }
        case .xor, .notEqual: return { $0 != $1 }
        default: throw ArrayError(.type, "ufunc '\(op.ufuncName)' is not supported for booleans")
        }
    }
}
