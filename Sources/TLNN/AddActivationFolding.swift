import TLTensor

// Folding the ReLU that follows a residual sum, for passes that keep nothing for backpropagation.
//
// ResNet's blocks end in `Add` then `Activation('relu')`: `y = max(a + b, 0)`. Done as two layers that is
// two passes over the activations and two copies (a layer's input stays referenced by the graph while the
// layer runs, so writing into it copies it first); folded, the sum is written into the storage of the first
// input when nothing else needs it and clamped there. The same sums, the same clamp.

enum AddActivationFolding {
    /// Add nodes whose only consumer is a ReLU or ReLU6 activation layer reading only them, keyed by the
    /// Add node, with that activation node.
    static func find(in nodes: [PlanNode]) -> [Int: Int] {
        var consumers = [[Int]](repeating: [], count: nodes.count)
        for (i, node) in nodes.enumerated() { for j in node.inputs { consumers[j].append(i) } }
        var runs: [Int: Int] = [:]
        for (i, node) in nodes.enumerated() where node.layer is Add && consumers[i].count == 1 {
            let k = consumers[i][0]
            if let activation = nodes[k].layer as? ActivationLayer, activation.activation.reluCeiling != nil, nodes[k].inputs == [i] {
                runs[i] = k
            }
        }
        return runs
    }
}

extension Add {
    /// `min(max(sum of inputs, 0), ceiling)` (inference: nothing is kept for backward). The first input is
    /// taken out of `inputs`, so that when the graph holds it no more the sum is written into its storage
    /// instead of a copy.
    func forwardClamped(_ inputs: inout [Tensor], ceiling: Float) throws -> Tensor {
        guard inputs.count >= 2 else { throw singleInputError() }
        let last = inputs.removeLast()
        var sum = inputs.count >= 2 ? try takeSum(&inputs) : inputs.removeFirst()
        guard last.shape == sum.shape else { throw mismatchedShapes([sum.shape, last.shape]) }
        // The last addition and the clamp in one pass.
        Activation.addClamped(last, to: &sum, ceiling: ceiling)
        return sum
    }
}
