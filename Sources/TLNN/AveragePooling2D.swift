import TLTensor

/// Average pooling over NHWC images (Keras `AveragePooling2D`): `y[n, i, j, c]` is the mean of `x` over
/// the window's positions inside the input. With `same` padding the padded positions are not counted
/// (TensorFlow's `avg_pool`), so a border window of 6 real pixels divides by 6, not 9. Backward spreads each
/// output gradient evenly: `dL/dx += dL/dy / count` over the window.
public final class AveragePooling2D: WindowPooling2D {
    override class var namePrefix: String { "average_pooling2d" }

    public override func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        try requireRank(x, 4, self)
        let y = PoolingKernels.averageForward(input: x, geometry: geometry(batchShape: x.shape))
        if mode.keepForBackward { cachedInputShape = x.shape }
        return y
    }

    public override func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient else { return nil }
        let shape = try kept(cachedInputShape)
        return PoolingKernels.averageBackward(outputGradient: outputGradient, geometry: geometry(batchShape: shape), inputShape: shape)
    }
}
