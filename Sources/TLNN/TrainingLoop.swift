import Foundation
import TLTensor

/// What one `fit` call runs: its compiled setup, epochs, batches per epoch, reporting, checkpointing and callbacks.
struct FitRun {
    let setup: CompiledSetup
    let epochs: Int
    let steps: Int
    let progress: ProgressOptions
    let resumption: Resumption
    let callbacks: [TrainingCallback]
}

extension Model {
    /// The loop of every `fit`: epochs of `steps` batches, validation, callbacks and checkpoints. An
    /// interruption (between any two batches, after the last one, or during validation) or a non-finite
    /// loss ends it with the History of the finished epochs.
    func trainLoop(_ run: FitRun, nextEpoch: () -> (Int) throws -> TrainingBatch,
                           validate: ((@escaping () throws -> Void) throws -> [Double])?) throws -> History {
        var history = History()
        var firstEpoch = 0
        if let restored = try run.resumption.restore(into: self, setup: run.setup) {
            history = restored.history
            firstEpoch = min(restored.completedEpochs, run.epochs)
        }
        let progress = run.progress
        let training = TrainingContext(model: self, optimizer: run.setup.optimizer, write: progress.write)
        training.stopTraining = false
        for callback in run.callbacks { try callback.trainingWillBegin(training) }
        for epoch in firstEpoch..<max(run.epochs, firstEpoch) {
            for callback in run.callbacks { try callback.epochWillBegin(epoch, training) }
            if progress.verbose > 0 { progress.write("Epoch \(epoch + 1)/\(run.epochs)\n") }
            let bar = ProgressBar(steps: run.steps, options: progress)
            let start = Date()
            var logs: EpochLogs
            do {
                logs = try trainEpoch(epoch, run, bar: bar, start: start, batchFor: nextEpoch())
                if let validate {
                    let stop = { if progress.shouldStop() { throw TrainingStop.interrupted(epoch: epoch + 1, batch: run.steps) } }
                    let values = try validate(stop)
                    for (name, value) in zip(["loss"] + run.setup.metrics, values) { logs["val_" + name] = value }
                }
            } catch let stop as TrainingStop {
                bar.abandon()
                history.stopReason = stop.description
                progress.write("\(stop.description)\n")
                return history
            }
            bar.finish(elapsed: Date().timeIntervalSince(start), metrics: logs.entries)
            for callback in run.callbacks { try callback.epochDidEnd(epoch, logs: &logs, training) }
            history.record(epoch: epoch, logs.entries)
            try run.resumption.save(after: epoch, epochs: run.epochs, history: history, model: self, setup: run.setup)
            if training.stopTraining { break }
        }
        for callback in run.callbacks { try callback.trainingDidEnd(training) }
        return history
    }

    /// One epoch's batches: trains on each, updates the bar, returns the epoch's loss and metrics. Throws
    /// `TrainingStop` when interrupted (checked before every batch and after the last) or on a bad loss.
    private func trainEpoch(_ epoch: Int, _ run: FitRun, bar: ProgressBar, start: Date,
                            batchFor: (Int) throws -> TrainingBatch) throws -> EpochLogs {
        let metrics = run.setup.makeAccumulators()
        var lossSums: [Double] = [], seen = 0   // the total loss, then each output's (several outputs)
        func logs() -> EpochLogs {
            let losses = lossSums.map { $0 / Double(max(seen, 1)) }
            return EpochLogs(zip(["loss"] + run.setup.metrics, (lossSums.isEmpty ? [0] : losses) + metrics.map(\.result)).map { ($0, $1) })
        }
        for step in 0..<run.steps {
            if run.progress.shouldStop() { throw TrainingStop.interrupted(epoch: epoch + 1, batch: step + 1) }
            let batch = try batchFor(step)
            let losses = try trainStep(batch, setup: run.setup, epoch: epoch + 1, step: step + 1, metrics: metrics)
            let count = batch.count
            lossSums = lossSums.isEmpty ? losses.map { $0 * Double(count) } : zip(lossSums, losses).map { $0 + $1 * Double(count) }
            seen += count
            bar.update(step: step + 1, elapsed: Date().timeIntervalSince(start), metrics: logs().entries)
        }
        if run.progress.shouldStop() { throw TrainingStop.interrupted(epoch: epoch + 1, batch: run.steps) }
        return logs()
    }
}
