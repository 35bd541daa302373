import Dispatch
import Foundation
import TLTensor

/// Keras's `ImageDataGenerator.flow_from_directory`: batches of images read from one sub-folder per
/// class, resized to `targetSize`, transformed, rescaled, with labels by `classMode`.
///
/// Batches follow Keras's `Iterator` exactly: `next()` yields batches forever, the last batch of an epoch
/// holding the `samples % batchSize` leftovers; with `shuffle` the order is a new permutation each epoch.
/// With a `seed`, the generator is reseeded with `seed + totalBatchesSeen` before every batch, as Keras
/// reseeds NumPy, and the permutation and augmentation draws are NumPy's, so the order and the random
/// transforms equal Keras's for the same seed.
///
/// Batches are prepared ahead: `next()` hands the batch over and queues the following ones, which
/// `workers` background threads read, resize, augment and standardise while the caller computes (at most
/// `prefetch` batches beyond the one being taken, so memory stays bounded). Every random draw happens in
/// order on the caller's side, when a batch is queued, so the batches are the same whatever the number of
/// workers, and the same as without prefetching. `batch(at:)`, `reset()` and `onEpochEnd()` drop what was
/// prepared and go on from the batches actually taken.
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
    /// Background threads preparing batches (and threads sharing a batch's images when it is built on demand).
    public let workers: Int
    /// Batches prepared ahead of the one `next()` returns; 0 builds each batch when asked.
    public let prefetch: Int

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
    public var batchIndex: Int { cursor.batchIndex }
    /// Batches handed out so far (Keras `total_batches_seen`).
    public var totalBatchesSeen: Int { cursor.totalBatchesSeen }

    /// The state after the batches handed out.
    private var cursor: FlowCursor
    /// The state after the batches queued; nil when nothing is queued.
    private var lookahead: FlowCursor?
    /// Queued batches, oldest first: their ticket and the state after them.
    private var queued: [(ticket: Int, after: FlowCursor)] = []
    private var pool: PrefetchQueue<BatchOutcome>?
    private let assembler: BatchAssembler
    private var skippedFiles = Set<Int>()

    /// Worker threads by default: one per core, at most 4.
    public static var defaultWorkers: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4)) }

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
    ///   - seed: makes shuffling and augmentation (and the generator handed to transforms) reproducible;
    ///     nil draws a seed from `seeds`, so `set_seed` still makes runs repeatable.
    ///   - seeds: the random source of the run (a session's, which `set_seed` restarts); by default the
    ///     one in effect (``RandomSource/current``).
    ///   - workers: background threads preparing batches (default `defaultWorkers`).
    ///   - subset: with the config's `validationSplit`, the part of each class's files to use (Keras's
    ///     `subset=`): validation the first `int(split * n)` of a class's n files, training the rest.
    ///   - prefetch: batches prepared ahead (default 2); 0 prepares each batch when asked. A config with a
    ///     `transform` hook always prepares batches when asked (the hook runs on the caller's thread).
    public init(directory: String, targetSize: (height: Int, width: Int) = (256, 256), batchSize: Int = 32,
                classMode: ClassMode = .categorical, classes: [String]? = nil, shuffle: Bool = true,
                seed: UInt64? = nil, interpolation: Interpolation = .nearest,
                onBadImage: BadImagePolicy = .error, config: ImageDataGeneratorConfig = ImageDataGeneratorConfig(),
                subset: Subset? = nil, workers: Int = DirectoryIterator.defaultWorkers, prefetch: Int = 2,
                seeds: RandomSource = .current) throws {
        guard batchSize >= 1 else { throw DirectoryIteratorError.invalidBatchSize(batchSize) }
        guard workers >= 1 else { throw InputPipelineError.invalidWorkers(workers) }
        guard prefetch >= 0 else { throw InputPipelineError.invalidPrefetch(prefetch) }
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
        self.workers = workers
        self.prefetch = prefetch

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
            let listed = ImageFileListing.imageFiles(in: directory, className: name)
            let found = Array(listed[config.range(of: subset, among: listed.count)])
            if listed.isEmpty && ImageFileListing.isDirectory(directory + "/" + name) {
                warnings.append("class folder \(directory)/\(name) holds no images; class \"\(name)\" gets no samples.")
            }
            files += found
            labels += [Int](repeating: label, count: found.count)
        }
        filenames = files
        self.classes = labels
        warnings += DirectoryIterator.layoutWarnings(directory: directory, classNames: names, classMode: classMode)
        cursor = FlowCursor(samples: files.count, batchSize: batchSize, shuffle: shuffle, seed: seed, seeds: seeds)
        assembler = BatchAssembler(directory: directory, filenames: files, classes: labels, numClasses: names.count,
                                   classMode: classMode, targetSize: targetSize, interpolation: interpolation,
                                   onBadImage: onBadImage, config: config)
    }

    deinit { pool?.shutdown() }

    /// What is wrong with the folder's layout for this class mode: images lying directly in the folder
    /// without class sub-folders, or `binary` labels over more than two classes (Keras gives them labels
    /// 0, 1, 2, ... without a word, which binary cross-entropy cannot use).
    static func layoutWarnings(directory: String, classNames: [String], classMode: ClassMode) -> [String] {
        var found: [String] = []
        if classNames.isEmpty {
            let loose = ((try? ImageFileListing.entries(of: directory)) ?? [])
                .filter { ImageFileListing.isImageName($0) && !ImageFileListing.isDirectory(directory + "/" + $0) }
            if !loose.isEmpty {
                found.append("\(directory) holds \(loose.count) image\(loose.count == 1 ? "" : "s") but no class sub-folders; "
                    + "flow_from_directory expects one sub-folder per class (FOLDER/cats/*.jpg, FOLDER/dogs/*.jpg): if this is "
                    + "one class's folder, give the folder above it; for images without labels, move them into one "
                    + "sub-folder and use class_mode=None.")
            }
        }
        if classMode == .binary && classNames.count > 2 {
            let listed = classNames.enumerated().map { "\($1)=\($0)" }.joined(separator: ", ")
            found.append("class_mode='binary' over \(classNames.count) classes (\(listed)): labels above 1 mean nothing to "
                + "binary cross-entropy; use class_mode='categorical', or classes=[...] to keep two.")
        }
        return found
    }

    /// The next batch (Keras `next(iterator)`): images [n, height, width, 3] and labels per `classMode`.
    public func next() throws -> (images: Tensor, labels: Tensor?) {
        guard samples > 0 else { throw DirectoryIteratorError.noImages(directory: directory) }
        guard prefetches else {
            let plan = plan(cursor.advance(), on: &cursor)
            return try take(assembler.assemble(plan, skipped: skippedFiles, parallelism: workers, random: &cursor.random))
        }
        if queued.isEmpty { lookahead = cursor }
        while queued.count < prefetch + 1 {
            var ahead = lookahead!
            let ticket = submit(plan(ahead.advance(), on: &ahead))
            queued.append((ticket, ahead))
            lookahead = ahead
        }
        let (ticket, after) = queued.removeFirst()
        cursor = after
        return try collect(ticket)
    }

    /// Whether batches are built ahead on the workers (a preprocessing hook runs on the caller's thread).
    private var prefetches: Bool { prefetch > 0 && config.transform == nil }

    /// Hands `plan` to the prefetch workers and returns its ticket for ``collect(_:)``.
    private func submit(_ plan: BatchPlan) -> Int {
        let pool = self.pool ?? PrefetchQueue(workers: workers)
        self.pool = pool
        let (assembler, skipped) = (self.assembler, skippedFiles)
        return pool.submit {
            var unused = MersenneTwister(seed: 0)  // no hook on this path
            return assembler.assemble(plan, skipped: skipped, parallelism: 1, random: &unused)
        }
    }

    /// The batch of a ticket from ``submit(_:)``, waited for if it is still being built.
    private func collect(_ ticket: Int) throws -> (images: Tensor, labels: Tensor?) {
        let (outcome, waited) = pool!.wait(for: ticket)
        if waited { stalls += 1 }
        return try take(outcome)
    }

    /// Batch `index` of the current epoch order (Keras `iterator[index]`); the order is drawn on first use
    /// and renewed by `onEpochEnd()`.
    public func batch(at index: Int) throws -> (images: Tensor, labels: Tensor?) {
        guard index >= 0, index < batchCount else {
            throw DirectoryIteratorError.batchIndexOutOfRange(index: index, count: batchCount)
        }
        dropPrepared()
        let plan = plan(cursor.batch(at: index), on: &cursor)
        return try take(assembler.assemble(plan, skipped: skippedFiles, parallelism: workers, random: &cursor.random))
    }

    /// Batches 0, 1, ... of the current epoch order, as `batch(at:)` gives them one after another, built
    /// ahead on the prefetch workers: how Keras's `predict` and `evaluate` read a flow (from its first batch,
    /// whatever `next()` has drawn, which they leave where it stands). Past the last batch it starts again at
    /// batch 0. With `batches`, nothing past that many is built ahead.
    public func pass(batches: Int? = nil) -> Pass { Pass(self, limit: batches) }

    /// One reading of the epoch order from batch 0 (see ``pass()``); the iterator's `next()` does not move.
    public final class Pass {
        private let iterator: DirectoryIterator
        private let limit: Int?
        private var planned = 0
        private var tickets: [Int] = []

        init(_ iterator: DirectoryIterator, limit: Int?) { (self.iterator, self.limit) = (iterator, limit) }

        /// The next batch of the pass.
        public func next() throws -> (images: Tensor, labels: Tensor?) {
            let it = iterator
            guard it.samples > 0 else { throw DirectoryIteratorError.noImages(directory: it.directory) }
            guard it.prefetches else { return try it.batch(at: nextIndex()) }
            if tickets.isEmpty { it.dropPrepared() }   // next()'s batches queued ahead are rebuilt when next() is called
            // Planned in order on this thread, as batch(at:) would plan them, so the random draws are the same.
            while tickets.count < it.prefetch + 1 && (tickets.isEmpty || planned < limit ?? .max) {
                tickets.append(it.submit(it.plan(it.cursor.batch(at: nextIndex()), on: &it.cursor)))
            }
            return try it.collect(tickets.removeFirst())
        }

        private func nextIndex() -> Int {
            defer { planned += 1 }
            return planned % iterator.batchCount
        }

        deinit {
            if !tickets.isEmpty { iterator.pool?.cancelAll() }
        }
    }

    /// Draws a new epoch order (Keras `on_epoch_end`).
    public func onEpochEnd() {
        dropPrepared()
        cursor.drawEpochOrder()
    }

    /// Restarts `next()` at the first batch of a new epoch (Keras `reset`).
    public func reset() {
        dropPrepared()
        cursor.reset()
    }

    /// Batches queued ahead and not yet taken (`prefetch` after each `next()`).
    public var preparedCount: Int { queued.count }
    /// Batches queued ahead that are already built.
    public var readyCount: Int { pool?.readyCount ?? 0 }
    /// How many `next()` calls found their batch still being built and waited for it (the first call
    /// always does): zero after the first means the workers kept up with the caller.
    public private(set) var stalls = 0

    /// Forgets the batches prepared ahead; the next `next()` prepares again from `cursor`.
    private func dropPrepared() {
        guard !queued.isEmpty else { return }
        pool?.cancelAll()
        queued.removeAll()
        lookahead = nil
    }

    private func plan(_ samples: [Int], on state: inout FlowCursor) -> BatchPlan {
        state.plan(samples, augmentation: config.augmentation, height: targetSize.height, width: targetSize.width)
    }

    /// Records the outcome's bad files (in batch order) and returns the batch or throws its error.
    private func take(_ outcome: BatchOutcome) throws -> (images: Tensor, labels: Tensor?) {
        for (sample, error) in outcome.failures {
            if onBadImage == .error { throw error }
            if skippedFiles.insert(sample).inserted {
                warnings.append("skipped \(directory)/\(filenames[sample]): \(error)")
            }
        }
        if let error = outcome.error { throw error }
        return (outcome.images!, outcome.labels)
    }
}
