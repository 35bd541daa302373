import TLTensor

/// A model's execution plans (one per ``PlanKey``, built on first use) and what its last forward pass
/// left for the backward pass. Each ``Sequential`` and ``Functional`` holds one.
final class ModelExecution {
    private var plans: [PlanKey: ExecutionPlan] = [:]
    /// The plan of the last forward pass, when it kept activations, its inputs' batch shapes and what it
    /// recorded for the earlier uses of shared layers.
    private var lastKept: (plan: ExecutionPlan, inputShapes: [[Int]], uses: [Int: NodeUse])?
    /// The plan the last forward pass ran.
    private(set) var lastPlan: ExecutionPlan?
    let fusions: PlanFusions

    init(fusions: PlanFusions) {
        self.fusions = fusions
    }

    /// The plan for `nodes` in `mode`, from the cache when nothing it depends on changed.
    func plan(_ nodes: [PlanNode], ends: PlanEnds, mode: ForwardMode) -> ExecutionPlan {
        let key = PlanKey(nodes, ends: ends, mode: mode)
        if let plan = plans[key] { return plan }
        if plans.count >= 16 { plans = [:] }   // a model whose layers keep changing: drop stale plans
        let plan = ExecutionPlan(nodes, ends: ends, mode: mode, fusions: fusions)
        plans[key] = plan
        return plan
    }

    /// A one-input, one-output forward pass (node 0 in, the last node out).
    func forward(_ nodes: [PlanNode], _ x: Tensor, mode: ForwardMode) throws -> Tensor {
        try forward(nodes, ends: .single(nodes.count, mode: mode), [x], mode: mode)[0]
    }

    /// The forward pass from the inputs `ends.inputs` take to the values of `ends.outputs`.
    func forward(_ nodes: [PlanNode], ends: PlanEnds, _ inputs: [Tensor], mode: ForwardMode) throws -> [Tensor] {
        let plan = plan(nodes, ends: ends, mode: mode)
        lastPlan = plan
        let (outputs, uses) = try plan.run(inputs)
        lastKept = mode.keepForBackward ? (plan, inputs.map(\.shape), uses) : nil
        return outputs
    }

    func backward(_ outputGradient: Tensor, needsInputGradient: Bool, model: String) throws -> Tensor? {
        try backward([outputGradient], needsInputGradient: needsInputGradient, model: model)?.first
    }

    /// Backpropagates the gradients of the outputs (nil: the loss does not read that output) to the
    /// inputs; returns the input gradients when asked for.
    func backward(_ outputGradients: [Tensor?], needsInputGradient: Bool, model: String) throws -> [Tensor]? {
        guard let (plan, inputShapes, uses) = lastKept else {
            throw ModelError("model '\(model)': backward called without a training forward pass")
        }
        if needsInputGradient && plan.unkeptCount > 0 {
            throw ModelError("model '\(model)': the input gradient was asked for, but the forward pass kept no activations for layers with no trained weights upstream (\(plan.unkeptCount) layers). Run the forward pass with no weight gradients set, or freeze the layers before this model.")
        }
        return try plan.backward(outputGradients, needsInputGradient: needsInputGradient, inputShapes: inputShapes, uses: uses)
    }

    func clear() { lastKept = nil }
}

/// What an earlier use of a shared layer needs for its backward pass: its inputs, its mode, and the
/// layer's state before that use (random generators, moving statistics). The layer's caches hold the
/// last use's activations, so the backward pass rebuilds this use's by running it again from the same
/// state, then puts the state back: the recomputed pass draws the same dropout mask and leaves the
/// moving statistics as the forward pass left them.
struct NodeUse {
    let inputs: [Tensor]
    let mode: ForwardMode
    let state: LayerState
}

/// The state a forward pass changes in a layer and its sublayers besides its caches.
struct LayerState {
    private let randomStates: [(RandomStateLayer, UInt64)]
    private let statistics: [(Parameter, Tensor)]

    init(of layer: Layer) {
        randomStates = layer.allLayers.compactMap { $0 as? RandomStateLayer }.map { ($0, $0.randomState) }
        statistics = layer.allLayers.flatMap(\.alwaysFrozenWeights).map { ($0, $0.value) }
    }

    func restore() {
        for (layer, state) in randomStates { layer.randomState = state }
        for (parameter, value) in statistics { parameter.value = value }
    }
}

extension ExecutionPlan {
    /// A one-input, one-output forward pass.
    func run(_ x: Tensor) throws -> Tensor {
        try run([x]).outputs[0]
    }

    /// The forward pass: the steps in order, each value moved out of the table at its last read (so that
    /// a layer working in place, such as an activation, does not copy it) and freed there. Returns the
    /// outputs' values and what the earlier uses of shared layers need for the backward pass.
    func run(_ inputs: [Tensor]) throws -> (outputs: [Tensor], uses: [Int: NodeUse]) {
        var remaining = readers
        var values = [Tensor?](repeating: nil, count: nodes.count)
        var uses: [Int: NodeUse] = [:]
        for step in steps {
            var arguments: [Tensor] = []
            for j in nodes[step.node].inputs {
                remaining[j] -= 1
                arguments.append(remaining[j] == 0 ? values[j].take()! : values[j]!)
            }
            if earlierUses.contains(step.node), case .layer(let mode) = step.operation {
                uses[step.node] = NodeUse(inputs: arguments, mode: mode, state: LayerState(of: nodes[step.node].layer!))
            }
            values[step.output] = try perform(step, inputs, &arguments)
        }
        return (ends.outputs.map { values[$0]! }, uses)
    }

    private func perform(_ step: Step, _ modelInputs: [Tensor], _ inputs: inout [Tensor]) throws -> Tensor {
        switch step.operation {
        case .input(let position):
            let x = modelInputs[position]
            return try nodes[step.node].layer?.forward(x, mode: .inference) ?? x
        case .layer(let mode):
            return try Self.forward(nodes[step.node].layer!, &inputs, mode: mode)
        case .convolutionPooling(let convolution):
            return try convolution.forwardMaxPooled(inputs.removeFirst())
        case .foldedNormalization(let folded):
            return try folded.forward(inputs.removeFirst())
        case let .clampedAdd(add, ceiling):
            return try add.forwardClamped(&inputs, ceiling: ceiling)
        case .depthwiseChain(let chain):
            return try chain.forward(inputs.removeFirst())
        }
    }

    /// One layer on its inputs (a merge layer takes them all).
    private static func forward(_ layer: Layer, _ inputs: inout [Tensor], mode: ForwardMode) throws -> Tensor {
        if let merge = layer as? MergeLayer { return try merge.forward(inputs, mode: mode) }
        return try layer.forward(inputs.removeFirst(), mode: mode)
    }

    /// The backward pass of the last kept forward pass: nodes in reverse, the gradients arriving at a node
    /// from all its readers (and from the loss, for an output) summed (`dL/dh = sum_k dL/dh via reader k`),
    /// each layer asked for the weight gradients requested of it and for its input gradient only where a
    /// node upstream needs it. A shared layer's weight gradients add up over its uses, as its weights'
    /// gradient buffers accumulate.
    func backward(_ outputGradients: [Tensor?], needsInputGradient: Bool, inputShapes: [[Int]],
                  uses: [Int: NodeUse]) throws -> [Tensor]? {
        // Read again: a gradient may be requested after the forward pass (which then kept everything).
        let trains = nodes.map { $0.layer?.weights.contains { $0.requiresGradient } ?? false }
        let needed = Self.gradientNeeded(nodes, trainsWeights: trains, inputGradient: needsInputGradient)
        var gradients = [Tensor?](repeating: nil, count: nodes.count)
        for (output, g) in zip(ends.outputs, outputGradients) { if let g { Self.add(g, to: &gradients[output]) } }
        for i in stride(from: nodes.count - 1, through: 0, by: -1) where !nodes[i].inputs.isEmpty {
            guard let g = gradients[i] else { continue }
            gradients[i] = nil
            let node = nodes[i]
            let wantsInputs = node.inputs.contains { needed[$0] }
            guard trains[i] || wantsInputs else { continue }
            if let use = uses[i] { try Self.recompute(node.layer!, use) }
            let inputGradients: [Tensor]
            if let merge = node.layer as? MergeLayer {
                guard let gs = try merge.backward(g, needsInputGradients: wantsInputs) else { continue }
                inputGradients = gs
            } else {
                guard let dx = try node.layer!.backward(g, needsInputGradient: wantsInputs) else { continue }
                inputGradients = [dx]
            }
            for (input, dx) in zip(node.inputs, inputGradients) where needed[input] { Self.add(dx, to: &gradients[input]) }
        }
        guard needsInputGradient else { return nil }
        // An input the outputs do not depend on gets zeros.
        return zip(ends.inputs, inputShapes).map { node, shape in gradients[node] ?? Tensor(shape: shape) }
    }

    /// Rebuilds a shared layer's caches for an earlier use: runs it again from that use's state, then
    /// restores the state the forward pass left.
    private static func recompute(_ layer: Layer, _ use: NodeUse) throws {
        let after = LayerState(of: layer)
        use.state.restore()
        defer { after.restore() }
        var inputs = use.inputs
        _ = try forward(layer, &inputs, mode: use.mode)
    }

    /// Sums the gradients reaching one value from its several readers.
    private static func add(_ dx: Tensor, to gradient: inout Tensor?) {
        if gradient == nil { gradient = dx } else { gradient! += dx }
    }
}
