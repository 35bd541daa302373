/// Why a `DirectoryIterator` could not be made or could not produce a batch.
public enum DirectoryIteratorError: Error, Equatable, CustomStringConvertible {
    case missingDirectory(String)
    case notADirectory(String)
    case unreadableDirectory(path: String, reason: String)
    case unknownClassMode(String)
    case invalidBatchSize(Int)
    case noImages(directory: String)
    case batchIndexOutOfRange(index: Int, count: Int)
    case transformChangedShape(file: String, expected: [Int], got: [Int])

    public var description: String {
        switch self {
        case let .missingDirectory(path):
            return "directory \(path) does not exist. Check the path (it should hold one sub-folder per class)."
        case let .notADirectory(path):
            return "\(path) is a file, not a directory. Give the folder that holds one sub-folder per class."
        case let .unreadableDirectory(path, reason):
            return "cannot list directory \(path): \(reason). Check its permissions."
        case let .unknownClassMode(name):
            return "unknown class_mode \"\(name)\": use \"binary\", \"categorical\", \"sparse\", \"input\" or \"none\"."
        case let .invalidBatchSize(size):
            return "batch_size must be at least 1, got \(size)."
        case let .noImages(directory):
            return "\(directory) holds no images (png, jpg, jpeg, bmp, ppm, tif, tiff) in its class folders, "
                + "so there is no batch to read. Put images in one sub-folder per class."
        case let .batchIndexOutOfRange(index, count):
            return "batch \(index) does not exist: there are \(count) batches per epoch (0..<\(count))."
        case let .transformChangedShape(file, expected, got):
            return "the image transform returned shape \(got) for \(file); it must keep \(expected)."
        }
    }
}
