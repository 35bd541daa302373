@testable import TLTorchWeights

/// Writes zip archives of stored (uncompressed) entries for the tests: local header + data per entry,
/// then the central directory and its end record. Entry data is padded to 64 bytes through the local
/// extra field, as PyTorch does, so readers must not assume the local and central extras match.
enum ZipWriter {
    static func archive(_ entries: [(name: String, data: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func le<T: FixedWidthInteger>(_ value: T, into bytes: inout [UInt8]) {
            bytes += withUnsafeBytes(of: value.littleEndian, Array.init)
        }
        for (name, data) in entries {
            let offset = UInt32(out.count)
            let crc = CRC32.checksum(data[...])
            let nameBytes = Array(name.utf8)
            let unpadded = out.count + 30 + nameBytes.count + 4
            let padding = (64 - unpadded % 64) % 64
            le(UInt32(0x0403_4B50), into: &out)
            le(UInt16(20), into: &out); le(UInt16(0), into: &out); le(UInt16(0), into: &out)   // version, flags, stored
            le(UInt16(0), into: &out); le(UInt16(0), into: &out)                                // time, date
            le(crc, into: &out); le(UInt32(data.count), into: &out); le(UInt32(data.count), into: &out)
            le(UInt16(nameBytes.count), into: &out); le(UInt16(4 + padding), into: &out)
            out += nameBytes
            le(UInt16(0x4246), into: &out); le(UInt16(padding), into: &out)                    // "FB" padding field
            out += [UInt8](repeating: 0x5A, count: padding)
            out += data

            le(UInt32(0x0201_4B50), into: &central)
            le(UInt16(20), into: &central); le(UInt16(20), into: &central); le(UInt16(0), into: &central); le(UInt16(0), into: &central)
            le(UInt16(0), into: &central); le(UInt16(0), into: &central)
            le(crc, into: &central); le(UInt32(data.count), into: &central); le(UInt32(data.count), into: &central)
            le(UInt16(nameBytes.count), into: &central); le(UInt16(0), into: &central); le(UInt16(0), into: &central)
            le(UInt16(0), into: &central); le(UInt16(0), into: &central); le(UInt32(0), into: &central)
            le(offset, into: &central)
            central += nameBytes
        }
        let directoryOffset = UInt32(out.count)
        out += central
        le(UInt32(0x0605_4B50), into: &out)
        le(UInt16(0), into: &out); le(UInt16(0), into: &out)
        le(UInt16(entries.count), into: &out); le(UInt16(entries.count), into: &out)
        le(UInt32(central.count), into: &out); le(directoryOffset, into: &out)
        le(UInt16(0), into: &out)
        return out
    }
}
