import Foundation
import TLTensor

/// The values one finished epoch produced (`loss`, metrics, `val_...`), in order: Keras's `logs`.
/// Callbacks may add entries (`learning_rate`), which History then records too, as in Keras 3.
public struct EpochLogs {
    public private(set) var entries: [(String, Double)]

    public init(_ entries: [(String, Double)]) { self.entries = entries }

    public subscript(key: String) -> Double? {
        get { entries.first { $0.0 == key }?.1 }
        set {
            guard let newValue else { entries.removeAll { $0.0 == key }; return }
            if let index = entries.firstIndex(where: { $0.0 == key }) { entries[index].1 = newValue } else { entries.append((key, newValue)) }
        }
    }

    public var keys: [String] { entries.map(\.0) }
}

/// What a callback sees of the training run: the model, its optimizer, where messages go, and the
/// switch that ends training after the current epoch (Keras's `model.stop_training`).
public final class TrainingContext {
    public let model: any Model
    public let optimizer: Optimizer
    public let write: (String) -> Void
    /// The model's `stop_training` switch.
    public var stopTraining: Bool {
        get { model.stopTraining }
        set { model.stopTraining = newValue }
    }

    public init(model: any Model, optimizer: Optimizer, write: @escaping (String) -> Void) {
        self.model = model
        self.optimizer = optimizer
        self.write = write
    }

    /// `model.get_weights()`: copies of every weight, in Keras's order.
    public func weightValues() -> [Tensor] { model.weights.map(\.value) }

    /// `model.set_weights(values)` with values `weightValues()` returned.
    public func restoreWeights(_ values: [Tensor]) {
        for (parameter, value) in zip(model.weights, values) { parameter.value = value }
    }
}

/// Keras's `Callback`: hooks `fit` calls around epochs. Every hook has a default that does nothing.
public protocol TrainingCallback: AnyObject {
    func trainingWillBegin(_ training: TrainingContext) throws
    func epochWillBegin(_ epoch: Int, _ training: TrainingContext) throws
    /// After the epoch's training and validation; `logs` may gain entries.
    func epochDidEnd(_ epoch: Int, logs: inout EpochLogs, _ training: TrainingContext) throws
    /// After the last epoch or an early stop (not after an interruption or a failure).
    func trainingDidEnd(_ training: TrainingContext) throws
}

extension TrainingCallback {
    public func trainingWillBegin(_ training: TrainingContext) throws {}
    public func epochWillBegin(_ epoch: Int, _ training: TrainingContext) throws {}
    public func epochDidEnd(_ epoch: Int, logs: inout EpochLogs, _ training: TrainingContext) throws {}
    public func trainingDidEnd(_ training: TrainingContext) throws {}
}

/// Which way a monitored quantity should go and by how much it must move (Keras 3's `MonitorCallback`).
public struct MonitorRule: Sendable {
    public enum Mode: String, Sendable { case auto, min, max }

    public let monitor: String
    public let increases: Bool
    public let minDelta: Double

    /// `mode="auto"` reads the direction from the name as Keras 3 does: `loss` and `val_loss` go down,
    /// accuracies, `auc`, `precision` and `recall` go up; anything else needs `mode=`.
    public init(monitor: String, mode: Mode, minDelta: Double = 0) throws {
        self.monitor = monitor
        self.minDelta = abs(minDelta)
        switch mode {
        case .min: increases = false
        case .max: increases = true
        case .auto:
            let metric = monitor.hasPrefix("val_") ? String(monitor.dropFirst(4)) : monitor
            if metric == "loss" { increases = false } else if MonitorRule.risingMetrics.contains(metric) { increases = true } else {
                throw ModelError("cannot tell whether '\(monitor)' should be maximized or minimized; pass mode='max' or mode='min'")
            }
        }
    }

    static let risingMetrics: Set<String> = ["acc", "accuracy", "binary_accuracy", "categorical_accuracy",
                                             "sparse_categorical_accuracy", "auc", "precision", "recall"]

    /// Keras's `_is_improvement`: better than `best` by more than `minDelta` (always, without a best yet).
    public func isImprovement(_ current: Double, over best: Double?) -> Bool {
        guard let best else { return true }
        return increases ? current - minDelta > best : current + minDelta < best
    }

    /// The monitored value in `logs`, or a warning (Keras warns and skips the epoch).
    func value(in logs: EpochLogs, callback: String, training: TrainingContext) -> Double? {
        if let value = logs[monitor] { return value }
        training.write("warning: \(callback) monitors '\(monitor)', which is not available; available: \(logs.keys.joined(separator: ", "))\n")
        return nil
    }
}

/// Keras 3's `EarlyStopping`: stops when `monitor` has not improved for `patience` epochs; with
/// `restoreBestWeights`, puts back the weights of the best epoch when training ends. With a `baseline`,
/// patience restarts only when the value also beats it; epochs before `startFromEpoch` are not watched.
public final class EarlyStopping: TrainingCallback {
    public let rule: MonitorRule
    public let patience: Int
    public let restoreBestWeights: Bool
    public let baseline: Double?
    public let startFromEpoch: Int
    public let verbose: Int
    public private(set) var wait = 0
    /// The epoch training was stopped after (0-based); 0 when it was not stopped.
    public private(set) var stoppedEpoch = 0
    public private(set) var best: Double?
    public private(set) var bestEpoch = 0
    private var bestWeights: [Tensor]?

    public init(rule: MonitorRule, patience: Int = 0, restoreBestWeights: Bool = false, baseline: Double? = nil,
                startFromEpoch: Int = 0, verbose: Int = 0) {
        self.rule = rule
        self.patience = patience
        self.restoreBestWeights = restoreBestWeights
        self.baseline = baseline
        self.startFromEpoch = startFromEpoch
        self.verbose = verbose
    }

    public func trainingWillBegin(_ training: TrainingContext) throws {
        (wait, stoppedEpoch, best, bestEpoch, bestWeights) = (0, 0, nil, 0, nil)
    }

    public func epochDidEnd(_ epoch: Int, logs: inout EpochLogs, _ training: TrainingContext) throws {
        guard let current = rule.value(in: logs, callback: "EarlyStopping", training: training), epoch >= startFromEpoch else { return }
        if restoreBestWeights && bestWeights == nil {
            bestWeights = training.weightValues()
            bestEpoch = epoch
        }
        wait += 1
        if rule.isImprovement(current, over: best) {
            best = current
            bestEpoch = epoch
            if restoreBestWeights { bestWeights = training.weightValues() }
            if baseline.map({ rule.isImprovement(current, over: $0) }) ?? true { wait = 0 }
            return
        }
        if wait >= patience && epoch > 0 {
            stoppedEpoch = epoch
            training.stopTraining = true
        }
    }

    public func trainingDidEnd(_ training: TrainingContext) throws {
        if stoppedEpoch > 0 && verbose > 0 { training.write("Epoch \(stoppedEpoch + 1): early stopping\n") }
        if restoreBestWeights, let bestWeights {
            if verbose > 0 { training.write("Restoring model weights from the end of the best epoch: \(bestEpoch + 1).\n") }
            training.restoreWeights(bestWeights)
        }
    }
}

/// Keras 3's `ReduceLROnPlateau`: multiplies the learning rate by `factor` when `monitor` has not improved
/// for `patience` epochs, never below `minLearningRate`, then waits `cooldown` epochs. Adds
/// `learning_rate` to the logs.
public final class ReduceLROnPlateau: TrainingCallback {
    public let rule: MonitorRule
    public let factor: Double
    public let patience: Int
    public let cooldown: Int
    public let minLearningRate: Double
    public let verbose: Int
    private var wait = 0, cooldownCounter = 0
    private var best: Double?

    public init(rule: MonitorRule, factor: Double = 0.1, patience: Int = 10, cooldown: Int = 0,
                minLearningRate: Double = 0, verbose: Int = 0) throws {
        guard factor < 1 else { throw ModelError("ReduceLROnPlateau does not support a factor >= 1.0, got factor=\(factor)") }
        self.rule = rule
        self.factor = factor
        self.patience = patience
        self.cooldown = cooldown
        self.minLearningRate = minLearningRate
        self.verbose = verbose
    }

    public func trainingWillBegin(_ training: TrainingContext) throws { (best, cooldownCounter, wait) = (nil, 0, 0) }

    public func epochDidEnd(_ epoch: Int, logs: inout EpochLogs, _ training: TrainingContext) throws {
        logs["learning_rate"] = Double(training.optimizer.learningRate)
        guard let current = rule.value(in: logs, callback: "ReduceLROnPlateau", training: training) else { return }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            wait = 0
        }
        if rule.isImprovement(current, over: best) {
            best = current
            wait = 0
        } else if cooldownCounter == 0 {
            wait += 1
            if wait >= patience, reduce(epoch, training) {
                cooldownCounter = cooldown
                wait = 0
            }
        }
    }

    private func reduce(_ epoch: Int, _ training: TrainingContext) -> Bool {
        let old = Double(training.optimizer.learningRate)
        guard old > Double(Float(minLearningRate)) else { return false }
        let new = max(old * factor, minLearningRate)
        training.optimizer.learningRate = Float(new)
        if verbose > 0 { training.write("Epoch \(epoch + 1): ReduceLROnPlateau reducing learning rate to \(new).\n") }
        return true
    }
}

/// Keras's `LearningRateScheduler`: before every epoch, sets the learning rate to `schedule(epoch, lr)`.
/// Adds `learning_rate` to the logs.
public final class LearningRateScheduler: TrainingCallback {
    public let schedule: (_ epoch: Int, _ learningRate: Double) throws -> Double
    public let verbose: Int

    public init(verbose: Int = 0, schedule: @escaping (_ epoch: Int, _ learningRate: Double) throws -> Double) {
        self.schedule = schedule
        self.verbose = verbose
    }

    public func epochWillBegin(_ epoch: Int, _ training: TrainingContext) throws {
        let rate = try schedule(epoch, Double(training.optimizer.learningRate))
        guard rate.isFinite, rate >= 0 else {
            throw ModelError("the learning rate schedule returned \(rate) for epoch \(epoch); it must be a number 0 or more")
        }
        training.optimizer.learningRate = Float(rate)
        if verbose > 0 { training.write("Epoch \(epoch + 1): LearningRateScheduler setting learning rate to \(rate).\n") }
    }

    public func epochDidEnd(_ epoch: Int, logs: inout EpochLogs, _ training: TrainingContext) throws {
        logs["learning_rate"] = Double(training.optimizer.learningRate)
    }
}

/// Keras's `LambdaCallback`: functions called at the start and end of training and of each epoch
/// (`onEpochEnd` sees the epoch's logs).
public final class LambdaCallback: TrainingCallback {
    public let onTrainBegin: (() throws -> Void)?
    public let onTrainEnd: (() throws -> Void)?
    public let onEpochBegin: ((Int) throws -> Void)?
    public let onEpochEnd: ((Int, EpochLogs) throws -> Void)?

    public init(onTrainBegin: (() throws -> Void)? = nil, onTrainEnd: (() throws -> Void)? = nil,
                onEpochBegin: ((Int) throws -> Void)? = nil, onEpochEnd: ((Int, EpochLogs) throws -> Void)? = nil) {
        self.onTrainBegin = onTrainBegin
        self.onTrainEnd = onTrainEnd
        self.onEpochBegin = onEpochBegin
        self.onEpochEnd = onEpochEnd
    }

    public func trainingWillBegin(_ training: TrainingContext) throws { try onTrainBegin?() }
    public func epochWillBegin(_ epoch: Int, _ training: TrainingContext) throws { try onEpochBegin?(epoch) }
    public func epochDidEnd(_ epoch: Int, logs: inout EpochLogs, _ training: TrainingContext) throws { try onEpochEnd?(epoch, logs) }
    public func trainingDidEnd(_ training: TrainingContext) throws { try onTrainEnd?() }
}
