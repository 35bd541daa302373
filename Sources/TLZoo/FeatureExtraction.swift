import TLTensor
import TLNN
import TLData

/// Keras's image iterators (`flow_from_directory`, `flow(x, y)`) feed `fit`, `evaluate` and `predict`.
public protocol ImageBatchIterator: BatchSource {
    func next() throws -> (images: Tensor, labels: Tensor?)
    var batchCount: Int { get }
}

extension ImageBatchIterator {
    public func nextBatch() throws -> (inputs: Tensor, targets: Tensor?) {
        let batch = try next()
        return (batch.images, batch.labels)
    }

    public var batchesPerEpoch: Int { batchCount }
}

extension DirectoryIterator: ImageBatchIterator {}
extension ArrayIterator: ImageBatchIterator {}

/// The walkthrough's `extract_features` helper: runs a convolutional base over the images of a folder.
public enum FeatureExtraction {
    /// Features and binary labels for `count` images (nil: every image found, each once), in the flow's
    /// (shuffled, as in the walkthrough) order.
    ///
    /// The last batch is trimmed to `count`, as the walkthrough's loop does. `checkCancelled` runs before
    /// each batch and may throw to stop (Ctrl-C); `progress` is called after each batch with (images done,
    /// images in total); returning false stops early.
    public static func extract(
        base: Layer, directory: String, count: Int?, targetSize: (height: Int, width: Int), batchSize: Int,
        config: ImageDataGeneratorConfig, seed: UInt64? = nil,
        checkCancelled: () throws -> Void = {},
        progress: (_ done: Int, _ total: Int) -> Bool = { _, _ in true },
        announce: (String) -> Void = { _ in }
    ) throws -> (features: Tensor, labels: Tensor) {
        let flow = try DirectoryIterator(directory: directory, targetSize: targetSize, batchSize: batchSize,
                                         classMode: .binary, shuffle: true, seed: seed, config: config)
        announce(flow.message)
        let total = count ?? flow.samples
        guard total >= 0 else { throw ZooError("count must be 0 or more, got \(total)") }
        guard total == 0 || flow.samples > 0 else {
            throw ZooError("no images found in '\(directory)' (it needs one subfolder per class holding .jpg or .png files)")
        }
        // Each batch's features go straight into one buffer for all of them (as the book's np.zeros does), so
        // the features are held once, not as parts and again as their concatenation.
        var features: Tensor?
        var labelParts: [Tensor] = []
        var done = 0
        while done < total {
            try checkCancelled()
            let (images, labels) = try flow.next()
            let take = min(images.shape[0], total - done)
            let inputs = take < images.shape[0] ? images.slice(0..<take) : images
            let part = try base(inputs)
            if features == nil { features = Tensor(shape: [total] + part.shape.dropFirst()) }
            let offset = done * (part.count / max(take, 1))
            features!.scalars.replaceSubrange(offset..<(offset + part.count), with: part.scalars)
            labelParts.append(labels.map { take < $0.shape[0] ? $0.slice(0..<take) : $0 } ?? Tensor(shape: [take]))
            done += take
            if !progress(done, total) { break }
        }
        guard var features else {
            let shape = try base.outputShape(for: [targetSize.height, targetSize.width, 3]).map { $0 ?? 0 }
            return (Tensor(shape: [0] + shape), Tensor(shape: [0]))
        }
        if done < total { features = features.slice(0..<done) }   // stopped early
        return (features, Tensor.concatenate(labelParts))
    }
}
