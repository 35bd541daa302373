import TLTensor

/// What Keras's convolution layers (Conv2D, DepthwiseConv2D, SeparableConv2D) are configured with
/// besides their filters: the window's size, strides and padding (TensorFlow's rules), the activation,
/// and whether a bias is added.
public struct ConvolutionSettings {
    public let kernelSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    public let activation: Activation
    public let useBias: Bool

    public init(kernelSize: (Int, Int), strides: (Int, Int), padding: Padding, activation: Activation, useBias: Bool) {
        (self.kernelSize, self.strides, self.padding, self.activation, self.useBias) = (kernelSize, strides, padding, activation, useBias)
    }
}

/// A layer holding ``ConvolutionSettings``, whose parts read as its own properties (`conv.kernelSize`).
public protocol ConvolutionSettingsHolder: AnyObject {
    var settings: ConvolutionSettings { get }
}

extension ConvolutionSettingsHolder {
    public var kernelSize: (Int, Int) { settings.kernelSize }
    public var strides: (Int, Int) { settings.strides }
    public var padding: Padding { settings.padding }
    public var activation: Activation { settings.activation }
    public var useBias: Bool { settings.useBias }
}

/// A layer whose window slides over NHWC images (the convolutions): its size, strides and padding.
protocol WindowedLayer: Layer {
    var kernelSize: (Int, Int) { get }
    var strides: (Int, Int) { get }
    var padding: Padding { get }
}

extension WindowedLayer {
    /// The window's geometry over the batch `x`.
    func geometry(for x: Tensor) -> WindowGeometry {
        WindowGeometry(batch: x, window: kernelSize, strides: strides, padding: padding)
    }

    /// `(height, width, channels)` out for images of `inputShape`, by TensorFlow's padding rules.
    func windowOutputShape(for inputShape: FeatureShape, channels: Int?) throws -> FeatureShape {
        guard inputShape.count == 3 else {
            throw ModelError("layer '\(name)' (\(typeName)) expects inputs of shape (height, width, channels), got \(describeShape(inputShape))")
        }
        let (h, w) = padding.spatialOutput(height: inputShape[0], width: inputShape[1], window: kernelSize, strides: strides)
        return [h, w, channels]
    }

    /// The channels of `inputShape`; throws unless it is an image shape with known channels.
    func knownChannels(of inputShape: FeatureShape) throws -> Int {
        guard inputShape.count == 3, let channels = inputShape[2] else {
            throw ModelError("layer '\(name)' (\(typeName)) needs inputs of shape (height, width, channels) with known channels, got \(describeShape(inputShape))")
        }
        return channels
    }

    /// Throws when a layer built for `built` channels is given inputs of other channels.
    func requireChannels(_ built: Int?, of inputShape: FeatureShape) throws {
        if let built, inputShape.count == 3, let given = inputShape[2], given != built {
            throw ModelError("layer '\(name)' (\(typeName)) was built for \(built) channels, got input \(describeShape(inputShape))")
        }
    }
}

/// What Conv2D and DepthwiseConv2D share: a window, a kernel (created here, Glorot-uniform, and a zero
/// bias) whose input channels must match the batch's, and an activation that ReLU and ReLU6 let the
/// kernels apply as they write.
protocol ConvolutionLayer: WindowedLayer, ActivatedLayer {
    var kernel: Parameter? { get set }
    var bias: Parameter? { get set }
    var useBias: Bool { get }
    /// Keras's name of the kernel weight: `kernel`, `depthwise_kernel`.
    var kernelName: String { get }
    /// The kernel's shape for `channels` input channels, in Keras's layout.
    func kernelShape(channels: Int) -> [Int]
    /// The output channels for inputs of `inputShape` (nil when unknown); throws when they cannot be used.
    func outputChannels(for inputShape: FeatureShape) throws -> Int?
    /// The input and output a training forward pass keeps for backward.
    var tape: ActivationTape { get set }
    /// `min(max(conv(x, w) + b, 0), reluCeiling)`, or no clamp for a nil ceiling; `cached` keeps `w` packed
    /// between calls where the layer packs it (see ``packedKernel``).
    func convolve(_ x: Tensor, kernel w: Tensor, bias b: Tensor?, reluCeiling: Float?, cached: CachedKernel?) -> Tensor
    /// ``convolve(_:kernel:bias:reluCeiling:cached:)`` with the kernel's output channels multiplied by `scale`
    /// first (a batch normalisation folded in); by default a scaled copy of the kernel.
    func convolve(_ x: Tensor, kernel w: Tensor, scale: [Float], bias b: Tensor?, reluCeiling: Float?, cached: CachedKernel?) -> Tensor
    /// Where the layer keeps its kernel packed for the C sgemm between calls, if it packs it (nil by default:
    /// the depthwise kernels read the kernel as it is).
    var packedKernel: PackedKernelCache? { get }
    /// The gradients of `convolve` before its activation: weight gradients accumulated into the given
    /// tensors, the input gradient returned when asked for.
    func convolutionBackward(input x: Tensor, kernel: Tensor, outputGradient dz: Tensor, kernelGradient: inout Tensor?,
                             biasGradient: inout Tensor?, computeInputGradient: Bool) -> Tensor?
}

extension ConvolutionLayer {
    public var weights: [Parameter] { [kernel, bias].compactMap { $0 } }
    public var isBuilt: Bool { kernel != nil }

    public func build(inputShape: FeatureShape) throws {
        guard kernel == nil else { return }
        let channels = try knownChannels(of: inputShape)
        var rng = RandomSource.current.makeGenerator()
        let shape = kernelShape(channels: channels)
        kernel = Parameter(name: kernelName, value: try Initializers.glorotUniform(shape: shape, generator: &rng))
        if useBias { bias = Parameter(name: "bias", value: .zeros([try outputChannels(for: inputShape) ?? channels])) }
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        try windowOutputShape(for: inputShape, channels: try outputChannels(for: inputShape))
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        let y = try convolveActivated(x, mode: mode)
        tape.record(input: x, output: y, activation: activation, mode: mode)
        return y
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        let (x, dz) = try tape.inputAndPreActivationGradient(outputGradient, activation: activation, layer: name)
        guard let kernel else { throw ModelError("layer '\(name)' (\(typeName)) has no weights yet: call it on a batch first") }
        var dw = kernel.gradient
        var db = bias?.gradient
        guard dw != nil || db != nil || needsInputGradient else { return nil }
        // Hand the buffers to the kernels without a copy.
        if dw != nil { kernel.gradient = nil }
        if db != nil { bias?.gradient = nil }
        let dx = convolutionBackward(input: x, kernel: kernel.value, outputGradient: dz, kernelGradient: &dw, biasGradient: &db,
                                     computeInputGradient: needsInputGradient)
        kernel.gradient = dw
        bias?.gradient = db
        return dx
    }

    public func clearCache() { tape.clear() }

    /// The kernel, built for `x`'s channels if need be; throws if `x` is not a batch of images with them.
    func kernel(for x: Tensor) throws -> Parameter {
        try requireRank(x, 4, self)
        try build(inputShape: [x.shape[1], x.shape[2], x.shape[3]])
        guard let kernel, kernel.shape[2] == x.shape[3] else {
            throw ModelError("layer '\(name)' (\(typeName)) expects \(kernel?.shape[2] ?? 0) input channels, got input of shape \(x.shape)")
        }
        return kernel
    }

    /// `activation(conv(x) + b)`: ReLU and ReLU6 clamped by the kernel's last pass, others applied after it,
    /// none when the loss wants logits.
    func convolveActivated(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        let kernel = try kernel(for: x)
        let ceiling = mode.logitsOutput ? nil : activation.reluCeiling
        let cached = cached(kernel)   // the version before the value: a change between the two reads repacks next time
        var y = convolve(x, kernel: kernel.value, bias: bias?.value, reluCeiling: ceiling, cached: cached)
        if !mode.logitsOutput && ceiling == nil { activation.apply(&y) }
        return y
    }

    /// `act(scale * self(x) + shift)` as one convolution: the kernel scaled along its output-channel axis
    /// (the last one; a depthwise kernel's channels are its outputs) and the bias `b * scale + shift`.
    func forwardFolded(_ x: Tensor, scale: [Float], shift: [Float], then activation: Activation) throws -> Tensor {
        let kernel = try kernel(for: x)
        let cached = cached(kernel)   // the version before the value, as in convolveActivated
        return convolve(x, kernel: kernel.value, scale: scale, bias: foldedBias(scale: scale, shift: shift),
                        reluCeiling: activation.reluCeiling, cached: cached)
    }

    /// The layer's kernel cache, to hold `kernel`'s current value, for the convolution kernels.
    func cached(_ kernel: Parameter) -> CachedKernel? {
        packedKernel.map { CachedKernel(cache: $0, version: kernel.version) }
    }

    /// The bias of the convolution with a batch normalisation folded in: `b * scale + shift`.
    func foldedBias(scale: [Float], shift: [Float]) -> Tensor {
        (bias?.value ?? Tensor.zeros([scale.count])) * Tensor(shape: [scale.count], scalars: scale) + Tensor(shape: [shift.count], scalars: shift)
    }

    func convolve(_ x: Tensor, kernel w: Tensor, scale: [Float], bias b: Tensor?, reluCeiling: Float?, cached: CachedKernel?) -> Tensor {
        convolve(x, kernel: ConvolutionKernels.scalingOutputChannels(w, by: scale), bias: b, reluCeiling: reluCeiling, cached: nil)
    }

    var packedKernel: PackedKernelCache? { nil }
}

extension Conv2D: ConvolutionLayer {}
extension DepthwiseConv2D: ConvolutionLayer {}
