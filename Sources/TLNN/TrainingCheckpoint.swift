import TLTensor

/// Everything `fit` needs to continue a run after its last finished epoch, besides the weights:
/// the history so far, the optimizer's moments, and where the random streams stood.
public struct TrainingProgress {
    /// Epochs finished (and saved); the next epoch to run is this one (0-based).
    public var completedEpochs: Int
    /// The epochs `fit` was asked for when this state was saved.
    public var requestedEpochs: Int
    public var history: History
    public var optimizer: OptimizerState
    /// The state of the per-epoch shuffling generator (`fit` on arrays), before the next epoch's shuffle.
    public var shuffleState: UInt64?
    /// The generators of the model's random layers (Dropout, augmentation), in model order (``Layer/allLayers``).
    public var dropoutStates: [UInt64]

    public init(completedEpochs: Int, requestedEpochs: Int, history: History, optimizer: OptimizerState,
                shuffleState: UInt64?, dropoutStates: [UInt64]) {
        self.completedEpochs = completedEpochs
        self.requestedEpochs = requestedEpochs
        self.history = history
        self.optimizer = optimizer
        self.shuffleState = shuffleState
        self.dropoutStates = dropoutStates
    }
}

/// Where `fit` saves its state after every epoch and finds it again to resume (TLZoo's
/// `CheckpointDirectory` keeps it in a folder of files).
public protocol TrainingCheckpointer: AnyObject {
    /// Called once before the first epoch. Returns the saved state to continue from (after loading the
    /// saved weights into `model`), or nil to train from the first epoch.
    func restore(into model: any Model, setup: CompiledSetup) throws -> TrainingProgress?
    /// Called after every finished epoch with the state to keep; the weights are read from `model`.
    func save(_ progress: TrainingProgress, model: any Model, setup: CompiledSetup) throws
}

/// How one `fit` call saves and resumes: the checkpointer, the shuffling stream it owns (arrays), and
/// how to bring a batch source to where the finished epochs left it (flows).
struct Resumption {
    let checkpointer: TrainingCheckpointer?
    let shuffle: ShuffleStream?
    let replay: ((Int) throws -> Void)?

    /// The model's random layers (Dropout, augmentation), in model order: their generators are part of
    /// the training state.
    static func dropoutLayers(of model: any Model) -> [RandomStateLayer] {
        model.allLayers.compactMap { $0 as? RandomStateLayer }
    }

    /// Restores weights, optimizer state and random streams from the checkpoint, if there is one.
    func restore(into model: any Model, setup: CompiledSetup) throws -> TrainingProgress? {
        guard let checkpointer, let progress = try checkpointer.restore(into: model, setup: setup) else { return nil }
        guard let optimizer = setup.optimizer as? CheckpointableOptimizer else {
            throw ModelError("the optimizer \(setup.optimizer.typeName) cannot restore its state from a checkpoint")
        }
        try optimizer.importState(progress.optimizer, for: setup.trainableParameters)
        let dropouts = Resumption.dropoutLayers(of: model)
        guard dropouts.count == progress.dropoutStates.count else {
            throw ModelError("the checkpoint was saved for a model with \(progress.dropoutStates.count) random layers (Dropout, augmentation), but model '\(model.name)' has \(dropouts.count); resume with the model the checkpoint was made for")
        }
        for (layer, state) in zip(dropouts, progress.dropoutStates) { layer.randomState = state }
        if let shuffle, let state = progress.shuffleState { shuffle.generator = RandomGenerator(seed: state) }
        try replay?(progress.completedEpochs)
        return progress
    }

    /// Saves the state after `epoch` (0-based) finished.
    func save(after epoch: Int, epochs: Int, history: History, model: any Model, setup: CompiledSetup) throws {
        guard let checkpointer else { return }
        guard let optimizer = setup.optimizer as? CheckpointableOptimizer else {
            throw ModelError("the optimizer \(setup.optimizer.typeName) cannot save its state in a checkpoint")
        }
        let progress = TrainingProgress(
            completedEpochs: epoch + 1, requestedEpochs: epochs, history: history,
            optimizer: optimizer.exportState(for: setup.trainableParameters),
            shuffleState: shuffle?.generator.state,
            dropoutStates: Resumption.dropoutLayers(of: model).map(\.randomState))
        try checkpointer.save(progress, model: model, setup: setup)
    }
}
