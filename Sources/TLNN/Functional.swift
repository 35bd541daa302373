import TLTensor
import TLJSON

/// One layer's output while a ``Functional`` model is wired: Keras's symbolic tensor. Pass it to
/// ``Functional/apply(_:to:)-(Layer,_)`` to feed that output into another layer.
public struct GraphTensor {
    /// Index of the producing node in ``Functional/nodes``.
    public let node: Int
    /// The per-sample shape flowing out of that node.
    public let shape: FeatureShape
    let graph: ObjectIdentifier
}

/// A model whose layers form a directed acyclic graph (Keras's functional `Model`): residual networks
/// such as EfficientNet, where a layer's output may feed several layers and a layer may take several
/// inputs (``MergeLayer``); models with several inputs (``addInput(shape:name:)``) and outputs
/// (``setOutputs(_:)``); and layers used more than once (a shared layer: `encoder(a)`, `encoder(b)`),
/// whose weights then get the sum of the gradients of every use.
///
/// The graph is wired in place, in execution order: node 0 is the first ``InputLayer``, each
/// ``apply(_:to:)-(Layer,_)`` appends a node (a layer used again appends another node for the same
/// layer), and unless outputs are set the last node applied is the model's output. Because every node's
/// inputs precede it, node order is a topological order.
///
/// Running: an execution plan (ExecutionPlan.swift) runs the nodes in order, with batch normalisation
/// folded into the convolution before it and a residual sum clamped by the ReLU after it where nothing
/// is kept; the backward pass runs them in reverse and sums the gradients arriving at a node from all
/// its consumers. Weight gradients are computed only for parameters that request them
/// (``Parameter/requiresGradient``), and a node's activations are kept only when backpropagation will reach it.
public final class Functional: Model {
    /// A layer and the nodes whose outputs it takes, in order; `training` fixes the layer's mode
    /// whatever the model's (Keras's `layer(x, training=False)`), nil follows the model.
    public struct Node {
        public let layer: Layer
        public let inputs: [Int]
        public var training: Bool? = nil
    }

    public var name: String
    /// `Model`, Keras 2's word in summaries, unless another is given.
    public var typeName: String
    public private(set) var nodes: [Node] = []
    private var shapes: [FeatureShape] = []
    /// The nodes taking the model's inputs, in the order ``forward(_:mode:)-([Tensor],_)`` takes them.
    public private(set) var inputNodes: [Int] = [0]
    /// The outputs ``setOutputs(_:)`` chose; nil: the last node.
    private var chosenOutputs: [Int]?
    private var ownTrainable = true
    /// The execution plans this graph runs (ExecutionPlan.swift).
    private let execution = ModelExecution(fusions: [.normalizationFolding, .addActivation, .depthwiseChain])
    /// How many runs the last forward pass folded (for tests).
    var foldedRunsInLastForward: Int { execution.lastPlan?.foldedRuns ?? 0 }
    var depthwiseChainsInLastForward: Int { execution.lastPlan?.depthwiseChains ?? 0 }
    /// What `compile` fixed: optimizer, loss, metrics and the trainable weights at that moment.
    public var compiled: CompiledSetup?
    /// Keras's `model.stop_training` (see ``Sequential/stopTraining``).
    public var stopTraining = false

    /// Starts a graph at an input of the given per-sample shape; `nil` dimensions take any size.
    public init(inputShape: FeatureShape, inputName: String? = nil, name: String? = nil, typeName: String = "Model") {
        self.name = name ?? LayerNames.next("model")
        self.typeName = typeName
        let input = InputLayer(shape: inputShape, name: inputName ?? LayerNames.next("input"))
        nodes = [Node(layer: input, inputs: [])]
        shapes = [inputShape]
    }

    /// Adds another input (Keras's second `keras.Input`); the model then takes its inputs as a list, in
    /// the order they were added.
    @discardableResult
    public func addInput(shape: FeatureShape, name: String? = nil) throws -> GraphTensor {
        let input = InputLayer(shape: shape, name: name ?? LayerNames.next("input"))
        try checkNew(input, inputs: [])
        inputNodes.append(nodes.count)
        return append(input, inputs: [], shape: shape)
    }

    /// Makes `outputs` the model's outputs, in this order (Keras's `Model(inputs, [y1, y2])`).
    public func setOutputs(_ outputs: [GraphTensor]) throws {
        guard !outputs.isEmpty else { throw ModelError("model '\(name)' needs at least one output") }
        for y in outputs where y.graph != ObjectIdentifier(self) || y.node >= nodes.count {
            throw ModelError("an output given to model '\(name)' does not belong to it; wire each model from its own inputs")
        }
        chosenOutputs = outputs.map(\.node)
    }

    /// The model's first input.
    public var input: GraphTensor { tensor(inputNodes[0]) }
    /// The model's inputs, in order.
    public var inputs: [GraphTensor] { inputNodes.map(tensor) }
    /// The model's first output.
    public var output: GraphTensor { tensor(outputNodes[0]) }
    /// The model's outputs, in order.
    public var outputs: [GraphTensor] { outputNodes.map(tensor) }
    /// The nodes whose values the model returns: those set, else the last node applied.
    public var outputNodes: [Int] { chosenOutputs ?? [nodes.count - 1] }
    /// How many arrays the model takes.
    public var inputCount: Int { inputNodes.count }
    /// The per-sample shape of the first input.
    public var inputShape: FeatureShape { shapes[inputNodes[0]] }
    /// The per-sample shapes of the inputs, in order.
    public var inputShapes: [FeatureShape] { inputNodes.map { shapes[$0] } }
    /// The per-sample shapes of the outputs, in order.
    public var outputShapes: [FeatureShape] { outputNodes.map { shapes[$0] } }

    func tensor(_ node: Int) -> GraphTensor {
        GraphTensor(node: node, shape: shapes[node], graph: ObjectIdentifier(self))
    }

    /// Feeds `x` into `layer` (building its weights) and returns the layer's output. A layer already in
    /// the graph is used again with the same weights (Keras's shared layer).
    /// With `training` set, the layer always runs in that mode (`base_model(x, training=False)` keeps
    /// batch normalisation on its moving statistics and dropout off, even while the model trains).
    @discardableResult
    public func apply(_ layer: Layer, to x: GraphTensor, training: Bool? = nil) throws -> GraphTensor {
        try checkNew(layer, inputs: [x])
        try layer.build(inputShape: x.shape)
        let shape = try layer.outputShape(for: x.shape)
        return append(layer, inputs: [x.node], shape: shape, training: training)
    }

    /// Feeds several outputs into a merge layer (``Add``) and returns its output.
    @discardableResult
    public func apply(_ layer: MergeLayer, to xs: [GraphTensor]) throws -> GraphTensor {
        try checkNew(layer, inputs: xs)
        let shape = try layer.outputShape(for: xs.map(\.shape))
        return append(layer, inputs: xs.map(\.node), shape: shape)
    }

    private func checkNew(_ layer: Layer, inputs: [GraphTensor]) throws {
        for x in inputs where x.graph != ObjectIdentifier(self) || x.node >= nodes.count {
            throw ModelError("layer '\(layer.name)' was given a tensor that does not belong to model '\(name)'; wire each model from its own input")
        }
        if layer is InputLayer && nodes.contains(where: { $0.layer === layer }) {
            throw ModelError("input '\(layer.name)' is already an input of model '\(name)'")
        }
        if nodes.contains(where: { $0.layer === layer }) { return }   // a shared layer: its names are in already
        let names = Set(allLayers.map(\.name))
        if let clash = layer.allLayers.first(where: { names.contains($0.name) }) {
            throw ModelError("a layer named '\(clash.name)' is already in model '\(name)'; layer names must be unique")
        }
    }

    private func append(_ layer: Layer, inputs: [Int], shape: FeatureShape, training: Bool? = nil) -> GraphTensor {
        nodes.append(Node(layer: layer, inputs: inputs, training: training))
        shapes.append(shape)
        if !ownTrainable { layer.trainable = false }
        return tensor(nodes.count - 1)
    }

    /// The graph's layers, each once (a shared layer at its first use), in node order.
    public var sublayers: [Layer] {
        var seen = Set<ObjectIdentifier>()
        return nodes.map(\.layer).filter { seen.insert(ObjectIdentifier($0)).inserted }
    }
    public var weights: [Parameter] { sublayers.flatMap { $0.weights } }
    public var isBuilt: Bool { nodes.allSatisfy { $0.layer.isBuilt } }

    /// Setting it sets every layer of the graph, as Keras does; reading it gives the model's own flag.
    public var trainable: Bool {
        get { ownTrainable }
        set {
            ownTrainable = newValue
            for node in nodes { node.layer.trainable = newValue }
        }
    }

    /// Finds a layer by name anywhere inside the model.
    public func layer(named name: String) -> Layer? {
        allLayers.dropFirst().first { $0.name == name }
    }

    /// Which use of its layer node `index` is: 0 for the first node with that layer, 1 for the second...
    /// (Keras's node index, the `[1]` in `dense[1][0]`).
    public func useIndex(of index: Int) -> Int {
        nodes[..<index].filter { $0.layer === nodes[index].layer }.count
    }

    /// The names of the nodes feeding node `index`, as Keras's summary shows them: `input_1[0][0]`.
    public func connections(of index: Int) -> [String] {
        nodes[index].inputs.map { "\(nodes[$0].layer.name)[\(useIndex(of: $0))][0]" }
    }

    /// Output shape of every node for the given input shapes (one per input, in order).
    public func nodeShapes(for inputShapes: [FeatureShape]) throws -> [FeatureShape] {
        var result: [FeatureShape] = []
        result.reserveCapacity(nodes.count)
        for (i, node) in nodes.enumerated() {
            if node.inputs.isEmpty {
                // An InputLayer: the given shape, more specific than the declared one.
                result.append(inputNodes.firstIndex(of: i).map { inputShapes[$0] } ?? shapes[i])
            } else if let merge = node.layer as? MergeLayer {
                result.append(try merge.outputShape(for: node.inputs.map { result[$0] }))
            } else {
                result.append(try node.layer.outputShape(for: result[node.inputs[0]]))
            }
        }
        return result
    }

    /// Output shape of every node for a one-input model's input shape.
    public func nodeShapes(for inputShape: FeatureShape) throws -> [FeatureShape] {
        try nodeShapes(for: [inputShape] + inputShapes.dropFirst())
    }

    public func build(inputShape: FeatureShape) throws {
        _ = try outputShape(for: inputShape)
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        try requireSingle("used as a layer")
        guard inputShape.count == shapes[0].count,
              zip(inputShape, shapes[0]).allSatisfy({ given, declared in given == nil || declared == nil || given == declared }) else {
            throw ModelError("model '\(name)' expects inputs of shape \(describeShape(shapes[0])), got \(describeShape(inputShape))")
        }
        return try nodeShapes(for: inputShape)[outputNodes[0]]
    }

    /// The per-sample output shapes for the given input shapes, each checked against its input's declared shape.
    public func outputShapes(for inputShapes: [FeatureShape]) throws -> [FeatureShape] {
        try checkInputCount(inputShapes.count)
        for (k, (given, declared)) in zip(inputShapes, self.inputShapes).enumerated()
        where given.count != declared.count || zip(given, declared).contains(where: { $0 != nil && $1 != nil && $0 != $1 }) {
            throw ModelError("input \(k + 1) ('\(nodes[inputNodes[k]].layer.name)') of model '\(name)' expects shape \(describeShape(declared)), got \(describeShape(given))")
        }
        let all = try nodeShapes(for: inputShapes)
        return outputNodes.map { all[$0] }
    }

    private func checkInputCount(_ count: Int) throws {
        guard count == inputNodes.count else {
            throw ModelError("model '\(name)' takes \(inputNodes.count) input\(inputNodes.count == 1 ? "" : "s") (\(inputNodes.map { nodes[$0].layer.name }.joined(separator: ", "))), got \(count)")
        }
    }

    /// Throws unless the model has one input and one output, which a use as a single-tensor layer needs.
    func requireSingle(_ use: String) throws {
        guard inputNodes.count == 1 && outputNodes.count == 1 else {
            let what = "model '\(name)' has \(inputNodes.count) input\(inputNodes.count == 1 ? "" : "s") and \(outputNodes.count) output\(outputNodes.count == 1 ? "" : "s")"
            if use == "used as a layer" {
                throw ModelError("\(what), so it cannot be used as a layer of another model: tl nests only models with one input and one output. Call its layers on the new model's tensors instead")
            }
            throw ModelError("\(what), so it cannot be \(use); pass its inputs as a list (model.predict([x1, x2]), fit([x1, x2], [y1, y2]))")
        }
    }

    /// The graph as a plan sees it.
    var planNodes: [PlanNode] { nodes.map { PlanNode(layer: $0.layer, inputs: $0.inputs, training: $0.training) } }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        try requireSingle("run on one array")
        return try forward([x], mode: mode, logits: mode.logitsOutput ? [0] : [])[0]
    }

    /// The forward pass on the inputs, in order; returns the outputs, in order. The outputs at the
    /// positions in `logits` come out as logits (before their layer's activation).
    public func forward(_ xs: [Tensor], mode: ForwardMode, logits: Set<Int> = []) throws -> [Tensor] {
        try checkInputCount(xs.count)
        let ends = PlanEnds(inputs: inputNodes, outputs: outputNodes, logits: Set(logits.map { outputNodes[$0] }))
        return try execution.forward(planNodes, ends: ends, xs, mode: mode)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        try requireSingle("backpropagated through with one gradient")
        return try execution.backward(outputGradient, needsInputGradient: needsInputGradient, model: name)
    }

    /// Backpropagates the outputs' gradients (nil for an output the loss does not read) through the last
    /// training forward pass; returns the inputs' gradients when asked for.
    public func backward(_ outputGradients: [Tensor?], needsInputGradient: Bool) throws -> [Tensor]? {
        guard outputGradients.count == outputNodes.count else {
            throw ModelError("model '\(name)' has \(outputNodes.count) outputs, got \(outputGradients.count) gradients")
        }
        return try execution.backward(outputGradients, needsInputGradient: needsInputGradient, model: name)
    }

    /// The layer making the (first) output.
    public var outputLayer: Layer? { nodes[outputNodes[0]].layer }
    /// The layers making the outputs, in order.
    public var outputLayers: [Layer] { outputNodes.map { nodes[$0].layer } }

    public func clearCache() {
        sublayers.forEach { $0.clearCache() }
        execution.clear()
    }
}

/// A graph model is recorded as its node list (`nodes`: each layer with the indices of the nodes it
/// takes), which is tl's own form; Keras's form (`layers` with `inbound_nodes`) is read too
/// (FunctionalKerasGraph.swift). A further input is a node
/// `{"input_shape", "input_name"}`, a layer's later use `{"shared": first node, "inputs"}`, and a model
/// with outputs other than its last node lists them (`outputs`). Node indices count the first input as 0.
extension Functional: KerasConfigurable {
    public static var kerasClassNames: [String] { ["Functional", "Model"] }
    public var kerasClassName: String { "Functional" }
    public var kerasConfig: KerasConfig {
        get throws {
            var firstUse: [ObjectIdentifier: Int] = [:]
            var described: [KerasConfig] = []
            for (i, node) in nodes.enumerated() {
                let first = firstUse[ObjectIdentifier(node.layer)]
                if first == nil { firstUse[ObjectIdentifier(node.layer)] = i }
                guard i > 0 else { continue }
                var entry: KerasConfig = ["inputs": .array(node.inputs.map { .int($0) })]
                if node.inputs.isEmpty {
                    entry = ["input_shape": .shape(shapes[i]), "input_name": .string(node.layer.name)]
                } else if let first {
                    entry["shared"] = .int(first)
                } else {
                    entry["layer"] = try LayerRegistry.describe(node.layer)
                }
                if let training = node.training { entry["training"] = .bool(training) }
                described.append(entry)
            }
            var config: KerasConfig = ["type_name": .string(typeName), "input_shape": .shape(shapes[0]),
                                       "input_name": .string(nodes[0].layer.name), "nodes": .array(described.map { .object($0) })]
            if let chosenOutputs { config["outputs"] = .array(chosenOutputs.map { .int($0) }) }
            return config
        }
    }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        let (source, name) = (config.source, config.name)
        guard let nodes = config["nodes"]?.arrayValue else {
            try self.init(kerasGraph: config)   // as Keras writes it: layers with their inbound nodes
            return
        }
        guard let inputShape = try config.shape("input_shape", dropBatch: false) else {
            throw ModelError("'\(source)': graph model '\(name)' has no input_shape; the file is damaged")
        }
        self.init(inputShape: inputShape, inputName: config.string("input_name"), name: name, typeName: config.string("type_name") ?? "Model")
        for (index, node) in nodes.enumerated() {
            try addNode(node, number: index + 1, from: config)
        }
        if let outputs = config["outputs"]?.intArray {
            guard outputs.allSatisfy({ $0 >= 0 && $0 < self.nodes.count }) else {
                throw ModelError("'\(source)': graph model '\(name)' lists outputs that are not among its \(self.nodes.count) nodes; the file is damaged")
            }
            try setOutputs(outputs.map(tensor))
        }
    }

    /// Adds the node a record describes: a further input, a layer's later use, or a new layer.
    private func addNode(_ node: JSON, number: Int, from config: LayerConfiguration) throws {
        let damaged = ModelError("'\(config.source)': node \(number) of graph model '\(config.name)' is malformed (it needs a layer, or the node of a shared layer's first use, and the indices of earlier nodes it takes); the file is damaged")
        if let shape = node["input_shape"] {
            try addInput(shape: try config.shape(shape, key: "input_shape", dropBatch: false), name: node["input_name"]?.stringValue)
            return
        }
        guard let inputs = node["inputs"]?.intArray, !inputs.isEmpty, inputs.allSatisfy({ $0 >= 0 && $0 < nodes.count }) else { throw damaged }
        let layer: Layer
        if let first = node["shared"]?.intValue {
            guard first >= 0 && first < nodes.count else { throw damaged }
            layer = nodes[first].layer
        } else {
            guard let description = node["layer"] else { throw damaged }
            layer = try config.layer(description)
        }
        if let merge = layer as? MergeLayer {
            try apply(merge, to: inputs.map(tensor))
        } else {
            try apply(layer, to: tensor(inputs[0]), training: node["training"]?.boolValue)
        }
    }
}
