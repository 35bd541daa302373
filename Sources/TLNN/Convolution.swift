import TLTensor

/// 2-D convolution over NHWC images (Keras `Conv2D`).
///
/// `y[n, i, j, f] = act(b[f] + sum_{u, v, c} x[n, i*sy - pt + u, j*sx - pl + v, c] * W[u, v, c, f])`,
/// with the kernel `W` in Keras's HWIO layout `(kh, kw, cin, filters)` and padding by TensorFlow's rules.
public final class Conv2D: Layer, ConvolutionSettingsHolder {
    public var name: String
    public let typeName = "Conv2D"
    public var trainable = true
    public let filters: Int
    public let settings: ConvolutionSettings
    public internal(set) var kernel: Parameter?
    public internal(set) var bias: Parameter?

    var tape = ActivationTape()
    /// The kernel packed for the C sgemm on the im2col route, kept while the kernel is unchanged.
    let packedKernel: PackedKernelCache? = PackedKernelCache()

    public init(filters: Int, kernelSize: (Int, Int), strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                activation: Activation = .linear, useBias: Bool = true, name: String? = nil) {
        self.filters = filters
        settings = ConvolutionSettings(kernelSize: kernelSize, strides: strides, padding: padding, activation: activation, useBias: useBias)
        self.name = name ?? LayerNames.next("conv2d")
    }

    let kernelName = "kernel"

    func kernelShape(channels: Int) -> [Int] { [kernelSize.0, kernelSize.1, channels, filters] }

    func outputChannels(for inputShape: FeatureShape) throws -> Int? { filters }

    /// `min(max(conv(x, w) + b, 0), reluCeiling)`, or no clamp for a nil ceiling.
    func convolve(_ x: Tensor, kernel w: Tensor, bias b: Tensor?, reluCeiling: Float?, cached: CachedKernel?) -> Tensor {
        ConvolutionKernels.forward(input: x, kernel: w, bias: b, geometry: geometry(for: x),
                                   relu: reluCeiling != nil, reluCeiling: reluCeiling ?? .infinity, cached: cached)
    }

    /// The scale is applied as the kernel is packed for the C sgemm, where it is (no scaled copy).
    func convolve(_ x: Tensor, kernel w: Tensor, scale: [Float], bias b: Tensor?, reluCeiling: Float?, cached: CachedKernel?) -> Tensor {
        ConvolutionKernels.forward(input: x, kernel: w, bias: b, geometry: geometry(for: x), relu: reluCeiling != nil,
                                   reluCeiling: reluCeiling ?? .infinity, kernelScale: scale, cached: cached)
    }

    /// The gradients of ``convolve(_:kernel:bias:reluCeiling:cached:)`` before its activation.
    func convolutionBackward(input x: Tensor, kernel: Tensor, outputGradient dz: Tensor, kernelGradient: inout Tensor?,
                             biasGradient: inout Tensor?, computeInputGradient: Bool) -> Tensor? {
        ConvolutionKernels.backward(input: x, kernel: kernel, outputGradient: dz, geometry: geometry(for: x), kernelGradient: &kernelGradient,
                          biasGradient: &biasGradient, computeInputGradient: computeInputGradient)
    }
}

extension Conv2D: ConvolutionConfigurable {}
