/// Windows bitmaps as Pillow and TensorFlow read them into RGB: uncompressed 1-, 4- and 8-bit paletted,
/// 24-bit BGR and 32-bit BGRA/BGRX (alpha dropped, as `convert("RGB")` drops it), bottom-up or top-down.
/// Run-length-compressed bitmaps are refused by name.
enum BMPDecoder {
    static func decode(_ bytes: [UInt8], name: String) throws -> RGBImage {
        func corrupt(_ reason: String) -> ImageError { .corrupt(path: name, format: "BMP", reason: reason) }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        guard bytes.count >= 54 else { throw corrupt("the header is truncated") }
        let dataOffset = u32(10), headerSize = u32(14)
        guard headerSize >= 40 else { throw ImageError.unsupported(path: name, reason: "OS/2 bitmaps (header of \(headerSize) bytes) are not read") }
        let width = Int(Int32(truncatingIfNeeded: u32(18)))
        let signedHeight = Int(Int32(truncatingIfNeeded: u32(22)))
        let bitsPerPixel = u16(28), compression = u32(30)
        let height = abs(signedHeight), topDown = signedHeight < 0
        guard width > 0, height > 0 else { throw corrupt("its size is \(width)x\(signedHeight)") }
        guard width * height <= ImageDecoder.maximumPixelCount else {
            throw ImageError.tooLarge(path: name, width: width, height: height, limit: ImageDecoder.maximumPixelCount)
        }
        guard compression == 0 || (compression == 3 && bitsPerPixel == 32) else {
            throw ImageError.unsupported(path: name, reason: "compressed bitmaps (compression \(compression)) are not read")
        }
        guard [1, 4, 8, 24, 32].contains(bitsPerPixel) else {
            throw ImageError.unsupported(path: name, reason: "\(bitsPerPixel)-bit bitmaps are not read")
        }
        var palette: [[UInt8]] = []
        if bitsPerPixel <= 8 {
            let declared = u32(46)
            let count = declared == 0 ? 1 << bitsPerPixel : declared
            let start = 14 + headerSize
            guard start + count * 4 <= bytes.count else { throw corrupt("the palette is truncated") }
            palette = (0..<count).map { i in [bytes[start + i * 4 + 2], bytes[start + i * 4 + 1], bytes[start + i * 4]] }
        }
        let rowBytes = (width * bitsPerPixel + 31) / 32 * 4
        guard dataOffset + rowBytes * height <= bytes.count else { throw corrupt("the pixel data is truncated") }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for row in 0..<height {
            let source = dataOffset + (topDown ? row : height - 1 - row) * rowBytes
            for x in 0..<width {
                let target = (row * width + x) * 3
                switch bitsPerPixel {
                case 24, 32:
                    let at = source + x * bitsPerPixel / 8
                    pixels[target] = bytes[at + 2]
                    pixels[target + 1] = bytes[at + 1]
                    pixels[target + 2] = bytes[at]
                default:
                    let bit = x * bitsPerPixel
                    let byte = bytes[source + bit / 8]
                    let index = Int(byte >> UInt8(8 - bitsPerPixel - bit % 8)) & ((1 << bitsPerPixel) - 1)
                    guard index < palette.count else { throw corrupt("a pixel names palette entry \(index) of \(palette.count)") }
                    pixels.replaceSubrange(target..<(target + 3), with: palette[index])
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
