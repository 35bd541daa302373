/// Builds pickles byte by byte for the tests, one method per opcode (names as in Python's pickletools),
/// so each test spells out exactly what `torch.save` would have written.
struct PickleWriter {
    private(set) var bytes: [UInt8] = []

    mutating func proto(_ version: UInt8) { bytes += [0x80, version] }          // PROTO
    mutating func stop() { bytes.append(0x2E) }                                 // .
    mutating func mark() { bytes.append(0x28) }                                 // (
    mutating func emptyTuple() { bytes.append(0x29) }                           // )
    mutating func emptyDict() { bytes.append(0x7D) }                            // }
    mutating func emptyList() { bytes.append(0x5D) }                            // ]
    mutating func tuple() { bytes.append(0x74) }                                // t: tuple from mark
    mutating func tuple1() { bytes.append(0x85) }
    mutating func tuple2() { bytes.append(0x86) }
    mutating func tuple3() { bytes.append(0x87) }
    mutating func none() { bytes.append(0x4E) }                                 // N
    mutating func newTrue() { bytes.append(0x88) }
    mutating func newFalse() { bytes.append(0x89) }
    mutating func reduce() { bytes.append(0x52) }                               // R
    mutating func build() { bytes.append(0x62) }                                // b
    mutating func setItem() { bytes.append(0x73) }                              // s
    mutating func setItems() { bytes.append(0x75) }                             // u
    mutating func appends() { bytes.append(0x65) }                              // e
    mutating func binPersistentID() { bytes.append(0x51) }                      // Q
    mutating func memoize() { bytes.append(0x94) }
    mutating func binPut(_ index: UInt8) { bytes += [0x71, index] }             // q
    mutating func binGet(_ index: UInt8) { bytes += [0x68, index] }             // h
    mutating func longBinGet(_ index: UInt32) { bytes.append(0x6A); littleEndian(index) }
    mutating func binInt1(_ value: UInt8) { bytes += [0x4B, value] }            // K
    mutating func binInt2(_ value: UInt16) { bytes.append(0x4D); littleEndian(value) }
    mutating func binInt(_ value: Int32) { bytes.append(0x4A); littleEndian(value) }
    /// LONG1: length byte, then little-endian two's-complement bytes.
    mutating func long1(_ value: [UInt8]) { bytes += [0x8A, UInt8(value.count)] + value }
    /// BINFLOAT: big-endian IEEE double.
    mutating func binFloat(_ value: Double) { bytes.append(0x47); bytes += withUnsafeBytes(of: value.bitPattern.bigEndian, Array.init) }
    /// BINUNICODE: 4-byte little-endian length, UTF-8.
    mutating func binUnicode(_ text: String) { bytes.append(0x58); littleEndian(UInt32(text.utf8.count)); bytes += text.utf8 }
    mutating func shortBinUnicode(_ text: String) { bytes += [0x8C, UInt8(text.utf8.count)]; bytes += text.utf8 }
    /// GLOBAL: "module\nname\n".
    mutating func global(_ module: String, _ name: String) { bytes.append(0x63); bytes += "\(module)\n\(name)\n".utf8 }
    /// STACK_GLOBAL: module and name taken from the stack.
    mutating func stackGlobal(_ module: String, _ name: String) {
        shortBinUnicode(module); shortBinUnicode(name); bytes.append(0x93)
    }

    mutating func littleEndian<T: FixedWidthInteger>(_ value: T) {
        bytes += withUnsafeBytes(of: value.littleEndian, Array.init)
    }
}
