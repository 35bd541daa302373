/// The file list `image_dataset_from_directory` builds (tf-keras `dataset_utils.index_directory` and
/// `get_training_or_validation_split`): the same files, labels, order and split as Keras for a seed.
public struct ImageDatasetIndex: Sendable {
    /// Paths as Keras makes them: the directory joined with `class/.../file`.
    public var paths: [String]
    /// Class index of each path (empty when the data set has no labels).
    public var labels: [Int]
    public var classNames: [String]

    /// The file endings Keras's `image_dataset_from_directory` lists (`ALLOWLIST_FORMATS`).
    public static let allowedEndings = [".bmp", ".gif", ".jpeg", ".jpg", ".png"]

    static func isAllowed(_ name: String) -> Bool {
        let lower = name.lowercased()
        return allowedEndings.contains { lower.hasSuffix($0) }
    }

    /// Lists `directory`: one sub-folder per class (sorted, hidden ones skipped) unless `classNames`
    /// orders them; files in Keras's walk order; then, when `shuffle`, both lists shuffled by
    /// `np.random.RandomState(seed).shuffle` (two generators with the same seed, as Keras does).
    public init(directory: String, classNames requested: [String]?, shuffle: Bool, seed: UInt32) throws {
        guard ImageFileListing.isDirectory(directory) else {
            throw DatasetError("Could not find directory \(directory)")
        }
        let folders = try ImageFileListing.classNames(in: directory).filter { !$0.hasPrefix(".") }
        if let requested, !requested.isEmpty {
            guard Set(requested) == Set(folders) else {
                throw DatasetError("The `class_names` passed did not match the names of the subdirectories of the target directory. Expected: \(folders), but received: \(requested)")
            }
            classNames = requested
        } else {
            classNames = folders
        }
        paths = []
        labels = []
        for (label, name) in classNames.enumerated() {
            for file in ImageFileListing.imageFiles(in: directory, className: name, accepting: Self.isAllowed) {
                paths.append(Self.join(directory, file))
                labels.append(label)
            }
        }
        if shuffle {
            var generator = MersenneTwister(seed: seed)
            let order = generator.permutation(paths.count)
            paths = order.map { paths[$0] }
            labels = order.map { labels[$0] }
        }
    }

    /// `tf.io.gfile.join`: one slash between parts, none added after a trailing one.
    static func join(_ directory: String, _ relative: String) -> String {
        directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
    }

    /// Keras's subset of a shuffled list: validation is the last `int(split * n)` files, training the rest.
    public func subset(_ subset: Subset, validationSplit: Double) -> ImageDatasetIndex {
        guard validationSplit > 0 else { return self }
        let validationCount = Int(validationSplit * Double(paths.count))
        let range = subset == .validation ? (paths.count - validationCount)..<paths.count : 0..<(paths.count - validationCount)
        var part = self
        part.paths = Array(paths[range])
        part.labels = labels.isEmpty ? [] : Array(labels[range])
        return part
    }
}

/// A data set that cannot be made as asked, with Keras's wording where Keras has one.
public struct DatasetError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
