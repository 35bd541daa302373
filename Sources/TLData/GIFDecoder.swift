/// The first frame of a GIF (87a or 89a) as RGB, as Keras reads animations (`expand_animations=False`
/// in TensorFlow, the first frame in Pillow): the frame drawn at its offset on a black canvas of the
/// logical screen's size, each pixel its palette colour (transparency is not applied, as Pillow's
/// `convert("RGB")` does not), interlaced frames put back in row order.
enum GIFDecoder {
    static func decode(_ bytes: [UInt8], name: String) throws -> RGBImage {
        func corrupt(_ reason: String) -> ImageError { .corrupt(path: name, format: "GIF", reason: reason) }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        guard bytes.count >= 13 else { throw corrupt("the header is truncated") }
        let screenWidth = u16(6), screenHeight = u16(8), flags = Int(bytes[10])
        guard screenWidth > 0, screenHeight > 0 else { throw corrupt("its screen size is \(screenWidth)x\(screenHeight)") }
        guard screenWidth * screenHeight <= ImageDecoder.maximumPixelCount else {
            throw ImageError.tooLarge(path: name, width: screenWidth, height: screenHeight, limit: ImageDecoder.maximumPixelCount)
        }
        var at = 13
        var palette: [UInt8] = []
        if flags & 0x80 != 0 {
            let size = 3 << ((flags & 7) + 1)
            guard at + size <= bytes.count else { throw corrupt("the colour table is truncated") }
            palette = Array(bytes[at..<(at + size)])
            at += size
        }
        while at < bytes.count {
            switch bytes[at] {
            case 0x21:   // extension: label, then sub-blocks
                at = try skipSubBlocks(bytes, from: at + 2, corrupt: corrupt)
            case 0x2C:
                return try decodeFrame(bytes, at: at, palette: palette, screen: (screenWidth, screenHeight), corrupt: corrupt)
            case 0x3B:
                throw corrupt("it holds no image")
            default:
                throw corrupt("unexpected block 0x\(String(bytes[at], radix: 16))")
            }
        }
        throw corrupt("it ends before its first image")
    }

    private static func skipSubBlocks(_ bytes: [UInt8], from start: Int, corrupt: (String) -> ImageError) throws -> Int {
        var at = start
        while true {
            guard at < bytes.count else { throw corrupt("a block is truncated") }
            let length = Int(bytes[at])
            at += 1 + length
            if length == 0 { return at }
        }
    }

    private static func decodeFrame(_ bytes: [UInt8], at start: Int, palette global: [UInt8], screen: (width: Int, height: Int),
                                    corrupt: (String) -> ImageError) throws -> RGBImage {
        guard start + 10 <= bytes.count else { throw corrupt("the image descriptor is truncated") }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        let left = u16(start + 1), top = u16(start + 3), width = u16(start + 5), height = u16(start + 7)
        let flags = Int(bytes[start + 9])
        var at = start + 10
        var palette = global
        if flags & 0x80 != 0 {
            let size = 3 << ((flags & 7) + 1)
            guard at + size <= bytes.count else { throw corrupt("the local colour table is truncated") }
            palette = Array(bytes[at..<(at + size)])
            at += size
        }
        guard !palette.isEmpty else { throw corrupt("it has no colour table") }
        guard at < bytes.count else { throw corrupt("the image data is missing") }
        let minimumCodeSize = Int(bytes[at])
        guard (2...8).contains(minimumCodeSize) else { throw corrupt("its LZW code size is \(minimumCodeSize)") }
        var data: [UInt8] = []
        at += 1
        while at < bytes.count, bytes[at] != 0 {
            let length = Int(bytes[at])
            guard at + 1 + length <= bytes.count else { throw corrupt("the image data is truncated") }
            data += bytes[(at + 1)..<(at + 1 + length)]
            at += 1 + length
        }
        let indices = try LZW.decode(data, minimumCodeSize: minimumCodeSize, count: width * height, corrupt: corrupt)
        let rows = flags & 0x40 != 0 ? interlacedRows(height) : Array(0..<height)
        var pixels = [UInt8](repeating: 0, count: screen.width * screen.height * 3)
        for (i, index) in indices.enumerated() {
            let y = top + rows[i / width], x = left + i % width
            guard y < screen.height, x < screen.width, Int(index) * 3 + 2 < palette.count else { continue }
            let target = (y * screen.width + x) * 3
            for c in 0..<3 { pixels[target + c] = palette[Int(index) * 3 + c] }
        }
        return RGBImage(width: screen.width, height: screen.height, pixels: pixels)
    }

    /// The image row each stored row of an interlaced frame belongs to (passes from rows 0, 4, 2, 1).
    static func interlacedRows(_ height: Int) -> [Int] {
        [(0, 8), (4, 8), (2, 4), (1, 2)].flatMap { start, step in Array(stride(from: start, to: height, by: step)) }
    }
}

/// GIF's variable-width LZW (codes read least significant bit first, up to 12 bits, clear and end codes).
enum LZW {
    static func decode(_ data: [UInt8], minimumCodeSize: Int, count: Int, corrupt: (String) -> ImageError) throws -> [UInt8] {
        let clear = 1 << minimumCodeSize, end = clear + 1
        var prefix = [Int](repeating: -1, count: 4096), suffix = [UInt8](repeating: 0, count: 4096)
        var first = [UInt8](repeating: 0, count: 4096), length = [Int](repeating: 0, count: 4096)
        for code in 0..<clear { suffix[code] = UInt8(truncatingIfNeeded: code); first[code] = suffix[code]; length[code] = 1 }
        var codeSize = minimumCodeSize + 1, next = end + 1, previous = -1
        var output: [UInt8] = []
        output.reserveCapacity(count)
        var bitBuffer = 0, bitCount = 0, position = 0
        func emit(_ code: Int) {
            let start = output.count
            output += repeatElement(0, count: length[code])
            var c = code
            for k in stride(from: start + length[code] - 1, through: start, by: -1) {
                output[k] = suffix[c]
                c = prefix[c]
            }
        }
        while output.count < count {
            while bitCount < codeSize && position < data.count {
                bitBuffer |= Int(data[position]) << bitCount
                bitCount += 8
                position += 1
            }
            guard bitCount >= codeSize else { break }   // data ran out: the rest stays background, as decoders allow
            let code = bitBuffer & ((1 << codeSize) - 1)
            bitBuffer >>= codeSize
            bitCount -= codeSize
            if code == clear { codeSize = minimumCodeSize + 1; next = end + 1; previous = -1; continue }
            if code == end { break }
            if previous < 0 {
                guard code < clear else { throw corrupt("the first LZW code \(code) is not a colour") }
                emit(code)
                previous = code
                continue
            }
            guard code <= next else { throw corrupt("LZW code \(code) is beyond the table (\(next))") }
            if next < 4096 {
                prefix[next] = previous
                suffix[next] = code < next ? first[code] : first[previous]
                first[next] = first[previous]
                length[next] = length[previous] + 1
                next += 1
                if next == 1 << codeSize && codeSize < 12 { codeSize += 1 }
            }
            emit(code)
            previous = code
        }
        if output.count < count { output += repeatElement(0, count: count - output.count) }
        return Array(output.prefix(count))
    }
}
