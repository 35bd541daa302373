import Foundation

/// The elements of an `.npy` file in the NumPy dtype tl keeps them in: float32, float64, int64, int32,
/// uint8 or bool.
public enum NPYValues: Equatable {
    case float32([Float])
    case float64([Double])
    case int64([Int64])
    case int32([Int32])
    case uint8([UInt8])
    case bool([Bool])

    /// NumPy's `descr` for writing: little-endian, as NumPy writes on x86 and ARM.
    var descr: String {
        switch self {
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .int64: return "<i8"
        case .int32: return "<i4"
        case .uint8: return "|u1"
        case .bool: return "|b1"
        }
    }

    var count: Int {
        switch self {
        case .float32(let v): return v.count
        case .float64(let v): return v.count
        case .int64(let v): return v.count
        case .int32(let v): return v.count
        case .uint8(let v): return v.count
        case .bool(let v): return v.count
        }
    }
}

extension NPY {
    /// Writes an array keeping its dtype (`np.save`): version 1.0, C order, any shape including 0-d.
    public static func write(path: String, shape: [Int], values: NPYValues) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw FileFormatError(path: path, message: "Cannot write '\(path)': shape \(shape) does not hold \(values.count) values.")
        }
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(values.descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        let padding = (alignment - (magic.count + 4 + header.utf8.count + 1) % alignment) % alignment
        header += String(repeating: " ", count: padding) + "\n"
        var data = Data(magic + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        switch values {
        case .float32(let v): v.forEach { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        case .float64(let v): v.forEach { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        case .int64(let v): v.forEach { value in withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        case .int32(let v): v.forEach { value in withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        case .uint8(let v): data.append(contentsOf: v)
        case .bool(let v): data.append(contentsOf: v.map { $0 ? 1 : 0 })
        }
        try writeAtomically(data, to: path)
    }

    /// Reads an `.npy` file keeping its kind (`np.load`): floats of 4 bytes (and float16) as float32,
    /// of 8 bytes as float64, int32 and uint8 as themselves, the other integer types as int64, bools as
    /// bool; the shape as stored (`[]` for 0-d).
    public static func readTyped(path: String) throws -> (shape: [Int], values: NPYValues) {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw FileFormatError(path: path, message: exists ? "Cannot read '\(path)': permission denied or unreadable." : "No such file or directory: '\(path)'")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw FileFormatError(path: path, message: "'\(path)' is not a NumPy .npy file: it does not start with \\x93NUMPY. Save arrays with numpy.save.")
        }
        let headerStart = bytes[6] == 1 ? 10 : 12
        guard bytes.count >= headerStart else { throw FileFormatError(path: path, message: "'\(path)' is truncated.") }
        let headerLength = bytes[6] == 1 ? Int(bytes[8]) | Int(bytes[9]) << 8 : (8..<12).reduce(0) { $0 | Int(bytes[$1]) << (8 * ($1 - 8)) }
        guard bytes.count >= headerStart + headerLength,
              let header = String(bytes: bytes[headerStart..<headerStart + headerLength], encoding: .isoLatin1) else {
            throw FileFormatError(path: path, message: "'\(path)' is truncated: the .npy header is incomplete.")
        }
        let description = try NPYHeader(parsing: header, path: path)
        let type = description.elementType
        let count = description.shape.reduce(1, *)
        let start = headerStart + headerLength, end = start + count * type.byteCount
        guard bytes.count >= end else { throw FileFormatError(path: path, message: "'\(path)' is truncated: the .npy header announces \(end) bytes but the file has \(bytes.count). Save it again.") }
        var order = Array(0..<count)
        if description.fortranOrder && description.shape.count > 1 { order = cOrderPositions(shape: description.shape) }
        let raw = (0..<count).map { type.bits(bytes, at: start + order[$0] * type.byteCount) }
        let values: NPYValues
        switch (type.kind, type.byteCount) {
        case (.float, 8): values = .float64(raw.map { Double(bitPattern: $0) })
        case (.float, _):
            let floats = type.decode(bytes[start..<end], count: count)
            values = .float32(order.map { floats[$0] })
        case (.bool, _): values = .bool(raw.map { $0 != 0 })
        case (.signed, 4): values = .int32(raw.map { Int32(truncatingIfNeeded: $0) })
        case (.unsigned, 1): values = .uint8(raw.map { UInt8(truncatingIfNeeded: $0) })
        case (.signed, _): values = .int64(raw.map { Int64(bitPattern: $0 << UInt64(64 - type.byteCount * 8)) >> Int64(64 - type.byteCount * 8) })
        case (.unsigned, _): values = .int64(raw.map { Int64(bitPattern: $0) })
        }
        return (description.shape, values)
    }

    /// For each C-order position, the position of the same element in Fortran order.
    static func cOrderPositions(shape: [Int]) -> [Int] {
        // Up to one axis (0-d included) both orders are the same.
        guard shape.count > 1 else { return Array(0..<shape.reduce(1, *)) }
        var fortranStrides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1] }
        var index = [Int](repeating: 0, count: shape.count)
        var positions: [Int] = []
        for _ in 0..<shape.reduce(1, *) {
            positions.append(zip(index, fortranStrides).reduce(0) { $0 + $1.0 * $1.1 })
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return positions
    }
}

extension NPYElementType {
    /// The raw bits of the element at `offset`, in native order.
    func bits(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        var bits: UInt64 = 0
        for byte in 0..<byteCount {
            let shift = bigEndian ? (byteCount - 1 - byte) * 8 : byte * 8
            bits |= UInt64(bytes[offset + byte]) << shift
        }
        return bits
    }
}
