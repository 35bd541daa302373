import TLTensor
import TLNN
import TLData
import TLScript
import TLArray

/// What `image_dataset_from_directory` returns, as a `tf.data.Dataset` behaves in Keras: `for images,
/// labels in ds:` walks one pass (a new shuffle each pass), `len(ds)` is its batch count, `ds.take(n)`
/// the first `n` batches of a pass, `ds.cache()` keeps decoded images, `ds.prefetch(...)` is accepted
/// (tl decodes each batch on all cores when it is drawn). `fit(ds)` needs no steps: a pass is an epoch.
public final class DatasetObject: BatchSourceObject {
    let dataset: ImageDataset
    /// The number of batches a pass yields (all of them, or `take(n)`'s n).
    let batchLimit: Int?
    private let source: DatasetBatchSource

    init(_ dataset: ImageDataset, batchLimit: Int? = nil) {
        self.dataset = dataset
        self.batchLimit = batchLimit
        source = DatasetBatchSource(dataset, batchLimit: batchLimit)
    }

    var batchSource: BatchSource { source }
    /// A new pass, as each `predict` or `evaluate` of a dataset in Keras iterates it afresh.
    func inferencePass(batches: Int) -> BatchSource { DatasetBatchSource(drawingPassesFrom: source) }
    public var typeName: String { "BatchDataset" }
    public var count: Int? { source.batchesPerEpoch }
    public var summaryDescription: String {
        let labels = dataset.labelMode.map { "labels \($0.rawValue)" } ?? "no labels"
        return "BatchDataset: \(dataset.count) files in \(dataset.index.classNames.count) classes, \(source.batchesPerEpoch) batches of \(dataset.batchSize) at \(dataset.imageSize.height)x\(dataset.imageSize.width)x\(dataset.colorMode.channels), \(labels)\(dataset.shuffleSeed == nil ? "" : ", reshuffled each pass")"
    }
    public var attributeNames: [String] { ["class_names", "file_paths", "take", "cache", "prefetch", "element_spec"] }

    public func attribute(_ name: String) throws -> Value? {
        switch name {
        case "class_names": return .list(dataset.index.classNames.map(Value.string))
        case "file_paths": return .list(dataset.index.paths.map(Value.string))
        case "element_spec":
            let images = kerasShapeValue(dataset.sampleShape.map { Optional($0) })
            return dataset.labelMode == nil ? images : .tuple([images, .string(dataset.labelMode!.rawValue)])
        case "take":
            return method("take", [ParameterSpec("count", kind: .int)]) { args, _ in
                let n = try args.int("count")
                let all = self.source.batchesPerEpoch
                return .object(DatasetObject(self.dataset, batchLimit: n < 0 ? self.batchLimit : min(n, all)))
            }
        case "cache":
            return method("cache", [ParameterSpec("filename", default: "")]) { _, _ in
                self.dataset.caching = true
                return .object(self)
            }
        case "prefetch":
            return method("prefetch", [ParameterSpec("buffer_size", default: .none)]) { _, _ in .object(self) }
        default: return nil
        }
    }

    /// One pass over the data set, drawn lazily batch by batch.
    public func makeIterator() throws -> ValueIterator? {
        let pass = source.startPass()
        var step = 0
        return ValueIterator { [self] in
            guard step < source.batchesPerEpoch else { return nil }
            defer { step += 1 }
            let batch = try dataset.batch(source.positions(step, of: pass))
            let images = Value.object(ArrayObject(batch.images))
            // Integer labels as int32, as Keras gives them, so `class_names[labels[i]]` works.
            let labels = batch.labels.map { dataset.labelMode == .int ? ArrayObject(NDArray($0).astype(.int32)) : ArrayObject($0) }
            return labels.map { .tuple([images, .object($0)]) } ?? images
        }
    }

    public func elements() throws -> [Value]? { nil }

    /// Every image of one pass, in one array (for `Normalization.adapt(ds)`).
    func allImages() throws -> Tensor {
        let order = dataset.order(pass: 0)
        let count = min(order.count, source.batchesPerEpoch * dataset.batchSize)
        return try dataset.batch(Array(order.prefix(count))).images
    }
}

/// Feeds `fit`, `evaluate` and `predict` pass after pass; each pass has its own shuffle.
final class DatasetBatchSource: BatchSource {
    let dataset: ImageDataset
    let batchLimit: Int?
    /// Where new passes are drawn: nil for this source's own count, else the source it reads a pass for.
    private let passes: DatasetBatchSource?
    private var pass = -1
    /// The current pass's file order; nil before the first.
    private var order: [Int]?
    private var step = 0

    init(_ dataset: ImageDataset, batchLimit: Int?) {
        (self.dataset, self.batchLimit, passes) = (dataset, batchLimit, nil)
    }

    /// A source over `source`'s data whose passes are `source`'s next ones (a new order each, as each
    /// `predict` or `evaluate` of a dataset iterates it afresh in Keras), leaving the pass `source` is in
    /// undisturbed.
    init(drawingPassesFrom source: DatasetBatchSource) {
        (dataset, batchLimit, passes) = (source.dataset, source.batchLimit, source)
    }

    var batchesPerEpoch: Int { min(batchLimit ?? dataset.batchesPerPass, dataset.batchesPerPass) }
    var batchShapeHint: (batchSize: Int, sampleShape: [Int], prefetchedBatches: Int)? {
        (min(dataset.batchSize, max(dataset.count, 1)), dataset.sampleShape, 0)
    }

    /// Begins a new pass and returns its file order.
    func startPass() -> [Int] {
        if let passes { return passes.startPass() }
        pass += 1
        return dataset.order(pass: pass)
    }

    func positions(_ step: Int, of order: [Int]) -> [Int] {
        Array(order[(step * dataset.batchSize)..<min(order.count, (step + 1) * dataset.batchSize)])
    }

    func nextBatch() throws -> (inputs: Tensor, targets: Tensor?) {
        if order == nil || step >= batchesPerEpoch {
            order = startPass()
            step = 0
        }
        defer { step += 1 }
        let batch = try dataset.batch(positions(step, of: order!))
        return (batch.images, batch.labels)
    }
}
