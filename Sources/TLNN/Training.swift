import Foundation
import TLTensor

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

/// A stream of (inputs, targets) batches that `fit`, `evaluate` and `predict` can draw from.
public protocol BatchSource: AnyObject {
    /// The next batch; sources cycle forever, as Keras's iterators do.
    func nextBatch() throws -> (inputs: Tensor, targets: Tensor?)
    /// Batches in one pass over the data (Keras's `len(iterator)`).
    var batchesPerEpoch: Int { get }
    /// Samples in a full batch and the shape of one sample, when known without drawing a batch; `fit`
    /// uses it to estimate the memory a run needs before it starts (see TrainingMemoryEstimate.swift).
    var batchShapeHint: (batchSize: Int, sampleShape: [Int], prefetchedBatches: Int)? { get }
}

extension BatchSource {
    public var batchShapeHint: (batchSize: Int, sampleShape: [Int], prefetchedBatches: Int)? { nil }
}

/// Layers whose output goes through an activation the loss may skip (to work from logits).
public protocol ActivatedLayer: Layer {
    var activation: Activation { get }
}
extension Dense: ActivatedLayer {}
extension Conv2D: ActivatedLayer {}

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

/// How `fit` reports progress. `verbose` 0 is silent, 1 a progress bar (redrawn in place when
/// `interactive`), 2 one line per epoch.
public struct ProgressOptions {
    public var verbose: Int
    public var interactive: Bool
    public var write: (String) -> Void
    public var shouldStop: () -> Bool

    public init(verbose: Int = 1, interactive: Bool = false, write: @escaping (String) -> Void = { print($0, terminator: "") },
                shouldStop: @escaping () -> Bool = { false }) {
        self.verbose = verbose
        self.interactive = interactive
        self.write = write
        self.shouldStop = shouldStop
    }

    public static let silent = ProgressOptions(verbose: 0)
}

extension Sequential {
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

    private func accuracyKind(_ setup: CompiledSetup, outputWidth: Int) -> AccuracyKind {
        AccuracyKind(loss: setup.loss, outputWidth: outputWidth)
    }

    /// Labels shaped like the output: `(n,)` labels for an `(n, 1)` output become `(n, 1)`.
    private func alignTargets(_ y: Tensor, to output: Tensor, loss: Loss) -> Tensor {
        if loss == .sparseCategoricalCrossentropy { return y }
        if y.count == output.count && y.shape != output.shape { return Tensor(shape: output.shape, scalars: y.scalars) }
        return y
    }

    /// One optimisation step on a batch. Returns the batch's mean loss and number of correct samples.
    ///
    /// Leaves before the first trainable one run forward only and keep nothing; backpropagation stops at
    /// the first trainable leaf.
    /// `sampleWeights` weigh each sample's loss as Keras does (``weightedLoss(perSample:gradient:weights:)``).
    public func trainStep(_ x: Tensor, _ y: Tensor, setup: CompiledSetup, epoch: Int, batch: Int,
                          metrics: [MetricAccumulator] = [], sampleWeights: [Float]? = nil) throws -> (loss: Double, correct: Double) {
        let leaves = executionLeaves
        let trainableIDs = Set(setup.trainableParameters.map(ObjectIdentifier.init))
        let firstTrainable = leaves.firstIndex { leaf in leaf.weights.contains { trainableIDs.contains(ObjectIdentifier($0)) } }
        let last = leaves.count - 1
        // The layer making the output: the last leaf, or a graph model's last node.
        let outputLayer = (leaves.last as? Functional)?.nodes.last?.layer ?? leaves.last
        let fromLogits = setup.loss.logitsActivation != nil && !setup.lossOptions.fromLogits
            && (outputLayer as? ActivatedLayer)?.activation == setup.loss.logitsActivation
        for p in setup.trainableParameters { p.gradient = Tensor(shape: p.shape) }
        defer {
            for p in setup.trainableParameters { p.gradient = nil }
            for leaf in leaves { leaf.clearCache() }
        }
        let h = try LayerChain.run(leaves, x) { i in
            ForwardMode(training: true, keepForBackward: firstTrainable.map { i >= $0 } ?? false, logitsOutput: fromLogits && i == last)
        }
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
        if let firstTrainable {
            var g = gradient
            for i in stride(from: last, through: firstTrainable, by: -1) {
                guard let next = try leaves[i].backward(g, needsInputGradient: i > firstTrainable) else { break }
                g = next
            }
            for p in setup.trainableParameters where !(p.gradient!.scalars.allSatisfy { $0.isFinite }) {
                throw TrainingStop.nonFiniteLoss(epoch: epoch, batch: batch, value: .nan)
            }
            setup.optimizer.apply(to: setup.trainableParameters)
        }
        return (loss, correct)
    }

    /// Loss and correct count of a batch in inference mode; `metrics` see the batch too.
    public func evaluateBatch(_ x: Tensor, _ y: Tensor, setup: CompiledSetup,
                              metrics: [MetricAccumulator] = []) throws -> (loss: Double, correct: Double) {
        let output = try forward(x, mode: .inference)
        let target = alignTargets(y, to: output, loss: setup.loss)
        let (perSample, _) = try setup.loss.evaluate(prediction: output, target: setup.lossOptions.smoothed(target, for: setup.loss),
                                                     fromLogits: setup.lossOptions.fromLogits)
        let correct = accuracyKind(setup, outputWidth: output.shape.last ?? 1).correct(prediction: output, target: target)
        for metric in metrics { metric.update(prediction: output, target: target) }
        return (perSample.reduce(0.0) { $0 + Double($1) } / Double(max(perSample.count, 1)), correct)
    }

    /// Keras `fit` on in-memory arrays: shuffles each epoch when asked, validates after each epoch.
    ///
    /// With a `checkpointer`, the state after every epoch is saved (weights, optimizer state, history and
    /// the shuffling and dropout generators), and a run it restores continues where that one stopped.
    public func fit(x: Tensor, y: Tensor, epochs: Int, batchSize: Int = 32, validationData: (Tensor, Tensor)? = nil,
                    shuffle: Bool = true, progress: ProgressOptions = ProgressOptions(),
                    checkpointer: TrainingCheckpointer? = nil, callbacks: [TrainingCallback] = [],
                    sampleWeight: [Float]? = nil, classWeight: [Int: Float]? = nil) throws -> History {
        let setup = try requireCompiled()
        try checkFitArguments(epochs: epochs, batchSize: batchSize)
        let n = x.shape.first ?? 0
        guard y.shape.first == n else {
            throw ModelError("x has \(n) samples but y has \(y.shape.first ?? 0); they must match")
        }
        guard n > 0 else { throw ModelError("fit: x holds no samples") }
        if let sampleWeight, sampleWeight.count != n {
            throw ModelError("sample_weight has \(sampleWeight.count) weights but x has \(n) samples; they must match")
        }
        let shuffleStream = ShuffleStream(GlobalRandom.makeGenerator())
        let steps = (n + batchSize - 1) / batchSize
        try checkMemory(setup: setup, batchSize: min(batchSize, n), sampleShape: Array(x.shape.dropFirst()), prefetchedBatches: 0,
                        progress: progress)
        let resumption = Resumption(checkpointer: checkpointer, shuffle: shuffleStream, replay: nil)
        let plan = TrainingPlan(setup: setup, epochs: epochs, steps: steps, progress: progress, resumption: resumption,
                                callbacks: callbacks)
        return try trainLoop(plan, nextEpoch: {
            var order = Array(0..<n)
            if shuffle { order.shuffle(using: &shuffleStream.generator) }
            return { step in
                let rows = Array(order[(step * batchSize)..<min(n, (step + 1) * batchSize)])
                let labels = y.gather(rows)
                return (x.gather(rows), labels, sampleWeight.map { w in rows.map { w[$0] } } ?? classWeight.map { classWeights($0, for: labels) })
            }
        }, validate: validationData.map { data in { stop in
            try self.evaluate(x: data.0, y: data.1, batchSize: batchSize, checkCancelled: stop)
        } })
    }

    /// Keras `fit` on a batch source (`fit_generator`): `stepsPerEpoch` batches an epoch.
    ///
    /// With a `checkpointer`, a resumed run replays the batches of the finished epochs (drawing them
    /// without training) so that the source's shuffling and augmentation continue exactly.
    public func fit(source: BatchSource, stepsPerEpoch: Int? = nil, epochs: Int, validation: BatchSource? = nil,
                    validationSteps: Int? = nil, progress: ProgressOptions = ProgressOptions(),
                    checkpointer: TrainingCheckpointer? = nil, callbacks: [TrainingCallback] = [],
                    classWeight: [Int: Float]? = nil) throws -> History {
        let setup = try requireCompiled()
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
        let plan = TrainingPlan(setup: setup, epochs: epochs, steps: steps, progress: progress, resumption: resumption,
                                callbacks: callbacks)
        return try trainLoop(plan, nextEpoch: {
            return { _ in
                let batch = try source.nextBatch()
                guard let targets = batch.targets else {
                    throw ModelError("fit needs labels, but the flow yields none (class_mode=None); use class_mode='binary' or 'categorical'")
                }
                return (batch.inputs, targets, classWeight.map { classWeights($0, for: targets) })
            }
        }, validate: validation.map { v in { stop in try self.evaluate(source: v, steps: validationSteps, checkCancelled: stop) } })
    }

    private func checkFitArguments(epochs: Int, batchSize: Int) throws {
        guard epochs >= 0 else { throw ModelError("epochs must be 0 or more, got \(epochs)") }
        guard batchSize >= 1 else { throw ModelError("batch_size must be at least 1, got \(batchSize)") }
    }

    /// The loop of every `fit`: epochs of `steps` batches, validation, callbacks and checkpoints. An
    /// interruption (between any two batches, after the last one, or during validation) or a non-finite
    /// loss ends it with the History of the finished epochs.
    private func trainLoop(_ plan: TrainingPlan, nextEpoch: () -> (Int) throws -> (Tensor, Tensor, [Float]?),
                           validate: ((@escaping () throws -> Void) throws -> [Double])?) throws -> History {
        var history = History()
        var firstEpoch = 0
        if let restored = try plan.resumption.restore(into: self, setup: plan.setup) {
            history = restored.history
            firstEpoch = min(restored.completedEpochs, plan.epochs)
        }
        let progress = plan.progress
        let training = TrainingContext(model: self, optimizer: plan.setup.optimizer, write: progress.write)
        training.stopTraining = false
        for callback in plan.callbacks { try callback.trainingWillBegin(training) }
        for epoch in firstEpoch..<max(plan.epochs, firstEpoch) {
            for callback in plan.callbacks { try callback.epochWillBegin(epoch, training) }
            if progress.verbose > 0 { progress.write("Epoch \(epoch + 1)/\(plan.epochs)\n") }
            let bar = ProgressBar(steps: plan.steps, options: progress)
            let start = Date()
            var logs: EpochLogs
            do {
                logs = try trainEpoch(epoch, plan, bar: bar, start: start, batchFor: nextEpoch())
                if let validate {
                    let stop = { if progress.shouldStop() { throw TrainingStop.interrupted(epoch: epoch + 1, batch: plan.steps) } }
                    let values = try validate(stop)
                    for (name, value) in zip(["loss"] + plan.setup.metrics, values) { logs["val_" + name] = value }
                }
            } catch let stop as TrainingStop {
                bar.abandon()
                history.stopReason = stop.description
                progress.write("\(stop.description)\n")
                return history
            }
            bar.finish(elapsed: Date().timeIntervalSince(start), metrics: logs.entries)
            for callback in plan.callbacks { try callback.epochDidEnd(epoch, logs: &logs, training) }
            history.record(epoch: epoch, logs.entries)
            try plan.resumption.save(after: epoch, epochs: plan.epochs, history: history, model: self, setup: plan.setup)
            if training.stopTraining { break }
        }
        for callback in plan.callbacks { try callback.trainingDidEnd(training) }
        return history
    }

    /// One epoch's batches: trains on each, updates the bar, returns the epoch's loss and metrics. Throws
    /// `TrainingStop` when interrupted (checked before every batch and after the last) or on a bad loss.
    private func trainEpoch(_ epoch: Int, _ plan: TrainingPlan, bar: ProgressBar, start: Date,
                            batchFor: (Int) throws -> (Tensor, Tensor, [Float]?)) throws -> EpochLogs {
        let metrics = plan.setup.makeAccumulators()
        var lossSum = 0.0, seen = 0
        func logs() -> EpochLogs {
            EpochLogs([("loss", lossSum / Double(max(seen, 1)))] + zip(plan.setup.metrics, metrics).map { ($0, $1.result) })
        }
        for step in 0..<plan.steps {
            if plan.progress.shouldStop() { throw TrainingStop.interrupted(epoch: epoch + 1, batch: step + 1) }
            let (x, y, weights) = try batchFor(step)
            let result = try trainStep(x, y, setup: plan.setup, epoch: epoch + 1, batch: step + 1, metrics: metrics,
                                       sampleWeights: weights)
            let count = x.shape[0]
            lossSum += result.loss * Double(count)
            seen += count
            bar.update(step: step + 1, elapsed: Date().timeIntervalSince(start), metrics: logs().entries)
        }
        if plan.progress.shouldStop() { throw TrainingStop.interrupted(epoch: epoch + 1, batch: plan.steps) }
        return logs()
    }

    /// Keras `evaluate` on arrays: `[loss, metrics...]` over all samples. `checkCancelled` runs before
    /// every batch and may throw to stop.
    public func evaluate(x: Tensor, y: Tensor, batchSize: Int = 32, checkCancelled: () throws -> Void = {},
                         afterBatch: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> [Double] {
        let setup = try requireCompiled()
        let n = x.shape.first ?? 0
        guard y.shape.first == n else { throw ModelError("x has \(n) samples but y has \(y.shape.first ?? 0); they must match") }
        guard batchSize >= 1 else { throw ModelError("batch_size must be at least 1, got \(batchSize)") }
        let metrics = setup.makeAccumulators()
        var lossSum = 0.0
        var start = 0
        while start < n {
            try checkCancelled()
            let range = start..<min(n, start + batchSize)
            let r = try evaluateBatch(x.slice(range), y.slice(range), setup: setup, metrics: metrics)
            lossSum += r.loss * Double(range.count)
            start = range.upperBound
            afterBatch((start + batchSize - 1) / batchSize, (n + batchSize - 1) / batchSize)
        }
        return [lossSum / Double(max(n, 1))] + metrics.map(\.result)
    }

    /// Keras `evaluate` on a batch source (`evaluate_generator`), over `steps` batches (default: one pass).
    /// `afterBatch` is told each batch done (for a progress bar).
    public func evaluate(source: BatchSource, steps: Int? = nil, checkCancelled: () throws -> Void = {},
                         afterBatch: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> [Double] {
        let setup = try requireCompiled()
        let count = steps ?? source.batchesPerEpoch
        guard count >= 1 else { throw ModelError("steps must be at least 1, got \(count)") }
        let metrics = setup.makeAccumulators()
        var lossSum = 0.0, seen = 0
        for step in 0..<count {
            try checkCancelled()
            let batch = try source.nextBatch()
            guard let targets = batch.targets else {
                throw ModelError("evaluate needs labels, but the flow yields none (class_mode=None)")
            }
            let r = try evaluateBatch(batch.inputs, targets, setup: setup, metrics: metrics)
            let n = batch.inputs.shape[0]
            lossSum += r.loss * Double(n)
            seen += n
            afterBatch(step + 1, count)
        }
        return [lossSum / Double(max(seen, 1))] + metrics.map(\.result)
    }
}

/// What one `fit` call runs: its compiled setup, epochs, batches per epoch, reporting, checkpointing and callbacks.
struct TrainingPlan {
    let setup: CompiledSetup
    let epochs: Int
    let steps: Int
    let progress: ProgressOptions
    let resumption: Resumption
    let callbacks: [TrainingCallback]
}

/// Keras 2's progress bar: `37/100 [==========>...................] - ETA: 5s - loss: 0.6021 - acc: 0.6750`.
public final class ProgressBar {
    let steps: Int
    let options: ProgressOptions
    private var lastDraw = Date.distantPast

    public init(steps: Int, options: ProgressOptions) {
        self.steps = steps
        self.options = options
    }

    private func bar(_ step: Int) -> String {
        let width = 30
        let filled = steps > 0 ? width * step / steps : width
        var s = String(repeating: "=", count: max(0, filled - (step < steps ? 1 : 0)))
        if step < steps { s += ">" }
        s += String(repeating: ".", count: max(0, width - s.count))
        let digits = String(steps).count
        let count = String(repeating: " ", count: max(0, digits - String(step).count)) + "\(step)/\(steps)"
        return "\(count) [\(s)]"
    }

    private static func format(_ metrics: [(String, Double)]) -> String {
        metrics.map { " - \($0.0): \(String(format: "%.4f", $0.1))" }.joined()
    }

    public func update(step: Int, elapsed: TimeInterval, metrics: [(String, Double)]) {
        guard options.verbose == 1, options.interactive, step > 0, step < steps else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let eta = elapsed / Double(step) * Double(steps - step)
        options.write("\r\(bar(step)) - ETA: \(Int(eta.rounded()))s\(Self.format(metrics))\u{1B}[K")
    }

    public func finish(elapsed: TimeInterval, metrics: [(String, Double)]) {
        guard options.verbose > 0 else { return }
        let perStep = elapsed / Double(max(steps, 1))
        let timing = perStep >= 1 ? "\(String(format: "%.0f", perStep))s/step" : "\(Int((perStep * 1000).rounded()))ms/step"
        let prefix = options.verbose == 1 ? "\(options.interactive ? "\r" : "")\(bar(steps)) - " : "\(steps)/\(steps) - "
        options.write("\(prefix)\(Int(elapsed.rounded()))s \(timing)\(Self.format(metrics))\(options.interactive ? "\u{1B}[K" : "")\n")
    }

    public func abandon() {
        if options.verbose == 1 && options.interactive { options.write("\n") }
    }
}

/// `evaluate` and `predict` progress as Keras shows it: nothing with `verbose=0`; with 1 a bar (redrawn on a
/// terminal) ending `50/50 [==============================] - 3s 52ms/step - loss: 0.2500 - acc: 0.9000`;
/// with 2 only that last line's figures (`50/50 - 3s 52ms/step - loss: ...`).
public final class InferenceProgress {
    let options: ProgressOptions
    private let start = Date()
    private var bar: ProgressBar?
    private var total = 1

    public init(verbose: Int, interactive: Bool, write: @escaping (String) -> Void) {
        options = ProgressOptions(verbose: verbose, interactive: interactive, write: write)
    }

    /// After each batch: `done` of `total`.
    public func update(done: Int, total: Int) {
        self.total = max(total, 1)
        if bar == nil { bar = ProgressBar(steps: self.total, options: options) }
        bar!.update(step: done, elapsed: Date().timeIntervalSince(start), metrics: [])
    }

    /// The closing line with the results.
    public func finish(_ metrics: [(String, Double)]) {
        let elapsed = Date().timeIntervalSince(start)
        guard options.verbose > 0 else { return }
        (bar ?? ProgressBar(steps: total, options: options)).finish(elapsed: elapsed, metrics: metrics)
    }
}
