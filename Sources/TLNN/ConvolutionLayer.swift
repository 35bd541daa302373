import TLTensor

/// What Conv2D and DepthwiseConv2D share: a kernel whose input channels must match the batch's, and an
/// activation that ReLU and ReLU6 let the kernels apply as they write.
protocol ConvolutionLayer: ActivatedLayer {
    var kernel: Parameter? { get }
    var bias: Parameter? { get }
    /// `min(max(conv(x, w) + b, 0), reluCeiling)`, or no clamp for a nil ceiling.
    func convolve(_ x: Tensor, kernel w: Tensor, bias b: Tensor?, reluCeiling: Float?) -> Tensor
}

extension ConvolutionLayer {
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

extension Conv2D: ConvolutionLayer {}
extension DepthwiseConv2D: ConvolutionLayer {}
