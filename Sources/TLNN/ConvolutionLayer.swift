import TLTensor

/// What Conv2D and DepthwiseConv2D share: a kernel whose input channels must match the batch's, and an
/// activation that ReLU and ReLU6 let the kernels apply as they write.
protocol ConvolutionLayer: ActivatedLayer {
    var kernel: Parameter? { get }
    var bias: Parameter? { get }
    /// The input and output a training forward pass keeps for backward.
    var tape: ActivationTape { get set }
    /// `min(max(conv(x, w) + b, 0), reluCeiling)`, or no clamp for a nil ceiling.
    func convolve(_ x: Tensor, kernel w: Tensor, bias b: Tensor?, reluCeiling: Float?) -> Tensor
    /// The gradients of `convolve` before its activation: weight gradients accumulated into the given
    /// tensors, the input gradient returned when asked for.
    func convolutionBackward(input x: Tensor, kernel: Tensor, outputGradient dz: Tensor, kernelGradient: inout Tensor?,
                             biasGradient: inout Tensor?, computeInputGradient: Bool) -> Tensor?
}

extension ConvolutionLayer {
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
        var y = convolve(x, kernel: kernel.value, bias: bias?.value, reluCeiling: ceiling)
        if !mode.logitsOutput && ceiling == nil { activation.apply(&y) }
        return y
    }

    /// `act(scale * self(x) + shift)` as one convolution: the kernel scaled along its output-channel axis
    /// (the last one; a depthwise kernel's channels are its outputs) and the bias `b * scale + shift`.
    func forwardFolded(_ x: Tensor, scale: [Float], shift: [Float], then activation: Activation) throws -> Tensor {
        var folded = try kernel(for: x).value
        let channels = scale.count
        folded.scalars.withUnsafeMutableBufferPointer { w in
            scale.withUnsafeBufferPointer { s in
                var i = 0
                while i < w.count {
                    for c in 0..<channels { w[i + c] *= s[c] }
                    i += channels
                }
            }
        }
        let foldedBias = (0..<channels).map { (bias?.value.scalars[$0] ?? 0) * scale[$0] + shift[$0] }
        return convolve(x, kernel: folded, bias: Tensor(shape: [channels], scalars: foldedBias), reluCeiling: activation.reluCeiling)
    }
}

extension Activation {
    /// The ceiling of a ReLU the convolution kernels clamp to as they write (nil: not a clamp).
    var reluCeiling: Float? {
        switch self {
        case .relu: return .infinity
        case .relu6: return 6
        default: return nil
        }
    }
}

extension Conv2D: ConvolutionLayer {}
extension DepthwiseConv2D: ConvolutionLayer {}
