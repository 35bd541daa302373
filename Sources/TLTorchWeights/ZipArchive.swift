/// The entries of a zip file whose members are stored uncompressed, which is how `torch.save` writes them.
///
/// Only the central directory is trusted for names and sizes; each entry's data starts after its own
/// local header, whose extra field differs from the central one (torch pads it to align tensors).
struct ZipArchive {
    struct Entry {
        var name: String
        /// Where the entry's bytes lie in the file.
        var range: Range<Int>
        var crc32: UInt32
    }

    let path: String
    let bytes: [UInt8]
    /// Entries in central-directory order.
    private(set) var entries: [Entry] = []

    static let localHeaderSignature: UInt32 = 0x0403_4B50
    private static let centralHeaderSignature: UInt32 = 0x0201_4B50
    private static let endSignature: UInt32 = 0x0605_4B50
    private static let zip64EndSignature: UInt32 = 0x0606_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50

    init(bytes: [UInt8], path: String) throws {
        self.bytes = bytes
        self.path = path
        let end = try findEndRecord()
        var reader = ByteReader(bytes: bytes, path: path, range: end..<bytes.count, context: "the zip end record")
        _ = try reader.read(10)  // signature, disk numbers, entries on this disk
        var count = Int(try reader.readLittleEndian(UInt16.self))
        _ = try reader.readLittleEndian(UInt32.self)  // directory size
        var directoryOffset = Int(try reader.readLittleEndian(UInt32.self))
        if count == 0xFFFF || directoryOffset == 0xFFFF_FFFF {
            (count, directoryOffset) = try zip64Directory(endRecord: end)
        }
        var directory = ByteReader(bytes: bytes, path: path, range: min(directoryOffset, bytes.count)..<end,
                                   context: "the zip central directory")
        for _ in 0..<count { entries.append(try readEntry(&directory)) }
    }

    func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// The entry's bytes after checking its checksum.
    func contents(of entry: Entry) throws -> ArraySlice<UInt8> {
        let data = bytes[entry.range]
        guard CRC32.checksum(data) == entry.crc32 else {
            throw TorchCheckpointError.malformed(path: path, reason: "zip entry \(entry.name) fails its CRC-32 check")
        }
        return data
    }

    /// The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes.
    private func findEndRecord() throws -> Int {
        guard bytes.count >= 22 else { throw TorchCheckpointError.truncated(path: path, what: "the zip end record") }
        let earliest = max(0, bytes.count - 22 - 0xFFFF)
        for start in stride(from: bytes.count - 22, through: earliest, by: -1)
        where bytes[start] == 0x50 && ByteReader.littleEndian(bytes[start..<start + 4]) as UInt32 == Self.endSignature {
            return start
        }
        throw TorchCheckpointError.truncated(path: path, what: "a zip archive (no end-of-central-directory record)")
    }

    /// Entry count and directory offset from the ZIP64 end record, used by archives over 4 GB or 65535 entries.
    private func zip64Directory(endRecord: Int) throws -> (Int, Int) {
        guard endRecord >= 20 else { throw TorchCheckpointError.malformed(path: path, reason: "its ZIP64 locator is missing") }
        var locator = ByteReader(bytes: bytes, path: path, range: endRecord - 20..<endRecord, context: "the ZIP64 locator")
        guard try locator.readLittleEndian(UInt32.self) == Self.zip64LocatorSignature else {
            throw TorchCheckpointError.malformed(path: path, reason: "its zip end record points to a ZIP64 record that is missing")
        }
        _ = try locator.readLittleEndian(UInt32.self)
        let recordOffset = try offset(try locator.readLittleEndian(UInt64.self))
        var record = ByteReader(bytes: bytes, path: path, range: min(recordOffset, bytes.count)..<bytes.count,
                                context: "the ZIP64 end record")
        guard try record.readLittleEndian(UInt32.self) == Self.zip64EndSignature else {
            throw TorchCheckpointError.malformed(path: path, reason: "its ZIP64 end record is missing")
        }
        _ = try record.read(28)  // record size, versions, disk numbers, entries on this disk
        let count = try offset(try record.readLittleEndian(UInt64.self))
        _ = try record.readLittleEndian(UInt64.self)  // directory size
        return (count, try offset(try record.readLittleEndian(UInt64.self)))
    }

    private func readEntry(_ directory: inout ByteReader) throws -> Entry {
        guard try directory.readLittleEndian(UInt32.self) == Self.centralHeaderSignature else {
            throw TorchCheckpointError.malformed(path: path, reason: "its zip central directory is corrupt")
        }
        _ = try directory.read(6)  // versions, flags
        let method = try directory.readLittleEndian(UInt16.self)
        _ = try directory.read(4)  // time, date
        let crc = try directory.readLittleEndian(UInt32.self)
        var compressedSize = UInt64(try directory.readLittleEndian(UInt32.self))
        var size = UInt64(try directory.readLittleEndian(UInt32.self))
        let nameLength = Int(try directory.readLittleEndian(UInt16.self))
        let extraLength = Int(try directory.readLittleEndian(UInt16.self))
        let commentLength = Int(try directory.readLittleEndian(UInt16.self))
        _ = try directory.read(8)  // disk, attributes
        var localOffset = UInt64(try directory.readLittleEndian(UInt32.self))
        let name = String(decoding: try directory.read(nameLength), as: UTF8.self)
        var extra = ByteReader(bytes: bytes, path: path, range: try directory.readRange(extraLength), context: "zip entry \(name)")
        _ = try directory.read(commentLength)

        // ZIP64 extra field (id 1): 64-bit values for exactly the fields saturated at 0xFFFFFFFF.
        while extra.remaining >= 4 {
            let id = try extra.readLittleEndian(UInt16.self)
            var field = ByteReader(bytes: bytes, path: path, range: try extra.readRange(Int(try extra.readLittleEndian(UInt16.self))),
                                   context: "the ZIP64 field of \(name)")
            guard id == 1 else { continue }
            if size == 0xFFFF_FFFF { size = try field.readLittleEndian(UInt64.self) }
            if compressedSize == 0xFFFF_FFFF { compressedSize = try field.readLittleEndian(UInt64.self) }
            if localOffset == 0xFFFF_FFFF { localOffset = try field.readLittleEndian(UInt64.self) }
        }
        guard method == 0, compressedSize == size else {
            throw TorchCheckpointError.unsupported(path: path, reason:
                "zip entry \(name) is compressed (method \(method)); torch.save stores entries uncompressed, so re-save the checkpoint with torch.save instead of re-zipping it")
        }

        var local = ByteReader(bytes: bytes, path: path, range: min(try offset(localOffset), bytes.count)..<bytes.count,
                               context: "the local header of zip entry \(name)")
        guard try local.readLittleEndian(UInt32.self) == Self.localHeaderSignature else {
            throw TorchCheckpointError.malformed(path: path, reason: "zip entry \(name) points to a missing local header")
        }
        _ = try local.read(22)
        let localNameLength = Int(try local.readLittleEndian(UInt16.self))
        let localExtraLength = Int(try local.readLittleEndian(UInt16.self))
        _ = try local.read(localNameLength + localExtraLength)
        local.context = "zip entry \(name)"
        let range = try local.readRange(try offset(size))
        return Entry(name: name, range: range, crc32: crc)
    }

    /// A 64-bit size or offset as `Int`, rejecting values no file here can have.
    private func offset(_ value: UInt64) throws -> Int {
        guard value <= UInt64(Int.max / 2) else {
            throw TorchCheckpointError.malformed(path: path, reason: "its zip directory holds an impossible offset \(value)")
        }
        return Int(value)
    }
}
