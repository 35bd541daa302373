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

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        guard inputShape.count == 3 else {
            throw ModelError("layer '\(name)' (MaxPooling2D) expects inputs of shape (height, width, channels), got \(describeShape(inputShape))")
        }
        let (h, w) = padding.spatialOutput(height: inputShape[0], width: inputShape[1], window: poolSize, strides: strides)
        return [h, w, inputShape[2]]
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        try requireRank(x, 4, self)
        let g = WindowGeometry(batch: x, window: poolSize, strides: strides, padding: padding)
        let (y, argmax) = PoolingKernels.maxForward(input: x, geometry: g, recordArgmax: mode.keepForBackward)
        if mode.keepForBackward {
            cachedArgmax = argmax
            cachedInputShape = x.shape
        }
        return y
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let argmax = cachedArgmax, let shape = cachedInputShape else {
            throw ModelError("layer '\(name)': backward called without a training forward pass")
        }
        return PoolingKernels.maxBackward(outputGradient: outputGradient, argmax: argmax, inputShape: shape)
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

extension MaxPooling2D: KerasConfigurable {
    public var kerasConfig: KerasConfig { .poolingWindow(size: poolSize, strides: strides, padding: padding) }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        let window = try config.poolingWindow()
        self.init(poolSize: window.size, strides: window.strides, padding: window.padding, name: config.name)
    }
}

extension GlobalAveragePooling2D: KerasConfigurable {
    public var kerasConfig: KerasConfig { keepDimensions ? ["keepdims": true] : [:] }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        self.init(keepDimensions: config.bool("keepdims", default: false), name: config.name)
    }
}

extension GlobalMaxPooling2D: NameOnlyConfigurable {}
