import TLTensor

/// Batch normalisation over the last (channel) axis (Keras `BatchNormalization`, `axis=-1`).
///
/// `y = gamma * (x - mu) / sqrt(sigma^2 + epsilon) + beta`, per channel. In training (and only while the
/// layer is trainable) `mu`, `sigma^2` are the batch's mean and biased variance over all other axes, and
/// the moving statistics follow them: `moving = moving * momentum + batch * (1 - momentum)`. Otherwise,
/// and always when the layer is frozen (Keras's rule for fine-tuning), the moving statistics are used.
///
/// Weights, in Keras's order: `gamma`, `beta` (trainable), `moving_mean`, `moving_variance` (never
/// trained, so they count among the non-trainable parameters). With `scale: false` (Keras's `scale=False`,
/// as InceptionV3 builds it) there is no `gamma`: it is 1.
public final class BatchNormalization: Layer {
    public var name: String
    public let typeName = "BatchNormalization"
    public var trainable = true
    public let momentum: Float
    public let epsilon: Float
    /// Whether the layer has a trainable `gamma` (Keras's `scale`); without it `gamma` is 1.
    public let scale: Bool
    public private(set) var gamma: Parameter?
    public private(set) var beta: Parameter?
    public private(set) var movingMean: Parameter?
    public private(set) var movingVariance: Parameter?

    /// What backward needs from the last kept forward pass.
    private struct Cache {
        var input: Tensor
        /// The mean subtracted: the batch's or the moving one.
        var mean: [Float]
        var invStd: [Float]
        var usedBatchStatistics: Bool
    }
    private var cache: Cache?

    /// - Parameters:
    ///   - momentum: weight of the old moving statistics in each update (Keras default 0.99).
    ///   - epsilon: added to the variance; 1e-3 is Keras's default and what EfficientNet-Lite was trained with.
    ///   - scale: whether to learn `gamma` (Keras's `scale=True`); false fixes it at 1.
    public init(momentum: Float = 0.99, epsilon: Float = 1e-3, scale: Bool = true, name: String? = nil) {
        self.momentum = momentum
        self.epsilon = epsilon
        self.scale = scale
        self.name = name ?? LayerNames.next("batch_normalization")
    }

    public var weights: [Parameter] { [gamma, beta, movingMean, movingVariance].compactMap { $0 } }
    public var alwaysFrozenWeights: [Parameter] { [movingMean, movingVariance].compactMap { $0 } }
    public var isBuilt: Bool { beta != nil }

    /// `gamma`'s values, or ones when the layer has no `scale`.
    private var gammaValues: [Float] {
        gamma?.value.scalars ?? [Float](repeating: 1, count: beta?.count ?? 0)
    }

    public func build(inputShape: FeatureShape) throws {
        guard beta == nil else { return }
        guard let last = inputShape.last, let channels = last else {
            throw ModelError("layer '\(name)' (BatchNormalization) needs inputs whose last (channel) axis is known, got \(describeShape(inputShape))")
        }
        if scale { gamma = Parameter(name: "gamma", value: Tensor(shape: [channels], repeating: 1)) }
        beta = Parameter(name: "beta", value: .zeros([channels]))
        movingMean = Parameter(name: "moving_mean", value: .zeros([channels]))
        movingVariance = Parameter(name: "moving_variance", value: Tensor(shape: [channels], repeating: 1))
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        if let channels = beta?.count, let last = inputShape.last, let given = last, given != channels {
            throw ModelError("layer '\(name)' (BatchNormalization) was built for \(channels) channels, got input \(describeShape(inputShape))")
        }
        return inputShape
    }

    /// The affine map of inference, `y = scale * x + shift` per channel, from the moving statistics
    /// (nil before the layer is built).
    public var inferenceScaleAndShift: (scale: [Float], shift: [Float])? {
        guard let beta, let movingMean, let movingVariance else { return nil }
        let gamma = gammaValues
        let scale = (0..<beta.count).map { gamma[$0] / (movingVariance.value.scalars[$0] + epsilon).squareRoot() }
        let shift = (0..<beta.count).map { beta.value.scalars[$0] - movingMean.value.scalars[$0] * scale[$0] }
        return (scale, shift)
    }

    /// True when ``forward(_:mode:)`` in `mode` uses the moving statistics (inference, or a frozen layer).
    public func usesMovingStatistics(in mode: ForwardMode) -> Bool { !(mode.training && trainable) }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        guard x.rank >= 2 else {
            throw ModelError("layer '\(name)' (BatchNormalization) expects a batch with a channel axis, got shape \(x.shape)")
        }
        try build(inputShape: x.shape.dropFirst().map { $0 })
        guard let beta, let movingMean, let movingVariance else { return x }
        let channels = beta.count
        let gamma = gammaValues
        guard x.shape.last == channels else {
            throw ModelError("layer '\(name)' (BatchNormalization) expects \(channels) channels, got input of shape \(x.shape)")
        }
        let useBatch = !usesMovingStatistics(in: mode)
        let mean: [Float], variance: [Float]
        if useBatch {
            (mean, variance) = BatchNormalizationKernels.moments(x, channels: channels)
            let keep = momentum, take = 1 - momentum
            for c in 0..<channels {
                movingMean.value.scalars[c] = movingMean.value.scalars[c] * keep + mean[c] * take
                movingVariance.value.scalars[c] = movingVariance.value.scalars[c] * keep + variance[c] * take
            }
        } else {
            mean = movingMean.value.scalars
            variance = movingVariance.value.scalars
        }
        let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
        let scale = (0..<channels).map { gamma[$0] * invStd[$0] }
        let shift = (0..<channels).map { beta.value.scalars[$0] - mean[$0] * scale[$0] }
        if mode.keepForBackward {
            cache = Cache(input: x, mean: mean, invStd: invStd, usedBatchStatistics: useBatch)
        }
        return BatchNormalizationKernels.affine(x, scale: scale, shift: shift)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        let (cache, beta) = (try kept(self.cache), try kept(self.beta))
        let channels = beta.count
        let gammaValues = gammaValues
        let wantsWeights = gamma?.requiresGradient == true || beta.requiresGradient
        guard wantsWeights || needsInputGradient else { return nil }
        if !cache.usedBatchStatistics && !wantsWeights {
            // Fixed statistics: the layer is the affine map x * gamma * invStd + const.
            let scale = (0..<channels).map { gammaValues[$0] * cache.invStd[$0] }
            return BatchNormalizationKernels.affine(outputGradient, scale: scale, shift: [Float](repeating: 0, count: channels))
        }
        let normalized = BatchNormalizationKernels.affine(cache.input, scale: cache.invStd,
                                                          shift: (0..<channels).map { -cache.mean[$0] * cache.invStd[$0] })
        let (sumDy, sumDyXHat) = BatchNormalizationKernels.reduceGradients(outputGradient, normalized: normalized, channels: channels)
        gamma?.accumulate(Tensor(shape: [channels], scalars: sumDyXHat))
        beta.accumulate(Tensor(shape: [channels], scalars: sumDy))
        guard needsInputGradient else { return nil }
        if cache.usedBatchStatistics {
            return BatchNormalizationKernels.trainingInputGradient(outputGradient, normalized: normalized, gamma: gammaValues,
                                                                   invStd: cache.invStd, sumDy: sumDy, sumDyXHat: sumDyXHat)
        }
        let scale = (0..<channels).map { gammaValues[$0] * cache.invStd[$0] }
        return BatchNormalizationKernels.affine(outputGradient, scale: scale, shift: [Float](repeating: 0, count: channels))
    }

    public func clearCache() { cache = nil }
}

extension BatchNormalization: KerasConfigurable {
    public var kerasConfig: KerasConfig { ["momentum": .number(momentum), "epsilon": .number(epsilon), "scale": .bool(scale)] }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        self.init(momentum: Float(try config.double("momentum", default: 0.99)), epsilon: Float(try config.double("epsilon", default: 1e-3)),
                  scale: config.bool("scale", default: true), name: config.name)
    }
}
