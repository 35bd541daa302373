import XCTest
import Foundation
import TLTensor
@testable import TLNN

/// Keras 3's callbacks, driven epoch by epoch with the scripted logs Keras was driven with
/// (scripts/make_keras_callback_fixtures.py): when training stops, which weights come back, the learning
/// rate each epoch, the CSV file byte for byte, the checkpoint files written.
final class CallbackTests: XCTestCase {
    typealias K = KerasCallbackFixtures

    /// A one-weight model, its weight set to the epoch number before each epoch ends (as the fixture does).
    func makeModel() throws -> Sequential {
        let model = try Sequential([Dense(units: 1, useBias: false)], inputShape: [1])
        try model.compile(optimizer: SGD(learningRate: 0.1), loss: .meanSquaredError, metrics: [])
        return model
    }

    func scriptedLogs() -> [EpochLogs] {
        zip(K.valLoss, K.valAcc).map { EpochLogs([("loss", $0 + 0.05), ("val_loss", $0), ("val_acc", $1)]) }
    }

    /// Runs `callbacks` over `logs` as fit's loop does: (epochs run, final weight, rate after each epoch, logs seen).
    func drive(_ callbacks: [TrainingCallback], _ logs: [EpochLogs], model: Sequential? = nil) throws
        -> (epochs: Int, weight: Float, rates: [Double], logs: [EpochLogs]) {
        let model = try model ?? makeModel()
        let training = TrainingContext(model: model, optimizer: model.compiled!.optimizer, write: { _ in })
        for callback in callbacks { try callback.trainingWillBegin(training) }
        var rates: [Double] = [], seen: [EpochLogs] = [], epochs = 0
        for (epoch, entry) in logs.enumerated() {
            for callback in callbacks { try callback.epochWillBegin(epoch, training) }
            model.weights[0].value = Tensor(shape: [1, 1], scalars: [Float(epoch)])
            var logs = entry
            for callback in callbacks { try callback.epochDidEnd(epoch, logs: &logs, training) }
            rates.append(Double(training.optimizer.learningRate))
            seen.append(logs)
            epochs = epoch + 1
            if training.stopTraining { break }
        }
        for callback in callbacks { try callback.trainingDidEnd(training) }
        return (epochs, model.weights[0].value.scalars[0], rates, seen)
    }

    func testEarlyStoppingStopsAndRestoresAsKeras() throws {
        for case let (monitor, patience, minDelta, restore, mode, baseline, start, epochs, weight) in K.earlyStopping {
            let rule = try MonitorRule(monitor: monitor, mode: MonitorRule.Mode(rawValue: mode)!, minDelta: minDelta)
            let stopper = EarlyStopping(rule: rule, patience: patience, restoreBestWeights: restore,
                                        baseline: baseline.isNaN ? nil : baseline, startFromEpoch: start)
            let run = try drive([stopper], scriptedLogs())
            let label = "\(monitor) patience=\(patience) min_delta=\(minDelta) restore=\(restore) baseline=\(baseline) start=\(start)"
            XCTAssertEqual(run.epochs, epochs, label)
            XCTAssertEqual(Double(run.weight), weight, label)
        }
    }

    func testReduceLROnPlateauRatesMatchKeras() throws {
        for case let (monitor, factor, patience, minLR, cooldown, minDelta, rates, logged) in K.reduceOnPlateau {
            let rule = try MonitorRule(monitor: monitor, mode: monitor == "val_loss" ? .auto : .max, minDelta: minDelta)
            let callback = try ReduceLROnPlateau(rule: rule, factor: factor, patience: patience, cooldown: cooldown, minLearningRate: minLR)
            let run = try drive([callback], scriptedLogs())
            XCTAssertEqual(run.rates, rates, "\(monitor) factor=\(factor) patience=\(patience)")
            XCTAssertEqual(run.logs.map { $0["learning_rate"]! }, logged)
        }
        XCTAssertThrowsError(try ReduceLROnPlateau(rule: MonitorRule(monitor: "val_loss", mode: .auto), factor: 1.5))
    }

    func testLearningRateSchedulerRatesMatchKeras() throws {
        let scheduler = LearningRateScheduler { epoch, rate in epoch < 2 ? rate : rate * 0.9 }
        let run = try drive([scheduler], Array(scriptedLogs().prefix(6)))
        XCTAssertEqual(run.rates, K.scheduledRates)
    }

    func testCSVLoggerWritesKerasFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tl-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("log.csv").path
        let logs = K.csvLogs.map { EpochLogs([("loss", $0[0]), ("acc", $0[1]), ("val_loss", $0[2]), ("val_acc", $0[3])]) }
        _ = try drive([CSVLogger(path: path)], logs)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), K.csvWithValidation)
        _ = try drive([CSVLogger(path: path)], logs.map { EpochLogs(Array($0.entries.prefix(2))) })
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), K.csvWithoutValidation)
    }

    func testModelCheckpointWritesTheFilesKerasWrites() throws {
        var written: [String] = []
        let rule = try MonitorRule(monitor: "val_loss", mode: .auto)
        let checkpoint = ModelCheckpoint(filepath: "ck-{epoch:02d}-{val_loss:.2f}.weights.h5", rule: rule, saveBestOnly: true,
                                         saveWeightsOnly: true) { _, path, weightsOnly in
            XCTAssertTrue(weightsOnly)
            written.append(path)
        }
        _ = try drive([checkpoint], scriptedLogs())
        XCTAssertEqual(written, K.checkpointFiles)
    }

    func testPathTemplateFollowsPythonFormat() throws {
        let logs = EpochLogs([("val_loss", 0.123456), ("acc", 0.5)])
        XCTAssertEqual(try PathTemplate.fill("w.{epoch:03d}-{val_loss:.3f}-{acc}.h5", epoch: 7, logs: logs), "w.007-0.123-0.5.h5")
        XCTAssertEqual(try PathTemplate.fill("{{literal}}-{epoch}", epoch: 2, logs: logs), "{literal}-2")
        XCTAssertThrowsError(try PathTemplate.fill("{val_acc:.2f}", epoch: 1, logs: logs)) { error in
            XCTAssertTrue("\(error)".contains("val_acc"), "\(error)")
        }
    }

    func testMonitorModeFromName() throws {
        XCTAssertFalse(try MonitorRule(monitor: "val_loss", mode: .auto).increases)
        XCTAssertTrue(try MonitorRule(monitor: "val_auc", mode: .auto).increases)
        XCTAssertThrowsError(try MonitorRule(monitor: "val_f1", mode: .auto))
    }

    /// fit's own loop calls the callbacks: EarlyStopping ends training, and History holds the epochs run.
    func testFitStopsEarlyAndRecordsLearningRate() throws {
        let model = try RandomSource.with(RandomSource(seed: 4)) { try Sequential([Dense(units: 1, activation: .sigmoid)], inputShape: [2]) }
        try model.compile(optimizer: SGD(learningRate: 0), loss: .binaryCrossentropy, metrics: ["acc"])   // lr 0: loss never improves
        let x = Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1])
        let y = Tensor(shape: [4], scalars: [0, 1, 1, 1])
        let stopper = EarlyStopping(rule: try MonitorRule(monitor: "loss", mode: .auto), patience: 2)
        let plateau = try ReduceLROnPlateau(rule: MonitorRule(monitor: "loss", mode: .auto), patience: 10)
        let history = try model.fit(x: x, y: y, epochs: 10, batchSize: 4, progress: .silent, callbacks: [stopper, plateau])
        XCTAssertEqual(history.epochs, [0, 1, 2])
        XCTAssertEqual(history["learning_rate"], [0, 0, 0])
        XCTAssertEqual(stopper.stoppedEpoch, 2)
    }
}
