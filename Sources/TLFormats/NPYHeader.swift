import Foundation

/// The dictionary of an `.npy` header: element type, memory order and shape.
struct NPYHeader {
    var elementType: NPYElementType
    var fortranOrder: Bool
    var shape: [Int]

    /// Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` (keys in any order).
    init(parsing header: String, path: String) throws {
        func value(of key: String) throws -> String {
            // The value runs from after "'key':" to the next top-level comma or closing brace.
            guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else {
                throw FileFormatError(path: path, message: "'\(path)': the .npy header has no '\(key)' entry: \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            var rest = header[keyRange.upperBound...].drop { $0 == " " }
            guard rest.first == ":" else { throw malformed(header, path) }
            rest = rest.dropFirst().drop { $0 == " " }
            var depth = 0
            var end = rest.startIndex
            while end < rest.endIndex {
                let character = rest[end]
                if character == "(" { depth += 1 }
                if character == ")" { depth -= 1 }
                if depth == 0 && (character == "," || character == "}") { break }
                end = rest.index(after: end)
            }
            return rest[rest.startIndex..<end].trimmingCharacters(in: .whitespaces)
        }

        let descr = try value(of: "descr").trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        guard let elementType = NPYElementType(descr: descr) else {
            throw FileFormatError(path: path, message: "'\(path)' holds elements of NumPy type '\(descr)', which tl cannot read; save the array as float32 (array.astype('float32')).")
        }
        self.elementType = elementType

        switch try value(of: "fortran_order") {
        case "False": fortranOrder = false
        case "True": fortranOrder = true
        default: throw malformed(header, path)
        }

        let shapeText = try value(of: "shape")
        guard shapeText.hasPrefix("("), shapeText.hasSuffix(")") else { throw malformed(header, path) }
        let inner = shapeText.dropFirst().dropLast()
        var dimensions: [Int] = []
        for part in inner.split(separator: ",") {
            let text = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            guard let dimension = Int(text), dimension >= 0 else { throw malformed(header, path) }
            dimensions.append(dimension)
        }
        shape = dimensions
    }
}

private func malformed(_ header: String, _ path: String) -> FileFormatError {
    FileFormatError(path: path, message: "'\(path)': malformed .npy header: \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
}

/// An element type named by an `.npy` `descr` such as `<f4`, `|u1` or `>i8`.
struct NPYElementType {
    enum Kind { case float, signed, unsigned, bool }
    var kind: Kind
    var byteCount: Int
    var bigEndian: Bool

    init?(descr: String) {
        guard descr.count >= 3, let order = descr.first, let kindCode = descr.dropFirst().first,
              let size = Int(descr.dropFirst(2)) else { return nil }
        switch order {
        case "<", "|", "=": bigEndian = false  // '=' is native: little-endian on every platform Swift targets here
        case ">": bigEndian = true
        default: return nil
        }
        switch (kindCode, size) {
        case ("f", 2), ("f", 4), ("f", 8): kind = .float
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): kind = .signed
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): kind = .unsigned
        case ("b", 1): kind = .bool
        default: return nil
        }
        byteCount = size
    }

    /// Converts `count` packed elements to `Float` (integers beyond 2^24 round, as `astype('f4')` does).
    func decode(_ bytes: ArraySlice<UInt8>, count: Int) -> [Float] {
        var result = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for index in 0..<count {
                var bits: UInt64 = 0
                for byte in 0..<byteCount {
                    let shift = bigEndian ? (byteCount - 1 - byte) * 8 : byte * 8
                    bits |= UInt64(raw[index * byteCount + byte]) << shift
                }
                result[index] = convert(bits)
            }
        }
        return result
    }

    private func convert(_ bits: UInt64) -> Float {
        switch (kind, byteCount) {
        case (.float, 2): return halfToFloat(UInt16(bits))
        case (.float, 4): return Float(bitPattern: UInt32(bits))
        case (.float, 8): return Float(Double(bitPattern: bits))
        case (.signed, _):
            // Sign-extend from byteCount bytes.
            let shift = UInt64(64 - byteCount * 8)
            return Float(Int64(bitPattern: bits << shift) >> Int64(shift))
        case (.bool, _): return bits == 0 ? 0 : 1
        default: return Float(bits)
        }
    }

    /// IEEE 754 binary16 to binary32 (written out because Float16 is unavailable on some platforms).
    private func halfToFloat(_ half: UInt16) -> Float {
        let sign: Float = half & 0x8000 == 0 ? 1 : -1
        let exponent = Int((half >> 10) & 0x1F)
        let mantissa = Float(half & 0x3FF)
        switch exponent {
        case 0: return sign * mantissa * Float(sign: .plus, exponent: -24, significand: 1)
        case 31: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
