import TLTensor

/// Max pooling over NHWC images (Keras `MaxPooling2D`): `y[n, i, j, c] = max_window x`.
/// Strides default to the pool size; padded positions never win.
public final class MaxPooling2D: Layer {
    public var name: String
    public let typeName = "MaxPooling2D"
    public var trainable = true
    public let poolSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    public let weights: [Parameter] = []
    private var cachedArgmax: [Int32]?
    private var cachedInputShape: [Int]?

    public init(poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid, name: String? = nil) {
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
        self.name = name ?? LayerNames.next("max_pooling2d")
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        let (y, argmax) = PoolingKernels.maxForward(input: x, geometry: try geometry(x), recordArgmax: mode.keepForBackward)
        if mode.keepForBackward {
            cachedArgmax = argmax
            cachedInputShape = x.shape
        }
        return y
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient else { return nil }
        return PoolingKernels.maxBackward(outputGradient: outputGradient, argmax: try kept(cachedArgmax), inputShape: try kept(cachedInputShape))
    }

    public func clearCache() {
        cachedArgmax = nil
        cachedInputShape = nil
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

/// MaxPooling2D and AveragePooling2D: a window sliding over height and width, shaped and configured alike.
public protocol PoolingWindowLayer: KerasConfigurable {
    var poolSize: (Int, Int) { get }
    var strides: (Int, Int) { get }
    var padding: Padding { get }
    init(poolSize: (Int, Int), strides: (Int, Int)?, padding: Padding, name: String?)
}

extension PoolingWindowLayer {
    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        try requireImageShape(inputShape)
        let (h, w) = padding.spatialOutput(height: inputShape[0], width: inputShape[1], window: poolSize, strides: strides)
        return [h, w, inputShape[2]]
    }

    /// The window's geometry over a batch `x` (NHWC).
    func geometry(_ x: Tensor) throws -> WindowGeometry {
        try requireRank(x, 4, self)
        return geometry(batchShape: x.shape)
    }

    func geometry(batchShape shape: [Int]) -> WindowGeometry {
        WindowGeometry(inputHeight: shape[1], inputWidth: shape[2], channels: shape[3], window: poolSize, strides: strides, padding: padding)
    }

    public var kerasConfig: KerasConfig {
        ["pool_size": .pair(poolSize), "strides": .pair(strides), "padding": .string(padding.rawValue)]
    }

    /// The strides default to the pool size, as in Keras.
    public init(kerasConfig config: LayerConfiguration) throws {
        let size = try config.pair("pool_size", default: (2, 2))
        self.init(poolSize: size, strides: try config.pair("strides", default: size), padding: try config.padding(), name: config.name)
    }
}

extension MaxPooling2D: PoolingWindowLayer {}

extension GlobalAveragePooling2D: KerasConfigurable {
    public var kerasConfig: KerasConfig { keepDimensions ? ["keepdims": true] : [:] }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        self.init(keepDimensions: config.bool("keepdims", default: false), name: config.name)
    }
}

extension GlobalMaxPooling2D: NameOnlyConfigurable {}
