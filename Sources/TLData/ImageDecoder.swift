import CImageCodecs
import Foundation

/// Reads JPEG, PNG, BMP, GIF (first frame) and TIFF (first image, libtiff) files into 8-bit RGB, with the colour conversions of Pillow's `convert("RGB")`
/// (what Keras's `load_img` applies): grayscale replicated, alpha dropped, palettes expanded.
///
/// Swift reads the file; C decodes from memory, so file-system errors and codec errors stay apart.
/// The header is probed first, so an absurd size is refused before any pixel memory is allocated.
public enum ImageDecoder {
    /// Images with more pixels than this are refused (100 megapixels: 300 MB of RGB).
    public static let maximumPixelCount = 100_000_000

    /// Decodes the image file at `path`, whatever its extension says.
    public static func decode(path: String) throws -> RGBImage {
        try decodeFile(path: path).image
    }

    /// Decodes the image file at `path` and says which format its content was.
    public static func decodeFile(path: String) throws -> (image: RGBImage, format: ImageFileFormat) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw ImageError.unreadable(path: path, reason: Self.reason(for: error))
        }
        guard let format = ImageFileFormat.sniff(data.prefix(8)) else {
            throw data.isEmpty ? ImageError.empty(path: path) : ImageError.unknownFormat(path: path)
        }
        return (try decode(data: data, name: path), format)
    }

    /// Decodes encoded image bytes; `name` is used in error messages.
    public static func decode(data: Data, name: String) throws -> RGBImage {
        guard !data.isEmpty else { throw ImageError.empty(path: name) }
        guard let format = ImageFileFormat.sniff(data.prefix(8)) else { throw ImageError.unknownFormat(path: name) }
        switch format {
        case .bmp: return try BMPDecoder.decode([UInt8](data), name: name)
        case .gif: return try GIFDecoder.decode([UInt8](data), name: name)
        case .jpeg, .png, .tiff: break
        }
        return try data.withUnsafeBytes { raw -> RGBImage in
            let bytes = raw.bindMemory(to: UInt8.self)
            let codec = Codec(format: format)
            var width: Int32 = 0, height: Int32 = 0
            var message = [CChar](repeating: 0, count: Int(TL_IMAGE_MESSAGE_CAPACITY))
            let probed = codec.probe(bytes.baseAddress, bytes.count, &width, &height, &message, message.count)
            try check(probed, message: message, name: name, format: format)
            let pixelCount = Int(width) * Int(height)
            guard pixelCount <= maximumPixelCount else {
                throw ImageError.tooLarge(path: name, width: Int(width), height: Int(height), limit: maximumPixelCount)
            }
            var pixels = [UInt8](repeating: 0, count: pixelCount * 3)
            let decoded = pixels.withUnsafeMutableBufferPointer { out in
                codec.decode(bytes.baseAddress, bytes.count, out.baseAddress, out.count, &message, message.count)
            }
            try check(decoded, message: message, name: name, format: format)
            return RGBImage(width: Int(width), height: Int(height), pixels: pixels)
        }
    }

    /// The C entry points of one format.
    private struct Codec {
        typealias Probe = (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?,
                           UnsafeMutablePointer<CChar>?, Int) -> tl_image_status
        typealias Decode = (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?, Int,
                            UnsafeMutablePointer<CChar>?, Int) -> tl_image_status
        let probe: Probe
        let decode: Decode

        init(format: ImageFileFormat) {
            switch format {
            case .jpeg: probe = tl_jpeg_probe; decode = tl_jpeg_decode
            case .tiff: probe = tl_tiff_probe; decode = tl_tiff_decode
            case .png, .bmp, .gif: probe = tl_png_probe; decode = tl_png_decode   // BMP and GIF never reach C
            }
        }
    }

    private static func check(_ status: tl_image_status, message: [CChar], name: String,
                              format: ImageFileFormat) throws {
        let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        switch status {
        case TL_IMAGE_OK: return
        case TL_IMAGE_UNSUPPORTED: throw ImageError.unsupported(path: name, reason: text)
        case TL_IMAGE_NO_MEMORY: throw ImageError.unsupported(path: name, reason: "out of memory while decoding")
        default: throw ImageError.corrupt(path: name, format: format.rawValue, reason: text)
        }
    }

    private static func reason(for error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        if ns.domain == NSCocoaErrorDomain, ns.code == NSFileReadNoSuchFileError { return "no such file" }
        return ns.localizedDescription
    }
}
