import Foundation

/// A failure to read or write a file: in one of the formats TLFormats handles (HDF5, Keras weights, `.npy`),
/// or while writing any file atomically.
///
/// The message names the file, the object inside it (group, dataset or attribute path) and, where it
/// helps, the shapes involved and what to do, in the style of Keras's own errors.
public struct FileFormatError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The file at fault.
    public let path: String
    /// A complete, human-readable explanation (it already contains `path`).
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}
