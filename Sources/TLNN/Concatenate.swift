import TLTensor

/// Joins tensors along the channel (last) axis (Keras `Concatenate(axis=-1)`, `layers.concatenate`):
/// `y[..., o_k + c] = x_k[..., c]` with `o_k` the channels of the inputs before `x_k`. All other axes must
/// agree. Backward hands each input its slice of channels: `dL/dx_k = dL/dy[..., o_k ..< o_k + c_k]`.
public final class Concatenate: MergeLayer {
    public var name: String
    public let typeName = "Concatenate"
    public var trainable = true
    public let weights: [Parameter] = []
    private var cachedChannels: [Int]?

    public init(name: String? = nil) { self.name = name ?? LayerNames.next("concatenate") }

    private func mismatch(_ shapes: [String]) -> ModelError {
        ModelError("layer '\(name)' (Concatenate) joins inputs along the last axis; every other axis must agree, got \(shapes.joined(separator: " and "))")
    }

    public func outputShape(for inputShapes: [FeatureShape]) throws -> FeatureShape {
        guard inputShapes.count >= 2, let first = inputShapes.first else { throw singleInputError() }
        var shape = first
        var channels: Int? = 0
        for other in inputShapes {
            guard other.count == shape.count, !other.isEmpty else { throw mismatch(inputShapes.map(describeShape)) }
            for axis in 0..<(shape.count - 1) {
                switch (shape[axis], other[axis]) {
                case let (a?, b?) where a != b: throw mismatch(inputShapes.map(describeShape))
                case (nil, let b): shape[axis] = b
                default: break
                }
            }
            channels = channels.flatMap { total in other.last!.map { total + $0 } }
        }
        shape[shape.count - 1] = channels
        return shape
    }

    public func forward(_ inputs: [Tensor], mode: ForwardMode) throws -> Tensor {
        guard inputs.count >= 2, let first = inputs.first, first.rank >= 2 else { throw singleInputError() }
        let outer = first.shape.dropLast()
        guard inputs.allSatisfy({ $0.shape.dropLast() == outer }) else { throw mismatch(inputs.map { "\($0.shape)" }) }
        let channels = inputs.map { $0.shape.last! }
        let total = channels.reduce(0, +)
        var y = Tensor(shape: Array(outer) + [total])
        var offset = 0
        for (x, width) in zip(inputs, channels) {
            y[axis: -1, offset..<(offset + width)] = x.view
            offset += width
        }
        if mode.keepForBackward { cachedChannels = channels }
        return y
    }

    public func backward(_ outputGradient: Tensor, needsInputGradients: Bool) throws -> [Tensor]? {
        let channels = try kept(cachedChannels)
        guard needsInputGradients else { return nil }
        var offset = 0
        return channels.map { width in
            defer { offset += width }
            return outputGradient[axis: -1, offset..<(offset + width)].copy()
        }
    }

    public func clearCache() { cachedChannels = nil }
}

extension Concatenate: NameOnlyConfigurable {
    public var kerasConfig: KerasConfig { ["axis": -1] }
}
