import TLTensor

/// A model's graph as an execution plan reads it: node 0 is the model's input (its ``InputLayer``, or no
/// layer for a ``Sequential`` stack); every other node is a layer reading earlier nodes, so node order is
/// a topological order.
struct PlanNode {
    let layer: Layer?
    let inputs: [Int]
    /// The layer's fixed mode (Keras's `layer(x, training=False)`); nil follows the model's.
    var training: Bool? = nil
}

/// Where a graph starts and ends: the nodes taking the model's inputs (in the order the caller passes
/// them), the nodes whose values it returns, and the outputs returned as logits (the loss then skips
/// their activation). A stack has one of each: node 0 in, the last node out.
struct PlanEnds: Hashable {
    var inputs: [Int]
    var outputs: [Int]
    var logits: Set<Int> = []

    /// One input (node 0) and one output (the last node), as logits when `mode` asks.
    static func single(_ nodeCount: Int, mode: ForwardMode) -> PlanEnds {
        PlanEnds(inputs: [0], outputs: [nodeCount - 1], logits: mode.logitsOutput ? [nodeCount - 1] : [])
    }
}

/// The fusions a model's plans may use.
struct PlanFusions: OptionSet {
    let rawValue: Int
    /// Conv2D + 2x2 max pooling in one pass (ConvolutionPooling.swift).
    static let convolutionPooling = PlanFusions(rawValue: 1)
    /// Convolution + batch normalisation (+ ReLU) as one convolution (BatchNormalizationFolding.swift).
    static let normalizationFolding = PlanFusions(rawValue: 2)
    /// Add + ReLU as one clamped sum (AddActivationFolding.swift).
    static let addActivation = PlanFusions(rawValue: 4)
    /// Folded pointwise -> depthwise -> pointwise convolutions image by image in cache-sized bands
    /// (DepthwiseChainFusion.swift); needs ``normalizationFolding``.
    static let depthwiseChain = PlanFusions(rawValue: 8)
}

/// What a plan depends on: two forward passes with equal keys run the same plan. Besides the mode and
/// the layers themselves (a stack can be popped and grown), the weights whose gradients are requested
/// (what to keep) and the layers' trainable flags (a frozen batch normalisation uses its moving
/// statistics, so it can fold): freezing a layer or training another builds a new plan.
struct PlanKey: Hashable {
    let training: Bool
    let keepForBackward: Bool
    let logitsOutput: Bool
    let needsInputGradient: Bool
    let fusesPooling: Bool
    let fusesDepthwiseChains: Bool
    let trainedNodes: [Bool]
    let trainableNodes: [Bool]
    let layers: [ObjectIdentifier?]
    let ends: PlanEnds

    init(_ nodes: [PlanNode], ends: PlanEnds, mode: ForwardMode) {
        self.ends = ends
        training = mode.training
        keepForBackward = mode.keepForBackward
        logitsOutput = mode.logitsOutput
        needsInputGradient = mode.needsInputGradient
        fusesPooling = EngineOptions.current.fusesPooling
        fusesDepthwiseChains = EngineOptions.current.fusesDepthwiseChains
        trainedNodes = nodes.map { $0.layer?.weights.contains { $0.requiresGradient } ?? false }
        trainableNodes = nodes.map { $0.layer?.trainable ?? false }
        layers = nodes.map { $0.layer.map(ObjectIdentifier.init) }
    }
}

/// How a model runs a forward pass, built once per model and ``PlanKey``: the steps in order, each a
/// layer or a fused run of layers, with the decisions of what each layer keeps for backpropagation and
/// when a value is freed (after its last reader). ``Sequential`` and ``Functional`` both run one.
///
/// Keeping: with no weight gradient requested, every layer keeps when the mode keeps (the caller wants
/// the input gradient). Otherwise a node keeps only where backpropagation passes: it or a node upstream
/// trains a weight, or the caller wants the input gradient (``ForwardMode/needsInputGradient``).
/// Fusions apply only to layers that keep nothing.
struct ExecutionPlan {
    enum Operation {
        /// One of the model's inputs (its position among them), checked by its InputLayer when there is one.
        case input(Int)
        /// One layer (a merge layer takes all its inputs).
        case layer(ForwardMode)
        /// A Conv2D and the 2x2 max pooling reading it.
        case convolutionPooling(Conv2D)
        /// A convolution with the batch normalisation (and ReLU) after it folded in.
        case foldedNormalization(FoldedConvolution)
        /// An Add with the ReLU after it.
        case clampedAdd(Add, ceiling: Float)
        /// Folded convolutions: pointwise -> depthwise -> pointwise (either pointwise one may be absent).
        case depthwiseChain(DepthwiseChain)
    }

    /// Runs `operation` on the inputs of node `node`; its value is node `output`'s.
    struct Step {
        let node: Int
        let output: Int
        let operation: Operation
    }

    let nodes: [PlanNode]
    let ends: PlanEnds
    let steps: [Step]
    /// Per node: whether its layer keeps activations for backpropagation.
    let kept: [Bool]
    /// How many nodes read each node's value (an output counts once more: the caller reads it).
    let readers: [Int]
    /// Nodes using a layer that a later node uses again (a shared layer, Keras's `encoder(a)`,
    /// `encoder(b)`), when they keep activations: the layer's caches then hold the last use's, so the
    /// forward pass records what these need to rebuild theirs for the backward pass (``NodeUse``).
    let earlierUses: Set<Int>
    /// Nodes that keep nothing although a weight trains (the input gradient cannot be computed).
    let unkeptCount: Int

    /// Runs that fold batch normalisation, on their own or in a chain (for tests).
    var foldedRuns: Int {
        steps.reduce(0) {
            switch $1.operation {
            case .foldedNormalization: return $0 + 1
            case .depthwiseChain(let chain): return $0 + 1 + (chain.expand == nil ? 0 : 1) + (chain.project == nil ? 0 : 1)
            default: return $0
            }
        }
    }

    /// Chains of folded convolutions run as one step (for tests).
    var depthwiseChains: Int {
        steps.reduce(0) { if case .depthwiseChain = $1.operation { return $0 + 1 }; return $0 }
    }

    init(_ nodes: [PlanNode], mode: ForwardMode, fusions: PlanFusions) {
        self.init(nodes, ends: .single(nodes.count, mode: mode), mode: mode, fusions: fusions)
    }

    init(_ nodes: [PlanNode], ends: PlanEnds, mode: ForwardMode, fusions: PlanFusions) {
        self.nodes = nodes
        self.ends = ends
        let trains = nodes.map { $0.layer?.weights.contains { $0.requiresGradient } ?? false }
        var kept = [Bool](repeating: mode.keepForBackward, count: nodes.count)
        var unkept = 0
        if mode.keepForBackward && trains.contains(true) {
            kept = Self.gradientNeeded(nodes, trainsWeights: trains, inputGradient: mode.needsInputGradient)
            unkept = kept.filter { !$0 }.count
        }
        self.kept = kept
        unkeptCount = unkept
        var readers = [Int](repeating: 0, count: nodes.count)
        for node in nodes { for i in node.inputs { readers[i] += 1 } }
        for i in ends.outputs { readers[i] += 1 }
        self.readers = readers
        var lastUse: [ObjectIdentifier: Int] = [:]
        for (i, node) in nodes.enumerated() { if let layer = node.layer { lastUse[ObjectIdentifier(layer)] = i } }
        earlierUses = Set(nodes.indices.filter { i in
            kept[i] && nodes[i].layer.map { lastUse[ObjectIdentifier($0)] != i } ?? false
        })
        let needed = Self.gradientNeeded(nodes, trainsWeights: trains, inputGradient: mode.needsInputGradient)
        steps = Self.steps(nodes, ends: ends, mode: mode, kept: kept, needed: needed, readers: readers, fusions: fusions)
    }

    /// Whether each node's output gradient is needed: the node or a node upstream of it trains a weight,
    /// or the model's input gradient is wanted (`dL/dh` reaches every node on such a path).
    static func gradientNeeded(_ nodes: [PlanNode], trainsWeights: [Bool], inputGradient: Bool) -> [Bool] {
        var needed = [Bool](repeating: false, count: nodes.count)
        for (i, node) in nodes.enumerated() {
            needed[i] = inputGradient || trainsWeights[i] || node.inputs.contains { needed[$0] }
        }
        return needed
    }

    /// The steps: layer by layer, except where a fusion the model allows applies to layers keeping nothing.
    private static func steps(_ nodes: [PlanNode], ends: PlanEnds, mode: ForwardMode, kept: [Bool], needed: [Bool],
                              readers: [Int], fusions: PlanFusions) -> [Step] {
        let folds = fusions.contains(.normalizationFolding) ? FoldableRun.find(in: nodes) : [:]
        let clamps = fusions.contains(.addActivation) ? AddActivationFolding.find(in: nodes) : [:]
        func nodeMode(_ i: Int) -> ForwardMode {
            ForwardMode(training: nodes[i].training ?? mode.training, keepForBackward: kept[i],
                        logitsOutput: ends.logits.contains(i), needsInputGradient: nodes[i].inputs.contains { needed[$0] })
        }
        /// Nodes `run` covers may fuse: none keeps, none is an output the loss reads as logits, and only
        /// the last is an output (the others' values are never made).
        func fusible(_ run: [Int]) -> Bool {
            run.allSatisfy { !kept[$0] && !ends.logits.contains($0) } && !run.contains { $0 != run.last && ends.outputs.contains($0) }
        }
        var steps: [Step] = []
        var covered = [Bool](repeating: false, count: nodes.count)   // computed by a fused step before them
        for i in nodes.indices where !covered[i] {
            if nodes[i].inputs.isEmpty {
                steps.append(Step(node: i, output: i, operation: .input(ends.inputs.firstIndex(of: i) ?? 0)))
                continue
            }
            let layer = nodes[i].layer!
            let step: Step
            if let run = folds[i], fusible([i, run.normalization, run.last]),
               let folded = foldedStep(nodes, run, training: nodes[run.normalization].training ?? mode.training) {
                step = folded
                covered[run.normalization] = true
                if let k = run.activation { covered[k] = true }
            } else if let k = clamps[i], fusible([i, k]), let add = layer as? Add,
                      let ceiling = (nodes[k].layer as? ActivationLayer)?.activation.reluCeiling {
                step = Step(node: i, output: k, operation: .clampedAdd(add, ceiling: ceiling))
                covered[k] = true
            } else if fusions.contains(.convolutionPooling), i + 1 < nodes.count, readers[i] == 1, nodes[i + 1].inputs == [i],
                      let conv = layer as? Conv2D, let pool = nodes[i + 1].layer as? MaxPooling2D,
                      canFuse(conv, pool, nodeMode(i), nodeMode(i + 1)) {
                step = Step(node: i, output: i + 1, operation: .convolutionPooling(conv))
                covered[i + 1] = true
            } else {
                step = Step(node: i, output: i, operation: .layer(nodeMode(i)))
            }
            steps.append(step)
        }
        guard fusions.contains(.depthwiseChain), EngineOptions.current.fusesDepthwiseChains else { return steps }
        return DepthwiseChain.fuse(steps, nodes: nodes, readers: readers)
    }

    /// A convolution -> batch normalisation (-> ReLU) run as one step, when the normalisation uses its
    /// moving statistics (inference, or frozen) and is built.
    private static func foldedStep(_ nodes: [PlanNode], _ run: FoldableRun, training: Bool) -> Step? {
        guard let convolution = nodes[run.convolution].layer as? ConvolutionLayer,
              let normalization = nodes[run.normalization].layer as? BatchNormalization, normalization.isBuilt,
              normalization.usesMovingStatistics(in: ForwardMode(training: training, keepForBackward: false)) else { return nil }
        let activation = run.activation.flatMap { (nodes[$0].layer as? ActivationLayer)?.activation } ?? .linear
        return Step(node: run.convolution, output: run.last,
                    operation: .foldedNormalization(FoldedConvolution(convolution: convolution, normalization: normalization,
                                                                      activation: activation)))
    }
}
