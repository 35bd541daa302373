import TLTensor

/// Depthwise 2-D convolution over NHWC images (Keras `DepthwiseConv2D`).
///
/// Each channel is filtered on its own by `M` windows (`depth_multiplier`), output channel `c * M + k`
/// from window `k`:
/// `y[n, i, j, c*M + k] = act(b[c*M + k] + sum_{u, v} x[n, i*sy - pt + u, j*sx - pl + v, c] * W[u, v, c, k])`,
/// with the kernel in Keras's layout `(kh, kw, channels, M)` and padding by TensorFlow's rules.
public final class DepthwiseConv2D: Layer, ConvolutionSettingsHolder {
    public var name: String
    public let typeName = "DepthwiseConv2D"
    public var trainable = true
    public let settings: ConvolutionSettings
    /// Keras's `depth_multiplier`: output channels per input channel.
    public let depthMultiplier: Int
    public internal(set) var kernel: Parameter?
    public internal(set) var bias: Parameter?

    var tape = ActivationTape()

    public init(kernelSize: (Int, Int), strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                activation: Activation = .linear, useBias: Bool = true, depthMultiplier: Int = 1, name: String? = nil) {
        precondition(depthMultiplier >= 1, "depth_multiplier must be a positive integer")
        self.depthMultiplier = depthMultiplier
        settings = ConvolutionSettings(kernelSize: kernelSize, strides: strides, padding: padding, activation: activation, useBias: useBias)
        self.name = name ?? LayerNames.next("depthwise_conv2d")
    }

    /// Keras's order of the weights: `depthwise_kernel`, then `bias`.
    let kernelName = "depthwise_kernel"

    func kernelShape(channels: Int) -> [Int] { [kernelSize.0, kernelSize.1, channels, depthMultiplier] }

    /// The input's channels times the depth multiplier; throws for channels other than those the kernel
    /// was built for.
    func outputChannels(for inputShape: FeatureShape) throws -> Int? {
        try requireChannels(kernel?.shape[2], of: inputShape)
        return inputShape.count == 3 ? inputShape[2].map { $0 * depthMultiplier } : nil
    }

    /// `min(max(depthwise(x, w) + b, 0), reluCeiling)`, or no clamp for a nil ceiling.
    func convolve(_ x: Tensor, kernel w: Tensor, bias b: Tensor?, reluCeiling: Float?, cached: CachedKernel?) -> Tensor {
        DepthwiseConvolutionKernels.forward(input: x, kernel: w, bias: b, geometry: geometry(for: x),
                                            relu: reluCeiling != nil, reluCeiling: reluCeiling ?? .infinity)
    }

    /// The gradients of ``convolve(_:kernel:bias:reluCeiling:cached:)`` before its activation.
    func convolutionBackward(input x: Tensor, kernel: Tensor, outputGradient dz: Tensor, kernelGradient: inout Tensor?,
                             biasGradient: inout Tensor?, computeInputGradient: Bool) -> Tensor? {
        DepthwiseConvolutionKernels.backward(input: x, kernel: kernel, outputGradient: dz, geometry: geometry(for: x), kernelGradient: &kernelGradient,
                          biasGradient: &biasGradient, computeInputGradient: computeInputGradient)
    }
}

extension DepthwiseConv2D: KerasConfigurable {
    public var kerasConfig: KerasConfig {
        var config = KerasConfig.window(kernelSize: kernelSize, strides: strides, padding: padding, activation: activation, useBias: useBias)
        // Written when not Keras's default, 1, so that descriptions tl wrote before stay byte for byte the same.
        if depthMultiplier != 1 { config["depth_multiplier"] = .int(depthMultiplier) }
        return config
    }

    public convenience init(kerasConfig config: LayerConfiguration) throws {
        let window = try config.window()
        // Keras's default, 1, when the file does not record it; a positive integer otherwise.
        let multiplier = config["depth_multiplier"] == nil ? 1 : try config.int("depth_multiplier")
        self.init(kernelSize: window.kernelSize, strides: window.strides, padding: window.padding, activation: window.activation,
                  useBias: window.useBias, depthMultiplier: multiplier, name: config.name)
    }
}
