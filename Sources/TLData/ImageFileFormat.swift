/// The encodings `ImageDecoder` reads, recognised by their leading signature bytes (never by file name).
public enum ImageFileFormat: String, Sendable {
    case jpeg = "JPEG"
    case png = "PNG"
    case bmp = "BMP"
    case gif = "GIF"
    case tiff = "TIFF"

    /// JPEG files start with the SOI marker FF D8 followed by another marker's FF.
    static let jpegSignature: [UInt8] = [0xFF, 0xD8, 0xFF]
    /// The eight-byte PNG signature: \x89 P N G \r \n \x1a \n.
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The format whose signature `bytes` start with, or nil.
    public static func sniff<Bytes: Collection>(_ bytes: Bytes) -> ImageFileFormat? where Bytes.Element == UInt8 {
        if bytes.starts(with: pngSignature) { return .png }
        if bytes.starts(with: jpegSignature) { return .jpeg }
        if bytes.starts(with: Array("GIF87a".utf8)) || bytes.starts(with: Array("GIF89a".utf8)) { return .gif }
        if bytes.starts(with: Array("BM".utf8)) { return .bmp }
        if bytes.starts(with: [0x49, 0x49, 0x2A, 0x00]) || bytes.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        return nil
    }
}
