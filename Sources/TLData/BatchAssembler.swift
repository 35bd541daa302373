import Dispatch
import TLTensor

/// Builds the batch a `BatchPlan` describes: reads and resizes each file, applies its augmentation, then
/// standardises it (Keras's order: random transform, `preprocessing_function`, `rescale`), and labels it.
///
/// Immutable and free of the iterator's state, so workers can build several batches at once; the result
/// depends only on the plan, never on which thread or how many threads built it.
final class BatchAssembler: @unchecked Sendable {
    let directory: String
    let filenames: [String]
    let classes: [Int]
    let numClasses: Int
    let classMode: ClassMode
    let targetSize: (height: Int, width: Int)
    let interpolation: Interpolation
    let onBadImage: BadImagePolicy
    let config: ImageDataGeneratorConfig

    init(directory: String, filenames: [String], classes: [Int], numClasses: Int, classMode: ClassMode,
         targetSize: (height: Int, width: Int), interpolation: Interpolation, onBadImage: BadImagePolicy,
         config: ImageDataGeneratorConfig) {
        self.directory = directory
        self.filenames = filenames
        self.classes = classes
        self.numClasses = numClasses
        self.classMode = classMode
        self.targetSize = targetSize
        self.interpolation = interpolation
        self.onBadImage = onBadImage
        self.config = config
    }

    var imageShape: [Int] { [targetSize.height, targetSize.width, 3] }

    /// Builds `plan` using up to `parallelism` threads for its images.
    ///
    /// - Parameters:
    ///   - skipped: samples already known to be bad (not read again under the skip policy).
    ///   - random: the stream handed to the config's `transform` hook, which runs after the parallel part,
    ///     on this thread, image after image in batch order.
    func assemble(_ plan: BatchPlan, skipped: Set<Int>, parallelism: Int,
                  random: inout MersenneTwister) -> BatchOutcome {
        var (values, slots) = prepareImages(plan, skipped: skipped, parallelism: parallelism)
        return gather(plan, values: &values, slots: slots, random: &random)
    }

    private var imageCount: Int { targetSize.height * targetSize.width * 3 }

    /// The parallel part: each slot's image read, resized, augmented and (without a hook) standardised
    /// into its place in the batch. Per slot: done (or skipped), the error reading failed with, or the
    /// image the hook must still see.
    private func prepareImages(_ plan: BatchPlan, skipped: Set<Int>, parallelism: Int) -> ([Float], [SlotState]) {
        let count = plan.samples.count
        let imageCount = self.imageCount
        var values = [Float](repeating: 0, count: count * imageCount)
        var slots = [SlotState](repeating: .done, count: count)
        values.withUnsafeMutableBufferPointer { out in
            slots.withUnsafeMutableBufferPointer { states in
                let (out, states) = (out, states)
                // Each task writes only its own slots.
                let work = { (slot: Int) in
                    let sample = plan.samples[slot]
                    if self.onBadImage == .skip && skipped.contains(sample) { states[slot] = .skipped; return }
                    let target = UnsafeMutableBufferPointer(rebasing: out[(slot * imageCount)..<((slot + 1) * imageCount)])
                    states[slot] = self.prepare(sample, parameters: plan.parameters?[slot], into: target)
                }
                let threads = max(1, min(parallelism, count))
                if threads == 1 {
                    for slot in 0..<count { work(slot) }
                } else {
                    DispatchQueue.concurrentPerform(iterations: threads) { thread in
                        for slot in stride(from: thread, to: count, by: threads) { work(slot) }
                    }
                }
            }
        }
        return (values, slots)
    }

    /// One image: read and resize the file, apply its augmentation parameters, and write it standardised
    /// into `target` (or hand it back for the transform hook, which standardises after it).
    private func prepare(_ sample: Int, parameters: AugmentationParameters?,
                         into target: UnsafeMutableBufferPointer<Float>) -> SlotState {
        do {
            let decoded = try loadImage(path: directory + "/" + filenames[sample], targetSize: targetSize,
                                        interpolation: interpolation)
            if let parameters, let augmentation = config.augmentation {
                let image = augmentation.apply(parameters, to: FloatImage(decoded))
                if config.transform != nil { return .awaitingHook(image) }
                _ = image.values.withUnsafeBufferPointer { target.update(fromContentsOf: $0) }
            } else {
                if config.transform != nil { return .awaitingHook(FloatImage(decoded)) }
                decoded.pixels.withUnsafeBufferPointer { bytes in
                    for i in 0..<bytes.count { target[i] = Float(bytes[i]) }
                }
            }
            standardize(target)
            return .done
        } catch {
            return .failed(error)
        }
    }

    /// The sequential part, in batch order: failures recorded (the first stops the batch under the error
    /// policy), the transform hook run on the images waiting for it, skipped slots' gaps closed, labels made.
    private func gather(_ plan: BatchPlan, values: inout [Float], slots: [SlotState],
                        random: inout MersenneTwister) -> BatchOutcome {
        let count = plan.samples.count
        let imageCount = self.imageCount
        var kept: [Int] = []
        var failures: [(sample: Int, error: Error)] = []
        for slot in 0..<count {
            let sample = plan.samples[slot]
            switch slots[slot] {
            case .skipped: continue
            case .failed(let error):
                failures.append((sample, error))
                if onBadImage == .error { return BatchOutcome(images: nil, labels: nil, kept: kept, failures: failures) }
                continue
            case .awaitingHook(let image):
                do {
                    try applyHook(to: image, sample: sample, slot: slot, values: &values, random: &random)
                } catch {
                    return BatchOutcome(images: nil, labels: nil, kept: kept, failures: failures, error: error)
                }
            case .done: break
            }
            // Close the gap left by skipped slots.
            if kept.count < slot {
                values.withUnsafeMutableBufferPointer { out in
                    let base = out.baseAddress!
                    (base + kept.count * imageCount).update(from: base + slot * imageCount, count: imageCount)
                }
            }
            kept.append(sample)
        }
        if kept.count < count { values.removeLast((count - kept.count) * imageCount) }
        let images = Tensor(shape: [kept.count, targetSize.height, targetSize.width, 3], scalars: values)
        return BatchOutcome(images: images, labels: labels(for: kept, images: images), kept: kept, failures: failures)
    }

    /// The config's `transform` hook on one image, its result standardised into the slot.
    private func applyHook(to image: FloatImage, sample: Int, slot: Int, values: inout [Float],
                           random: inout MersenneTwister) throws {
        let transformed = try config.transform!(image, sample, &random)
        guard [transformed.height, transformed.width, transformed.channels] == imageShape else {
            throw DirectoryIteratorError.transformChangedShape(
                file: filenames[sample], expected: imageShape, got: [transformed.height, transformed.width, transformed.channels])
        }
        let imageCount = self.imageCount
        values.withUnsafeMutableBufferPointer { out in
            let target = UnsafeMutableBufferPointer(rebasing: out[(slot * imageCount)..<((slot + 1) * imageCount)])
            _ = transformed.values.withUnsafeBufferPointer { target.update(fromContentsOf: $0) }
            standardize(target)
        }
    }

    /// Keras's `standardize` for one image: the preprocessing function, then `x *= rescale`.
    private func standardize(_ image: UnsafeMutableBufferPointer<Float>) {
        config.preprocessing?.apply(to: image)
        if let scale = config.effectiveRescale {
            for i in 0..<image.count { image[i] *= scale }
        }
    }

    private func labels(for samples: [Int], images: Tensor) -> Tensor? {
        switch classMode {
        case .none: return nil
        case .input: return images
        case .binary, .sparse:
            return Tensor(shape: [samples.count], scalars: samples.map { Float(classes[$0]) })
        case .categorical:
            var oneHot = [Float](repeating: 0, count: samples.count * numClasses)
            for (row, sample) in samples.enumerated() { oneHot[row * numClasses + classes[sample]] = 1 }
            return Tensor(shape: [samples.count, numClasses], scalars: oneHot)
        }
    }

    private enum SlotState {
        case done
        case skipped
        case failed(Error)
        case awaitingHook(FloatImage)
    }
}

/// A built batch, or why it could not be built: the files that failed to read (in batch order; under the
/// error policy the first stops the batch) and an error from the transform hook.
struct BatchOutcome: @unchecked Sendable {
    let images: Tensor?
    let labels: Tensor?
    let kept: [Int]
    let failures: [(sample: Int, error: Error)]
    var error: Error? = nil
}
