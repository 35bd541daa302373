import TLTensor

/// The flat, shared memory of one or more arrays: views (`a[0]`, `a.T`, `a[::2]`) keep a reference to
/// the storage of the array they come from, so writing through a view changes the original, as in NumPy.
///
/// Exactly one of the buffers is used, the one of `dtype`; it is a Swift array, so a float32
/// storage and a ``Tensor`` can share one buffer until either is written (copy-on-write).
public final class ArrayStorage {
    public let dtype: DType
    var float32: [Float] = []
    var float64: [Double] = []
    var int64: [Int64] = []
    var int32: [Int32] = []
    var uint8: [UInt8] = []
    var bool: [Bool] = []

    /// Storage for `count` elements of `dtype`, all zero (False).
    public init(dtype: DType, count: Int) {
        self.dtype = dtype
        switch dtype {
        case .float32: float32 = [Float](repeating: 0, count: count)
        case .float64: float64 = [Double](repeating: 0, count: count)
        case .int64: int64 = [Int64](repeating: 0, count: count)
        case .int32: int32 = [Int32](repeating: 0, count: count)
        case .uint8: uint8 = [UInt8](repeating: 0, count: count)
        case .bool: bool = [Bool](repeating: false, count: count)
        }
    }

    init(float32 values: [Float]) { dtype = .float32; float32 = values }
    init(float64 values: [Double]) { dtype = .float64; float64 = values }
    init(int64 values: [Int64]) { dtype = .int64; int64 = values }
    init(int32 values: [Int32]) { dtype = .int32; int32 = values }
    init(uint8 values: [UInt8]) { dtype = .uint8; uint8 = values }
    init(bool values: [Bool]) { dtype = .bool; bool = values }

    /// The number of elements held.
    public var count: Int {
        switch dtype {
        case .float32: return float32.count
        case .float64: return float64.count
        case .int64: return int64.count
        case .int32: return int32.count
        case .uint8: return uint8.count
        case .bool: return bool.count
        }
    }
}

/// A Swift type that stores the elements of one ``DType``, with the conversions NumPy's `astype` does:
/// floats to integers truncate toward zero, anything to bool is `!= 0`, bool to numbers is 0 or 1.
public protocol ArrayElement: Comparable {
    static var dtype: DType { get }
    static var zero: Self { get }
    /// Calls `body` with the storage's elements for reading.
    static func reading<R>(_ storage: ArrayStorage, _ body: (UnsafePointer<Self>) throws -> R) rethrows -> R
    /// Calls `body` with the storage's elements for writing.
    static func writing<R>(_ storage: ArrayStorage, _ body: (UnsafeMutablePointer<Self>) throws -> R) rethrows -> R
    /// New storage holding `values`.
    static func storage(_ values: [Self]) -> ArrayStorage
    init(fromDouble value: Double)
    init(fromInt64 value: Int64)
    init(fromBool value: Bool)
    /// This element as another element type (`astype`).
    func converted<R: ArrayElement>(to type: R.Type) -> R
    /// The element as a Python number.
    var pythonNumber: PythonNumber { get }
}

@inline(__always)
func withBase<T, R>(_ buffer: UnsafeMutableBufferPointer<T>, _ body: (UnsafeMutablePointer<T>) throws -> R) rethrows -> R {
    if let base = buffer.baseAddress { return try body(base) }
    let dummy = UnsafeMutablePointer<T>.allocate(capacity: 1)
    defer { dummy.deallocate() }
    return try body(dummy)
}

@inline(__always)
func withBase<T, R>(_ buffer: UnsafeBufferPointer<T>, _ body: (UnsafePointer<T>) throws -> R) rethrows -> R {
    if let base = buffer.baseAddress { return try body(base) }
    let dummy = UnsafeMutablePointer<T>.allocate(capacity: 1)
    defer { dummy.deallocate() }
    return try body(dummy)
}

/// Float to int32 as C casts do on x86 (out of range and NaN give INT32_MIN); uint8 wraps that int32,
/// as NumPy's float-to-uint8 cast does there (300.7 gives 44, -1.5 gives 255).
@inline(__always)
func truncatedInt32(_ value: Double) -> Int32 {
    value.isFinite && value > -2147483649.0 && value < 2147483648.0 ? Int32(value) : .min
}

/// Float to int64 as C casts do on x86 for NaN, infinities and out-of-range values (INT64_MIN).
@inline(__always)
func truncatedInt64(_ value: Double) -> Int64 {
    value.isFinite && value > -9.223372036854775808e18 && value < 9.223372036854775808e18 ? Int64(value) : .min
}

extension Float: ArrayElement {
    public static var dtype: DType { .float32 }
    public static var zero: Float { 0 }
    public static func reading<R>(_ s: ArrayStorage, _ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try s.float32.withUnsafeBufferPointer { try withBase($0, body) }
    }
    public static func writing<R>(_ s: ArrayStorage, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try s.float32.withUnsafeMutableBufferPointer { try withBase($0, body) }
    }
    public static func storage(_ values: [Float]) -> ArrayStorage { ArrayStorage(float32: values) }
    public init(fromDouble value: Double) { self = Float(value) }
    public init(fromInt64 value: Int64) { self = Float(value) }
    public init(fromBool value: Bool) { self = value ? 1 : 0 }
    @inline(__always) public func converted<R: ArrayElement>(to type: R.Type) -> R {
        R.self == Float.self ? unsafeBitCast(self, to: R.self) : R(fromDouble: Double(self))
    }
    public var pythonNumber: PythonNumber { .float(Double(self)) }
}

extension Double: ArrayElement {
    public static var dtype: DType { .float64 }
    public static var zero: Double { 0 }
    public static func reading<R>(_ s: ArrayStorage, _ body: (UnsafePointer<Double>) throws -> R) rethrows -> R {
        try s.float64.withUnsafeBufferPointer { try withBase($0, body) }
    }
    public static func writing<R>(_ s: ArrayStorage, _ body: (UnsafeMutablePointer<Double>) throws -> R) rethrows -> R {
        try s.float64.withUnsafeMutableBufferPointer { try withBase($0, body) }
    }
    public static func storage(_ values: [Double]) -> ArrayStorage { ArrayStorage(float64: values) }
    public init(fromDouble value: Double) { self = value }
    public init(fromInt64 value: Int64) { self = Double(value) }
    public init(fromBool value: Bool) { self = value ? 1 : 0 }
    @inline(__always) public func converted<R: ArrayElement>(to type: R.Type) -> R { R(fromDouble: self) }
    public var pythonNumber: PythonNumber { .float(self) }
}

/// What the integer element types share: bool is 0 or 1, every conversion goes through int64 (narrower
/// targets wrap, as NumPy's `astype` does), and an element is a Python int.
extension ArrayElement where Self: FixedWidthInteger {
    public static var zero: Self { 0 }
    public init(fromBool value: Bool) { self = value ? 1 : 0 }
    @inline(__always) public func converted<R: ArrayElement>(to type: R.Type) -> R { R(fromInt64: Int64(self)) }
    public var pythonNumber: PythonNumber { .int(Int(self)) }
}

extension Int64: ArrayElement {
    public static var dtype: DType { .int64 }
    public static func reading<R>(_ s: ArrayStorage, _ body: (UnsafePointer<Int64>) throws -> R) rethrows -> R {
        try s.int64.withUnsafeBufferPointer { try withBase($0, body) }
    }
    public static func writing<R>(_ s: ArrayStorage, _ body: (UnsafeMutablePointer<Int64>) throws -> R) rethrows -> R {
        try s.int64.withUnsafeMutableBufferPointer { try withBase($0, body) }
    }
    public static func storage(_ values: [Int64]) -> ArrayStorage { ArrayStorage(int64: values) }
    public init(fromDouble value: Double) { self = truncatedInt64(value) }
    public init(fromInt64 value: Int64) { self = value }
}

extension Int32: ArrayElement {
    public static var dtype: DType { .int32 }
    public static func reading<R>(_ s: ArrayStorage, _ body: (UnsafePointer<Int32>) throws -> R) rethrows -> R {
        try s.int32.withUnsafeBufferPointer { try withBase($0, body) }
    }
    public static func writing<R>(_ s: ArrayStorage, _ body: (UnsafeMutablePointer<Int32>) throws -> R) rethrows -> R {
        try s.int32.withUnsafeMutableBufferPointer { try withBase($0, body) }
    }
    public static func storage(_ values: [Int32]) -> ArrayStorage { ArrayStorage(int32: values) }
    public init(fromDouble value: Double) { self = truncatedInt32(value) }
    /// Wider integers wrap, as NumPy's `astype` does.
    public init(fromInt64 value: Int64) { self = Int32(truncatingIfNeeded: value) }
}

extension UInt8: ArrayElement {
    public static var dtype: DType { .uint8 }
    public static func reading<R>(_ s: ArrayStorage, _ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R {
        try s.uint8.withUnsafeBufferPointer { try withBase($0, body) }
    }
    public static func writing<R>(_ s: ArrayStorage, _ body: (UnsafeMutablePointer<UInt8>) throws -> R) rethrows -> R {
        try s.uint8.withUnsafeMutableBufferPointer { try withBase($0, body) }
    }
    public static func storage(_ values: [UInt8]) -> ArrayStorage { ArrayStorage(uint8: values) }
    public init(fromDouble value: Double) { self = UInt8(truncatingIfNeeded: truncatedInt32(value)) }
    /// Wider integers wrap, as NumPy's `astype` does (256 gives 0, -1 gives 255).
    public init(fromInt64 value: Int64) { self = UInt8(truncatingIfNeeded: value) }
}

/// NumPy orders False before True (for `sort`, `max`, comparisons of bool arrays).
extension Bool: @retroactive Comparable {
    public static func < (lhs: Bool, rhs: Bool) -> Bool { !lhs && rhs }
}

extension Bool: ArrayElement {
    public static var dtype: DType { .bool }
    public static var zero: Bool { false }
    public static func reading<R>(_ s: ArrayStorage, _ body: (UnsafePointer<Bool>) throws -> R) rethrows -> R {
        try s.bool.withUnsafeBufferPointer { try withBase($0, body) }
    }
    public static func writing<R>(_ s: ArrayStorage, _ body: (UnsafeMutablePointer<Bool>) throws -> R) rethrows -> R {
        try s.bool.withUnsafeMutableBufferPointer { try withBase($0, body) }
    }
    public static func storage(_ values: [Bool]) -> ArrayStorage { ArrayStorage(bool: values) }
    public init(fromDouble value: Double) { self = value != 0 }
    public init(fromInt64 value: Int64) { self = value != 0 }
    public init(fromBool value: Bool) { self = value }
    @inline(__always) public func converted<R: ArrayElement>(to type: R.Type) -> R { R(fromBool: self) }
    public var pythonNumber: PythonNumber { .bool(self) }
}
