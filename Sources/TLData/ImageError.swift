/// Why an image file could not be read. Every message names the file and says what to do.
public enum ImageError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read from disk.
    case unreadable(path: String, reason: String)
    /// The file holds zero bytes.
    case empty(path: String)
    /// The bytes start with neither the JPEG nor the PNG signature.
    case unknownFormat(path: String)
    /// The header claims more pixels than `ImageDecoder.maximumPixelCount`.
    case tooLarge(path: String, width: Int, height: Int, limit: Int)
    /// The decoder rejected the data (corrupt or truncated file).
    case corrupt(path: String, format: String, reason: String)
    /// A valid image in a layout tl cannot convert to RGB.
    case unsupported(path: String, reason: String)
    /// A resize was asked for with a name Keras does not know.
    case unknownInterpolation(String)
    /// A target size that is not positive.
    case invalidTargetSize(height: Int, width: Int)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason). Check that the file exists and is readable."
        case let .empty(path):
            return "\(path) is empty (0 bytes). Replace or remove the file."
        case let .unknownFormat(path):
            return "\(path) is not a JPEG, PNG, BMP, GIF or TIFF image (tl reads those; WebP is not read). Convert it to JPEG or PNG, or remove it from the folder."
        case let .tooLarge(path, width, height, limit):
            return "\(path) is \(width)x\(height) pixels, more than the \(limit / 1_000_000) megapixels tl decodes. "
                + "Shrink the image first."
        case let .corrupt(path, format, reason):
            return "\(path) is a damaged \(format) file (\(reason)). Re-export or remove it."
        case let .unsupported(path, reason):
            return "\(path) cannot be read: \(reason). Convert it to an 8-bit RGB JPEG or PNG."
        case let .unknownInterpolation(name):
            return "unknown interpolation \"\(name)\": use one of "
                + Interpolation.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + "."
        case let .invalidTargetSize(height, width):
            return "target size (\(height), \(width)) is not valid: height and width must be positive."
        }
    }
}
