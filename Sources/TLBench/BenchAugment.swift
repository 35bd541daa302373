import ArgumentParser
import Foundation
import TLData

/// Speed of the augmented input pipeline with the walkthrough's settings (rotation 40, shifts 0.2,
/// shear 0.2, zoom 0.2, horizontal flip, fill nearest, rescale 1/255): batches of 20 at 150x150 read,
/// resized, augmented and rescaled from the training folder, nothing else. scripts/bench_keras_augment.py
/// measures Keras's ImageDataGenerator the same way.
struct AugmentBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "augment")

    @Option(help: "Background threads preparing batches.") var workers = DirectoryIterator.defaultWorkers
    @Option(help: "Batches prepared ahead (0: each batch built when asked, its images shared by the workers).")
    var prefetch = 2
    @Option(help: "Batches to time (default: one epoch).") var batches: Int?
    @Option(help: "The training folder (one sub-folder per class).")
    var data = "examples/data/cats_and_dogs_small/train"
    @Option(help: "Batch size.") var batchSize = 20
    @Option(help: "Seed of the flow.") var seed = 1

    func run() throws {
        let augmentation = try ImageAugmentation(rotationRange: 40, widthShiftRange: .uniform(0.2), heightShiftRange: .uniform(0.2),
                                                 shearRange: 0.2, zoom: 0.2, horizontalFlip: true, fillMode: .nearest)
        let flow = try DirectoryIterator(directory: data, targetSize: (150, 150), batchSize: batchSize, classMode: .binary,
                                         seed: UInt64(seed),
                                         config: ImageDataGeneratorConfig(rescale: 1 / 255, augmentation: augmentation),
                                         workers: workers, prefetch: prefetch)
        guard flow.samples > 0 else { throw ValidationError("no images in \(data); give --data a folder with one sub-folder per class") }
        let count = batches ?? flow.batchCount
        let start = Date()
        var images = 0
        for _ in 0..<count { images += try flow.next().images.shape[0] }
        let seconds = Date().timeIntervalSince(start)
        print("workers: \(workers)")
        print("prefetch: \(prefetch)")
        print("batches: \(count)")
        print("images: \(images)")
        print("augment_seconds: \(String(format: "%.2f", seconds))")
        print("batches_per_second: \(String(format: "%.2f", Double(count) / seconds))")
        print("images_per_second: \(String(format: "%.1f", Double(images) / seconds))")
        print("stalls: \(flow.stalls)")
        print("peak_rss_mb: \(peakResidentBytes() / 1_000_000)")
    }
}
