import TLTensor

// A Conv2D and the 2x2 max pooling right after it done as one pass.
//
// At the end of each VGG16 block a convolution writes a map that only the max pooling after it reads
// (115 MB at block1 for a batch of 20). When neither keeps activations for backpropagation, the
// convolution's kernel pools its output tiles as it writes them (``ConvolutionKernels/forwardMaxPooled``),
// and the full-size map is never stored. The execution plan (ExecutionPlan.swift) decides where.

extension ExecutionPlan {
    /// Whether `pool` after `conv`, in these modes, may run as one pass.
    static func canFuse(_ conv: Conv2D, _ pool: MaxPooling2D, _ convMode: ForwardMode, _ poolMode: ForwardMode) -> Bool {
        EngineOptions.current.fusesPooling && (conv.activation == .linear || conv.activation.reluCeiling != nil)
            && pool.poolSize == (2, 2) && pool.strides == (2, 2) && pool.padding == .valid
            && !convMode.keepForBackward && !poolMode.keepForBackward && !convMode.logitsOutput && !poolMode.logitsOutput
    }
}

extension Conv2D {
    /// `MaxPooling2D()(self(x))` in one pass where the kernels allow it.
    func forwardMaxPooled(_ x: Tensor) throws -> Tensor {
        let kernel = try kernel(for: x)
        let ceiling = activation.reluCeiling
        let cached = cached(kernel)   // the version before the value
        return ConvolutionKernels.forwardMaxPooled(input: x, kernel: kernel.value, bias: bias?.value, geometry: geometry(for: x),
                                                   relu: ceiling != nil, reluCeiling: ceiling ?? .infinity, cached: cached)
    }
}
