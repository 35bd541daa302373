/// The element types of an ``NDArray``: NumPy's `bool`, `int64`, `float32` and `float64`.
public enum DType: String, CaseIterable, Sendable {
    case bool, int64, float32, float64

    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
    public var isInteger: Bool { self == .int64 }

    /// NumPy's type promotion between two arrays (or NumPy scalars): the smallest dtype both convert
    /// to safely. bool < int64 < float64 and bool < float32 < float64; int64 with float32 gives float64
    /// (float32 cannot hold every int64).
    public static func promote(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a == .float64 || b == .float64 { return .float64 }
        if a == .float32 || b == .float32 { return (a == .int64 || b == .int64) ? .float64 : .float32 }
        return .int64
    }

    /// NEP 50: a Python number is "weak" and takes the array's dtype unless its kind is higher
    /// (`float32_array / 255.` stays float32, `int_array * 0.5` is float64, `bool_array + 1` is int64).
    public func promoted(with number: PythonNumber) -> DType {
        switch (self, number) {
        case (.bool, .int): return .int64
        case (.bool, .float), (.int64, .float): return .float64
        default: return self
        }
    }

    /// The dtype NumPy gives an array built from this Python number alone (`np.asarray(3)` is int64).
    public static func natural(for number: PythonNumber) -> DType {
        switch number {
        case .bool: return .bool
        case .int: return .int64
        case .float: return .float64
        }
    }

    /// The element size in bytes, as `.itemsize` and `.npy` files have it.
    public var byteCount: Int {
        switch self {
        case .bool: return 1
        case .int64, .float64: return 8
        case .float32: return 4
        }
    }

    /// Parses NumPy's spellings: `'float32'`, `'f4'`, `'float'` (float64), `'int'`, `'int64'`, `'bool'`, ...
    public init?(name: String) {
        switch name {
        case "bool", "bool_", "?", "b1": self = .bool
        case "int", "int64", "i8", "<i8", "int_", "intp", "long": self = .int64
        case "float32", "f4", "<f4", "single": self = .float32
        case "float", "float64", "f8", "<f8", "double", "float_": self = .float64
        default: return nil
        }
    }
}

/// A Python number as an operand: weak under NEP 50 promotion.
public enum PythonNumber: Equatable, Sendable {
    case bool(Bool)
    case int(Int)
    case float(Double)

    public var doubleValue: Double {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return Double(i)
        case .float(let d): return d
        }
    }
}
