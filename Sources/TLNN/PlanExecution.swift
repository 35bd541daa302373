import TLTensor

/// A model's execution plans (one per ``PlanKey``, built on first use) and what its last forward pass
/// left for the backward pass. Each ``Sequential`` and ``Functional`` holds one.
final class ModelExecution {
    private var plans: [PlanKey: ExecutionPlan] = [:]
    /// The plan of the last forward pass, when it kept activations, and its input's batch shape.
    private var lastKept: (plan: ExecutionPlan, inputShape: [Int])?
    /// The plan the last forward pass ran.
    private(set) var lastPlan: ExecutionPlan?
    let fusions: PlanFusions

    init(fusions: PlanFusions) {
        self.fusions = fusions
    }

    /// The plan for `nodes` in `mode`, from the cache when nothing it depends on changed.
    func plan(_ nodes: [PlanNode], mode: ForwardMode) -> ExecutionPlan {
        let key = PlanKey(nodes, mode: mode)
        if let plan = plans[key] { return plan }
        if plans.count >= 16 { plans = [:] }   // a model whose layers keep changing: drop stale plans
        let plan = ExecutionPlan(nodes, mode: mode, fusions: fusions)
        plans[key] = plan
        return plan
    }

    func forward(_ nodes: [PlanNode], _ x: Tensor, mode: ForwardMode) throws -> Tensor {
        let plan = plan(nodes, mode: mode)
        lastPlan = plan
        lastKept = mode.keepForBackward ? (plan, x.shape) : nil
        return try plan.run(x)
    }

    func backward(_ outputGradient: Tensor, needsInputGradient: Bool, model: String) throws -> Tensor? {
        guard let (plan, inputShape) = lastKept else {
            throw ModelError("model '\(model)': backward called without a training forward pass")
        }
        if needsInputGradient && plan.unkeptCount > 0 {
            throw ModelError("model '\(model)': the input gradient was asked for, but the forward pass kept no activations for layers with no trained weights upstream (\(plan.unkeptCount) layers). Run the forward pass with no weight gradients set, or freeze the layers before this model.")
        }
        return try plan.backward(outputGradient, needsInputGradient: needsInputGradient, inputShape: inputShape)
    }

    func clear() { lastKept = nil }
}

extension ExecutionPlan {
    /// The forward pass: the steps in order, each value moved out of the table at its last read (so that
    /// a layer working in place, such as an activation, does not copy it) and freed there.
    func run(_ x: Tensor) throws -> Tensor {
        var remaining = readers
        var values = [Tensor?](repeating: nil, count: nodes.count)
        for step in steps {
            var inputs: [Tensor] = []
            for j in nodes[step.node].inputs {
                remaining[j] -= 1
                inputs.append(remaining[j] == 0 ? values[j].take()! : values[j]!)
            }
            values[step.output] = try perform(step, x, &inputs)
        }
        return values[nodes.count - 1]!
    }

    private func perform(_ step: Step, _ x: Tensor, _ inputs: inout [Tensor]) throws -> Tensor {
        switch step.operation {
        case .input:
            return try nodes[0].layer?.forward(x, mode: .inference) ?? x
        case .layer(let mode):
            let layer = nodes[step.node].layer!
            if let merge = layer as? MergeLayer { return try merge.forward(inputs, mode: mode) }
            return try layer.forward(inputs.removeFirst(), mode: mode)
        case .convolutionPooling(let convolution):
            return try convolution.forwardMaxPooled(inputs.removeFirst())
        case let .foldedNormalization(convolution, normalization, activation):
            let (scale, shift) = normalization.inferenceScaleAndShift!   // the plan folds only built layers
            return try convolution.forwardFolded(inputs.removeFirst(), scale: scale, shift: shift, then: activation)
        case let .clampedAdd(add, ceiling):
            return try add.forwardClamped(&inputs, ceiling: ceiling)
        }
    }

    /// The backward pass of the last kept forward pass: nodes in reverse, the gradients arriving at a node
    /// from all its readers summed (`dL/dh = sum_k dL/dh via reader k`), each layer asked for the weight
    /// gradients requested of it and for its input gradient only where a node upstream needs it.
    func backward(_ outputGradient: Tensor, needsInputGradient: Bool, inputShape: [Int]) throws -> Tensor? {
        // Read again: a gradient may be requested after the forward pass (which then kept everything).
        let trains = nodes.map { $0.layer?.weights.contains { $0.requiresGradient } ?? false }
        let needed = Self.gradientNeeded(nodes, trainsWeights: trains, inputGradient: needsInputGradient)
        var gradients = [Tensor?](repeating: nil, count: nodes.count)
        gradients[nodes.count - 1] = outputGradient
        for i in stride(from: nodes.count - 1, through: 1, by: -1) {
            guard let g = gradients[i] else { continue }
            gradients[i] = nil
            let node = nodes[i]
            let wantsInputs = node.inputs.contains { needed[$0] }
            guard trains[i] || wantsInputs else { continue }
            let inputGradients: [Tensor]
            if let merge = node.layer as? MergeLayer {
                guard let gs = try merge.backward(g, needsInputGradients: wantsInputs) else { continue }
                inputGradients = gs
            } else {
                guard let dx = try node.layer!.backward(g, needsInputGradient: wantsInputs) else { continue }
                inputGradients = [dx]
            }
            for (input, dx) in zip(node.inputs, inputGradients) where needed[input] {
                if gradients[input] == nil { gradients[input] = dx } else { gradients[input]! += dx }
            }
        }
        guard needsInputGradient else { return nil }
        return gradients[0] ?? Tensor(shape: inputShape)   // the output does not depend on the input
    }
}
