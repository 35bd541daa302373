/// The element types of an ``NDArray``: NumPy's `bool`, `uint8`, `int32`, `int64`, `float32` and `float64`
/// (the ones image and label code meets: `uint8` pixels, Keras's `int32` labels).
public enum DType: String, CaseIterable, Sendable {
    case bool, uint8, int32, int64, float32, float64

    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
    public var isInteger: Bool { self == .uint8 || self == .int32 || self == .int64 }

    /// NumPy's `dtype.kind`: `b`, `u`, `i` or `f`.
    public var kind: Character {
        switch self {
        case .bool: return "b"
        case .uint8: return "u"
        case .int32, .int64: return "i"
        case .float32, .float64: return "f"
        }
    }

    /// Bool and the integers in NumPy's order of safe casts: bool < uint8 < int32 < int64.
    private var integerRank: Int {
        switch self {
        case .bool: return 0
        case .uint8: return 1
        case .int32: return 2
        default: return 3
        }
    }

    /// NumPy's type promotion between two arrays (or NumPy scalars): the smallest dtype both convert
    /// to safely. Among bool and the integers the wider wins; float32 holds bool and uint8 exactly but
    /// not int32 or int64, which with float32 give float64.
    public static func promote(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a == .float64 || b == .float64 { return .float64 }
        if a == .float32 || b == .float32 {
            let other = a == .float32 ? b : a
            return other == .int32 || other == .int64 ? .float64 : .float32
        }
        return a.integerRank >= b.integerRank ? a : b
    }

    /// NEP 50: a Python number is "weak" and takes the array's dtype unless its kind is higher
    /// (`float32_array / 255.` stays float32, `uint8_array + 1` stays uint8, `int_array * 0.5` is float64,
    /// `bool_array + 1` is int64).
    public func promoted(with number: PythonNumber) -> DType {
        switch (self, number) {
        case (.bool, .int): return .int64
        case (.bool, .float), (.uint8, .float), (.int32, .float), (.int64, .float): return .float64
        default: return self
        }
    }

    /// Whether NumPy's `same_kind` rule lets a result of dtype `source` be written into this dtype (`a += b`):
    /// safe casts (to a wider kind: bool to uint8, uint8 to int32, ints to floats) and any cast within a kind.
    public func acceptsSameKind(_ source: DType) -> Bool {
        switch kind {
        case "f": return true
        case "i": return source != .float32 && source != .float64
        case "u": return source == .bool || source == .uint8
        default: return source == .bool
        }
    }

    /// NumPy 2's OverflowError when a Python int does not fit this integer dtype (`uint8_array + 300`,
    /// `np.array([300], dtype=np.uint8)`); nil when it fits or the dtype is not an integer one.
    public func overflow(holding value: Int) -> ArrayError? {
        let bounds: ClosedRange<Int>
        switch self {
        case .uint8: bounds = 0...255
        case .int32: bounds = Int(Int32.min)...Int(Int32.max)
        default: return nil
        }
        return bounds.contains(value) ? nil : ArrayError(.overflow, "Python integer \(value) out of bounds for \(rawValue)")
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
        case .bool, .uint8: return 1
        case .int32, .float32: return 4
        case .int64, .float64: return 8
        }
    }

    /// Parses NumPy's spellings: `'float32'`, `'f4'`, `'float'` (float64), `'int'`, `'int64'`, `'int32'`,
    /// `'uint8'`, `'bool'`, ...
    public init?(name: String) {
        switch name {
        case "bool", "bool_", "?", "b1": self = .bool
        case "uint8", "u1", "|u1", "ubyte", "B": self = .uint8
        case "int32", "i4", "<i4", "intc": self = .int32
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
