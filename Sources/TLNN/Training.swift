import Foundation
import TLTensor

/// Why training stopped before its last epoch.
public enum TrainingStop: Error, CustomStringConvertible {
    case nonFiniteLoss(epoch: Int, batch: Int, value: Float)
    case interrupted(epoch: Int, batch: Int)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(epoch, batch, value):
            return "loss became \(value) at epoch \(epoch), batch \(batch): training stopped; the model keeps the weights of the last good batch. Lower the learning rate or check the data."
        case let .interrupted(epoch, batch):
            return "interrupted at epoch \(epoch), batch \(batch): the model keeps its weights and the history of the finished epochs"
        }
    }
}

extension Model {
    /// Keras `compile`: fixes the optimizer, loss and metrics, and snapshots which weights are trainable.
    public func compile(optimizer: Optimizer, loss: Loss, metrics: [String]) throws {
        let definitions = try metrics.map { name in
            guard let definition = MetricDefinition(kerasName: name) else {
                throw ModelError("unknown metric '\(name)'; tl knows \(MetricDefinition.knownNames.map { "'\($0)'" }.joined(separator: ", "))")
            }
            return definition
        }
        try compile(optimizer: optimizer, loss: loss, metricDefinitions: definitions)
    }

    /// `compile` with metrics already resolved (`metrics.AUC(name="roc")` objects as well as names).
    public func compile(optimizer: Optimizer, loss: Loss, metricDefinitions: [MetricDefinition],
                        lossOptions: LossOptions = LossOptions()) throws {
        var seen = Set<String>()
        for definition in metricDefinitions where !seen.insert(definition.name).inserted {
            throw ModelError("the metric name '\(definition.name)' is given twice; give each metric its own name=")
        }
        compiled = CompiledSetup(optimizer: optimizer, loss: loss, metricDefinitions: metricDefinitions,
                                 trainableParameters: trainableWeights, lossOptions: lossOptions)
        if takesLists {
            compiled!.outputs = objectivesForEveryOutput(loss: loss, lossOptions: lossOptions, metricDefinitions: metricDefinitions)
        }
    }

    /// True when layers were frozen or unfrozen after `compile`, which then does not see the change.
    public var trainabilityChangedSinceCompile: Bool {
        guard let compiled else { return false }
        return compiled.trainableParameters.map(ObjectIdentifier.init) != trainableWeights.map(ObjectIdentifier.init)
    }

    func requireCompiled() throws -> CompiledSetup {
        guard let compiled else {
            throw ModelError("model '\(name)' must be compiled before training or evaluation: call compile(model, optimizer=..., loss=..., metrics=[\"acc\"])")
        }
        guard isBuilt else {
            throw ModelError("model '\(name)' has layers without weights yet; give the first layer input_shape=")
        }
        return compiled
    }

    func accuracyKind(_ setup: CompiledSetup, outputWidth: Int) -> AccuracyKind {
        AccuracyKind(loss: setup.loss, outputWidth: outputWidth)
    }

    /// Labels shaped like the output: `(n,)` labels for an `(n, 1)` output become `(n, 1)`.
    func alignTargets(_ y: Tensor, to output: Tensor, loss: Loss) -> Tensor {
        if loss == .sparseCategoricalCrossentropy { return y }
        if y.count == output.count && y.shape != output.shape { return Tensor(shape: output.shape, scalars: y.scalars) }
        return y
    }

    /// One optimisation step on a batch. Returns the batch's mean loss and number of correct samples.
    ///
    /// The weights `compile` fixed are the explicit gradient request (``Parameter/requiresGradient``); the
    /// model's execution plan then keeps activations only from the first layer training a weight on, and
    /// backpropagation stops there.
    /// `sampleWeights` weigh each sample's loss as Keras does (``weightedLoss(perSample:gradient:weights:)``).
    public func trainStep(_ x: Tensor, _ y: Tensor, setup: CompiledSetup, epoch: Int, batch: Int,
                          metrics: [MetricAccumulator] = [], sampleWeights: [Float]? = nil) throws -> (loss: Double, correct: Double) {
        let trained = setup.trainableParameters
        let fromLogits = setup.loss.logitsActivation != nil && !setup.lossOptions.fromLogits
            && (outputLayer as? ActivatedLayer)?.activation == setup.loss.logitsActivation
        return try withGradients(of: trained) {
            let h = try forward(x, mode: ForwardMode(training: true, keepForBackward: !trained.isEmpty, logitsOutput: fromLogits))
            let target = alignTargets(y, to: h, loss: setup.loss)
            var (perSample, gradient) = try setup.loss.evaluate(prediction: h, target: setup.lossOptions.smoothed(target, for: setup.loss),
                                                                fromLogits: fromLogits || setup.lossOptions.fromLogits)
            var loss = perSample.reduce(0.0) { $0 + Double($1) } / Double(max(perSample.count, 1))
            if let sampleWeights { (loss, gradient) = try weightedLoss(perSample: perSample, gradient: gradient, weights: sampleWeights) }
            guard loss.isFinite else { throw TrainingStop.nonFiniteLoss(epoch: epoch, batch: batch, value: Float(loss)) }
            var probabilities = h
            if fromLogits { setup.loss.logitsActivation!.apply(&probabilities) }
            let correct = accuracyKind(setup, outputWidth: h.shape.last ?? 1).correct(prediction: probabilities, target: target)
            for metric in metrics { metric.update(prediction: probabilities, target: target) }
            if !trained.isEmpty {
                _ = try backward(gradient, needsInputGradient: false)
                try applyGradients(of: trained, setup: setup, epoch: epoch, batch: batch)
            }
            return (loss, correct)
        }
    }

    /// Runs one training step's forward and backward passes with the gradients of `trained` requested
    /// (``Parameter/requiresGradient``, which the execution plan reads), and drops the requests and the
    /// layers' caches afterwards, however the step ends.
    func withGradients<R>(of trained: [Parameter], _ step: () throws -> R) rethrows -> R {
        for p in trained { p.requiresGradient = true }
        defer {
            for p in trained { p.requiresGradient = false }
            clearCache()
        }
        return try step()
    }

    /// After the backward pass: stops training on a non-finite gradient, else lets the optimizer apply them.
    func applyGradients(of trained: [Parameter], setup: CompiledSetup, epoch: Int, batch: Int) throws {
        for p in trained where !p.gradientIsFinite {
            throw TrainingStop.nonFiniteLoss(epoch: epoch, batch: batch, value: .nan)
        }
        setup.optimizer.apply(to: trained)
    }

    /// Keras `fit` on in-memory arrays: shuffles each epoch when asked, validates after each epoch.
    ///
    /// With a `checkpointer`, the state after every epoch is saved (weights, optimizer state, history and
    /// the shuffling and dropout generators), and a run it restores continues where that one stopped.
    /// With `cacheFrozen`, validation reuses the frozen prefix's outputs across epochs (``FrozenPrefixCache``).
    public func fit(x: Tensor, y: Tensor, epochs: Int, batchSize: Int = 32, validationData: (Tensor, Tensor)? = nil,
                    shuffle: Bool = true, progress: ProgressOptions = ProgressOptions(),
                    checkpointer: TrainingCheckpointer? = nil, callbacks: [TrainingCallback] = [],
                    sampleWeight: [Float]? = nil, classWeight: [Int: Float]? = nil, cacheFrozen: Bool = true) throws -> History {
        try fit(inputs: [x], targets: [y], epochs: epochs, batchSize: batchSize, validationData: validationData.map { ([$0.0], [$0.1]) },
                shuffle: shuffle, progress: progress, checkpointer: checkpointer, callbacks: callbacks, sampleWeight: sampleWeight,
                classWeight: classWeight, cacheFrozen: cacheFrozen)
    }

    /// Keras `fit` on arrays, one per model input and one target per output (`fit([xa, xb], [ya, yb])`).
    public func fit(inputs: [Tensor], targets: [Tensor], epochs: Int, batchSize: Int = 32,
                    validationData: (inputs: [Tensor], targets: [Tensor])? = nil,
                    shuffle: Bool = true, progress: ProgressOptions = ProgressOptions(),
                    checkpointer: TrainingCheckpointer? = nil, callbacks: [TrainingCallback] = [],
                    sampleWeight: [Float]? = nil, classWeight: [Int: Float]? = nil, cacheFrozen: Bool = true) throws -> History {
        let setup = try requireCompiled()
        try checkFitArguments(epochs: epochs, batchSize: batchSize)
        let n = try checkArrays(inputs: inputs, targets: targets, sampleWeight: sampleWeight)
        guard n > 0 else { throw ModelError("fit: x holds no samples") }
        if classWeight != nil && targets.count > 1 {
            throw ModelError("class_weight is only supported for models with a single output (Keras's rule); model '\(name)' has \(targets.count). Pass sample_weight= instead")
        }
        let shuffleStream = ShuffleStream(RandomSource.current.makeGenerator())
        let steps = (n + batchSize - 1) / batchSize
        try checkMemory(setup: setup, batchSize: min(batchSize, n), sampleShape: Array(inputs[0].shape.dropFirst()), prefetchedBatches: 0,
                        progress: progress)
        let resumption = Resumption(checkpointer: checkpointer, shuffle: shuffleStream, replay: nil)
        let run = FitRun(setup: setup, epochs: epochs, steps: steps, progress: progress, resumption: resumption,
                         callbacks: callbacks)
        return try trainLoop(run, nextEpoch: {
            var order = Array(0..<n)
            if shuffle { order.shuffle(using: &shuffleStream.generator) }
            return { step in
                let rows = Array(order[(step * batchSize)..<min(n, (step + 1) * batchSize)])
                let batch = TrainingBatch.gather(rows, inputs: inputs, targets: targets, sampleWeights: sampleWeight)
                guard sampleWeight == nil, let classWeight else { return batch }
                return TrainingBatch(inputs: batch.inputs, targets: batch.targets, sampleWeights: classWeights(classWeight, for: batch.targets[0]))
            }
        }, validate: validationData.map { data in
            guard !takesLists else {
                return { stop in try self.evaluate(inputs: data.inputs, targets: data.targets, batchSize: batchSize, checkCancelled: stop) }
            }
            let cache = cacheFrozen ? FrozenPrefixCache(model: self, setup: setup) : nil
            return { stop in try self.evaluate(x: data.inputs[0], y: data.targets[0], batchSize: batchSize, frozenCache: cache, checkCancelled: stop) }
        })
    }

    /// Keras `fit` on a batch source (`fit_generator`): `stepsPerEpoch` batches an epoch.
    ///
    /// With a `checkpointer`, a resumed run replays the batches of the finished epochs (drawing them
    /// without training) so that the source's shuffling and augmentation continue exactly. With
    /// `cacheFrozen`, validation batches seen before (not augmented) reuse the frozen prefix's outputs.
    public func fit(source: BatchSource, stepsPerEpoch: Int? = nil, epochs: Int, validation: BatchSource? = nil,
                    validationSteps: Int? = nil, progress: ProgressOptions = ProgressOptions(),
                    checkpointer: TrainingCheckpointer? = nil, callbacks: [TrainingCallback] = [],
                    classWeight: [Int: Float]? = nil, cacheFrozen: Bool = true) throws -> History {
        let setup = try requireCompiled()
        if takesLists {
            throw ModelError("model '\(name)' takes \(inputCount) inputs and gives \(outputLayers.count) outputs, but this flow yields one image array and one label array per batch; fit such a model on lists of arrays (fit([xa, xb], [ya, yb]))")
        }
        let steps = stepsPerEpoch ?? source.batchesPerEpoch
        try checkFitArguments(epochs: epochs, batchSize: 1)
        guard steps > 0 else { throw ModelError("steps_per_epoch must be at least 1, got \(steps)") }
        if let hint = source.batchShapeHint {
            try checkMemory(setup: setup, batchSize: hint.batchSize, sampleShape: hint.sampleShape,
                            prefetchedBatches: hint.prefetchedBatches, progress: progress)
        }
        let replay: (Int) throws -> Void = { finishedEpochs in
            for _ in 0..<(finishedEpochs * steps) {
                if progress.shouldStop() { throw ModelError("interrupted while replaying the batches of the \(finishedEpochs) finished epochs to resume; nothing was trained") }
                _ = try source.nextBatch()
            }
            if let validation {
                for _ in 0..<(finishedEpochs * (validationSteps ?? validation.batchesPerEpoch)) { _ = try validation.nextBatch() }
            }
        }
        let resumption = Resumption(checkpointer: checkpointer, shuffle: nil, replay: replay)
        let run = FitRun(setup: setup, epochs: epochs, steps: steps, progress: progress, resumption: resumption,
                         callbacks: callbacks)
        return try trainLoop(run, nextEpoch: {
            return { _ in
                let batch = try source.nextBatch()
                guard let targets = batch.targets else {
                    throw ModelError("fit needs labels, but the flow yields none (class_mode=None); use class_mode='binary' or 'categorical'")
                }
                return TrainingBatch(inputs: [batch.inputs], targets: [targets], sampleWeights: classWeight.map { classWeights($0, for: targets) })
            }
        }, validate: validation.map { v in
            let cache = cacheFrozen ? FrozenPrefixCache(model: self, setup: setup) : nil
            return { stop in try self.evaluate(source: v, steps: validationSteps, frozenCache: cache, checkCancelled: stop) }
        })
    }

    private func checkFitArguments(epochs: Int, batchSize: Int) throws {
        guard epochs >= 0 else { throw ModelError("epochs must be 0 or more, got \(epochs)") }
        guard batchSize >= 1 else { throw ModelError("batch_size must be at least 1, got \(batchSize)") }
    }
}
