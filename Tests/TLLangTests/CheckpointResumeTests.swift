import Foundation
import XCTest
import TLNN
import TLFormats
import TLScript
@testable import TLLang

/// `fit(..., checkpoint=, resume=)`: an interrupted run continues to exactly the weights an uninterrupted
/// one reaches, in process and across a SIGKILL of the `tl` executable.
final class CheckpointResumeTests: ScriptSessionTestCase {
    /// Writes a small, learnable binary problem: `samples` rows of `features` values and their labels.
    func writeData(samples: Int, features: Int) throws {
        var state: UInt64 = 12345
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
        let x = (0..<(samples * features)).map { _ in next() }
        let y = (0..<samples).map { i in x[(i * features)..<(i * features + 4)].reduce(0, +) > 0 ? Float(1) : 0 }
        try NPY.write(path: path("x.npy"), shape: [samples, features], values: x)
        try NPY.write(path: path("y.npy"), shape: [samples], values: y)
    }

    /// The training script: dropout (its own generator), shuffling, and an optimizer with moments and a step count.
    func script(epochs: Int, checkpoint: String?, resume: Bool, optimizer: String = "adam(lr=0.01)", units: Int = 32) -> String {
        """
        set_seed(7)
        x = load_npy("\(path("x.npy"))")
        y = load_npy("\(path("y.npy"))")
        model = sequential()
        model.add(dense(\(units), activation="relu", input_dim=x.shape[1]))
        model.add(dropout(0.3))
        model.add(dense(1, activation="sigmoid"))
        model.compile(optimizer=\(optimizer), loss="binary_crossentropy", metrics=["acc"])
        history = model.fit(x, y, epochs=\(epochs), batch_size=8, verbose=0\(checkpoint.map { ", checkpoint=\"\($0)\"" } ?? ""), resume=\(resume ? "True" : "False"))
        """
    }

    /// Runs a script in a fresh session and returns the model's weights and the History's losses.
    func train(_ source: String) throws -> (weights: [[Float]], losses: [Double]) {
        let session = Session(output: { _ in })
        try session.interpreter.run(source: source, fileName: "train.tl")
        guard case .object(let model as ModelObject)? = session.interpreter[variable: "model"],
              case .object(let history as HistoryObject)? = session.interpreter[variable: "history"] else {
            XCTFail("the script did not leave a model and a history")
            return ([], [])
        }
        return (model.layer.weights.map(\.value.scalars), history.history["loss"] ?? [])
    }

    func testTwoEpochsThenResumeToFourEqualsFourStraight() throws {
        try writeData(samples: 200, features: 16)
        for optimizer in ["adam(lr=0.01)", "rmsprop(lr=0.005)", "sgd(lr=0.05, momentum=0.9)"] {
            let folder = path("checkpoint-\(optimizer.prefix(4))")
            let straight = try train(script(epochs: 4, checkpoint: nil, resume: false, optimizer: optimizer))
            _ = try train(script(epochs: 2, checkpoint: folder, resume: false, optimizer: optimizer))
            let resumed = try train(script(epochs: 4, checkpoint: folder, resume: true, optimizer: optimizer))
            XCTAssertEqual(resumed.losses.count, 4, optimizer)
            XCTAssertEqual(resumed.losses, straight.losses, "\(optimizer): the resumed History differs")
            XCTAssertEqual(resumed.weights, straight.weights, "\(optimizer): the resumed run ends with other weights")
        }
    }

    func testResumingWithoutTheRandomStateWouldDiffer() throws {
        // The control for the test above: a checkpoint whose random streams are reset gives other
        // weights, so equality there really depends on restoring them.
        try writeData(samples: 200, features: 16)
        let folder = path("checkpoint")
        let straight = try train(script(epochs: 4, checkpoint: nil, resume: false))
        _ = try train(script(epochs: 2, checkpoint: folder, resume: false))
        let commit = path("checkpoint/checkpoint.json")
        var record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: commit))) as! [String: Any]
        record["shuffleState"] = "1"
        record["dropoutStates"] = ["2"]
        try JSONSerialization.data(withJSONObject: record).write(to: URL(fileURLWithPath: commit))
        let resumed = try train(script(epochs: 4, checkpoint: folder, resume: true))
        XCTAssertNotEqual(resumed.weights, straight.weights)
    }

    func testCheckpointFolderHoldsOnlyTheLastEpochAndRefusesAnotherModel() throws {
        try writeData(samples: 64, features: 16)
        let folder = path("checkpoint")
        _ = try train(script(epochs: 3, checkpoint: folder, resume: false))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        XCTAssertEqual(names, ["checkpoint.json", "optimizer-epoch0003.h5", "weights-epoch0003.h5"])
        // The weights file is an ordinary Keras weight file.
        XCTAssertNoThrow(try run("""
            m = sequential()
            m.add(dense(32, activation="relu", input_dim=16))
            m.add(dropout(0.3))
            m.add(dense(1, activation="sigmoid"))
            load_weights(m, "\(folder)/weights-epoch0003.h5")
            """))
        let message = failure(script(epochs: 4, checkpoint: folder, resume: true, units: 8))
        XCTAssertTrue(message.contains("saved for another architecture") && message.contains("(16, 8)"), message)
        let wrongOptimizer = failure(script(epochs: 4, checkpoint: folder, resume: true, optimizer: "rmsprop()"))
        XCTAssertTrue(wrongOptimizer.contains("Adam state") && wrongOptimizer.contains("RMSprop"), wrongOptimizer)
    }

    func testResumeNeedsACheckpointFolderAndStartsFreshWhenItIsEmpty() throws {
        try writeData(samples: 32, features: 16)
        XCTAssertTrue(failure(script(epochs: 1, checkpoint: nil, resume: true)).contains("fit(resume=True) needs checkpoint="))
        var printed = ""
        let session = Session(output: { printed += $0 })
        try session.interpreter.run(source: script(epochs: 1, checkpoint: path("new"), resume: true), fileName: "t.tl")
        XCTAssertTrue(printed.contains("no checkpoint in '\(path("new"))' yet"), printed)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("new/checkpoint.json")))
    }

    /// The issue's interrupt test: `tl run` training with checkpoints is killed with SIGKILL in the middle
    /// of an epoch; running the same script again resumes and ends with the uninterrupted run's weights.
    func testSigkillMidEpochThenResumeReachesTheUninterruptedWeights() throws {
        guard let tl = Self.tlExecutable else {
            throw XCTSkip("the tl executable is not built beside the tests (swift build --build-tests builds it)")
        }
        try writeData(samples: 1200, features: 64)
        let folder = path("checkpoint")
        let epochs = 5
        let file = path("train.tl")
        try (script(epochs: epochs, checkpoint: folder, resume: true, units: 256)
             .replacingOccurrences(of: "verbose=0", with: "verbose=2")
             + "\nsave_weights(model, \"\(path("final.h5"))\")\n").write(toFile: file, atomically: true, encoding: .utf8)

        // First run: wait for epoch 3 to start (epochs 1 and 2 are checkpointed by then), kill it mid-epoch.
        let (first, output) = try OutputCollector.start(tl, arguments: ["run", file])
        let epoch2Started = try output.waitFor("Epoch 2/\(epochs)", timeout: 60)
        _ = try output.waitFor("Epoch 3/\(epochs)", timeout: 60)
        let epochDuration = Date().timeIntervalSince(epoch2Started)
        Thread.sleep(forTimeInterval: epochDuration * 0.4)
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationReason, .uncaughtSignal, output.text)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/checkpoint.json"))) as! [String: Any]
        let saved = record["completedEpochs"] as! Int
        XCTAssertTrue((2..<epochs).contains(saved), "killed after \(saved) epochs; the test wants it mid-run\n\(output.text)")

        // Second run of the same script: resumes and finishes.
        let (second, secondOutput) = try OutputCollector.start(tl, arguments: ["run", file])
        second.waitUntilExit()
        XCTAssertEqual(second.terminationStatus, 0, secondOutput.text)
        XCTAssertTrue(secondOutput.text.contains("resuming from '\(folder)': \(saved) of \(epochs) epochs were done"), secondOutput.text)

        // The uninterrupted run, in process.
        let straight = try train(script(epochs: epochs, checkpoint: nil, resume: false, units: 256))
        let final = try KerasWeightFile.read(path: path("final.h5")).layers.flatMap(\.weights).map(\.values)
        XCTAssertEqual(final, straight.weights)
    }
}

/// Collects a child process's output as it arrives, so a test can wait for a line.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var collected = Data()

    init(_ handle: FileHandle) {
        handle.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; return }
            self?.lock.lock()
            self?.collected.append(data)
            self?.lock.unlock()
        }
    }

    /// Starts `executable` with its standard output and error collected together.
    static func start(_ executable: URL, arguments: [String]) throws -> (Process, OutputCollector) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let collector = OutputCollector(pipe.fileHandleForReading)
        try process.run()
        return (process, collector)
    }

    var text: String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: collected, as: UTF8.self)
    }

    /// Waits until `marker` appears; returns when it was seen.
    func waitFor(_ marker: String, timeout: TimeInterval) throws -> Date {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if text.contains(marker) { return Date() }
            Thread.sleep(forTimeInterval: 0.005)
        }
        throw XCTSkip("'\(marker)' did not appear within \(Int(timeout))s; output so far:\n\(text)")
    }
}
