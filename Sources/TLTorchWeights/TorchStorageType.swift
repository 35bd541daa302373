/// The element types of PyTorch storages (`torch.FloatStorage`, ...) and how to turn their bytes into `Float`.
enum TorchStorageType: String, CaseIterable {
    case float = "FloatStorage", half = "HalfStorage", double = "DoubleStorage", bfloat16 = "BFloat16Storage"
    case long = "LongStorage", int = "IntStorage", short = "ShortStorage"
    case char = "CharStorage", byte = "ByteStorage", bool = "BoolStorage"

    /// Bytes per element.
    var elementSize: Int {
        switch self {
        case .double, .long: return 8
        case .float, .int: return 4
        case .half, .bfloat16, .short: return 2
        case .char, .byte, .bool: return 1
        }
    }

    /// Decodes little-endian elements to `Float` (int64 values beyond 2^24 round, as a cast would).
    func decode(_ bytes: ArraySlice<UInt8>) -> [Float] {
        let count = bytes.count / elementSize
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            switch self {
            case .float:
                for i in 0..<count { values[i] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self).littleEndian) }
            case .double:
                for i in 0..<count { values[i] = Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self).littleEndian)) }
            case .half:
                for i in 0..<count { values[i] = Self.halfToFloat(raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self).littleEndian) }
            case .bfloat16:
                // bfloat16 is the upper half of a float32.
                for i in 0..<count { values[i] = Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self).littleEndian) << 16) }
            case .long:
                for i in 0..<count { values[i] = Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))) }
            case .int:
                for i in 0..<count { values[i] = Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))) }
            case .short:
                for i in 0..<count { values[i] = Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: i * 2, as: Int16.self))) }
            case .char:
                for i in 0..<count { values[i] = Float(Int8(bitPattern: raw[i])) }
            case .byte, .bool:
                for i in 0..<count { values[i] = Float(raw[i]) }
            }
        }
        return values
    }

    /// IEEE 754 binary16 to binary32, written out because `Float16` is missing on some platforms.
    static func halfToFloat(_ half: UInt16) -> Float {
        let sign = UInt32(half & 0x8000) << 16
        let exponent = Int((half >> 10) & 0x1F)
        let mantissa = UInt32(half & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa * 2^-24.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            // Infinity or NaN keep their mantissa bits.
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
        }
    }
}

/// A storage as a persistent id names it: which record holds its bytes, the element type, and,
/// for the legacy format's storage views, where the view starts inside its root storage.
struct TorchStorageReference {
    /// The record key (`"0"`, `"103185984"`, ...).
    var key: String
    var type: TorchStorageType
    /// Elements before this storage (view) starts within the record.
    var elementOffset: Int
    /// Elements the pickle says the storage (view) has.
    var elementCount: Int
}

/// A tensor as `_rebuild_tensor_v2` describes it: a window into a storage.
struct TensorRecipe {
    var storage: TorchStorageReference
    var offset: Int
    var shape: [Int]
    var strides: [Int]
}
