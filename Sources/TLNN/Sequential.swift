import TLTensor

/// A linear stack of layers (Keras `Sequential`; also the form of chain-shaped functional models such as
/// VGG16, which `summary` shows with their InputLayer and, nested, as `(Model)`).
public final class Sequential: Model {
    public var name: String
    /// `Sequential` for user-built stacks, `Model` for pretrained functional bases (Keras 2's summary word).
    public var typeName: String
    public private(set) var layers: [Layer] = []
    /// The per-sample input shape, when known (from `input_shape=`, an InputLayer or a nested model).
    public private(set) var declaredInputShape: FeatureShape?
    private var ownTrainable = true
    /// What `compile` fixed: optimizer, loss, metrics and the trainable weights at that moment.
    public var compiled: CompiledSetup?
    /// Keras's `model.stop_training`: `fit` clears it when it starts and ends after the epoch in which a
    /// callback set it.
    public var stopTraining = false
    /// The execution plans this stack runs (ExecutionPlan.swift): its leaves in order, a convolution and
    /// the 2x2 max pooling after it fused where nothing is kept for backpropagation.
    private let execution = ModelExecution(fusions: .convolutionPooling)

    public init(name: String? = nil, typeName: String = "Sequential", inputShape: FeatureShape? = nil) {
        self.name = name ?? LayerNames.next("sequential")
        self.typeName = typeName
        self.declaredInputShape = inputShape
    }

    /// Keras 3's `model.add(keras.Input(shape))` on an empty model: the shape its first layer will take.
    public func declareInputShape(_ shape: FeatureShape) throws {
        guard layers.isEmpty else { throw ModelError("keras.Input(...) goes first in model '\(name)', before its layers") }
        declaredInputShape = shape
    }

    public convenience init(_ layers: [Layer], name: String? = nil, typeName: String = "Sequential", inputShape: FeatureShape? = nil) throws {
        self.init(name: name, typeName: typeName, inputShape: inputShape)
        for layer in layers { try add(layer) }
    }

    public var sublayers: [Layer] { layers }
    public var weights: [Parameter] { layers.flatMap(\.weights) }

    /// Setting it sets every nested layer too, as Keras does; reading it gives the model's own flag.
    public var trainable: Bool {
        get { ownTrainable }
        set {
            ownTrainable = newValue
            for layer in layers { layer.trainable = newValue }
        }
    }

    public var isBuilt: Bool { layers.allSatisfy(\.isBuilt) }

    /// The input shape: declared, or the first layer's own.
    public var inputShape: FeatureShape? {
        if let declaredInputShape { return declaredInputShape }
        if let input = layers.first as? InputLayer { return input.shape }
        if let nested = layers.first as? Sequential { return nested.inputShape }
        if let graph = layers.first as? Functional { return graph.inputShape }
        return nil
    }

    /// The output shape for the model's known input shape.
    public var outputShape: FeatureShape? {
        guard let inputShape else { return nil }
        return try? outputShape(for: inputShape)
    }

    /// Appends a layer, building its weights at once when the shape reaching it is known (as Keras does).
    /// - Parameter inputShape: the `input_shape=` given to the first layer.
    public func add(_ layer: Layer, inputShape: FeatureShape? = nil) throws {
        if let inputShape {
            guard layers.isEmpty else {
                throw ModelError("input_shape given to layer '\(layer.name)', but only the first layer of a Sequential model takes one")
            }
            declaredInputShape = inputShape
        }
        if layers.contains(where: { $0 === layer }) || allLayers.contains(where: { $0.name == layer.name }) {
            throw ModelError("a layer named '\(layer.name)' is already in model '\(name)'; layer names must be unique")
        }
        if let reaching = try currentOutputShape() {
            try layer.build(inputShape: reaching)
            _ = try layer.outputShape(for: reaching)   // rejects a layer that cannot take this input now, not at fit time
        }
        layers.append(layer)
        if !ownTrainable { layer.trainable = false }
    }

    /// Removes the last layer (Keras `pop`).
    public func pop() throws {
        guard !layers.isEmpty else { throw ModelError("model '\(name)' has no layers to pop") }
        layers.removeLast()
    }

    private func currentOutputShape() throws -> FeatureShape? {
        guard let inputShape else { return nil }
        return try outputShape(for: inputShape)
    }

    public func build(inputShape: FeatureShape) throws {
        var shape = inputShape
        for layer in layers {
            try layer.build(inputShape: shape)
            shape = try layer.outputShape(for: shape)
        }
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        var shape = inputShape
        for layer in layers { shape = try layer.outputShape(for: shape) }
        return shape
    }

    /// The stack as a plan sees it: the input, then the leaves in order, each reading the one before.
    var planNodes: [PlanNode] {
        [PlanNode(layer: nil, inputs: [])] + executionLeaves.enumerated().map { PlanNode(layer: $1, inputs: [$0]) }
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        try execution.forward(planNodes, x, mode: mode)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        try execution.backward(outputGradient, needsInputGradient: needsInputGradient, model: name)
    }

    public func clearCache() {
        layers.forEach { $0.clearCache() }
        execution.clear()
    }

    /// The layer making the output: the last leaf, or a graph model's last node.
    public var outputLayer: Layer? {
        let last = executionLeaves.last
        return (last as? Functional)?.outputLayer ?? last
    }

    /// Leaf layers in execution order: nested Sequential models are opened up, so that the execution
    /// plan sees the whole stack (a frozen prefix that needs no backward pass, fusions across models).
    public var executionLeaves: [Layer] {
        layers.flatMap { ($0 as? Sequential)?.executionLeaves ?? [$0] }
    }

    /// Finds a layer by name anywhere inside the model.
    public func layer(named name: String) -> Layer? {
        allLayers.dropFirst().first { $0.name == name }
    }
}

extension Sequential: KerasConfigurable {
    public var kerasClassName: String { "Sequential" }
    public var kerasConfig: KerasConfig {
        get throws {
            var config: KerasConfig = ["type_name": .string(typeName), "layers": .array(try layers.map(LayerRegistry.describe))]
            if let declaredInputShape { config["build_input_shape"] = .batchShape(declaredInputShape) }
            return config
        }
    }
    /// Reads Keras 2's files too, which give the input shape as the first layer's `batch_input_shape`.
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        var declared = try config.shape("build_input_shape", dropBatch: true)
        guard let items = config["layers"]?.arrayValue else { throw config.failure("layers", "a list of layer descriptions") }
        if declared == nil, let first = items.first, first["class_name"]?.stringValue != "InputLayer",
           let batch = first["config"]?["batch_input_shape"] {
            declared = try config.shape(batch, key: "batch_input_shape", dropBatch: true)
        }
        self.init(name: config.name, typeName: config.string("type_name") ?? "Sequential", inputShape: declared)
        for item in items { try add(try config.layer(item)) }
    }
}
