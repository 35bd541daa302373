import ArgumentParser
import Foundation
import TLTensor
import TLNN
import TLLang
import TLData
import TLZoo

/// `tl bench ...`: the engine's own measurements, printed as `key: value` lines that scripts/bench
/// puts beside Keras's. Build with `-c release` before trusting a figure.
public struct Bench: ParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Measure tl's speed and memory (used by scripts/bench).",
        subcommands: [ClassifierBench.self, FeaturesBench.self, AugmentBench.self, KernelsBench.self, TrainStepsBench.self, ArraysBench.self, PeakBench.self])

    public init() {}
}

/// Peak resident memory of this process so far, in bytes (Linux: ru_maxrss is in KiB).
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss * 1024
}

/// Training speed of the method-1 classifier: Dense 8192->256 relu, Dropout 0.5, Dense 1 sigmoid,
/// RMSprop 2e-5, batch 20, on 2000 samples of random features (speed does not depend on the values).
struct ClassifierBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "classifier")

    @Option(help: "Epochs to time.") var epochs = 30
    @Option(help: "Samples per epoch.") var samples = 2000

    func run() throws {
        try RandomSource.with(RandomSource(seed: 1)) { try measure() }
    }

    private func measure() throws {
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
        let arithmetic = try WorkloadArithmetic(model: model, inputShape: [8192])
        print("kernels: \(KernelPath.current)")
        print("classifier_gflop_per_epoch: \(String(format: "%.3f", arithmetic.trainingFLOPs * Double(samples) / 1e9))")
        print("classifier_fit_seconds: \(String(format: "%.2f", seconds))")
        print("classifier_seconds_per_epoch: \(String(format: "%.3f", seconds / Double(max(epochs, 1))))")
        print("peak_rss_mb: \(peakResidentBytes() / 1_000_000)")
    }
}

/// Feature extraction with the VGG16 (or Lite0, or a keras.applications base such as ResNet50) base over
/// the data set's images, decoding included, as the walkthrough's method 1 does it: batches of 20 at
/// 150x150 (or `--size`), rescaled by 1/255 for VGG16, each other base with its own preprocessing.
struct FeaturesBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "features")

    @Option(help: "Images to process (default: all of train, validation and test).") var images: Int?
    @Option(help: "The data set folder (train/, validation/, test/).") var data = "examples/data/cats_and_dogs_small"
    @Option(help: "VGG16 weights file (.h5), or 'imagenet'.") var weights = "imagenet"
    @Option(help: "vgg16, lite0, or a keras.applications base: vgg19, resnet50, mobilenet, mobilenet_v2, inception_v3, xception.") var base = "vgg16"
    @Option(help: "Square image size.") var size = 150
    @Option(help: "Batch size.") var batchSize = 20
    @Flag(help: "Run each convolution and the max pooling after it as two passes.") var unfusedPooling = false
    @Flag(help: "Run pointwise -> depthwise -> pointwise convolutions (MobileNetV2, EfficientNet-Lite blocks) layer by layer.")
    var unfusedChains = false
    @Flag(help: "Winograd F(4x4) at most (no F(6x6) tiles).") var noLargeTiles = false

    func run() throws {
        try EngineOptions.with(changing: {
            $0.fusesPooling = !unfusedPooling
            $0.fusesDepthwiseChains = !unfusedChains
            $0.usesLargeWinogradTiles = !noLargeTiles
        }) { try measure() }
    }

    private func measure() throws {
        let start = Date()
        let model: TLNN.Layer
        let application = KerasApplication(rawValue: base.replacingOccurrences(of: "mobilenetv2", with: "mobilenet_v2"))
        switch base {
        case "vgg16":
            model = try VGG16.load(weights: weights == "imagenet" ? .imagenet : .file(weights), includeTop: false, inputShape: [size, size, 3])
        case "lite0":
            model = try EfficientNetLite.load(.lite0, weights: weights == "imagenet" ? .imagenet : .file(weights), includeTop: false, inputShape: [size, size, 3])
        default:
            guard let application else { throw ValidationError("--base must be vgg16, lite0 or one of \(KerasApplication.allCases.map(\.rawValue))") }
            let source: VGG16.Weights = weights == "none" ? .none : weights == "imagenet" ? .imagenet : .file(weights)
            model = try application.load(weights: source, options: ApplicationOptions(includeTop: false, inputShape: [size, size, 3]))
        }
        let loaded = Date()
        var remaining = images
        var total = 0
        for split in ["train", "validation", "test"] {
            if let r = remaining, r <= 0 { break }
            // What the walkthroughs use: rescale 1/255 for VGG16, preprocessing_function="efficientnet_lite" for Lite0
            // (both prepared by the flow's background workers).
            let config = base == "lite0" ? ImageDataGeneratorConfig(preprocessing: .efficientnetLite)
                : application.map { ImageDataGeneratorConfig(preprocessing: $0.preprocessing) } ?? ImageDataGeneratorConfig(rescale: 1 / 255)
            let (features, _) = try FeatureExtraction.extract(base: model, directory: data + "/" + split, count: remaining,
                                                              targetSize: (size, size), batchSize: batchSize, config: config)
            total += features.shape[0]
            remaining = remaining.map { $0 - features.shape[0] }
        }
        let seconds = Date().timeIntervalSince(loaded)
        print("base: \(base)")
        print("kernels: \(KernelPath.current)")
        print("weights_load_seconds: \(String(format: "%.3f", loaded.timeIntervalSince(start)))")
        print("gflop_per_image: \(String(format: "%.3f", try WorkloadArithmetic(model: model, inputShape: [size, size, 3]).forwardFLOPs / 1e9))")
        print("images: \(total)")
        print("extract_seconds: \(String(format: "%.2f", seconds))")
        print("images_per_second: \(String(format: "%.2f", Double(total) / seconds))")
        print("peak_rss_mb: \(peakResidentBytes() / 1_000_000)")
    }
}
