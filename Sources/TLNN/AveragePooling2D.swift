import TLTensor

/// Average pooling over NHWC images (Keras `AveragePooling2D`): `y[n, i, j, c]` is the mean of `x` over
/// the window's positions inside the input. With `same` padding the padded positions are not counted
/// (TensorFlow's `avg_pool`), so a border window of 6 real pixels divides by 6, not 9. Strides default to
/// the pool size. Backward spreads each output gradient evenly: `dL/dx += dL/dy / count` over the window.
public final class AveragePooling2D: Layer {
    public var name: String
    public let typeName = "AveragePooling2D"
    public var trainable = true
    public let poolSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    public let weights: [Parameter] = []
    private var cachedInputShape: [Int]?

    public init(poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid, name: String? = nil) {
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
        self.name = name ?? LayerNames.next("average_pooling2d")
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        guard inputShape.count == 3 else {
            throw ModelError("layer '\(name)' (AveragePooling2D) expects inputs of shape (height, width, channels), got \(describeShape(inputShape))")
        }
        let (h, w) = padding.spatialOutput(height: inputShape[0], width: inputShape[1], window: poolSize, strides: strides)
        return [h, w, inputShape[2]]
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        try requireRank(x, 4, self)
        let y = PoolingKernels.averageForward(input: x, geometry: WindowGeometry(batch: x, window: poolSize, strides: strides, padding: padding))
        if mode.keepForBackward { cachedInputShape = x.shape }
        return y
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let shape = cachedInputShape else {
            throw ModelError("layer '\(name)': backward called without a training forward pass")
        }
        let g = WindowGeometry(inputHeight: shape[1], inputWidth: shape[2], channels: shape[3], window: poolSize,
                               strides: strides, padding: padding)
        return PoolingKernels.averageBackward(outputGradient: outputGradient, geometry: g, inputShape: shape)
    }

    public func clearCache() { cachedInputShape = nil }
}

extension AveragePooling2D: KerasConfigurable {
    public var kerasConfig: KerasConfig { .poolingWindow(size: poolSize, strides: strides, padding: padding) }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        let window = try config.poolingWindow()
        self.init(poolSize: window.size, strides: window.strides, padding: window.padding, name: config.name)
    }
}
