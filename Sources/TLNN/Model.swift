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

    /// Metric History keys as Keras records them (`acc`, `accuracy`, `auc`, `precision`, ...).
    public var metrics: [String] { metricDefinitions.map(\.name) }

    /// Fresh accumulators for the metrics, one epoch's or one evaluation's worth.
    func makeAccumulators() -> [MetricAccumulator] { metricDefinitions.map { $0.makeAccumulator(loss: loss) } }
}

/// Layers whose output goes through an activation the loss may skip (to work from logits).
public protocol ActivatedLayer: Layer {
    var activation: Activation { get }
}
extension Dense: ActivatedLayer {}
extension Conv2D: ActivatedLayer {}
