import TLTensor

// Folding batch normalisation into the convolution before it, for inference.
//
// In inference, batch normalisation is the per-channel affine map `y = scale * z + shift` with
// `scale = gamma / sqrt(moving_variance + epsilon)` and `shift = beta - moving_mean * scale`. For a
// convolution `z = conv(x, W) + b`, that is the convolution with kernel `W * scale` (per output channel)
// and bias `b * scale + shift` (ConvolutionLayer.forwardFolded), and a following ReLU or ReLU6 clamps the
// output as the kernel writes it: three passes over the activations become one. The scale and bias are
// computed on every call; the scale is applied as the kernel is packed, and a Conv2D keeps the packed kernel
// for as long as its kernel's version and the scale are unchanged (PackedKernelCache), so nothing goes stale
// when either changes.

/// A convolution with the batch normalisation (and ReLU or ReLU6) after it folded in: one step of a plan.
struct FoldedConvolution {
    let convolution: ConvolutionLayer
    let normalization: BatchNormalization
    let activation: Activation

    /// `act(scale * conv(x) + shift)` as one convolution.
    func forward(_ x: Tensor) throws -> Tensor {
        let (scale, shift) = normalization.inferenceScaleAndShift!   // the plan folds only built layers
        return try convolution.forwardFolded(x, scale: scale, shift: shift, then: activation)
    }

    /// The kernel, the normalisation's scale and the folded bias `b * scale + shift` (the layer built).
    func parts() -> (kernel: Tensor, scale: [Float], bias: Tensor) {
        let (scale, shift) = normalization.inferenceScaleAndShift!
        return (convolution.kernel!.value, scale, convolution.foldedBias(scale: scale, shift: shift))
    }

    /// The layer has its kernel, for inputs of `channels` channels.
    func isBuilt(channels: Int) -> Bool { convolution.kernel?.shape[2] == channels }
}

/// A convolution node whose only consumer is a batch normalisation, and that one's only consumer, when it
/// is a ReLU or ReLU6 activation layer.
struct FoldableRun: Equatable {
    let convolution: Int
    let normalization: Int
    let activation: Int?
    /// The node whose value the folded run produces.
    var last: Int { activation ?? normalization }

    /// Every such run in a graph, keyed by its convolution node. `consumers[i]` lists the nodes reading node i.
    static func find(in nodes: [PlanNode]) -> [Int: FoldableRun] {
        var consumers = [[Int]](repeating: [], count: nodes.count)
        for (i, node) in nodes.enumerated() { for j in node.inputs { consumers[j].append(i) } }
        let output = nodes.count - 1
        var runs: [Int: FoldableRun] = [:]
        for (i, node) in nodes.enumerated() {
            guard let conv = node.layer as? ConvolutionLayer, conv.activation == .linear, i != output,
                  consumers[i].count == 1 else { continue }
            let j = consumers[i][0]
            guard nodes[j].layer is BatchNormalization, nodes[j].inputs == [i] else { continue }
            var activation: Int?
            if j != output, consumers[j].count == 1 {
                let k = consumers[j][0]
                if let layer = nodes[k].layer as? ActivationLayer, layer.activation.reluCeiling != nil, nodes[k].inputs == [j] {
                    activation = k
                }
            }
            runs[i] = FoldableRun(convolution: i, normalization: j, activation: activation)
        }
        return runs
    }
}
