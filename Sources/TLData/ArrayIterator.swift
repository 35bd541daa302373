import TLTensor

/// Keras's `ImageDataGenerator.flow(x, y)` (`NumpyArrayIterator`): batches drawn from images already in
/// memory, each transformed and standardised as `flow_from_directory` does with files.
///
/// The order of batches and of random draws is Keras's `Iterator`'s (``FlowCursor``): an endless stream,
/// the last batch of an epoch holding the leftovers, a new permutation each epoch when shuffling, and with a
/// `seed` the stream reseeded before every batch.
public final class ArrayIterator {
    /// Images, `[samples, height, width, channels]`.
    public let images: Tensor
    /// Labels (any shape whose first axis matches), or nil: the batches are then images alone.
    public let labels: Tensor?
    public let batchSize: Int
    public let config: ImageDataGeneratorConfig
    private var cursor: FlowCursor

    /// - Parameters:
    ///   - images: `[samples, height, width, channels]`; augmentation and preprocessing functions need 3 channels.
    ///   - seed: makes shuffling and augmentation reproducible; nil draws one from `seeds`.
    ///   - subset: with the config's `validationSplit`, the first `int(split * n)` samples (validation) or the
    ///     rest (training), as Keras cuts them.
    ///   - seeds: the random source of the run (a session's); by default the one in effect.
    public init(images: Tensor, labels: Tensor?, batchSize: Int = 32, shuffle: Bool = true, seed: UInt64? = nil,
                config: ImageDataGeneratorConfig = ImageDataGeneratorConfig(), subset: Subset? = nil,
                seeds: RandomSource = .current) throws {
        guard batchSize >= 1 else { throw DirectoryIteratorError.invalidBatchSize(batchSize) }
        guard images.rank == 4 else { throw ArrayIteratorError.notImages(shape: images.shape) }
        if let labels, labels.shape.first != images.shape[0] {
            throw ArrayIteratorError.labelCountMismatch(images: images.shape[0], labels: labels.shape.first ?? 0)
        }
        let kept = config.range(of: subset, among: images.shape[0])
        if let subset, kept.isEmpty { throw ArrayIteratorError.emptySubset(subset, split: config.validationSplit) }
        if subset != nil, let labels {
            // Keras refuses a split whose two sides hold different label values (np.unique of each side).
            let cut = config.range(of: .validation, among: labels.shape[0]).upperBound
            let stride = labels.count / max(labels.shape[0], 1)
            if Set(labels.scalars[..<(cut * stride)]) != Set(labels.scalars[(cut * stride)...]) {
                throw ArrayIteratorError.classesDifferAcrossSplit
            }
        }
        let images = kept.count == images.shape[0] ? images : images.slice(kept)
        let labels = labels.map { kept.count == $0.shape[0] ? $0 : $0.slice(kept) }
        let channels = images.shape[3]
        if channels != 3 && (config.augmentation != nil || config.preprocessing != nil) {
            throw ArrayIteratorError.needsThreeChannels(channels)
        }
        self.images = images
        self.labels = labels
        self.batchSize = batchSize
        self.config = config
        cursor = FlowCursor(samples: images.shape[0], batchSize: batchSize, shuffle: shuffle, seed: seed, seeds: seeds)
    }

    public var samples: Int { images.shape[0] }
    /// Batches per epoch (Keras `len(iterator)`).
    public var batchCount: Int { (samples + batchSize - 1) / batchSize }

    /// The next batch (Keras `next(iterator)`).
    public func next() throws -> (images: Tensor, labels: Tensor?) {
        guard samples > 0 else { throw ArrayIteratorError.empty }
        return build(cursor.advance())
    }

    /// Batch `index` of the current epoch's order (Keras `iterator[index]`).
    public func batch(at index: Int) throws -> (images: Tensor, labels: Tensor?) {
        guard index >= 0, index < batchCount else {
            throw DirectoryIteratorError.batchIndexOutOfRange(index: index, count: batchCount)
        }
        return build(cursor.batch(at: index))
    }

    /// Restarts at the first batch of a new epoch (Keras `reset`).
    public func reset() { cursor.reset() }

    private func build(_ samples: [Int]) -> (images: Tensor, labels: Tensor?) {
        let (height, width, channels) = (images.shape[1], images.shape[2], images.shape[3])
        let plan = cursor.plan(samples, augmentation: config.augmentation, height: height, width: width)
        let imageCount = height * width * channels
        var values = [Float]()
        values.reserveCapacity(samples.count * imageCount)
        for (slot, sample) in samples.enumerated() {
            var image = FloatImage(height: height, width: width, channels: channels,
                                   values: Array(images.scalars[(sample * imageCount)..<((sample + 1) * imageCount)]))
            if let parameters = plan.parameters, let augmentation = config.augmentation {
                image = augmentation.apply(parameters[slot], to: image)
            }
            config.preprocessing?.apply(to: &image)
            if let scale = config.effectiveRescale {
                for i in image.values.indices { image.values[i] *= scale }
            }
            values += image.values
        }
        let batch = Tensor(shape: [samples.count, height, width, channels], scalars: values)
        return (batch, labels.map { $0.gather(samples) })
    }
}

/// Why `ImageDataGenerator.flow(x, y)` cannot draw batches from its arrays.
public enum ArrayIteratorError: Error, Equatable, CustomStringConvertible {
    case notImages(shape: [Int])
    case labelCountMismatch(images: Int, labels: Int)
    case needsThreeChannels(Int)
    case empty
    case emptySubset(Subset, split: Double)
    case classesDifferAcrossSplit

    public var description: String {
        switch self {
        case let .notImages(shape):
            return "flow() takes images as an array of rank 4 (samples, height, width, channels), got shape \(shape); "
                + "for one image use x.reshape((1,) + x.shape)"
        case let .labelCountMismatch(images, labels):
            return "flow() was given \(images) images but \(labels) labels; x and y must have the same length"
        case let .needsThreeChannels(channels):
            return "augmentation and preprocessing functions take RGB images (3 channels), got \(channels) channels"
        case .empty:
            return "flow() was given no images, so there is no batch to draw"
        case .classesDifferAcrossSplit:
            return "Training and validation subsets have different number of classes after the split. If your numpy arrays are sorted by the label, you might want to shuffle them."
        case let .emptySubset(subset, split):
            return "subset='\(subset.rawValue)' holds no images with validation_split=\(split); give the generator a validation_split between 0 and 1 that leaves images on both sides"
        }
    }
}
