import Foundation
import TLTensor

/// What `compile` fixes, Keras-style: the optimizer, the loss, the metrics, and which weights train.
/// Trainability changed after `compile` takes effect only at the next `compile`.
public struct CompiledSetup {
    public let optimizer: Optimizer
    public let loss: Loss
    /// Metric names as the user gave them (`acc` or `accuracy`), used as History keys.
    public let metrics: [String]
    public let trainableParameters: [Parameter]
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
        for m in metrics where !["acc", "accuracy"].contains(m) {
            throw ModelError("unknown metric '\(m)'; tl supports 'acc' (or 'accuracy')")
        }
        compiled = CompiledSetup(optimizer: optimizer, loss: loss, metrics: metrics, trainableParameters: trainableWeights)
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
    public func trainStep(_ x: Tensor, _ y: Tensor, setup: CompiledSetup, epoch: Int, batch: Int) throws -> (loss: Double, correct: Double) {
        let leaves = executionLeaves
        let trainableIDs = Set(setup.trainableParameters.map(ObjectIdentifier.init))
        let firstTrainable = leaves.firstIndex { leaf in leaf.weights.contains { trainableIDs.contains(ObjectIdentifier($0)) } }
        let last = leaves.count - 1
        let fromLogits = setup.loss.logitsActivation != nil
            && (leaves.last as? ActivatedLayer)?.activation == setup.loss.logitsActivation
        for p in setup.trainableParameters { p.gradient = Tensor(shape: p.shape) }
        defer {
            for p in setup.trainableParameters { p.gradient = nil }
            for leaf in leaves { leaf.clearCache() }
        }
        let h = try LayerChain.run(leaves, x) { i in
            ForwardMode(training: true, keepForBackward: firstTrainable.map { i >= $0 } ?? false, logitsOutput: fromLogits && i == last)
        }
        let target = alignTargets(y, to: h, loss: setup.loss)
        let (perSample, gradient) = try setup.loss.evaluate(prediction: h, target: target, fromLogits: fromLogits)
        let loss = perSample.reduce(0.0) { $0 + Double($1) } / Double(max(perSample.count, 1))
        guard loss.isFinite else { throw TrainingStop.nonFiniteLoss(epoch: epoch, batch: batch, value: Float(loss)) }
        var probabilities = h
        if fromLogits { setup.loss.logitsActivation!.apply(&probabilities) }
        let correct = accuracyKind(setup, outputWidth: h.shape.last ?? 1).correct(prediction: probabilities, target: target)
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

    /// Loss and correct count of a batch in inference mode.
    public func evaluateBatch(_ x: Tensor, _ y: Tensor, setup: CompiledSetup) throws -> (loss: Double, correct: Double) {
        let output = try forward(x, mode: .inference)
        let target = alignTargets(y, to: output, loss: setup.loss)
        let (perSample, _) = try setup.loss.evaluate(prediction: output, target: target, fromLogits: false)
        let correct = accuracyKind(setup, outputWidth: output.shape.last ?? 1).correct(prediction: output, target: target)
        return (perSample.reduce(0.0) { $0 + Double($1) } / Double(max(perSample.count, 1)), correct)
    }

    /// Keras `fit` on in-memory arrays: shuffles each epoch when asked, validates after each epoch.
    ///
    /// With a `checkpointer`, the state after every epoch is saved (weights, optimizer state, history and
    /// the shuffling and dropout generators), and a run it restores continues where that one stopped.
    public func fit(x: Tensor, y: Tensor, epochs: Int, batchSize: Int = 32, validationData: (Tensor, Tensor)? = nil,
                    shuffle: Bool = true, progress: ProgressOptions = ProgressOptions(),
                    checkpointer: TrainingCheckpointer? = nil) throws -> History {
        let setup = try requireCompiled()
        try checkFitArguments(epochs: epochs, batchSize: batchSize)
        let n = x.shape.first ?? 0
        guard y.shape.first == n else {
            throw ModelError("x has \(n) samples but y has \(y.shape.first ?? 0); they must match")
        }
        guard n > 0 else { throw ModelError("fit: x holds no samples") }
        let shuffleStream = ShuffleStream(GlobalRandom.makeGenerator())
        let steps = (n + batchSize - 1) / batchSize
        try checkMemory(setup: setup, batchSize: min(batchSize, n), sampleShape: Array(x.shape.dropFirst()), prefetchedBatches: 0,
                        progress: progress)
        let resumption = Resumption(checkpointer: checkpointer, shuffle: shuffleStream, replay: nil)
        return try trainLoop(setup: setup, epochs: epochs, steps: steps, progress: progress, resumption: resumption, nextEpoch: {
            var order = Array(0..<n)
            if shuffle { order.shuffle(using: &shuffleStream.generator) }
            return { step in
                let rows = Array(order[(step * batchSize)..<min(n, (step + 1) * batchSize)])
                return (x.gather(rows), y.gather(rows))
            }
        }, validate: validationData.map { data in { try self.evaluate(x: data.0, y: data.1, batchSize: batchSize) } })
    }

    /// Keras `fit` on a batch source (`fit_generator`): `stepsPerEpoch` batches an epoch.
    ///
    /// With a `checkpointer`, a resumed run replays the batches of the finished epochs (drawing them
    /// without training) so that the source's shuffling and augmentation continue exactly.
    public func fit(source: BatchSource, stepsPerEpoch: Int? = nil, epochs: Int, validation: BatchSource? = nil,
                    validationSteps: Int? = nil, progress: ProgressOptions = ProgressOptions(),
                    checkpointer: TrainingCheckpointer? = nil) throws -> History {
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
        return try trainLoop(setup: setup, epochs: epochs, steps: steps, progress: progress, resumption: resumption, nextEpoch: {
            return { _ in
                let batch = try source.nextBatch()
                guard let targets = batch.targets else {
                    throw ModelError("fit needs labels, but the flow yields none (class_mode=None); use class_mode='binary' or 'categorical'")
                }
                return (batch.inputs, targets)
            }
        }, validate: validation.map { v in { try self.evaluate(source: v, steps: validationSteps) } })
    }

    private func checkFitArguments(epochs: Int, batchSize: Int) throws {
        guard epochs >= 0 else { throw ModelError("epochs must be 0 or more, got \(epochs)") }
        guard batchSize >= 1 else { throw ModelError("batch_size must be at least 1, got \(batchSize)") }
    }

    private func trainLoop(setup: CompiledSetup, epochs: Int, steps: Int, progress: ProgressOptions,
                           resumption: Resumption,
                           nextEpoch: () -> (Int) throws -> (Tensor, Tensor),
                           validate: (() throws -> [Double])?) throws -> History {
        var history = History()
        var firstEpoch = 0
        if let restored = try resumption.restore(into: self, setup: setup) {
            history = restored.history
            firstEpoch = min(restored.completedEpochs, epochs)
        }
        let metricName = setup.metrics.first
        let bar = ProgressBar(steps: steps, options: progress)
        for epoch in firstEpoch..<max(epochs, firstEpoch) {
            if progress.verbose > 0 { progress.write("Epoch \(epoch + 1)/\(epochs)\n") }
            let batchFor = nextEpoch()
            var lossSum = 0.0, correct = 0.0, seen = 0
            let start = Date()
            for step in 0..<steps {
                if progress.shouldStop() {
                    bar.abandon()
                    history.stopReason = TrainingStop.interrupted(epoch: epoch + 1, batch: step + 1).description
                    progress.write("\(history.stopReason!)\n")
                    return history
                }
                let (x, y) = try batchFor(step)
                let result: (loss: Double, correct: Double)
                do {
                    result = try trainStep(x, y, setup: setup, epoch: epoch + 1, batch: step + 1)
                } catch let stop as TrainingStop {
                    bar.abandon()
                    history.stopReason = stop.description
                    progress.write("\(stop.description)\n")
                    return history
                }
                let count = x.shape[0]
                lossSum += result.loss * Double(count)
                correct += result.correct
                seen += count
                var running = [("loss", lossSum / Double(seen))]
                if let metricName { running.append((metricName, correct / Double(seen))) }
                bar.update(step: step + 1, elapsed: Date().timeIntervalSince(start), metrics: running)
            }
            var metrics = [("loss", lossSum / Double(max(seen, 1)))]
            if let metricName { metrics.append((metricName, correct / Double(max(seen, 1)))) }
            if let validate {
                let v = try validate()
                metrics.append(("val_loss", v[0]))
                if let metricName, v.count > 1 { metrics.append(("val_" + metricName, v[1])) }
            }
            history.record(epoch: epoch, metrics)
            bar.finish(elapsed: Date().timeIntervalSince(start), metrics: metrics)
            try resumption.save(after: epoch, epochs: epochs, history: history, model: self, setup: setup)
        }
        return history
    }

    /// Keras `evaluate` on arrays: `[loss, acc]` over all samples.
    public func evaluate(x: Tensor, y: Tensor, batchSize: Int = 32) throws -> [Double] {
        let setup = try requireCompiled()
        let n = x.shape.first ?? 0
        guard y.shape.first == n else { throw ModelError("x has \(n) samples but y has \(y.shape.first ?? 0); they must match") }
        guard batchSize >= 1 else { throw ModelError("batch_size must be at least 1, got \(batchSize)") }
        var lossSum = 0.0, correct = 0.0
        var start = 0
        while start < n {
            let range = start..<min(n, start + batchSize)
            let r = try evaluateBatch(x.slice(range), y.slice(range), setup: setup)
            lossSum += r.loss * Double(range.count)
            correct += r.correct
            start = range.upperBound
        }
        return metricsList(setup, loss: lossSum, correct: correct, count: n)
    }

    /// Keras `evaluate` on a batch source (`evaluate_generator`), over `steps` batches (default: one pass).
    public func evaluate(source: BatchSource, steps: Int? = nil) throws -> [Double] {
        let setup = try requireCompiled()
        let count = steps ?? source.batchesPerEpoch
        guard count >= 1 else { throw ModelError("steps must be at least 1, got \(count)") }
        var lossSum = 0.0, correct = 0.0, seen = 0
        for _ in 0..<count {
            let batch = try source.nextBatch()
            guard let targets = batch.targets else {
                throw ModelError("evaluate needs labels, but the flow yields none (class_mode=None)")
            }
            let r = try evaluateBatch(batch.inputs, targets, setup: setup)
            let n = batch.inputs.shape[0]
            lossSum += r.loss * Double(n)
            correct += r.correct
            seen += n
        }
        return metricsList(setup, loss: lossSum, correct: correct, count: seen)
    }

    private func metricsList(_ setup: CompiledSetup, loss: Double, correct: Double, count: Int) -> [Double] {
        let n = Double(max(count, 1))
        return setup.metrics.isEmpty ? [loss / n] : [loss / n, correct / n]
    }
}

/// Keras 2's progress bar: `37/100 [==========>...................] - ETA: 5s - loss: 0.6021 - acc: 0.6750`.
final class ProgressBar {
    let steps: Int
    let options: ProgressOptions
    private var lastDraw = Date.distantPast

    init(steps: Int, options: ProgressOptions) {
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

    func update(step: Int, elapsed: TimeInterval, metrics: [(String, Double)]) {
        guard options.verbose == 1, options.interactive, step < steps else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let eta = elapsed / Double(step) * Double(steps - step)
        options.write("\r\(bar(step)) - ETA: \(Int(eta.rounded()))s\(Self.format(metrics))\u{1B}[K")
    }

    func finish(elapsed: TimeInterval, metrics: [(String, Double)]) {
        guard options.verbose > 0 else { return }
        let perStep = elapsed / Double(max(steps, 1))
        let timing = perStep >= 1 ? "\(String(format: "%.0f", perStep))s/step" : "\(Int((perStep * 1000).rounded()))ms/step"
        let prefix = options.verbose == 1 ? "\(options.interactive ? "\r" : "")\(bar(steps)) - " : " - "
        options.write("\(prefix)\(Int(elapsed.rounded()))s \(timing)\(Self.format(metrics))\(options.interactive ? "\u{1B}[K" : "")\n")
    }

    func abandon() {
        if options.verbose == 1 && options.interactive { options.write("\n") }
    }
}
