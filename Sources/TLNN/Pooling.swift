import TLTensor

/// What MaxPooling2D and AveragePooling2D share: a window sliding over NHWC images (strides default to
/// the pool size), the output shape it gives, and its Keras config.
public class WindowPooling2D: Layer, KerasConfigurable {
    public var name: String
    public var trainable = true
    public let poolSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    public let weights: [Parameter] = []
    var cachedInputShape: [Int]?

    public init(poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid, name: String? = nil) {
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
        self.name = name ?? LayerNames.next(Self.namePrefix)
    }

    /// Keras's prefix for automatic names (`max_pooling2d_1`).
    class var namePrefix: String { preconditionFailure("a pooling layer names its prefix") }
    public var typeName: String { String(describing: type(of: self)) }
    public class var kerasClassNames: [String] { [String(describing: self)] }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        try requireImageShape(inputShape)
        let (h, w) = padding.spatialOutput(height: inputShape[0], width: inputShape[1], window: poolSize, strides: strides)
        return [h, w, inputShape[2]]
    }

    /// The window's geometry over NHWC batches of `shape`.
    func geometry(batchShape shape: [Int]) -> WindowGeometry {
        WindowGeometry(inputHeight: shape[1], inputWidth: shape[2], channels: shape[3], window: poolSize, strides: strides, padding: padding)
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor { preconditionFailure("a pooling layer pools") }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        preconditionFailure("a pooling layer pools")
    }

    public func clearCache() { cachedInputShape = nil }

    public var kerasConfig: KerasConfig {
        ["pool_size": .pair(poolSize), "strides": .pair(strides), "padding": .string(padding.rawValue)]
    }

    public required convenience init(kerasConfig config: LayerConfiguration) throws {
        let size = try config.pair("pool_size", default: (2, 2))
        self.init(poolSize: size, strides: try config.pair("strides", default: size), padding: try config.padding(), name: config.name)
    }
}

/// Max pooling over NHWC images (Keras `MaxPooling2D`): `y[n, i, j, c] = max_window x`.
/// Padded positions never win.
public final class MaxPooling2D: WindowPooling2D {
    private var cachedArgmax: [Int32]?

    override class var namePrefix: String { "max_pooling2d" }

    public override func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        try requireRank(x, 4, self)
        let (y, argmax) = PoolingKernels.maxForward(input: x, geometry: geometry(batchShape: x.shape), recordArgmax: mode.keepForBackward)
        if mode.keepForBackward {
            cachedArgmax = argmax
            cachedInputShape = x.shape
        }
        return y
    }

    public override func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient else { return nil }
        return PoolingKernels.maxBackward(outputGradient: outputGradient, argmax: try kept(cachedArgmax), inputShape: try kept(cachedInputShape))
    }

    public override func clearCache() {
        cachedArgmax = nil
        super.clearCache()
    }
}

/// Mean over height and width (Keras `GlobalAveragePooling2D`): `(n, h, w, c) -> (n, c)`, or
/// `(n, 1, 1, c)` with `keepDimensions` (Keras's `keepdims=True`, as MobileNet's classifier uses it).
public final class GlobalAveragePooling2D: Layer {
    public var name: String
    public let typeName = "GlobalAveragePooling2D"
    public var trainable = true
    public let weights: [Parameter] = []
    public let keepDimensions: Bool
    private var cachedInputShape: [Int]?

    public init(keepDimensions: Bool = false, name: String? = nil) {
        self.keepDimensions = keepDimensions
        self.name = name ?? LayerNames.next("global_average_pooling2d")
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        keepDimensions ? [1, 1, inputShape.last ?? nil] : [inputShape.last ?? nil]
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        try requireRank(x, 4, self)
        if mode.keepForBackward { cachedInputShape = x.shape }
        let y = PoolingKernels.globalAverage(x)
        return keepDimensions ? try y.reshaped([x.shape[0], 1, 1, x.shape[3]]) : y
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient, let shape = cachedInputShape else { return nil }
        let dy = keepDimensions ? try outputGradient.reshaped([shape[0], shape[3]]) : outputGradient
        return PoolingKernels.globalAverageBackward(dy, inputShape: shape)
    }

    public func clearCache() { cachedInputShape = nil }
}

/// Maximum over height and width (Keras `GlobalMaxPooling2D`): `(n, h, w, c) -> (n, c)`.
public final class GlobalMaxPooling2D: Layer {
    public var name: String
    public let typeName = "GlobalMaxPooling2D"
    public var trainable = true
    public let weights: [Parameter] = []
    private var cachedArgmax: [Int32]?
    private var cachedInputShape: [Int]?

    public init(name: String? = nil) { self.name = name ?? LayerNames.next("global_max_pooling2d") }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape { [inputShape.last ?? nil] }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        try requireRank(x, 4, self)
        let (y, argmax) = PoolingKernels.globalMax(x)
        if mode.keepForBackward { cachedArgmax = argmax; cachedInputShape = x.shape }
        return y
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient, let argmax = cachedArgmax, let shape = cachedInputShape else { return nil }
        return PoolingKernels.maxBackward(outputGradient: outputGradient, argmax: argmax, inputShape: shape)
    }

    public func clearCache() { cachedArgmax = nil; cachedInputShape = nil }
}

extension GlobalAveragePooling2D: KerasConfigurable {
    public var kerasConfig: KerasConfig { keepDimensions ? ["keepdims": true] : [:] }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        self.init(keepDimensions: config.bool("keepdims", default: false), name: config.name)
    }
}

extension GlobalMaxPooling2D: NameOnlyConfigurable {}
