import Foundation
import XCTest
import TLTensor
@testable import TLNN
@testable import TLLang

/// `fit` estimates the memory a run needs and refuses one that cannot fit in the machine.
final class MemoryEstimateTests: ScriptSessionTestCase {
    func testAbsurdBatchSizeIsRefusedBeforeTraining() throws {
        let model = try Sequential([Conv2D(filters: 64, kernelSize: (3, 3), padding: .same, activation: .relu),
                                    GlobalAveragePooling2D(), Dense(units: 1, activation: .sigmoid)], inputShape: [150, 150, 3])
        try model.compile(optimizer: RMSprop(), loss: .binaryCrossentropy, metrics: ["acc"])
        let setup = try XCTUnwrap(model.compiled)
        let estimate = try TrainingMemoryEstimate(model: model, setup: setup, batchSize: 1_000_000, sampleShape: [150, 150, 3], prefetchedBatches: 2)
        // Per sample: the 150x150x64 output, its 150x150x27 im2col matrix and the input, kept and in the working set.
        XCTAssertGreaterThan(estimate.activationBytes, 1_000_000 * 150 * 150 * (64 + 27) * 4)
        XCTAssertThrowsError(try model.checkMemory(setup: setup, batchSize: 1_000_000, sampleShape: [150, 150, 3], prefetchedBatches: 2,
                                                   progress: .silent, memory: (total: 8 << 30, available: nil))) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("more than this machine's 8.0 GB of physical memory") && message.contains("batches of 1000000 samples")
                          && message.contains("smaller batch_size"), message)
        }
        // A sane batch passes, and a run above what is available now only warns.
        XCTAssertNoThrow(try model.checkMemory(setup: setup, batchSize: 20, sampleShape: [150, 150, 3], prefetchedBatches: 2,
                                               progress: .silent, memory: (total: 8 << 30, available: nil)))
        var warning = ""
        try model.checkMemory(setup: setup, batchSize: 20, sampleShape: [150, 150, 3], prefetchedBatches: 2,
                              progress: ProgressOptions(verbose: 1, write: { warning += $0 }), memory: (total: 8 << 30, available: 1 << 20))
        XCTAssertTrue(warning.hasPrefix("warning: fit may need about"), warning)
    }

    func testFreezingTheBaseShrinksTheActivationsKept() throws {
        let conv = Conv2D(filters: 32, kernelSize: (3, 3), padding: .same, activation: .relu)
        let model = try Sequential([conv, Flatten(), Dense(units: 1, activation: .sigmoid)], inputShape: [64, 64, 3])
        try model.compile(optimizer: Adam(), loss: .binaryCrossentropy, metrics: [])
        let trainingAll = try TrainingMemoryEstimate(model: model, setup: model.compiled!, batchSize: 32, sampleShape: [64, 64, 3], prefetchedBatches: 0)
        conv.trainable = false
        try model.compile(optimizer: Adam(), loss: .binaryCrossentropy, metrics: [])
        let frozenBase = try TrainingMemoryEstimate(model: model, setup: model.compiled!, batchSize: 32, sampleShape: [64, 64, 3], prefetchedBatches: 0)
        // Only the dense layer's input and output remain: the convolution's output, im2col matrix and input are not kept.
        XCTAssertEqual(frozenBase.activationBytes, 32 * (64 * 64 * 32 + 1) * 4)
        XCTAssertLessThan(frozenBase.activationBytes, trainingAll.activationBytes / 2)
        XCTAssertEqual(trainingAll.optimizerBytes, 2 * trainingAll.gradientBytes)   // Adam: two moments per weight
    }

    /// Through the language, on this machine: a flow with an absurd batch size of large images is refused
    /// with the estimate before any image is read.
    func testFitFromAFlowWithAnAbsurdBatchIsRefusedOnThisMachine() throws {
        guard let memory = PhysicalMemory.read() else { throw XCTSkip("no /proc/meminfo on this system") }
        for label in ["a", "b"] {
            let folder = directory.appendingPathComponent("data/\(label)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try TestImages.png(width: 4, height: 4).write(to: folder.appendingPathComponent("1.png"))
            try TestImages.png(width: 4, height: 4).write(to: folder.appendingPathComponent("2.png"))
        }
        let message = failure("""
            flow = flow_from_directory(image_data_generator(rescale=1/255), "\(path("data"))", target_size=(4000, 4000), batch_size=10**9, class_mode="binary")
            model = sequential()
            model.add(conv2d(2048, (3, 3), padding="same", activation="relu", input_shape=(4000, 4000, 3)))
            model.add(global_average_pooling2d())
            model.add(dense(1, activation="sigmoid"))
            model.compile(optimizer="rmsprop", loss="binary_crossentropy")
            model.fit(flow, epochs=1)
            """)
        XCTAssertTrue(message.hasPrefix("fit would need about") && message.contains("batches of 4 samples of shape (4000, 4000, 3)")
                      && message.contains("of physical memory"), message)
        XCTAssertTrue(message.contains(TrainingMemoryEstimate.describe(bytes: memory.total)), message)
    }
}
