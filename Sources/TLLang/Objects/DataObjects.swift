import TLTensor
import TLNN
import TLData
import TLZoo
import TLScript

/// `image_data_generator(...)`: how images are prepared (rescaling, augmentation).
public final class GeneratorObject: HostObject {
    public var config: ImageDataGeneratorConfig
    /// The arguments as given, for the one-line description.
    let arguments: [(String, Value)]

    init(config: ImageDataGeneratorConfig, arguments: [(String, Value)]) {
        self.config = config
        self.arguments = arguments
    }

    public var typeName: String { "ImageDataGenerator" }
    public var summaryDescription: String {
        "ImageDataGenerator(" + arguments.map { "\($0.0)=\($0.1.repr)" }.joined(separator: ", ") + ")"
    }
    public var attributeNames: [String] { arguments.map(\.0) }
    public func attribute(_ name: String) throws -> Value? { arguments.first { $0.0 == name }?.1 }
}

/// A flow as Keras's iterators behave: endless (`for x, y in flow:` draws batches until `break`, going on
/// from where the flow stands, as `next(flow)` does), `len(flow)` batches an epoch, `flow[i]` batch i of
/// the current epoch, `flow.reset()`. Batches are `(images, labels)`, or images alone without labels.
protocol StreamingFlow: BatchSourceObject {
    var batchCount: Int { get }
    func takeBatch() throws -> (images: Tensor, labels: Tensor?)
    func batchAt(_ index: Int) throws -> (images: Tensor, labels: Tensor?)
    func restart()
}

extension StreamingFlow {
    public var count: Int? { batchCount }

    /// `flow[i]`: batch i of the current epoch (negative from the end).
    public func element(at index: Value) throws -> Value? {
        guard let i = try index.scalarOrSelf().asInt else { return nil }
        let position = i < 0 ? i + batchCount : i
        guard position >= 0 && position < batchCount else {
            throw ScriptError(.index, "batch index \(i) is out of range: the flow has \(batchCount) batches an epoch")
        }
        return batchValue(try batchAt(position))
    }

    /// Not a finite sequence: `list(flow)` would never end.
    public func elements() throws -> [Value]? { nil }

    /// Each step draws the flow's next batch, so a loop (or `next`) continues where the flow stands.
    public func makeIterator() throws -> ValueIterator? {
        ValueIterator { [self] in batchValue(try takeBatch()) }
    }

    /// Methods every flow answers: `reset()`, `next()` (Keras 2's `flow.next()`), `on_epoch_end()`.
    func flowMethod(_ name: String) -> Value? {
        switch name {
        case "reset", "on_epoch_end":
            return method(name) { _, _ in
                self.restart()
                return .none
            }
        case "next", "__next__": return method(name) { _, _ in self.batchValue(try self.takeBatch()) }
        default: return nil
        }
    }

    func batchValue(_ batch: (images: Tensor, labels: Tensor?)) -> Value {
        let images = Value.object(ArrayObject(batch.images))
        guard let labels = batch.labels else { return images }
        return .tuple([images, .object(ArrayObject(labels))])
    }
}

/// `flow_from_directory(...)`: batches of images and labels from a folder, forever.
public final class FlowObject: StreamingFlow {
    let iterator: DirectoryIterator
    let source: WarningReportingSource

    init(_ iterator: DirectoryIterator, report: @escaping (String) -> Void) {
        self.iterator = iterator
        source = WarningReportingSource(iterator, report: report)
        source.flushWarnings()
    }

    var batchSource: BatchSource { source }
    func inferencePass(batches: Int) -> BatchSource { DirectoryPassSource(iterator.pass(batches: batches), reporting: source) }
    var batchCount: Int { iterator.batchCount }
    func takeBatch() throws -> (images: Tensor, labels: Tensor?) {
        let batch = try source.nextBatch()
        return (batch.inputs, batch.targets)
    }
    func batchAt(_ index: Int) throws -> (images: Tensor, labels: Tensor?) {
        defer { source.flushWarnings() }
        return try iterator.batch(at: index)
    }
    func restart() { iterator.reset() }

    public var typeName: String { "DirectoryIterator" }
    public var summaryDescription: String {
        "DirectoryIterator: \(iterator.samples) images in \(iterator.numClasses) classes from '\(iterator.directory)', batches of \(iterator.batchSize) at \(iterator.targetSize.height)x\(iterator.targetSize.width), class_mode \(iterator.classMode.rawValue)"
    }
    public var attributeNames: [String] {
        ["class_indices", "filenames", "classes", "labels", "samples", "n", "batch_size", "num_classes", "image_shape",
         "directory", "target_size", "class_mode", "shuffle", "seed", "batch_index", "total_batches_seen", "reset", "next"]
    }

    public func attribute(_ name: String) throws -> Value? {
        switch name {
        case "class_indices": return .dict(ValueDictionary(iterator.classNames.map { ($0, .int(iterator.classIndices[$0]!)) }))
        case "filenames": return .list(iterator.filenames.map { .string($0) })
        case "classes", "labels": return .list(iterator.classes.map { .int($0) })
        case "samples", "n": return .int(iterator.samples)
        case "batch_size": return .int(iterator.batchSize)
        case "num_classes": return .int(iterator.numClasses)
        case "image_shape": return .tuple(iterator.imageShape.map { .int($0) })
        case "directory": return .string(iterator.directory)
        case "target_size": return .tuple([.int(iterator.targetSize.height), .int(iterator.targetSize.width)])
        case "class_mode": return iterator.classMode == .none ? Value.none : .string(iterator.classMode.rawValue)
        case "shuffle": return .bool(iterator.shuffle)
        case "seed": return iterator.seed.map { .int(Int(truncatingIfNeeded: $0)) } ?? Value.none
        case "batch_index": return .int(iterator.batchIndex)
        case "total_batches_seen": return .int(iterator.totalBatchesSeen)
        default: return flowMethod(name)
        }
    }
}

/// `datagen.flow(x, y)`: batches drawn from arrays in memory, transformed as the generator says, forever.
public final class ArrayFlowObject: StreamingFlow {
    let iterator: ArrayIterator

    init(_ iterator: ArrayIterator) { self.iterator = iterator }

    var batchSource: BatchSource { iterator }
    func inferencePass(batches: Int) -> BatchSource { IndexedPassSource(self) }
    var batchCount: Int { iterator.batchCount }
    func takeBatch() throws -> (images: Tensor, labels: Tensor?) { try iterator.next() }
    func batchAt(_ index: Int) throws -> (images: Tensor, labels: Tensor?) { try iterator.batch(at: index) }
    func restart() { iterator.reset() }

    public var typeName: String { "NumpyArrayIterator" }
    public var summaryDescription: String {
        "NumpyArrayIterator: \(iterator.samples) images of \(shapeText(Array(iterator.images.shape.dropFirst()))), batches of \(iterator.batchSize)\(iterator.labels == nil ? ", no labels" : "")"
    }
    public var attributeNames: [String] { ["n", "samples", "batch_size", "x", "y", "reset", "next"] }

    public func attribute(_ name: String) throws -> Value? {
        switch name {
        case "n", "samples": return .int(iterator.samples)
        case "batch_size": return .int(iterator.batchSize)
        case "x": return .object(ArrayObject(iterator.images))
        case "y": return iterator.labels.map { .object(ArrayObject($0)) } ?? Value.none
        default: return flowMethod(name)
        }
    }
}

/// Passes batches through and prints the iterator's new warnings (skipped images) as they appear.
final class WarningReportingSource: BatchSource {
    let iterator: DirectoryIterator
    let report: (String) -> Void
    private var reported = 0

    init(_ iterator: DirectoryIterator, report: @escaping (String) -> Void) {
        self.iterator = iterator
        self.report = report
    }

    func nextBatch() throws -> (inputs: Tensor, targets: Tensor?) {
        let batch = try iterator.nextBatch()
        flushWarnings()
        return batch
    }

    func flushWarnings() {
        while reported < iterator.warnings.count {
            report("warning: \(iterator.warnings[reported])\n")
            reported += 1
        }
    }

    var batchesPerEpoch: Int { iterator.batchCount }
}

/// A directory flow's pass for `predict` and `evaluate` (``DirectoryIterator/pass(batches:)``), reporting
/// skipped images as the flow does.
final class DirectoryPassSource: BatchSource {
    let pass: DirectoryIterator.Pass
    let reporting: WarningReportingSource

    init(_ pass: DirectoryIterator.Pass, reporting: WarningReportingSource) { (self.pass, self.reporting) = (pass, reporting) }

    func nextBatch() throws -> (inputs: Tensor, targets: Tensor?) {
        defer { reporting.flushWarnings() }
        let batch = try pass.next()
        return (batch.images, batch.labels)
    }

    var batchesPerEpoch: Int { reporting.batchesPerEpoch }
}

/// `flow[0], flow[1], ...` (and round again): a flow's pass for `predict` and `evaluate`.
final class IndexedPassSource: BatchSource {
    let flow: any StreamingFlow
    private var index = 0

    init(_ flow: any StreamingFlow) { self.flow = flow }

    func nextBatch() throws -> (inputs: Tensor, targets: Tensor?) {
        defer { index += 1 }
        let batch = try flow.batchAt(index % flow.batchCount)
        return (batch.images, batch.labels)
    }

    var batchesPerEpoch: Int { flow.batchCount }
}
