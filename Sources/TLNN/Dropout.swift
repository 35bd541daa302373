import TLTensor

/// Inverted dropout (Keras `Dropout`): in training each value is zeroed with probability `rate` and the
/// survivors are scaled by `1 / (1 - rate)`, so inference is the identity.
public final class Dropout: RandomStateLayer {
    public var name: String
    public let typeName = "Dropout"
    public var trainable = true
    public let rate: Float
    public let weights: [Parameter] = []
    private var generator: RandomGenerator
    private var cachedMask: Tensor?

    public init(rate: Float, seed: UInt64? = nil, name: String? = nil) {
        self.rate = rate
        self.name = name ?? LayerNames.next("dropout")
        generator = seed.map(RandomGenerator.init(seed:)) ?? RandomSource.current.makeGenerator()
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape { inputShape }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        guard mode.training, rate > 0 else { cachedMask = nil; return x }
        let (rate, scale) = (self.rate, 1 / (1 - rate))
        var local = generator   // a local generator: the class property would be access-checked per element
        // The mask drawn and applied in one pass: y = x * m, m = scale or 0.
        var y = x
        let mask = uninitializedTensor(shape: x.shape) { m in
            y = uninitializedTensor(shape: x.shape) { out in
                x.scalars.withUnsafeBufferPointer { input in
                    for i in 0..<input.count {
                        m[i] = local.nextUnitFloat() >= rate ? scale : 0
                        out[i] = input[i] * m[i]
                    }
                }
            }
        }
        generator = local
        if mode.keepForBackward { cachedMask = mask }
        return y
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let mask = cachedMask else { return outputGradient }
        return outputGradient * mask
    }

    public func clearCache() { cachedMask = nil }

    /// The state of the mask generator. Training checkpoints save it after each epoch and put it back
    /// on resume, so a resumed run draws the same masks as an uninterrupted one.
    public var randomState: UInt64 {
        get { generator.state }
        set { generator = RandomGenerator(seed: newValue) }
    }
}

extension Dropout: KerasConfigurable {
    public var kerasConfig: KerasConfig { ["rate": .number(rate)] }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        self.init(rate: Float(try config.double("rate")), name: config.name)
    }
}
