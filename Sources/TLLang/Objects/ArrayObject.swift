import TLTensor
import TLScript

/// A float32 array in the language (NumPy's role): features, labels, predictions.
public final class ArrayObject: HostObject {
    public var tensor: Tensor

    public init(_ tensor: Tensor) { self.tensor = tensor }

    public var typeName: String { "array" }
    /// Small arrays print their values as NumPy does (`array([0., 1., 1.], dtype=float32)`), large ones
    /// their shape.
    public var summaryDescription: String {
        guard tensor.count <= 64, tensor.rank >= 1 else { return "array of shape \(shapeText(tensor.shape)), float32" }
        func number(_ v: Float) -> String {
            if v == v.rounded() && abs(v) < 1e16 { return String(format: "%.0f.", v) }
            return String(format: "%.6g", v)
        }
        func nested(_ dims: ArraySlice<Int>, _ offset: Int) -> String {
            guard let first = dims.first else { return number(tensor.scalars[offset]) }
            let stride = dims.dropFirst().reduce(1, *)
            return "[" + (0..<first).map { nested(dims.dropFirst(), offset + $0 * stride) }.joined(separator: ", ") + "]"
        }
        return "array(\(nested(tensor.shape[...], 0)), dtype=float32)"
    }
    public var attributeNames: [String] { ["shape", "ndim", "size", "dtype"] }
    public var count: Int? { tensor.shape.first }

    public func attribute(_ name: String) throws -> Value? {
        switch name {
        case "shape": return .tuple(tensor.shape.map { .int($0) })
        case "ndim": return .int(tensor.rank)
        case "size": return .int(tensor.count)
        case "dtype": return .string("float32")
        default: return nil
        }
    }

    /// `a[i]`: a row of the first axis (an array), or a number for a 1-D array.
    public func element(at index: Value) throws -> Value? {
        guard let i = index.asInt, let n = tensor.shape.first else { return nil }
        let position = i < 0 ? i + n : i
        guard position >= 0 && position < n else {
            throw ScriptError(.index, "index \(i) is out of bounds for an array of shape \(shapeText(tensor.shape))")
        }
        if tensor.rank == 1 { return .float(Double(tensor.scalars[position])) }
        let row = tensor.slice(position..<(position + 1))
        return .object(ArrayObject(try row.reshaped(Array(tensor.shape.dropFirst()))))
    }
}

/// `(2000, 8192)`, as NumPy prints shapes.
func shapeText(_ shape: [Int]) -> String {
    "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
}

extension Value {
    /// The value as a tensor: an array, or a (nested) list/tuple of numbers.
    func toTensor(argument: String, command: String) throws -> Tensor {
        if case .object(let object) = self, let array = object as? ArrayObject { return array.tensor }
        if let items = asSequence {
            var shape: [Int] = []
            var values: [Float] = []
            func walk(_ v: Value, depth: Int) throws {
                if let number = v.asDouble {
                    guard depth == shape.count else { throw ragged() }
                    values.append(Float(number))
                    return
                }
                guard let inner = v.asSequence else {
                    throw ScriptError(.type, "argument '\(argument)' of \(command)() must hold numbers, found \(v.typeName)")
                }
                if depth == shape.count { shape.append(inner.count) } else if shape[depth] != inner.count { throw ragged() }
                for item in inner { try walk(item, depth: depth + 1) }
            }
            func ragged() -> ScriptError {
                ScriptError(.value, "argument '\(argument)' of \(command)() is a ragged list: every row must have the same length")
            }
            shape.append(items.count)
            for item in items { try walk(item, depth: 1) }
            return Tensor(shape: shape, scalars: values)
        }
        throw ScriptError(.type, "argument '\(argument)' of \(command)() must be an array or a list of numbers, got \(typeName)")
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
