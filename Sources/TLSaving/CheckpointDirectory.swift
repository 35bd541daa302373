import Foundation
import TLNN
import TLFormats

/// A folder of training checkpoints: `fit(..., checkpoint="dir")` saves into it after every epoch and
/// `fit(..., checkpoint="dir", resume=True)` continues from it.
///
/// Each epoch writes, every file atomically (temporary name, `fsync`, rename):
/// 1. `weights-epochNNNN.h5`: every weight of the model (Keras legacy layout, loadable with `load_weights`);
/// 2. `optimizer-epochNNNN.h5`: the optimizer's moments, one group per slot, one array per trainable weight;
/// 3. `checkpoint.json` last: the commit record naming those two files, with the history, the optimizer's
///    step and hyperparameters, and the states of the shuffling and dropout generators.
///
/// Only a `checkpoint.json` that was completely renamed into place counts, and it names files that were
/// complete before it was written, so a run killed at any instant (even during a save) leaves the previous
/// epoch's checkpoint intact. Files of older epochs are deleted after each commit.
public final class CheckpointDirectory: TrainingCheckpointer {
    public let path: String
    public let resume: Bool
    private let announce: (String) -> Void

    /// - Parameters:
    ///   - resume: continue from `checkpoint.json` when it exists (a missing one starts from epoch 1, so
    ///     the same script can be run again after an interruption).
    ///   - announce: receives one-line notes (resuming from epoch N, nothing to resume).
    public init(path: String, resume: Bool, announce: @escaping (String) -> Void = { _ in }) {
        self.path = path
        self.resume = resume
        self.announce = announce
    }

    static let commitFileName = "checkpoint.json"
    static let formatName = "tl-training-checkpoint"

    var commitPath: String { (path as NSString).appendingPathComponent(Self.commitFileName) }

    /// The commit record, as `checkpoint.json` stores it.
    struct Record: Codable {
        var format: String
        var version: Int
        var completedEpochs: Int
        var requestedEpochs: Int
        var weightsFile: String
        var optimizerFile: String
        var optimizer: String
        var optimizerStep: Int
        var learningRate: Float
        var historyKeys: [String]
        var historyValues: [[Double]]
        var historyEpochs: [Int]
        /// UInt64 states as decimal strings: JSON numbers lose precision above 2^53.
        var shuffleState: String?
        var dropoutStates: [String]
        /// The shape of every weight in model order, to refuse resuming into another architecture.
        var weightShapes: [[Int]]
        var trainableWeightCount: Int
    }

    // MARK: Restoring

    public func restore(into model: any Model, setup: CompiledSetup) throws -> TrainingProgress? {
        guard resume else { return nil }
        guard FileManager.default.fileExists(atPath: commitPath) else {
            announce("no checkpoint in '\(path)' yet: training from the first epoch\n")
            return nil
        }
        let record = try readRecord()
        let modelShapes = model.weights.map(\.shape)
        guard modelShapes == record.weightShapes else {
            let firstDifference = modelShapes.indices.first { $0 < record.weightShapes.count && modelShapes[$0] != record.weightShapes[$0] }
                .map { "weight \($0) is \(KerasWeights.shapeText(modelShapes[$0])) in the model, \(KerasWeights.shapeText(record.weightShapes[$0])) in the checkpoint" }
                ?? "the model has \(modelShapes.count) weight tensors, the checkpoint \(record.weightShapes.count)"
            throw SavingError("cannot resume from '\(commitPath)': it was saved for another architecture (\(firstDifference)). Resume with the model that made it, or use another checkpoint folder.")
        }
        guard record.trainableWeightCount == setup.trainableParameters.count else {
            throw SavingError("cannot resume from '\(commitPath)': it was saved while \(record.trainableWeightCount) weight tensors were trainable, the model compiled now trains \(setup.trainableParameters.count). Freeze the same layers as in the interrupted run before compile().")
        }
        let folder = path as NSString
        try KerasWeights.load(into: model, path: folder.appendingPathComponent(record.weightsFile))
        let optimizer = try readOptimizerState(folder.appendingPathComponent(record.optimizerFile), record: record,
                                               parameterCount: setup.trainableParameters.count)
        let history = History()
        for (index, epoch) in record.historyEpochs.enumerated() {
            history.record(epoch: epoch, zip(record.historyKeys, record.historyValues).map { ($0, $1[index]) })
        }
        announce("resuming from '\(path)': \(record.completedEpochs) of \(record.requestedEpochs) epochs were done\n")
        return TrainingProgress(completedEpochs: record.completedEpochs, requestedEpochs: record.requestedEpochs, history: history,
                                optimizer: optimizer, shuffleState: try record.shuffleState.map { try state($0) },
                                dropoutStates: try record.dropoutStates.map { try state($0) })
    }

    private func state(_ text: String) throws -> UInt64 {
        guard let value = UInt64(text) else {
            throw SavingError("'\(commitPath)' holds the random state '\(text)', which is not a 64-bit number; the file was edited or damaged. Delete the folder to start over.")
        }
        return value
    }

    func readRecord() throws -> Record {
        guard let data = FileManager.default.contents(atPath: commitPath) else {
            throw SavingError("cannot read '\(commitPath)': check that the checkpoint folder is readable")
        }
        let record: Record
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            record = try decoder.decode(Record.self, from: data)
        } catch {
            throw SavingError("'\(commitPath)' is not a tl training checkpoint (\(error.localizedDescription)). Delete it, or point checkpoint= at another folder.")
        }
        guard record.format == Self.formatName, record.version == 1 else {
            throw SavingError("'\(commitPath)' is a checkpoint of format '\(record.format)' version \(record.version); this tl reads '\(Self.formatName)' version 1")
        }
        return record
    }

    private func readOptimizerState(_ file: String, record: Record, parameterCount: Int) throws -> OptimizerState {
        let groups = try KerasWeightFile.read(path: file).layers
        var slots: [String: [[Float]?]] = [:]
        for group in groups {
            var values = [[Float]?](repeating: nil, count: parameterCount)
            for weight in group.weights {
                // Legacy names look like "velocity/p3:0": the trainable weight's index is after the 'p'.
                let leaf = weight.name.split(separator: "/").last.map(String.init) ?? weight.name
                guard leaf.hasPrefix("p"), let index = Int(leaf.dropFirst().prefix { $0.isNumber }), index < parameterCount else {
                    throw SavingError("'\(file)' holds optimizer state '\(weight.name)' that names no trainable weight of this model; delete the checkpoint folder to start over")
                }
                values[index] = weight.values
            }
            slots[group.layerName] = values
        }
        return OptimizerState(typeName: record.optimizer, step: record.optimizerStep, slots: slots)
    }

    // MARK: Saving

    public func save(_ progress: TrainingProgress, model: any Model, setup: CompiledSetup) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let tag = String(format: "epoch%04d", progress.completedEpochs)
        let weightsFile = "weights-\(tag).h5", optimizerFile = "optimizer-\(tag).h5"
        let folder = path as NSString
        try KerasWeightFile.writeLegacy(path: folder.appendingPathComponent(weightsFile),
                                        layers: KerasWeights.groups(of: model, layout: .legacy))
        let slotGroups = progress.optimizer.slots.keys.sorted().map { slot in
            LayerWeightGroup(layerName: slot, weights: (progress.optimizer.slots[slot] ?? []).enumerated().compactMap { index, values in
                values.map { WeightArray(name: "p\(index)", shape: [$0.count], values: $0) }
            })
        }
        try KerasWeightFile.writeLegacy(path: folder.appendingPathComponent(optimizerFile), layers: slotGroups)
        let history = progress.history
        let record = Record(
            format: Self.formatName, version: 1, completedEpochs: progress.completedEpochs, requestedEpochs: progress.requestedEpochs,
            weightsFile: weightsFile, optimizerFile: optimizerFile, optimizer: progress.optimizer.typeName,
            optimizerStep: progress.optimizer.step, learningRate: setup.optimizer.learningRate,
            historyKeys: history.keys, historyValues: history.keys.map { history[$0] ?? [] }, historyEpochs: history.epochs,
            shuffleState: progress.shuffleState.map(String.init), dropoutStates: progress.dropoutStates.map(String.init),
            weightShapes: model.weights.map(\.shape), trainableWeightCount: setup.trainableParameters.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try writeAtomically(try encoder.encode(record), to: commitPath)
        removeFiles(except: [weightsFile, optimizerFile])
    }

    /// Deletes the weight and optimizer files of older epochs and temporaries left by killed runs.
    private func removeFiles(except kept: Set<String>) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names where !kept.contains(name) {
            let stale = (name.hasPrefix("weights-epoch") || name.hasPrefix("optimizer-epoch")) && name.hasSuffix(".h5")
            let temporary = name.hasPrefix(".") && name.hasSuffix(".tmp")
            if stale || temporary { try? FileManager.default.removeItem(atPath: (path as NSString).appendingPathComponent(name)) }
        }
    }
}
