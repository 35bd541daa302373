import ArgumentParser
import Foundation
import TLNN
import TLTensor
import TLData
import TLZoo

/// Training steps of the walkthrough's methods 2 and 3 on VGG16, as `../shared/reference/keras_train_steps.py`
/// times them in Keras: the base (frozen for method 2, block5 trainable for method 3) with Flatten,
/// Dense 256 relu and Dense 1 sigmoid, RMSprop 1e-5, batches of 20 augmented 150x150 images from the
/// train folder (rotation 40, shifts 0.2, shear 0.2, zoom 0.2, horizontal flip, fill nearest, rescale
/// 1/255). Two warm-up steps, then `--steps` timed steps per method; decoding and augmentation run in
/// the background as in a real `fit`.
struct TrainStepsBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "steps")

    @Option(help: "The data set folder (train/ is used).") var data = "examples/data/cats_and_dogs_small"
    @Option(help: "VGG16 weights file (.h5), or 'imagenet'.") var weights = "imagenet"
    @Option(help: "Timed steps per method.") var steps = 10

    func run() throws {
        try RandomSource.with(RandomSource(seed: 1)) { try measure() }
    }

    private func measure() throws {
        let base = try VGG16.load(weights: weights == "imagenet" ? .imagenet : .file(weights), includeTop: false,
                                  inputShape: [150, 150, 3])
        let model = try Sequential([base, Flatten(), Dense(units: 256, activation: .relu), Dense(units: 1, activation: .sigmoid)],
                                   inputShape: [150, 150, 3])
        let augmentation = try ImageAugmentation(rotationRange: 40, widthShiftRange: .uniform(0.2), heightShiftRange: .uniform(0.2),
                                                 shearRange: 0.2, zoom: 0.2, horizontalFlip: true, fillMode: .nearest)
        let flow = try DirectoryIterator(directory: data + "/train", targetSize: (150, 150), batchSize: 20, classMode: .binary,
                                         config: ImageDataGeneratorConfig(rescale: 1 / 255, augmentation: augmentation))
        for method in ["method2", "method3"] {
            base.trainable = method == "method3"
            if method == "method3" {
                for layer in base.allLayers.dropFirst() { layer.trainable = layer.name.hasPrefix("block5") }
            }
            try model.compile(optimizer: RMSprop(learningRate: 1e-5), loss: .binaryCrossentropy, metrics: ["acc"])
            _ = try model.fit(source: flow, stepsPerEpoch: 2, epochs: 1, progress: .silent)
            let start = Date()
            _ = try model.fit(source: flow, stepsPerEpoch: steps, epochs: 1, progress: .silent)
            let seconds = Date().timeIntervalSince(start) / Double(steps)
            print("\(method)_seconds_per_step: \(String(format: "%.3f", seconds))")
            print("\(method)_trainable_weights: \(model.trainableWeights.count)")
            let arithmetic = try WorkloadArithmetic(model: model, inputShape: [150, 150, 3])
            print("\(method)_gflop_per_step: \(String(format: "%.2f", arithmetic.trainingFLOPs * 20 / 1e9))")
        }
        print("kernels: \(KernelPath.current)")
        print("peak_rss_mb: \(peakResidentBytes() / 1_000_000)")
    }
}
