import TLTensor

/// Depthwise-separable 2-D convolution over NHWC images, depth multiplier 1 (Keras `SeparableConv2D`):
/// a depthwise convolution filtering each channel on its own, then a 1x1 (pointwise) convolution mixing
/// them:
///
/// `m[n, i, j, c] = sum_{u, v} x[n, i*sy - pt + u, j*sx - pl + v, c] * D[u, v, c, 0]`,
/// `y[n, i, j, f] = act(b[f] + sum_c m[n, i, j, c] * P[0, 0, c, f])`.
///
/// Weights in Keras's order: `depthwise_kernel` `(kh, kw, cin, 1)`, `pointwise_kernel` `(1, 1, cin, filters)`,
/// `bias` `(filters,)` when used. Both stages run on the existing kernels (depthwise, and sgemm for the
/// pointwise one); backward runs them in reverse through the kept intermediate `m`.
public final class SeparableConv2D: Layer, ActivatedLayer, WindowedLayer, ConvolutionSettingsHolder {
    public var name: String
    public let typeName = "SeparableConv2D"
    public var trainable = true
    public let filters: Int
    public let settings: ConvolutionSettings
    public private(set) var depthwiseKernel: Parameter?
    public private(set) var pointwiseKernel: Parameter?
    public private(set) var bias: Parameter?

    private var tape = ActivationTape()
    /// The depthwise stage's output of the last kept forward pass.
    private var cachedIntermediate: Tensor?

    public init(filters: Int, kernelSize: (Int, Int), strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                activation: Activation = .linear, useBias: Bool = true, name: String? = nil) {
        self.filters = filters
        settings = ConvolutionSettings(kernelSize: kernelSize, strides: strides, padding: padding, activation: activation, useBias: useBias)
        self.name = name ?? LayerNames.next("separable_conv2d")
    }

    public var weights: [Parameter] { [depthwiseKernel, pointwiseKernel, bias].compactMap { $0 } }
    public var isBuilt: Bool { depthwiseKernel != nil }

    public func build(inputShape: FeatureShape) throws {
        guard depthwiseKernel == nil else { return }
        let channels = try knownChannels(of: inputShape)
        var rng = RandomSource.current.makeGenerator()
        depthwiseKernel = Parameter(name: "depthwise_kernel", value: try Initializers.glorotUniform(
            shape: [kernelSize.0, kernelSize.1, channels, 1], generator: &rng))
        pointwiseKernel = Parameter(name: "pointwise_kernel", value: try Initializers.glorotUniform(
            shape: [1, 1, channels, filters], generator: &rng))
        if useBias { bias = Parameter(name: "bias", value: .zeros([filters])) }
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        try requireChannels(depthwiseKernel?.shape[2], of: inputShape)
        return try windowOutputShape(for: inputShape, channels: filters)
    }

    private func pointwiseGeometry(_ m: Tensor) -> WindowGeometry {
        WindowGeometry(batch: m, window: (1, 1), strides: (1, 1), padding: .valid)
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        try requireRank(x, 4, self)
        try build(inputShape: [x.shape[1], x.shape[2], x.shape[3]])
        guard let depthwiseKernel, let pointwiseKernel, depthwiseKernel.shape[2] == x.shape[3] else {
            throw ModelError("layer '\(name)' (SeparableConv2D) expects \(depthwiseKernel?.shape[2] ?? 0) input channels, got input of shape \(x.shape)")
        }
        let m = DepthwiseConvolutionKernels.forward(input: x, kernel: depthwiseKernel.value, bias: nil, geometry: geometry(for: x))
        let ceiling = mode.logitsOutput ? nil : activation.reluCeiling
        var y = ConvolutionKernels.forward(input: m, kernel: pointwiseKernel.value, bias: bias?.value, geometry: pointwiseGeometry(m),
                                           relu: ceiling != nil, reluCeiling: ceiling ?? .infinity)
        if !mode.logitsOutput && ceiling == nil { activation.apply(&y) }
        tape.record(input: x, output: y, activation: activation, mode: mode)
        if mode.keepForBackward { cachedIntermediate = m }
        return y
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        let (x, dz) = try tape.inputAndPreActivationGradient(outputGradient, activation: activation, layer: name)
        guard let m = cachedIntermediate, let depthwiseKernel, let pointwiseKernel else {
            throw ModelError("layer '\(name)': backward called without a training forward pass")
        }
        var dPointwise = pointwiseKernel.gradient, dBias = bias?.gradient
        var dDepthwise = depthwiseKernel.gradient
        let needsIntermediate = needsInputGradient || dDepthwise != nil
        guard dPointwise != nil || dBias != nil || needsIntermediate else { return nil }
        let dm = ConvolutionKernels.backward(input: m, kernel: pointwiseKernel.value, outputGradient: dz, geometry: pointwiseGeometry(m),
                                             kernelGradient: &dPointwise, biasGradient: &dBias, computeInputGradient: needsIntermediate)
        pointwiseKernel.gradient = dPointwise
        bias?.gradient = dBias
        guard let dm else { return nil }
        var noBias: Tensor? = nil
        let dx = DepthwiseConvolutionKernels.backward(input: x, kernel: depthwiseKernel.value, outputGradient: dm, geometry: geometry(for: x),
                                                      kernelGradient: &dDepthwise, biasGradient: &noBias,
                                                      computeInputGradient: needsInputGradient)
        depthwiseKernel.gradient = dDepthwise
        return dx
    }

    public func clearCache() {
        tape.clear()
        cachedIntermediate = nil
    }
}

extension SeparableConv2D: ConvolutionConfigurable {}
