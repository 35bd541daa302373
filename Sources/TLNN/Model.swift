import TLTensor

/// A model the trainer trains: ``Sequential`` stacks and ``Functional`` graphs alike. One implementation
/// of `compile`, `fit`, `evaluate` and `predict` serves both (Training.swift, TrainingLoop.swift,
/// Evaluation.swift), as Keras's `Trainer` serves every `Model`.
public protocol Model: Layer {
    /// What `compile` fixed: optimizer, loss, metrics and the trainable weights at that moment.
    var compiled: CompiledSetup? { get set }
    /// Keras's `model.stop_training`: `fit` clears it when it starts and ends after the epoch in which a
    /// callback set it.
    var stopTraining: Bool { get set }
    /// The layer making the output, whose activation the loss may skip to work from logits.
    var outputLayer: Layer? { get }
    /// How many arrays the model takes (one for a stack).
    var inputCount: Int { get }
    /// The layers making the outputs, in order (one for a stack); their names key each output's loss
    /// and metrics in the History (`out_bin_loss`).
    var outputLayers: [Layer] { get }
    /// The forward pass on the model's inputs, in order; the outputs at the positions in `logits` come
    /// out before their layer's activation.
    func forward(_ xs: [Tensor], mode: ForwardMode, logits: Set<Int>) throws -> [Tensor]
    /// Backpropagates one gradient per output (nil where the loss does not read it).
    func backward(_ outputGradients: [Tensor?], needsInputGradient: Bool) throws -> [Tensor]?
}

/// A one-input, one-output model's list forms.
extension Model {
    public var inputCount: Int { 1 }
    public var outputLayers: [Layer] { outputLayer.map { [$0] } ?? [] }

    public func forward(_ xs: [Tensor], mode: ForwardMode, logits: Set<Int>) throws -> [Tensor] {
        guard xs.count == 1 else { throw ModelError("model '\(name)' takes one input, got \(xs.count)") }
        var single = mode
        single.logitsOutput = logits.contains(0)
        return [try forward(xs[0], mode: single)]
    }

    public func backward(_ outputGradients: [Tensor?], needsInputGradient: Bool) throws -> [Tensor]? {
        guard outputGradients.count == 1, let g = outputGradients[0] else {
            throw ModelError("model '\(name)' has one output, got \(outputGradients.count) gradients")
        }
        return try backward(g, needsInputGradient: needsInputGradient).map { [$0] }
    }
}

/// One output's part of a compiled objective (Keras's `compile(loss={...}, loss_weights={...},
/// metrics={...})` for a model with several outputs): its loss, the loss's weight in the total
/// `loss = sum_k w_k loss_k`, and its metrics.
public struct OutputObjective {
    /// The output's name (its layer's): the History records `<name>_loss` and `<name>_<metric>`.
    public let name: String
    public let loss: Loss
    public var lossOptions: LossOptions
    public var weight: Double
    public let metricDefinitions: [MetricDefinition]

    public init(name: String, loss: Loss, lossOptions: LossOptions = LossOptions(), weight: Double = 1,
                metricDefinitions: [MetricDefinition] = []) {
        (self.name, self.loss, self.lossOptions, self.weight, self.metricDefinitions) = (name, loss, lossOptions, weight, metricDefinitions)
    }
}

/// What `compile` fixes, Keras-style: the optimizer, the loss, the metrics, and which weights train.
/// Trainability changed after `compile` takes effect only at the next `compile`.
public struct CompiledSetup {
    public let optimizer: Optimizer
    public let loss: Loss
    /// The metrics, in the order given; their names are the History keys.
    public let metricDefinitions: [MetricDefinition]
    public let trainableParameters: [Parameter]
    /// The loss object's `from_logits` and `label_smoothing`.
    public var lossOptions = LossOptions()
    /// For a model with several outputs, each one's loss, weight and metrics (then `loss` and
    /// `metricDefinitions` are the first output's); empty for one output.
    public var outputs: [OutputObjective] = []

    /// History keys after `loss`, as Keras records them: the metrics (`acc`, `accuracy`, `auc`, ...);
    /// with several outputs each output's loss, then each output's metrics (`out_bin_loss`,
    /// `out_cat_loss`, `out_bin_accuracy`).
    public var metrics: [String] {
        guard !outputs.isEmpty else { return metricDefinitions.map(\.name) }
        return outputs.map { "\($0.name)_loss" } + outputs.flatMap { output in output.metricDefinitions.map { "\(output.name)_\($0.name)" } }
    }

    /// Fresh accumulators for the metrics, one epoch's or one evaluation's worth (every output's, in
    /// order, for several outputs).
    func makeAccumulators() -> [MetricAccumulator] {
        guard !outputs.isEmpty else { return metricDefinitions.map { $0.makeAccumulator(loss: loss) } }
        return outputs.flatMap { output in output.metricDefinitions.map { $0.makeAccumulator(loss: output.loss) } }
    }
}

/// Layers whose output goes through an activation the loss may skip (to work from logits).
public protocol ActivatedLayer: Layer {
    var activation: Activation { get }
}
extension Dense: ActivatedLayer {}
extension Conv2D: ActivatedLayer {}
