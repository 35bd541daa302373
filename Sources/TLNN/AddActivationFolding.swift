import TLTensor

// Folding the ReLU that follows a residual sum, for passes that keep nothing for backpropagation.
//
// ResNet's blocks end in `Add` then `Activation('relu')`: `y = max(a + b, 0)`. Done as two layers that is
// two passes over the activations and a copy (the activation layer cannot write into a tensor the graph
// still holds); folded, the sum clamps each value as it writes it. Nothing else changes: the same sums,
// the same clamp.

enum AddActivationFolding {
    /// Add nodes whose only consumer is a ReLU or ReLU6 activation layer reading only them, keyed by the
    /// Add node, with that activation node.
    static func find(in nodes: [Functional.Node]) -> [Int: Int] {
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
    /// `min(max(sum of inputs, 0), ceiling)` in one pass (inference: nothing is kept for backward).
    func forwardClamped(_ inputs: [Tensor], ceiling: Float) throws -> Tensor {
        guard inputs.count >= 2, var sum = inputs.first else { throw singleInputError() }
        let others = inputs.dropFirst()
        guard others.allSatisfy({ $0.shape == sum.shape }) else {
            throw ModelError("layer '\(name)' (Add) needs inputs of one shape, got \(inputs.map { "\($0.shape)" }.joined(separator: " and "))")
        }
        for (index, other) in others.enumerated() {
            let clamp = index == others.count - 1
            sum.scalars.withUnsafeMutableBufferPointer { s in
                other.scalars.withUnsafeBufferPointer { o in
                    if clamp {
                        for i in s.indices { s[i] = min(max(s[i] + o[i], 0), ceiling) }
                    } else {
                        for i in s.indices { s[i] += o[i] }
                    }
                }
            }
        }
        return sum
    }
}
