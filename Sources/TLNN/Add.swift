import TLTensor

/// Element-wise sum of tensors of one shape (Keras `Add`), e.g. a residual connection
/// `y = f(x) + x`. Its gradient reaches every input unchanged: `dL/dx_k = dL/dy`.
public final class Add: MergeLayer {
    public var name: String
    public let typeName = "Add"
    public var trainable = true
    public let weights: [Parameter] = []
    private var cachedInputCount: Int?

    public init(name: String? = nil) { self.name = name ?? LayerNames.next("add") }

    public func outputShape(for inputShapes: [FeatureShape]) throws -> FeatureShape {
        guard inputShapes.count >= 2, let first = inputShapes.first else { throw singleInputError() }
        var shape = first
        for other in inputShapes.dropFirst() {
            guard other.count == shape.count else {
                throw ModelError("layer '\(name)' (Add) needs inputs of one shape, got \(inputShapes.map(describeShape).joined(separator: " and "))")
            }
            for axis in shape.indices {
                switch (shape[axis], other[axis]) {
                case let (a?, b?) where a != b:
                    throw ModelError("layer '\(name)' (Add) needs inputs of one shape, got \(inputShapes.map(describeShape).joined(separator: " and "))")
                case (nil, let b): shape[axis] = b
                default: break
                }
            }
        }
        return shape
    }

    public func forward(_ inputs: [Tensor], mode: ForwardMode) throws -> Tensor {
        try checkOperands(inputs)
        // The caller's array still holds the inputs, so summing into the first would copy it first: the first
        // two go into a new tensor in one pass instead (a residual sum: 2% of EfficientNet-Lite0's time was that copy).
        var sum = inputs[0] + inputs[1]
        for other in inputs.dropFirst(2) { sum += other }
        if mode.keepForBackward { cachedInputCount = inputs.count }
        return sum
    }

    /// The sum of `inputs`, written into the first one, which is taken out of `inputs`: when nothing else
    /// holds it, its storage is reused instead of copied.
    func takeSum(_ inputs: inout [Tensor]) throws -> Tensor {
        try checkOperands(inputs)
        var sum = inputs.removeFirst()
        for other in inputs { sum += other }
        return sum
    }

    /// Throws unless there are at least two inputs, all of one shape.
    func checkOperands(_ inputs: [Tensor]) throws {
        guard inputs.count >= 2 else { throw singleInputError() }
        guard inputs.allSatisfy({ $0.shape == inputs[0].shape }) else { throw mismatchedShapes(inputs.map(\.shape)) }
    }

    func mismatchedShapes(_ shapes: [[Int]]) -> ModelError {
        ModelError("layer '\(name)' (Add) needs inputs of one shape, got \(shapes.map { "\($0)" }.joined(separator: " and "))")
    }

    public func backward(_ outputGradient: Tensor, needsInputGradients: Bool) throws -> [Tensor]? {
        let count = try kept(cachedInputCount)
        return needsInputGradients ? Array(repeating: outputGradient, count: count) : nil
    }

    public func clearCache() { cachedInputCount = nil }
}

extension Add: NameOnlyConfigurable {}
