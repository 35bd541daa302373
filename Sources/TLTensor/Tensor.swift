/// A dense row-major float32 array: the one value type the engine computes with.
///
/// Images are NHWC (batch, height, width, channels), as in Keras. Storage is a Swift array, so copies
/// are cheap until written (copy-on-write); kernels reach the memory through unsafe buffer pointers.
///
/// Its operations pick their kernels from ``EngineOptions/current``, so the code that calls them names no
/// processor feature: element-wise arithmetic with broadcasting (`a + b`, `a * s`, `a += b`; see
/// TensorArithmetic.swift), sums and means over any axes (``sum(alongAxes:keepingDimensions:)``,
/// ``addSum(of:alongAxes:)``), matrix products with fused bias and ReLU
/// (``matmul(_:_:transposeA:transposeB:bias:reluCeiling:)``, ``addMatmul(_:_:transposeA:transposeB:)``),
/// and strided views that copy nothing until asked (``TensorView``: slices, transposes, flips, broadcasts,
/// and assignment into a slice, `t[axis: -1, a..<b] = v`).
public struct Tensor: Equatable, Sendable {
    public private(set) var shape: [Int]
    public var scalars: [Float]

    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) values, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }

    public var count: Int { scalars.count }
    public var rank: Int { shape.count }

    /// The same values under another shape; one dimension may be -1 (inferred), as in NumPy.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var dims = newShape
        let unknown = dims.indices.filter { dims[$0] == -1 }
        guard unknown.count <= 1, dims.allSatisfy({ $0 >= -1 }) else {
            throw TensorError.badShape("cannot reshape \(shape) to \(newShape): at most one -1 is allowed")
        }
        if let i = unknown.first {
            let known = dims.enumerated().filter { $0.offset != i }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0 else {
                throw TensorError.badShape("cannot reshape array of \(count) values (shape \(shape)) to \(newShape)")
            }
            dims[i] = count / known
        }
        guard dims.reduce(1, *) == count else {
            throw TensorError.badShape("cannot reshape array of \(count) values (shape \(shape)) to \(newShape)")
        }
        return Tensor(shape: dims, scalars: scalars)
    }

    /// Rows `range` of the first axis (a batch slice).
    public func slice(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0])
        let stride = shape.dropFirst().reduce(1, *)
        var newShape = shape
        newShape[0] = range.count
        return Tensor(shape: newShape, scalars: Array(scalars[(range.lowerBound * stride)..<(range.upperBound * stride)]))
    }

    /// Rows picked by `indices` along the first axis, in that order.
    public func gather(_ indices: [Int]) -> Tensor {
        let stride = shape.dropFirst().reduce(1, *)
        for i in indices { precondition(i >= 0 && i < shape[0], "row \(i) out of range 0..<\(shape[0])") }
        var newShape = shape
        newShape[0] = indices.count
        // Every row is copied over, so the storage need not be zero-filled first.
        return scalars.withUnsafeBufferPointer { src in
            uninitializedTensor(shape: newShape) { dst in
                guard let base = dst.baseAddress, let source = src.baseAddress else { return }
                for (row, i) in indices.enumerated() {
                    (base + row * stride).initialize(from: source + i * stride, count: stride)
                }
            }
        }
    }

    /// Stacks tensors of equal shape along the first axis.
    public static func concatenate(_ parts: [Tensor]) -> Tensor {
        guard let first = parts.first else { return Tensor(shape: [0], scalars: []) }
        let tail = Array(first.shape.dropFirst())
        var values = [Float]()
        values.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        var rows = 0
        for p in parts {
            precondition(Array(p.shape.dropFirst()) == tail, "cannot stack \(p.shape) onto \(first.shape)")
            values.append(contentsOf: p.scalars)
            rows += p.shape[0]
        }
        return Tensor(shape: [rows] + tail, scalars: values)
    }
}

public enum TensorError: Error, CustomStringConvertible, Equatable {
    case badShape(String)
    public var description: String {
        switch self { case .badShape(let m): return m }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        "array(shape=(\(shape.map(String.init).joined(separator: ", "))\(shape.count == 1 ? "," : "")), dtype=float32)"
    }
}
