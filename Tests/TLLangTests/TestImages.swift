import Foundation

/// Small image files written byte by byte, for feeding hostile and unusual inputs to the language.
enum TestImages {
    /// PNG colour types.
    enum ColorType: UInt8 {
        case gray = 0, rgb = 2, palette = 3, grayAlpha = 4, rgba = 6
        var channels: Int {
            switch self {
            case .gray, .palette: return 1
            case .grayAlpha: return 2
            case .rgb: return 3
            case .rgba: return 4
            }
        }
    }

    /// A PNG of the given layout with a simple gradient; `declaredWidth`/`declaredHeight` may claim more
    /// than the pixel data holds (a hostile header).
    static func png(width: Int, height: Int, colorType: ColorType = .rgb, bitDepth: UInt8 = 8,
                    declaredWidth: Int? = nil, declaredHeight: Int? = nil) -> Data {
        var ihdr = Data()
        ihdr.append(bigEndian: UInt32(declaredWidth ?? width))
        ihdr.append(bigEndian: UInt32(declaredHeight ?? height))
        ihdr.append(contentsOf: [bitDepth, colorType.rawValue, 0, 0, 0])
        let bytesPerSample = bitDepth == 16 ? 2 : 1
        var raw = Data()
        for y in 0..<height {
            raw.append(0)   // filter: none
            for x in 0..<width {
                for c in 0..<colorType.channels {
                    let value = UInt8(truncatingIfNeeded: (x * 37 + y * 11 + c * 80) % (colorType == .palette ? 4 : 256))
                    raw.append(value)
                    if bytesPerSample == 2 { raw.append(value) }
                }
            }
        }
        var file = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        file.append(chunk("IHDR", ihdr))
        if colorType == .palette {
            file.append(chunk("PLTE", Data([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])))
        }
        file.append(chunk("IDAT", zlibStored(raw)))
        file.append(chunk("IEND", Data()))
        return file
    }

    private static func chunk(_ type: String, _ body: Data) -> Data {
        var out = Data()
        out.append(bigEndian: UInt32(body.count))
        let typed = Data(type.utf8) + body
        out.append(typed)
        out.append(bigEndian: crc32(typed))
        return out
    }

    /// A zlib stream of uncompressed (stored) deflate blocks.
    private static func zlibStored(_ data: Data) -> Data {
        var out = Data([0x78, 0x01])
        var offset = 0
        repeat {
            let size = min(65535, data.count - offset)
            out.append(offset + size == data.count ? 1 : 0)
            out.append(UInt8(size & 0xFF)); out.append(UInt8(size >> 8))
            out.append(UInt8(~size & 0xFF)); out.append(UInt8((~size >> 8) & 0xFF))
            out.append(data.subdata(in: offset..<(offset + size)))
            offset += size
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        out.append(bigEndian: (b << 16) | a)
        return out
    }

    private static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}

extension Data {
    mutating func append(bigEndian value: UInt32) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
