import TLTensor

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
/// inputs (``MergeLayer``).
///
/// The graph is wired in place, in execution order: node 0 is the ``InputLayer``, each ``apply(_:to:)-(Layer,_)``
/// appends a node, and the last node applied is the model's output. Because every node's inputs precede
/// it, node order is a topological order.
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
    private var ownTrainable = true
    /// The execution plans this graph runs (ExecutionPlan.swift).
    private let execution = ModelExecution(fusions: [.normalizationFolding, .addActivation])
    /// How many runs the last forward pass folded (for tests).
    var foldedRunsInLastForward: Int { execution.lastPlan?.foldedRuns ?? 0 }
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

    /// The model's input.
    public var input: GraphTensor { tensor(0) }
    /// The model's output: the last node applied.
    public var output: GraphTensor { tensor(nodes.count - 1) }
    /// The per-sample input shape.
    public var inputShape: FeatureShape { shapes[0] }

    private func tensor(_ node: Int) -> GraphTensor {
        GraphTensor(node: node, shape: shapes[node], graph: ObjectIdentifier(self))
    }

    /// Feeds `x` into `layer` (building its weights) and returns the layer's output.
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
        if nodes.contains(where: { $0.layer === layer }) {
            throw ModelError("layer '\(layer.name)' is already used in model '\(name)'; tl applies each layer once (shared layers are not supported)")
        }
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

    public var sublayers: [Layer] { nodes.map(\.layer) }
    public var weights: [Parameter] { nodes.flatMap { $0.layer.weights } }
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

    /// The names of the nodes feeding node `index`, as Keras's summary shows them: `input_1[0][0]`.
    public func connections(of index: Int) -> [String] {
        nodes[index].inputs.map { "\(nodes[$0].layer.name)[0][0]" }
    }

    /// Output shape of every node for a given input shape.
    public func nodeShapes(for inputShape: FeatureShape) throws -> [FeatureShape] {
        var result: [FeatureShape] = []
        result.reserveCapacity(nodes.count)
        for node in nodes {
            if node.inputs.isEmpty {
                result.append(inputShape)   // the InputLayer: the given shape, more specific than the declared one
            } else if let merge = node.layer as? MergeLayer {
                result.append(try merge.outputShape(for: node.inputs.map { result[$0] }))
            } else {
                result.append(try node.layer.outputShape(for: result[node.inputs[0]]))
            }
        }
        return result
    }

    public func build(inputShape: FeatureShape) throws {
        _ = try outputShape(for: inputShape)
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        guard inputShape.count == shapes[0].count,
              zip(inputShape, shapes[0]).allSatisfy({ given, declared in given == nil || declared == nil || given == declared }) else {
            throw ModelError("model '\(name)' expects inputs of shape \(describeShape(shapes[0])), got \(describeShape(inputShape))")
        }
        return try nodeShapes(for: inputShape).last!
    }

    /// The graph as a plan sees it.
    var planNodes: [PlanNode] { nodes.map { PlanNode(layer: $0.layer, inputs: $0.inputs, training: $0.training) } }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        try execution.forward(planNodes, x, mode: mode)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        try execution.backward(outputGradient, needsInputGradient: needsInputGradient, model: name)
    }

    /// The layer making the output: the last node's.
    public var outputLayer: Layer? { nodes.last?.layer }

    public func clearCache() {
        nodes.forEach { $0.layer.clearCache() }
        execution.clear()
    }
}

/// A graph model is recorded as its node list (`nodes`: each layer with the indices of the nodes it
/// takes), which is tl's own form: Keras's `inbound_nodes` are not read.
extension Functional: KerasConfigurable {
    public static var kerasClassNames: [String] { ["Functional", "Model"] }
    public var kerasClassName: String { "Functional" }
    public var kerasConfig: KerasConfig {
        get throws {
            let described = try nodes.dropFirst().map { node -> KerasConfig in
                var entry: KerasConfig = ["layer": try LayerRegistry.describe(node.layer), "inputs": .array(node.inputs.map { .int($0) })]
                if let training = node.training { entry["training"] = .bool(training) }
                return entry
            }
            return ["type_name": .string(typeName), "input_shape": .shape(inputShape), "input_name": .string(nodes[0].layer.name),
                    "nodes": .array(described.map { .object($0) })]
        }
    }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        let (source, name) = (config.source, config.name)
        guard let nodes = config["nodes"]?.arrayValue else {
            throw ModelError("'\(source)': graph model '\(name)' is described the way Keras does (inbound_nodes), which tl does not read; tl reads Sequential models from Keras files. Rebuild the model in a script and load its weights with load_weights(model, \"\(source)\").")
        }
        guard let inputShape = try config.shape("input_shape", dropBatch: false) else {
            throw ModelError("'\(source)': graph model '\(name)' has no input_shape; the file is damaged")
        }
        self.init(inputShape: inputShape, inputName: config.string("input_name"), name: name, typeName: config.string("type_name") ?? "Model")
        var outputs = [input]
        for (index, node) in nodes.enumerated() {
            guard let description = node["layer"], let inputs = node["inputs"]?.intArray, !inputs.isEmpty,
                  inputs.allSatisfy({ $0 >= 0 && $0 < outputs.count }) else {
                throw ModelError("'\(source)': node \(index + 1) of graph model '\(name)' is malformed (it needs a layer and the indices of earlier nodes it takes); the file is damaged")
            }
            let layer = try config.layer(description)
            if let merge = layer as? MergeLayer {
                outputs.append(try apply(merge, to: inputs.map { outputs[$0] }))
            } else {
                outputs.append(try apply(layer, to: outputs[inputs[0]], training: node["training"]?.boolValue))
            }
        }
    }
}
