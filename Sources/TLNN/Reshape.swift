import TLTensor

/// Gives each sample a new shape with the same number of values (Keras `Reshape(target_shape)`), as
/// MobileNet's classifier turns `(1, 1, classes)` into `(classes,)`. Values keep their row-major order,
/// so the gradient is the output gradient reshaped back.
public final class Reshape: Layer {
    public var name: String
    public let typeName = "Reshape"
    public var trainable = true
    public let weights: [Parameter] = []
    public let targetShape: [Int]
    private var cachedInputShape: [Int]?

    public init(targetShape: [Int], name: String? = nil) {
        self.targetShape = targetShape
        self.name = name ?? LayerNames.next("reshape")
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        if !inputShape.contains(where: { $0 == nil }) {
            let count = inputShape.reduce(1) { $0 * $1! }
            guard count == targetShape.reduce(1, *) else {
                throw ModelError("layer '\(name)' (Reshape) cannot reshape \(describeShape(inputShape)) (\(count) values per sample) to \(describeShape(targetShape.map { $0 }))")
            }
        }
        return targetShape.map { $0 }
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        _ = try outputShape(for: x.shape.dropFirst().map { $0 })
        if mode.keepForBackward { cachedInputShape = x.shape }
        return try x.reshaped([x.shape[0]] + targetShape)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient else { return nil }
        let shape = try kept(cachedInputShape)
        return try outputGradient.reshaped(shape)
    }

    public func clearCache() { cachedInputShape = nil }
}

extension Reshape: KerasConfigurable {
    public var kerasConfig: KerasConfig { ["target_shape": .array(targetShape.map { .int($0) })] }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        guard let target = config["target_shape"]?.intArray, target.allSatisfy({ $0 > 0 }) else {
            throw ModelError("'\(config.source)': 'target_shape' of layer '\(config.name)' (Reshape) must be a list of positive sizes")
        }
        self.init(targetShape: target, name: config.name)
    }
}
