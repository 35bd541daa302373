import TLTensor

/// Flattens each sample to one axis (Keras `Flatten`): `(n, d1, d2, ...) -> (n, d1*d2*...)`.
public final class Flatten: Layer {
    public var name: String
    public let typeName = "Flatten"
    public var trainable = true
    public let weights: [Parameter] = []
    private var cachedInputShape: [Int]?

    public init(name: String? = nil) { self.name = name ?? LayerNames.next("flatten") }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        if inputShape.contains(where: { $0 == nil }) { return [nil] }
        return [inputShape.reduce(1) { $0 * $1! }]
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        if mode.keepForBackward { cachedInputShape = x.shape }
        return try x.reshaped([x.shape.first ?? 0, x.shape.dropFirst().reduce(1, *)])
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient, let shape = cachedInputShape else { return nil }
        return try outputGradient.reshaped(shape)
    }

    public func clearCache() { cachedInputShape = nil }
}

/// The model's entry point (Keras `InputLayer`): passes data through and fixes the expected shape.
public final class InputLayer: Layer {
    public var name: String
    public let typeName = "InputLayer"
    public var trainable = true
    public let weights: [Parameter] = []
    public let shape: FeatureShape

    public init(shape: FeatureShape, name: String? = nil) {
        self.shape = shape
        self.name = name ?? LayerNames.next("input")
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape { shape }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        let given = Array(x.shape.dropFirst())
        guard given.count == shape.count, zip(given, shape).allSatisfy({ $1 == nil || $0 == $1! }) else {
            throw ModelError("input '\(name)' expects shape \(describeShape(shape)), got a batch of shape \(x.shape)")
        }
        return x
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        needsInputGradient ? outputGradient : nil
    }

    public func clearCache() {}
}

extension Flatten: NameOnlyConfigurable {}

extension InputLayer: KerasConfigurable {
    public var kerasConfig: KerasConfig { ["batch_input_shape": .batchShape(shape)] }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        guard let shape = try config.shape("batch_input_shape", dropBatch: true) else {
            throw ModelError("'\(config.source)': InputLayer '\(config.name)' has no batch_input_shape")
        }
        self.init(shape: shape, name: config.name)
    }
}
