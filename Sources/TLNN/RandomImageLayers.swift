import Foundation
import TLTensor

/// Augmentation layers: random in training, the identity in inference (Keras's `training=False`).
public protocol RandomPreprocessingLayer: RandomStateLayer {}

/// A layer drawing from its own generator (Dropout, augmentation). Training checkpoints save the state
/// after each epoch and put it back on resume, so a resumed run draws what an uninterrupted one would.
public protocol RandomStateLayer: Layer {
    var randomState: UInt64 { get set }
}

/// What the random layers share: a generator (from `seed`, or drawn from the global stream), the
/// identity outside training, and no gradient through a random transform.
public class RandomImageLayer: RandomPreprocessingLayer {
    public var name: String
    public var typeName: String { "RandomImageLayer" }
    public var trainable = true
    public let weights: [Parameter] = []
    var generator: RandomGenerator
    /// Whether the last forward pass transformed its batch (training) or passed it through.
    private var transformedLastPass = false

    init(seed: UInt64?, name: String) {
        self.name = name
        generator = seed.map(RandomGenerator.init(seed:)) ?? RandomSource.current.makeGenerator()
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        guard inputShape.count == 3 else {
            throw ModelError("layer '\(name)' (\(typeName)) expects images (height, width, channels), got \(describeShape(inputShape))")
        }
        return inputShape
    }

    public var randomState: UInt64 {
        get { generator.state }
        set { generator = RandomGenerator(seed: newValue) }
    }

    /// A uniform draw in [low, high).
    func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * generator.nextUnitFloat() }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        transformedLastPass = mode.training
        guard mode.training else { return x }
        try requireRank(x, 4, self)
        return try transform(x)
    }

    /// The training-mode transform of an NHWC batch.
    func transform(_ x: Tensor) throws -> Tensor { x }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient else { return nil }
        guard transformedLastPass else { return outputGradient }
        throw ModelError("layer '\(name)' (\(typeName)) does not pass gradients back in training; put it before the first trained layer")
    }

    public func clearCache() {}
}

/// `RandomFlip(mode="horizontal_and_vertical")`: each image flipped left-right and/or top-bottom, each
/// with probability 1/2 (independently for the two axes in "horizontal_and_vertical").
public final class RandomFlip: RandomImageLayer {
    public override var typeName: String { "RandomFlip" }
    public let horizontal: Bool
    public let vertical: Bool

    public init(mode: String = "horizontal_and_vertical", seed: UInt64? = nil, name: String? = nil) throws {
        switch mode {
        case "horizontal": (horizontal, vertical) = (true, false)
        case "vertical": (horizontal, vertical) = (false, true)
        case "horizontal_and_vertical": (horizontal, vertical) = (true, true)
        default: throw ModelError("RandomFlip layer 'mode' must be \"horizontal\", \"vertical\" or \"horizontal_and_vertical\", got \"\(mode)\"")
        }
        super.init(seed: seed, name: name ?? LayerNames.next("random_flip"))
    }

    override func transform(_ x: Tensor) throws -> Tensor {
        var y = x
        for i in 0..<x.shape[0] {
            let flipX = horizontal && generator.nextUnitFloat() < 0.5
            let flipY = vertical && generator.nextUnitFloat() < 0.5
            guard flipX || flipY else { continue }
            var image = x[ranges: i..<(i + 1)]
            if flipY { image = image.reversed(axis: 1) }
            if flipX { image = image.reversed(axis: 2) }
            y[ranges: i..<(i + 1)] = image
        }
        return y
    }
}

/// `RandomContrast(factor)`: one factor in [1 - lower, 1 + upper] for the batch (TensorFlow's
/// `random_contrast`), each image's channels moved from their mean by it, then clipped to 0..255.
public final class RandomContrast: RandomImageLayer {
    public override var typeName: String { "RandomContrast" }
    public let lower: Float
    public let upper: Float

    public init(lower: Float, upper: Float, seed: UInt64? = nil, name: String? = nil) throws {
        guard lower >= 0, upper >= 0, lower <= 1 else {
            throw ModelError("`factor` argument cannot have negative values or values greater than 1. Received: factor=(\(lower), \(upper))")
        }
        self.lower = lower
        self.upper = upper
        super.init(seed: seed, name: name ?? LayerNames.next("random_contrast"))
    }

    override func transform(_ x: Tensor) throws -> Tensor {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let factor = uniform(1 - lower, 1 + upper)
        var y = x
        for i in 0..<n {
            for k in 0..<c {
                var sum: Float = 0
                for p in 0..<(h * w) { sum += x.scalars[(i * h * w + p) * c + k] }
                let mean = sum / Float(h * w)
                for p in 0..<(h * w) {
                    let index = (i * h * w + p) * c + k
                    y.scalars[index] = min(max((x.scalars[index] - mean) * factor + mean, 0), 255)
                }
            }
        }
        return y
    }
}

/// `RandomBrightness(factor, value_range=(0, 255))`: each image shifted by one draw in [lower, upper]
/// times the range's width, then clipped to the range.
public final class RandomBrightness: RandomImageLayer {
    public override var typeName: String { "RandomBrightness" }
    public let lower: Float
    public let upper: Float
    public let valueRange: (Float, Float)

    public init(lower: Float, upper: Float, valueRange: (Float, Float) = (0, 255), seed: UInt64? = nil, name: String? = nil) throws {
        guard lower >= -1, upper <= 1, lower <= upper else {
            throw ModelError("The `factor` argument should be a number (or a list of two numbers) in the range [-1.0, 1.0]. Received: factor=(\(lower), \(upper))")
        }
        self.lower = lower
        self.upper = upper
        self.valueRange = valueRange
        super.init(seed: seed, name: name ?? LayerNames.next("random_brightness"))
    }

    override func transform(_ x: Tensor) throws -> Tensor {
        let n = x.shape[0], size = x.count / max(n, 1)
        var y = x
        for i in 0..<n {
            let delta = uniform(lower, upper) * (valueRange.1 - valueRange.0)
            for k in (i * size)..<((i + 1) * size) {
                y.scalars[k] = min(max(x.scalars[k] + delta, valueRange.0), valueRange.1)
            }
        }
        return y
    }
}

extension RandomFlip: KerasConfigurable {
    public var kerasConfig: KerasConfig { ["mode": .string(horizontal && vertical ? "horizontal_and_vertical" : horizontal ? "horizontal" : "vertical")] }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        try self.init(mode: config.string("mode") ?? "horizontal_and_vertical", name: config.name)
    }
}

extension RandomContrast: KerasConfigurable {
    public var kerasConfig: KerasConfig { ["factor": .pair((lower, upper))] }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        let factor = try config.range("factor", symmetric: false)
        try self.init(lower: factor.0, upper: factor.1, name: config.name)
    }
}

extension RandomBrightness: KerasConfigurable {
    public var kerasConfig: KerasConfig { ["factor": .pair((lower, upper)), "value_range": .pair(valueRange)] }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        let factor = try config.range("factor")
        let bounds = config["value_range"]?.floatArray.flatMap { $0.isEmpty ? nil : $0 } ?? [0, 255]
        try self.init(lower: factor.0, upper: factor.1, valueRange: (bounds[0], bounds[bounds.count - 1]), name: config.name)
    }
}
