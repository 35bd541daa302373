import Foundation

/// NumPy's `.npy` format: one array per file.
///
/// Layout: the magic `\u{93}NUMPY`, a version (major, minor byte), the header length (little-endian
/// UInt16 for version 1.0, UInt32 for 2.0 and 3.0), then an ASCII Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and ended by `\n`
/// so that the data starts at a multiple of 64 bytes, then the raw elements.
/// Writing produces version 1.0, `<f4`, C order. Reading accepts versions 1.0 to 3.0, C or Fortran order,
/// and the element types float16/32/64, signed and unsigned integers of 1, 2, 4 and 8 bytes and bool,
/// little- or big-endian, all converted to `Float`.
public enum NPY {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    static let alignment = 64

    /// Writes `values` (row-major, `shape.reduce(1, *)` of them) as a float32 `.npy` file, atomically.
    public static func write(path: String, shape: [Int], values: [Float]) throws {
        try writeAtomically(try encode(shape: shape, values: values, path: path), to: path)
    }

    /// Reads an `.npy` file: its shape (outermost first; `[]` for a 0-d array) and its values in C order.
    public static func read(path: String) throws -> (shape: [Int], values: [Float]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw FileFormatError(path: path, message: exists ? "Cannot read '\(path)': permission denied or unreadable." : "Cannot read '\(path)': no such file. Check the path.")
        }
        return try decode(data, path: path)
    }

    /// The bytes of a version 1.0 float32 `.npy` file.
    public static func encode(shape: [Int], values: [Float], path: String = "<memory>") throws -> Data {
        let count = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), count == values.count else {
            throw FileFormatError(path: path, message: "Cannot write '\(path)': shape \(shape) needs \(shape.allSatisfy { $0 >= 0 } ? String(count) : "non-negative sizes and") values but \(values.count) were given.")
        }
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        let prefixLength = magic.count + 2 + 2
        let padding = (alignment - (prefixLength + header.utf8.count + 1) % alignment) % alignment
        header += String(repeating: " ", count: padding) + "\n"
        guard header.utf8.count <= Int(UInt16.max) else {
            throw FileFormatError(path: path, message: "Cannot write '\(path)': shape \(shape) makes the header too long for .npy version 1.0.")
        }
        var data = Data(magic + [1, 0])
        let headerLength = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)])
        data.append(contentsOf: Array(header.utf8))
        values.withUnsafeBufferPointer { buffer in
            for value in buffer {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    /// Parses the bytes of an `.npy` file; `path` only names the source in errors.
    public static func decode(_ data: Data, path: String = "<memory>") throws -> (shape: [Int], values: [Float]) {
        let bytes = [UInt8](data)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw FileFormatError(path: path, message: "'\(path)' is not a NumPy .npy file: it does not start with \\x93NUMPY (\(bytes.count) bytes). Save arrays with numpy.save.")
        }
        let major = bytes[6]
        let headerStart: Int
        let headerLength: Int
        switch major {
        case 1:
            headerStart = 10
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        case 2, 3:
            guard bytes.count >= 12 else { throw truncated(path, needed: 12, have: bytes.count) }
            headerStart = 12
            headerLength = (8..<12).reduce(0) { $0 | Int(bytes[$1]) << (8 * ($1 - 8)) }
        default:
            throw FileFormatError(path: path, message: "'\(path)' is .npy format version \(major).\(bytes[7]); versions 1.0 to 3.0 are supported.")
        }
        guard bytes.count >= headerStart + headerLength else { throw truncated(path, needed: headerStart + headerLength, have: bytes.count) }
        guard let header = String(bytes: bytes[headerStart..<headerStart + headerLength], encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw FileFormatError(path: path, message: "'\(path)': the .npy header is not text.")
        }
        let description = try NPYHeader(parsing: header, path: path)
        let count = description.shape.reduce(1, *)
        let dataStart = headerStart + headerLength
        let needed = dataStart + count * description.elementType.byteCount
        guard bytes.count >= needed else { throw truncated(path, needed: needed, have: bytes.count) }
        var values = description.elementType.decode(bytes[dataStart..<needed], count: count)
        if description.fortranOrder && description.shape.count > 1 {
            values = cOrder(fromFortranOrder: values, shape: description.shape)
        }
        return (description.shape, values)
    }

    private static func truncated(_ path: String, needed: Int, have: Int) -> FileFormatError {
        FileFormatError(path: path, message: "'\(path)' is truncated: the .npy header announces \(needed) bytes but the file has \(have). Save it again.")
    }

    /// Reorders column-major values (first index fastest) to row-major (last index fastest).
    static func cOrder(fromFortranOrder values: [Float], shape: [Int]) -> [Float] {
        cOrderPositions(shape: shape).map { values[$0] }
    }
}
