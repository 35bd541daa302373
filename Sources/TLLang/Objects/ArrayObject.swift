import TLTensor
import TLArray
import TLScript

/// A NumPy array in the language (`numpy.ndarray`), or a NumPy scalar (`np.float64(0.5)`: a 0-d array
/// shown and combined as NumPy shows and combines its scalars). The engine's commands read it as a
/// float32 ``Tensor`` through ``tensor``; their results are float32 arrays, as in Keras.
public final class ArrayObject: HostObject {
    public var array: NDArray
    /// A NumPy scalar rather than an array: what reductions without an axis and integer indexing give.
    public let isScalar: Bool

    public init(_ array: NDArray, isScalar: Bool = false) {
        self.array = array
        self.isScalar = isScalar
    }

    /// A float32 array over the tensor's values (no copy until either is written).
    public convenience init(_ tensor: Tensor) { self.init(NDArray(tensor)) }

    /// The elements as a contiguous float32 tensor, whatever the dtype or view.
    public var tensor: Tensor {
        get { array.tensor }
        set { array = NDArray(newValue) }
    }

    /// A result as NumPy hands it back: 0-d results of operations are NumPy scalars.
    static func wrap(_ array: NDArray, scalar: Bool? = nil) -> Value {
        .object(ArrayObject(array, isScalar: scalar ?? (array.ndim == 0)))
    }

    public var typeName: String { isScalar ? "numpy.\(array.dtype == .bool ? "bool" : array.dtype.rawValue)" : "numpy.ndarray" }
    public var summaryDescription: String {
        guard isScalar, let number = array.scalar else { return array.repr }
        return NDArray.scalarRepr(number, dtype: array.dtype)
    }
    public var printDescription: String? {
        guard isScalar, let number = array.scalar else { return array.str }
        return NDArray.scalarText(number, dtype: array.dtype)
    }
    public var attributeNames: [String] { ["shape", "ndim", "size", "dtype", "T", "itemsize", "nbytes"] + ArrayMethods.names }
    public var count: Int? { isScalar ? nil : array.shape.first }

    public func attribute(_ name: String) throws -> Value? {
        switch name {
        case "shape": return .tuple(array.shape.map { .int($0) })
        case "ndim": return .int(array.ndim)
        case "size": return .int(array.size)
        case "dtype": return .object(DTypeObject(array.dtype))
        case "T": return ArrayObject.wrap(array.transposed(), scalar: isScalar)
        case "itemsize": return .int(array.dtype.byteCount)
        case "nbytes": return .int(array.dtype.byteCount * array.size)
        default: return ArrayMethods.method(name, of: self)
        }
    }

    public func element(at index: Value) throws -> Value? {
        if isScalar { return nil }
        let items = try ArrayObject.indexItems(index)
        let (result, scalar) = try numpy { try array.subscripted(items) }
        return ArrayObject.wrap(result, scalar: scalar)
    }

    public func setElement(at index: Value, to value: Value) throws -> Bool {
        if isScalar { return false }
        let items = try ArrayObject.indexItems(index)
        let source = try ArrayObject.array(from: value, role: "the assigned value")
        try numpy { try array.assign(items, source) }
        return true
    }

    public func makeIterator() throws -> ValueIterator? {
        guard !isScalar else { return nil }
        guard array.ndim > 0 else { throw ScriptError(.type, "iteration over a 0-d array") }
        var position = 0
        let array = self.array
        return ValueIterator {
            guard position < array.shape[0] else { return nil }
            defer { position += 1 }
            let (row, scalar) = try numpy { try array.subscripted([.integer(position)]) }
            return ArrayObject.wrap(row, scalar: scalar)
        }
    }

    public func binaryOperation(_ op: String, _ other: Value, reflected: Bool) throws -> Value? {
        guard let operand = try ArrayObject.operand(other) else { return nil }
        let mine = Operand.array(array)
        let (lhs, rhs) = reflected ? (operand, mine) : (mine, operand)
        if op == "@" {
            return try numpy { ArrayObject.wrap(try NDArray.matmul(NDArray.materialize(lhs), NDArray.materialize(rhs))) }
        }
        guard let ufunc = BinaryOperator(rawValue: op) else { return nil }
        return try numpy { ArrayObject.wrap(try NDArray.binary(ufunc, lhs, rhs)) }
    }

    /// `a += b`: computed as `a + b`, then written back into `a`'s memory (so views see it); the result
    /// must cast to `a`'s dtype under NumPy's same-kind rule and keep `a`'s shape.
    public func inPlaceOperation(_ op: String, _ other: Value) throws -> Bool {
        guard !isScalar, let ufunc = BinaryOperator(rawValue: op), let operand = try ArrayObject.operand(other) else { return false }
        try numpy {
            let result = try NDArray.binary(ufunc, .array(array), operand)
            let target = array.dtype
            guard target.acceptsSameKind(result.dtype) else {
                throw ArrayError(.type, "Cannot cast ufunc '\(ufunc.ufuncName)' output from dtype('\(result.dtype.rawValue)') to dtype('\(target.rawValue)') with casting rule 'same_kind'")
            }
            guard result.layout.broadcast(to: array.shape) != nil else {
                throw ArrayError(.value, "non-broadcastable output operand with shape \(compactShape(array.shape)) doesn't match the broadcast shape \(compactShape(result.shape))")
            }
            try array.assign([.ellipsis], result)
        }
        return true
    }

    public func unaryOperation(_ op: String) throws -> Value? {
        let operation: UnaryOperator
        switch op {
        case "-": operation = .negative
        case "+": operation = .positive
        case "~": operation = .invert
        default: return nil
        }
        return try numpy { ArrayObject.wrap(try array.applying(operation), scalar: isScalar || array.ndim == 0) }
    }

    public func truthValue() throws -> Bool? {
        guard array.size == 1, let number = array.scalar else {
            if array.size == 0 { throw ScriptError(.value, "The truth value of an empty array is ambiguous. Use `array.size > 0` to check that an array is not empty.") }
            throw ScriptError(.value, "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()")
        }
        return number.doubleValue != 0
    }

    public func scalarValue() throws -> Value? {
        guard array.size == 1, let number = array.scalar else { return nil }
        return ArrayObject.value(number)
    }

    public func containsElement(_ item: Value) throws -> Bool? {
        guard let operand = try ArrayObject.operand(item) else { return nil }
        let equal = try numpy { try NDArray.binary(.equal, .array(array), operand) }
        return equal.values(as: Bool.self).contains(true)
    }

    static func value(_ number: PythonNumber) -> Value {
        switch number {
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        }
    }
}

/// Runs an array operation, turning its errors into the script errors of the same Python kinds.
func numpy<R>(_ body: () throws -> R) throws -> R {
    do {
        return try body()
    } catch let error as ArrayError {
        switch error.kind {
        case .index: throw ScriptError(.index, error.message)
        case .value: throw ScriptError(.value, error.message)
        case .type: throw ScriptError(.type, error.message)
        case .memory: throw ScriptError(.memory, error.message)
        case .overflow: throw ScriptError(.overflow, error.message)
        case .notSupported: throw ScriptError(.notImplemented, error.message)
        }
    }
}

extension NDArray {
    /// An operand as an array (numbers as 0-d arrays of their natural dtype).
    static func materialize(_ operand: Operand) -> NDArray {
        switch operand {
        case .array(let a): return a
        case .number(let n): return NDArray(n)
        }
    }
}

extension ArrayObject {
    /// A value as an operand of an element-wise operation: numbers stay weak, lists become arrays; nil
    /// for values that are not numeric (the interpreter then reports unsupported operand types).
    static func operand(_ value: Value) throws -> Operand? {
        switch value {
        case .bool(let b): return .number(.bool(b))
        case .int(let i): return .number(.int(i))
        case .float(let d): return .number(.float(d))
        case .list, .tuple: return .array(try array(from: value, role: "the operand"))
        case .object(let object as ArrayObject): return .array(object.array)
        default: return nil
        }
    }

    /// A value as an array: arrays themselves (not copied), numbers as 0-d arrays, nested lists and tuples.
    static func array(from value: Value, role: String, dtype: DType? = nil) throws -> NDArray {
        if case .object(let object as ArrayObject) = value {
            return dtype.map { $0 == object.array.dtype ? object.array : object.array.astype($0) } ?? object.array
        }
        return try numpy { try NDArray.from(try nested(value, role: role), dtype: dtype) }
    }

    static func nested(_ value: Value, role: String) throws -> NestedValue {
        switch value {
        case .bool(let b): return .number(.bool(b))
        case .int(let i): return .number(.int(i))
        case .float(let d): return .number(.float(d))
        case .list(let list): return .sequence(try list.items.map { try nested($0, role: role) })
        case .tuple(let items): return .sequence(try items.map { try nested($0, role: role) })
        case .object(let object as ArrayObject): return .array(object.array)
        default: throw ScriptError(.type, "\(role) must be numbers, lists of numbers or arrays, not \(value.typeName)")
        }
    }

    /// A subscript as NumPy's index entries.
    static func indexItems(_ index: Value) throws -> [IndexItem] {
        if case .tuple(let items) = index { return try items.map(indexItem) }
        return [try indexItem(index)]
    }

    private static func indexItem(_ value: Value) throws -> IndexItem {
        switch value {
        case .int(let i): return .integer(i)
        case .bool: throw ScriptError(.notImplemented, "a boolean scalar as an index is not supported in tl")
        case .none: return .newAxis
        case .ellipsis: return .ellipsis
        case .slice(let start, let stop, let step):
            return .slice(start: try sliceBound(start), stop: try sliceBound(stop), step: try sliceBound(step))
        case .list: return .array(try array(from: value, role: "index"))
        case .command(let spec) where spec.name == "np.newaxis": return .newAxis
        case .object(let object as ArrayObject):
            if object.isScalar || object.array.ndim == 0, object.array.dtype.isInteger, case .int(let i)? = object.array.scalar { return .integer(i) }
            return .array(object.array)
        default:
            throw ScriptError(.index, "only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean arrays are valid indices")
        }
    }

    private static func sliceBound(_ value: Value) throws -> Int? {
        if value.isNone { return nil }
        if let i = value.asInt { return i }
        if case .object(let object as ArrayObject) = value, object.array.dtype.isInteger, case .int(let i)? = object.array.scalar { return i }
        throw ScriptError(.type, "slice indices must be integers or None or have an __index__ method")
    }
}

/// `a.dtype`: prints as `dtype('float32')`, compares equal to `'float32'`, `np.float32` and other dtypes.
public final class DTypeObject: HostObject {
    public let dtype: DType
    public init(_ dtype: DType) { self.dtype = dtype }

    public var typeName: String { "numpy.dtype" }
    public var summaryDescription: String { "dtype('\(dtype.rawValue)')" }
    public var printDescription: String? { dtype.rawValue }
    public var attributeNames: [String] { ["name", "itemsize", "kind"] }

    public func attribute(_ name: String) throws -> Value? {
        switch name {
        case "name": return .string(dtype.rawValue)
        case "itemsize": return .int(dtype.byteCount)
        case "kind": return .string(String(dtype.kind))
        default: return nil
        }
    }

    public func binaryOperation(_ op: String, _ other: Value, reflected: Bool) throws -> Value? {
        guard op == "==" || op == "!=" else { return nil }
        let same = (try? dtypeArgument(other)).flatMap { $0 } == dtype
        return .bool(op == "==" ? same : !same)
    }
}

/// A `dtype=` argument: `'float32'`, `np.float32`, `float`, `int`, `bool` or `a.dtype`; nil for None.
func dtypeArgument(_ value: Value) throws -> DType? {
    switch value {
    case .none: return nil
    case .string(let name):
        if let dtype = DType(name: name) { return dtype }
        throw ScriptError(.notImplemented, "dtype '\(name)' is not supported in tl (\(supportedDTypes) are)")
    case .object(let object as DTypeObject): return object.dtype
    case .command(let spec):
        let name = spec.name.hasPrefix("np.") ? String(spec.name.dropFirst(3)) : spec.name
        if let dtype = DType(name: name) { return dtype }
        throw ScriptError(.notImplemented, "dtype \(spec.name) is not supported in tl (\(supportedDTypes) are)")
    default:
        throw ScriptError(.type, "data type \(value.repr) not understood")
    }
}

/// The dtypes tl has, for messages about the ones it lacks.
let supportedDTypes = "float32, float64, int64, int32, uint8 and bool"

/// `(2000, 8192)`, as NumPy prints shapes.
func shapeText(_ shape: [Int]) -> String { shapeDescription(shape) }

extension Value {
    /// The value as a float32 tensor: an array of any dtype, or a (nested) list/tuple of numbers.
    func toTensor(argument: String, command: String) throws -> Tensor {
        if case .object(let object) = self, let array = object as? ArrayObject { return array.tensor }
        guard asSequence != nil else {
            throw ScriptError(.type, "argument '\(argument)' of \(command)() must be an array or a list of numbers, got \(typeName)")
        }
        return try ArrayObject.array(from: self, role: "argument '\(argument)' of \(command)()").tensor
    }
}

extension CallArguments {
    func tensor(_ name: String) throws -> Tensor { try self[name].toTensor(argument: name, command: commandName) }

    /// A shape tuple such as `(150, 150, 3)`; `None` entries are unknown dimensions.
    func shape(_ name: String) throws -> [Int?]? {
        let value = self[name]
        if value.isNone { return nil }
        guard let items = value.asSequence else { throw typeError(name, expected: "a tuple of sizes such as (150, 150, 3)") }
        return try items.map { item in
            if item.isNone { return nil }
            guard let n = item.asInt, n > 0 else { throw typeError(name, expected: "a tuple of positive sizes such as (150, 150, 3)") }
            return n
        }
    }

    /// A pair such as `(150, 150)` or a single number meaning both.
    func pair(_ name: String) throws -> (Int, Int) {
        let value = self[name]
        if let n = value.asInt, n > 0 { return (n, n) }
        if let items = value.asSequence, items.count == 2, let a = items[0].asInt, let b = items[1].asInt, a > 0, b > 0 { return (a, b) }
        throw typeError(name, expected: "a positive number or a pair such as (3, 3)")
    }
}
