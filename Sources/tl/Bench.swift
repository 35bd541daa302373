import ArgumentParser
import Foundation
import TLTensor
import TLNN
import TLLang

/// `tl bench ...`: the engine's own measurements, printed as `key: value` lines that scripts/bench
/// puts beside Keras's. Build with `-c release` before trusting a figure.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure tl's speed and memory (used by scripts/bench).",
        subcommands: [ClassifierBench.self, FeaturesBench.self])
}

/// Peak resident memory of this process so far, in bytes (Linux: ru_maxrss is in KiB).
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF, &usage)
    return usage.ru_maxrss * 1024
}

/// Training speed of the method-1 classifier: Dense 8192->256 relu, Dropout 0.5, Dense 1 sigmoid,
/// RMSprop 2e-5, batch 20, on 2000 samples of random features (speed does not depend on the values).
struct ClassifierBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "classifier")

    @Option(help: "Epochs to time.") var epochs = 30
    @Option(help: "Samples per epoch.") var samples = 2000

    func run() throws {
        GlobalRandom.seed(1)
        var rng = RandomGenerator(seed: 2)
        var x = Tensor(shape: [samples, 8192])
        for i in 0..<x.count { x.scalars[i] = rng.uniform(0, 1) }
        var y = Tensor(shape: [samples])
        for i in 0..<samples { y.scalars[i] = Float(i % 2) }
        let model = try Sequential([Dense(units: 256, activation: .relu), Dropout(rate: 0.5), Dense(units: 1, activation: .sigmoid)],
                                   inputShape: [8192])
        try model.compile(optimizer: RMSprop(learningRate: 2e-5), loss: .binaryCrossentropy, metrics: ["acc"])
        let start = Date()
        _ = try model.fit(x: x, y: y, epochs: epochs, batchSize: 20, progress: .silent)
        let seconds = Date().timeIntervalSince(start)
        print("classifier_fit_seconds: \(String(format: "%.2f", seconds))")
        print("classifier_seconds_per_epoch: \(String(format: "%.3f", seconds / Double(max(epochs, 1))))")
        print("peak_rss_mb: \(peakResidentBytes() / 1_000_000)")
    }
}
