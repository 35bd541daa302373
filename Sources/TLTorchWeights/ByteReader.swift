/// A bounds-checked cursor over a file's bytes; running past the end throws
/// ``TorchCheckpointError/truncated(path:what:)`` instead of trapping.
struct ByteReader {
    let bytes: [UInt8]
    let path: String
    /// The next byte to read.
    var offset: Int
    /// One past the last byte this reader may read (a zip entry ends before the file does).
    let end: Int
    /// What is being read, for truncation messages.
    var context: String

    init(bytes: [UInt8], path: String, range: Range<Int>? = nil, context: String) {
        self.bytes = bytes
        self.path = path
        self.offset = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
        self.context = context
    }

    var isAtEnd: Bool { offset >= end }
    var remaining: Int { end - offset }

    mutating func readByte() throws -> UInt8 {
        guard offset < end else { throw truncation }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// The next `count` bytes, as indices into ``bytes``.
    mutating func readRange(_ count: Int) throws -> Range<Int> {
        guard count >= 0, count <= remaining else { throw truncation }
        defer { offset += count }
        return offset..<offset + count
    }

    mutating func read(_ count: Int) throws -> ArraySlice<UInt8> {
        bytes[try readRange(count)]
    }

    /// A little-endian integer of `T`'s width.
    mutating func readLittleEndian<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let range = try readRange(MemoryLayout<T>.size)
        return Self.littleEndian(bytes[range])
    }

    /// Bytes up to (not including) the next `\n`, which is consumed, decoded as UTF-8.
    mutating func readLine() throws -> String {
        guard let newline = bytes[offset..<end].firstIndex(of: 0x0A) else { throw truncation }
        defer { offset = newline + 1 }
        return String(decoding: bytes[offset..<newline], as: UTF8.self)
    }

    static func littleEndian<T: FixedWidthInteger>(_ slice: ArraySlice<UInt8>) -> T {
        var value: T = 0
        for byte in slice.reversed() { value = value << 8 | T(truncatingIfNeeded: byte) }
        return value
    }

    var truncation: TorchCheckpointError { .truncated(path: path, what: context) }
}
