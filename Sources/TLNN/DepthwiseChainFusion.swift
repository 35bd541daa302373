import TLTensor

// A pointwise convolution, the depthwise convolution reading it and the pointwise convolution reading that,
// each with its batch normalisation folded in, run as one step (DepthwiseChainKernels in TLTensor): the
// inverted-residual blocks of MobileNetV2 and EfficientNet-Lite in inference, and in the frozen base of a
// fine-tuned one. The execution plan (ExecutionPlan.swift) finds them among its folded steps.

/// `[expand ->] depthwise [-> project]`, at least two of them.
struct DepthwiseChain {
    let expand: FoldedConvolution?
    let depthwise: FoldedConvolution
    let project: FoldedConvolution?

    /// The chain on `x`: fused where the kernels allow (``DepthwiseChainKernels/applies(batch:kernels:)``),
    /// else its steps one by one. Either way the same values.
    func forward(_ x: Tensor) throws -> Tensor {
        guard DepthwiseChainKernels.applies(batch: x.shape.first ?? 0), x.shape.count == 4 else { return try forwardStepByStep(x) }
        let layer = depthwise.convolution
        let (oh, ow) = layer.padding.spatialOutput(height: x.shape[1], width: x.shape[2], window: layer.kernelSize, strides: layer.strides)
        guard (oh ?? 0) * (ow ?? 0) >= DepthwiseChainKernels.minimumPixels else { return try forwardStepByStep(x) }
        let channels = x.shape[3]
        let expanded = expand?.convolution.kernel?.shape[3] ?? channels
        guard expand?.isBuilt(channels: channels) ?? true, depthwise.isBuilt(channels: expanded),
              project?.isBuilt(channels: expanded) ?? true else { return try forwardStepByStep(x) }
        let expandStage = expand.map(Self.pointwiseStage)
        let (kernel, scale, bias) = depthwise.parts()
        let depthwiseStage = DepthwiseChainKernels.Depthwise(kernel: ConvolutionKernels.scalingOutputChannels(kernel, by: scale), bias: bias,
                                                             ceiling: depthwise.activation.reluCeiling, strides: layer.strides,
                                                             padding: layer.padding)
        return DepthwiseChainKernels.forward(input: x, expand: expandStage, depthwise: depthwiseStage,
                                             project: project.map(Self.pointwiseStage))
    }

    /// A folded pointwise convolution as the kernels take it (its scale applied as the kernel is packed).
    static func pointwiseStage(_ stage: FoldedConvolution) -> DepthwiseChainKernels.Pointwise {
        let cached = stage.convolution.kernel.flatMap(stage.convolution.cached)   // the version before the value
        let (kernel, scale, bias) = stage.parts()
        return DepthwiseChainKernels.Pointwise(kernel: kernel, scale: scale, bias: bias, ceiling: stage.activation.reluCeiling,
                                               cached: cached)
    }

    /// The folded steps one after another.
    func forwardStepByStep(_ x: Tensor) throws -> Tensor {
        var y = x
        if let expand { y = try expand.forward(y) }
        y = try depthwise.forward(y)
        if let project { y = try project.forward(y) }
        return y
    }

    /// `step`'s folded convolution when it is a pointwise Conv2D (1x1 window, stride 1).
    static func pointwise(_ step: ExecutionPlan.Step) -> FoldedConvolution? {
        guard case .foldedNormalization(let folded) = step.operation, let conv = folded.convolution as? Conv2D,
              conv.kernelSize == (1, 1), conv.strides == (1, 1) else { return nil }
        return folded
    }

    /// `step`'s folded convolution when it is a DepthwiseConv2D with depth multiplier 1.
    static func depthwise(_ step: ExecutionPlan.Step) -> FoldedConvolution? {
        guard case .foldedNormalization(let folded) = step.operation, let conv = folded.convolution as? DepthwiseConv2D,
              conv.depthMultiplier == 1 else { return nil }
        return folded
    }

    /// `steps` with each chain of adjacent folded steps (the later reading only the earlier's value, which
    /// nothing else reads) made one step.
    static func fuse(_ steps: [ExecutionPlan.Step], nodes: [PlanNode], readers: [Int]) -> [ExecutionPlan.Step] {
        func feeds(_ a: ExecutionPlan.Step, _ b: ExecutionPlan.Step) -> Bool {
            nodes[b.node].inputs == [a.output] && readers[a.output] == 1
        }
        var fused: [ExecutionPlan.Step] = []
        var i = 0
        while i < steps.count {
            // The depthwise step at i, or at i + 1 after a pointwise one feeding it.
            var start = i, expand: FoldedConvolution?
            if let p = pointwise(steps[i]), i + 1 < steps.count, depthwise(steps[i + 1]) != nil, feeds(steps[i], steps[i + 1]) {
                expand = p
                start = i + 1
            }
            guard let d = depthwise(steps[start]) else {
                fused.append(steps[i])
                i += 1
                continue
            }
            var end = start, project: FoldedConvolution?
            if start + 1 < steps.count, let p = pointwise(steps[start + 1]), feeds(steps[start], steps[start + 1]) {
                project = p
                end = start + 1
            }
            guard expand != nil || project != nil else {
                fused.append(steps[i])
                i += 1
                continue
            }
            let chain = DepthwiseChain(expand: expand, depthwise: d, project: project)
            fused.append(ExecutionPlan.Step(node: steps[i].node, output: steps[end].output, operation: .depthwiseChain(chain)))
            i = end + 1
        }
        return fused
    }
}
