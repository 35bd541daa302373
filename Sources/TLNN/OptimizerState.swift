/// An optimizer's accumulated state (moments and step count), detached from the live ``Parameter``
/// objects so it can be written to a checkpoint and put back into a freshly built model.
///
/// Slots are indexed like the parameters passed to ``CheckpointableOptimizer/exportState(for:)`` (the
/// trainable weights fixed by `compile`, in order); an entry is `nil` where the optimizer holds nothing
/// for that parameter yet.
public struct OptimizerState: Equatable {
    /// The Keras class name of the optimizer that produced the state (`RMSprop`, `SGD`, `Adam`).
    public var typeName: String
    /// Optimisation steps taken (Adam's bias correction depends on it).
    public var step: Int
    /// Per slot name (`velocity`, `momentum`, `m`, `v`), the values for each parameter.
    public var slots: [String: [[Float]?]]

    public init(typeName: String, step: Int, slots: [String: [[Float]?]]) {
        self.typeName = typeName
        self.step = step
        self.slots = slots
    }
}

/// An optimizer whose state can be exported and imported, for training checkpoints.
public protocol CheckpointableOptimizer: Optimizer {
    /// The slot names the optimizer keeps, in a fixed order.
    var slotNames: [String] { get }
    /// The current state for `parameters` (in their order).
    func exportState(for parameters: [Parameter]) -> OptimizerState
    /// Replaces the state for `parameters` with `state`; throws when it does not fit them.
    func importState(_ state: OptimizerState, for parameters: [Parameter]) throws
}

extension CheckpointableOptimizer {
    /// Checks that `state` was made by this kind of optimizer for parameters of these sizes.
    func validate(_ state: OptimizerState, for parameters: [Parameter]) throws {
        guard state.typeName == typeName else {
            throw ModelError("the checkpoint holds \(state.typeName) state but the model is compiled with \(typeName); compile with the optimizer the checkpoint was trained with, or start without resume=True")
        }
        for name in slotNames {
            let values = state.slots[name] ?? []
            guard values.count == parameters.count else {
                throw ModelError("the checkpoint's \(typeName) state '\(name)' covers \(values.count) weight tensors but the model trains \(parameters.count); was it saved for another model or another set of frozen layers?")
            }
            for (i, (entry, parameter)) in zip(values, parameters).enumerated() {
                if let entry, entry.count != parameter.count {
                    throw ModelError("the checkpoint's \(typeName) state '\(name)' for weight \(i) ('\(parameter.name)') holds \(entry.count) values, the weight has \(parameter.count); was it saved for another model?")
                }
            }
        }
    }
}
