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

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        let y = PoolingKernels.averageForward(input: x, geometry: try geometry(x))
        if mode.keepForBackward { cachedInputShape = x.shape }
        return y
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient else { return nil }
        let shape = try kept(cachedInputShape)
        return PoolingKernels.averageBackward(outputGradient: outputGradient, geometry: geometry(batchShape: shape), inputShape: shape)
    }

    public func clearCache() { cachedInputShape = nil }
}

extension AveragePooling2D: PoolingWindowLayer {}
