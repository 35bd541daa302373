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

/// `flow_from_directory(...)`: batches of images and labels from a folder, forever.
public final class FlowObject: BatchSourceObject {
    let iterator: DirectoryIterator
    let source: WarningReportingSource

    init(_ iterator: DirectoryIterator, report: @escaping (String) -> Void) {
        self.iterator = iterator
        source = WarningReportingSource(iterator, report: report)
    }

    var batchSource: BatchSource { source }

    public var typeName: String { "DirectoryIterator" }
    public var summaryDescription: String {
        "DirectoryIterator: \(iterator.samples) images in \(iterator.numClasses) classes from '\(iterator.directory)', batches of \(iterator.batchSize) at \(iterator.targetSize.height)x\(iterator.targetSize.width), class_mode \(iterator.classMode.rawValue)"
    }
    public var attributeNames: [String] {
        ["class_indices", "filenames", "classes", "samples", "n", "batch_size", "num_classes", "image_shape", "directory", "target_size"]
    }
    public var count: Int? { iterator.batchCount }

    public func attribute(_ name: String) throws -> Value? {
        switch name {
        case "class_indices": return .dict(ValueDictionary(iterator.classNames.map { ($0, .int(iterator.classIndices[$0]!)) }))
        case "filenames": return .list(iterator.filenames.map { .string($0) })
        case "classes": return .list(iterator.classes.map { .int($0) })
        case "samples", "n": return .int(iterator.samples)
        case "batch_size": return .int(iterator.batchSize)
        case "num_classes": return .int(iterator.numClasses)
        case "image_shape": return .tuple(iterator.imageShape.map { .int($0) })
        case "directory": return .string(iterator.directory)
        case "target_size": return .tuple([.int(iterator.targetSize.height), .int(iterator.targetSize.width)])
        default: return nil
        }
    }

    /// `flow[i]`: batch i of the current epoch, as `(images, labels)`.
    public func element(at index: Value) throws -> Value? {
        guard let i = index.asInt else { return nil }
        return batchValue(try iterator.batch(at: i < 0 ? i + iterator.batchCount : i))
    }

    /// A `for` loop over a flow visits one epoch of batches (Keras's iterator is endless; an endless loop
    /// in a script is never what is meant).
    public func elements() throws -> [Value]? { nil }

    func batchValue(_ batch: (images: Tensor, labels: Tensor?)) -> Value {
        let images = Value.object(ArrayObject(batch.images))
        guard let labels = batch.labels else { return images }
        return .tuple([images, .object(ArrayObject(labels))])
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
