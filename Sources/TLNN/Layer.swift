import TLTensor

/// How a forward pass runs.
public struct ForwardMode: Sendable {
    /// Training behaviour (dropout active, batch statistics): Keras's `training=True`.
    public var training: Bool
    /// Keep what the backward pass needs. False for inference and for a frozen prefix of the network,
    /// which backpropagation never reaches.
    public var keepForBackward: Bool
    /// Return the pre-activation values (logits) of this layer instead of applying its activation:
    /// the loss then works from logits, as Keras does after a sigmoid or softmax.
    public var logitsOutput: Bool
    /// Whether the backward pass will ask this layer for its input gradient. A model that trains only
    /// some of its weights keeps activations only where backpropagation passes: from its first trained
    /// layer on, and everywhere when this is set (a model nested after trained layers).
    public var needsInputGradient: Bool

    public init(training: Bool, keepForBackward: Bool, logitsOutput: Bool = false, needsInputGradient: Bool = false) {
        self.training = training
        self.keepForBackward = keepForBackward
        self.logitsOutput = logitsOutput
        self.needsInputGradient = needsInputGradient
    }

    public static let inference = ForwardMode(training: false, keepForBackward: false)
}

/// A shape without its batch axis; `nil` marks a dimension not known until data arrives (Keras's None).
public typealias FeatureShape = [Int?]

/// Renders a shape as Keras prints it, with `None` for the batch: `(None, 150, 150, 3)`.
public func describeShape(_ shape: FeatureShape) -> String {
    let parts = ["None"] + shape.map { $0.map(String.init) ?? "None" }
    return "(" + parts.joined(separator: ", ") + ")"
}

/// A building block of a network: a function of its input with (possibly) weights.
///
/// Leaves compute; models (``Sequential``) are layers made of layers. A layer is called with
/// `callAsFunction` for inference, with ``forward(_:mode:)`` during training, and its ``backward(_:needsInputGradient:)``
/// turns dL/d(output) into dL/d(input) while accumulating its weights' gradients.
public protocol Layer: AnyObject {
    /// Unique name within the session, as Keras names layers (`dense_1`, `block1_conv1`).
    var name: String { get set }
    /// Keras class name shown by `summary`: `Conv2D`, `Dense`, `Model`.
    var typeName: String { get }
    /// Whether the optimizer may change this layer's weights. Setting it on a model sets it on every sublayer.
    var trainable: Bool { get set }
    /// All weights of the layer in Keras's order (kernel before bias), sublayers' included.
    var weights: [Parameter] { get }
    /// Weights of this leaf that no optimizer ever updates, even while the layer is trainable
    /// (BatchNormalization's moving statistics). Empty by default.
    var alwaysFrozenWeights: [Parameter] { get }
    /// Layers inside this one (empty for a leaf).
    var sublayers: [Layer] { get }
    /// True once the weights exist (they are created when the input's channel count is known).
    var isBuilt: Bool { get }
    /// Creates the weights for inputs of this shape.
    func build(inputShape: FeatureShape) throws
    /// The output shape for an input shape, without computing anything.
    func outputShape(for inputShape: FeatureShape) throws -> FeatureShape
    /// Runs the layer on a batch.
    func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor
    /// Backpropagates through the last forward pass run with `keepForBackward`.
    func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor?
    /// Drops whatever the last forward pass kept for backpropagation.
    func clearCache()
}

extension Layer {
    public var sublayers: [Layer] { [] }
    public var alwaysFrozenWeights: [Parameter] { [] }
    public var isBuilt: Bool { true }
    public func build(inputShape: FeatureShape) throws {}

    /// Inference: `layer(x)` (in pieces of the batch when its activations would be large; see ``infer(_:)``).
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try infer(x) }

    /// Weights the optimizer updates: none if this layer or any it belongs to is frozen (Keras's rule).
    public var trainableWeights: [Parameter] {
        guard trainable else { return [] }
        if sublayers.isEmpty {
            let frozen = Set(alwaysFrozenWeights.map(ObjectIdentifier.init))
            return frozen.isEmpty ? weights : weights.filter { !frozen.contains(ObjectIdentifier($0)) }
        }
        return sublayers.flatMap(\.trainableWeights)
    }

    public var nonTrainableWeights: [Parameter] {
        let trainableIDs = Set(trainableWeights.map(ObjectIdentifier.init))
        return weights.filter { !trainableIDs.contains(ObjectIdentifier($0)) }
    }

    public var parameterCount: Int { weights.reduce(0) { $0 + $1.count } }

    /// The layer and every layer nested in it, depth first, in order.
    public var allLayers: [Layer] { [self] + sublayers.flatMap(\.allLayers) }
}

/// A mistake in how a model is put together or called, reported as Keras reports it.
public struct ModelError: Error, CustomStringConvertible {
    /// What kind of failure, so the language can raise the matching Python error.
    public enum Kind: Sendable { case invalid, memory }
    public let description: String
    public let kind: Kind
    public init(_ message: String, kind: Kind = .invalid) {
        description = message
        self.kind = kind
    }
}

extension Layer {
    /// Checks that a feature shape is an image's: (height, width, channels).
    func requireImageShape(_ shape: FeatureShape) throws {
        guard shape.count == 3 else {
            throw ModelError("layer '\(name)' (\(typeName)) expects inputs of shape (height, width, channels), got \(describeShape(shape))")
        }
    }

    /// What the last training forward pass kept for `backward`; throws when no such pass kept it.
    func kept<Value>(_ value: Value?) throws -> Value {
        guard let value else { throw ModelError("layer '\(name)': backward called without a training forward pass") }
        return value
    }
}

/// Checks that a batch has the rank a layer expects.
func requireRank(_ x: Tensor, _ rank: Int, _ layer: Layer) throws {
    guard x.rank == rank else {
        throw ModelError("layer '\(layer.name)' (\(layer.typeName)) expects input of rank \(rank) (batch included), got shape \(x.shape)")
    }
}
