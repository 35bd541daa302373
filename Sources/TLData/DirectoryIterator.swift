import Dispatch
import Foundation
import TLTensor

/// Keras's `ImageDataGenerator.flow_from_directory`: batches of images read from one sub-folder per
/// class, resized to `targetSize`, transformed, rescaled, with labels by `classMode`.
///
/// Batches follow Keras's `Iterator` exactly: `next()` yields batches forever, the last batch of an epoch
/// holding the `samples % batchSize` leftovers; with `shuffle` the order is a new permutation each epoch.
/// With a `seed`, the generator is reseeded with `seed + totalBatchesSeen` before every batch, as Keras
/// reseeds NumPy, and the permutation is NumPy's, so the order equals Keras's for the same seed.
public final class DirectoryIterator {
    public let directory: String
    public let targetSize: (height: Int, width: Int)
    public let batchSize: Int
    public let classMode: ClassMode
    public let shuffle: Bool
    public let seed: UInt64?
    public let interpolation: Interpolation
    public let onBadImage: BadImagePolicy
    public let config: ImageDataGeneratorConfig

    /// Class folder names in label order.
    public let classNames: [String]
    /// Class name -> label (Keras `class_indices`).
    public let classIndices: [String: Int]
    /// Image paths relative to `directory` ("cats/cat.1.jpg"), in Keras's order.
    public let filenames: [String]
    /// The label of each file in `filenames`.
    public let classes: [Int]

    /// Problems met so far that did not stop the iterator (skipped images, missing class folders).
    public private(set) var warnings: [String] = []
    /// Index of the next batch within the epoch (Keras `batch_index`).
    public private(set) var batchIndex = 0
    /// Batches produced so far (Keras `total_batches_seen`).
    public private(set) var totalBatchesSeen = 0

    private var indexArray: [Int]?
    private var random: MersenneTwister
    private var skippedFiles = Set<Int>()

    public var samples: Int { filenames.count }
    public var numClasses: Int { classNames.count }
    /// Batches per epoch: ceil(samples / batchSize) (Keras `len(iterator)`).
    public var batchCount: Int { (samples + batchSize - 1) / batchSize }
    /// The shape of one image: [height, width, 3].
    public var imageShape: [Int] { [targetSize.height, targetSize.width, 3] }
    /// Keras's report, e.g. "Found 2000 images belonging to 2 classes."
    public var message: String { "Found \(samples) images belonging to \(numClasses) classes." }

    /// - Parameters:
    ///   - targetSize: (height, width) every image is resized to.
    ///   - classes: class folder names in label order; nil (or empty) takes every sub-folder, sorted.
    ///   - seed: makes shuffling (and the generator handed to transforms) reproducible; nil draws a
    ///     seed from `GlobalRandom`, so `set_seed` still makes runs repeatable.
    public init(directory: String, targetSize: (height: Int, width: Int) = (256, 256), batchSize: Int = 32,
                classMode: ClassMode = .categorical, classes: [String]? = nil, shuffle: Bool = true,
                seed: UInt64? = nil, interpolation: Interpolation = .nearest,
                onBadImage: BadImagePolicy = .error, config: ImageDataGeneratorConfig = ImageDataGeneratorConfig()) throws {
        guard batchSize >= 1 else { throw DirectoryIteratorError.invalidBatchSize(batchSize) }
        guard targetSize.height > 0, targetSize.width > 0 else {
            throw ImageError.invalidTargetSize(height: targetSize.height, width: targetSize.width)
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder) else {
            throw DirectoryIteratorError.missingDirectory(directory)
        }
        guard isFolder.boolValue else { throw DirectoryIteratorError.notADirectory(directory) }

        self.directory = directory
        self.targetSize = targetSize
        self.batchSize = batchSize
        self.classMode = classMode
        self.shuffle = shuffle
        self.seed = seed
        self.interpolation = interpolation
        self.onBadImage = onBadImage
        self.config = config

        let names: [String]
        if let classes, !classes.isEmpty {
            names = classes
        } else {
            do { names = try ImageFileListing.classNames(in: directory) } catch {
                throw DirectoryIteratorError.unreadableDirectory(path: directory, reason: error.localizedDescription)
            }
        }
        classNames = names
        classIndices = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var files: [String] = [], labels: [Int] = []
        for (label, name) in names.enumerated() {
            if !ImageFileListing.isDirectory(directory + "/" + name) {
                warnings.append("class folder \(directory)/\(name) does not exist; class \"\(name)\" has no images.")
            }
            let found = ImageFileListing.imageFiles(in: directory, className: name)
            files += found
            labels += [Int](repeating: label, count: found.count)
        }
        filenames = files
        self.classes = labels
        var global = GlobalRandom.makeGenerator()
        random = MersenneTwister(seed: UInt32(truncatingIfNeeded: seed ?? global.next()))
    }

    /// The next batch (Keras `next(iterator)`): images [n, height, width, 3] and labels per `classMode`.
    public func next() throws -> (images: Tensor, labels: Tensor?) {
        guard samples > 0 else { throw DirectoryIteratorError.noImages(directory: directory) }
        reseedForBatch()
        if batchIndex == 0 { makeIndexArray() }
        let start = (batchIndex * batchSize) % samples
        if samples > start + batchSize { batchIndex += 1 } else { batchIndex = 0 }
        totalBatchesSeen += 1
        let order = indexArray!
        return try makeBatch(Array(order[start..<min(start + batchSize, samples)]))
    }

    /// Batch `index` of the current epoch order (Keras `iterator[index]`); the order is drawn on first use
    /// and renewed by `onEpochEnd()`.
    public func batch(at index: Int) throws -> (images: Tensor, labels: Tensor?) {
        guard index >= 0, index < batchCount else {
            throw DirectoryIteratorError.batchIndexOutOfRange(index: index, count: batchCount)
        }
        reseedForBatch()
        totalBatchesSeen += 1
        if indexArray == nil { makeIndexArray() }
        let order = indexArray!
        return try makeBatch(Array(order[(index * batchSize)..<min((index + 1) * batchSize, samples)]))
    }

    /// Draws a new epoch order (Keras `on_epoch_end`).
    public func onEpochEnd() { makeIndexArray() }

    /// Restarts `next()` at the first batch of a new epoch (Keras `reset`).
    public func reset() { batchIndex = 0 }

    private func reseedForBatch() {
        if let seed { random = MersenneTwister(seed: UInt32(truncatingIfNeeded: seed &+ UInt64(totalBatchesSeen))) }
    }

    private func makeIndexArray() {
        indexArray = shuffle ? random.permutation(samples) : Array(0..<samples)
    }

    /// Decodes the files (in parallel), then transforms and rescales them in order, so the transform's
    /// random draws happen in the same order as in Keras.
    private func makeBatch(_ indices: [Int]) throws -> (images: Tensor, labels: Tensor?) {
        let decoded = decodeAll(indices)
        let (height, width) = targetSize
        let imageCount = height * width * 3
        let scale: Float? = (config.rescale == nil || config.rescale == 0) ? nil : config.rescale
        var values = [Float](repeating: 0, count: indices.count * imageCount)
        var kept: [Int] = []
        kept.reserveCapacity(indices.count)
        for (slot, sample) in indices.enumerated() {
            let image: RGBImage
            switch decoded[slot] {
            case nil: continue  // skipped as bad in an earlier batch
            case .success(let value)?: image = value
            case .failure(let error)?:
                if onBadImage == .error { throw error }
                if skippedFiles.insert(sample).inserted {
                    warnings.append("skipped \(directory)/\(filenames[sample]): \(error)")
                }
                continue
            }
            let offset = kept.count * imageCount
            if let transform = config.transform {
                let transformed = try transform(FloatImage(image), sample, &random)
                guard [transformed.height, transformed.width, transformed.channels] == imageShape else {
                    throw DirectoryIteratorError.transformChangedShape(
                        file: filenames[sample], expected: imageShape,
                        got: [transformed.height, transformed.width, transformed.channels])
                }
                write(transformed.values, to: &values, at: offset, scale: scale)
            } else {
                write(image.pixels, to: &values, at: offset, scale: scale)
            }
            kept.append(sample)
        }
        if kept.count < indices.count { values.removeLast((indices.count - kept.count) * imageCount) }
        let images = Tensor(shape: [kept.count, height, width, 3], scalars: values)
        return (images, labels(for: kept, images: images))
    }

    /// Decodes and resizes the batch's files on all cores. Files already skipped as bad are not read again.
    private func decodeAll(_ indices: [Int]) -> [Result<RGBImage, Error>?] {
        var results = [Result<RGBImage, Error>?](repeating: nil, count: indices.count)
        let paths = indices.map { directory + "/" + filenames[$0] }
        let wanted = indices.map { !(onBadImage == .skip && skippedFiles.contains($0)) }
        let (size, method) = (targetSize, interpolation)
        results.withUnsafeMutableBufferPointer { slots in
            let slots = slots
            // Each task writes only its own slot.
            let work = { (i: Int) in
                guard wanted[i] else { return }
                slots[i] = Result { try loadImage(path: paths[i], targetSize: size, interpolation: method) }
            }
            if indices.count >= 4 {
                DispatchQueue.concurrentPerform(iterations: indices.count, execute: work)
            } else {
                for i in indices.indices { work(i) }
            }
        }
        return results
    }

    private func write(_ source: [UInt8], to values: inout [Float], at offset: Int, scale: Float?) {
        values.withUnsafeMutableBufferPointer { out in
            source.withUnsafeBufferPointer { src in
                if let scale { for i in 0..<src.count { out[offset + i] = Float(src[i]) * scale } }
                else { for i in 0..<src.count { out[offset + i] = Float(src[i]) } }
            }
        }
    }

    private func write(_ source: [Float], to values: inout [Float], at offset: Int, scale: Float?) {
        values.withUnsafeMutableBufferPointer { out in
            source.withUnsafeBufferPointer { src in
                if let scale { for i in 0..<src.count { out[offset + i] = src[i] * scale } }
                else { (out.baseAddress! + offset).update(from: src.baseAddress!, count: src.count) }
            }
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
}
