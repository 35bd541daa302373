import Foundation
import Glibc

/// The bytes a child reading an HDF5 file hands back to its parent: a Keras weight file's layers and
/// arrays, or the error the read met. Little-endian, lengths before contents:
/// `TLH5W1`, status (0 weights, 1 error); an error is one string; weights are the layout (0 legacy,
/// 1 Keras 3), the layer count, and per layer its name and weights, each a name, a rank, the dimensions
/// and the float32 values. Strings are a UInt32 byte count and UTF-8.
enum HDF5WeightTransfer {
    static let magic = Array("TLH5W1".utf8)

    static func encode(_ file: KerasWeightFile) -> Data {
        var data = Data()
        serialize(file) { data.append(contentsOf: $0) }
        return data
    }

    /// Writes the encoding of `file` to `descriptor` piece by piece: the arrays go straight from their
    /// storage to the file, without a 58 MB copy in between.
    static func write(_ file: KerasWeightFile, to descriptor: Int32) throws {
        try serialize(file) { try writeAll($0, to: descriptor) }
    }

    static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw FileFormatError(path: "", message: "cannot write the answer: \(String(cString: strerror(errno)))") }
            offset += written
        }
    }

    /// The encoding, handed to `emit` in pieces: small headers, then each array's bytes as stored.
    private static func serialize(_ file: KerasWeightFile, emit: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        var header = Data(magic)
        header.append(0)
        header.append(file.layout == .legacy ? 0 : 1)
        append(UInt32(file.layers.count), to: &header)
        for layer in file.layers {
            append(layer.layerName, to: &header)
            append(UInt32(layer.weights.count), to: &header)
            for weight in layer.weights {
                append(weight.name, to: &header)
                append(UInt32(weight.shape.count), to: &header)
                for dimension in weight.shape { append(Int64(dimension), to: &header) }
                append(UInt64(weight.values.count), to: &header)
                try header.withUnsafeBytes(emit)
                header.removeAll(keepingCapacity: true)
                #if _endian(big)
                try weight.values.map { $0.bitPattern.littleEndian }.withUnsafeBytes(emit)
                #else
                try weight.values.withUnsafeBytes(emit)
                #endif
            }
        }
        try header.withUnsafeBytes(emit)
    }

    static func encode(error message: String) -> Data {
        var data = Data(magic)
        data.append(1)
        append(message, to: &data)
        return data
    }

    /// The weight file the child read, or its error rethrown; anything else (a child that died before
    /// writing, a cut-off answer) is an error naming `path`.
    static func decode(_ data: Data, path: String) throws -> KerasWeightFile {
        try data.withUnsafeBytes { try decode(Reader(bytes: $0, path: path), dataCount: data.count) }
    }

    private static func decode(_ start: Reader, dataCount: Int) throws -> KerasWeightFile {
        var reader = start
        let path = reader.path
        guard try reader.bytes(magic.count) == magic else {
            throw FileFormatError(path: path, message: "Cannot read '\(path)': tl's helper process ended without an answer (\(dataCount) bytes).")
        }
        if try reader.byte() == 1 { throw FileFormatError(path: path, message: try reader.string()) }
        let layout: KerasWeightLayout = try reader.byte() == 0 ? .legacy : .keras3
        var layers: [LayerWeightGroup] = []
        for _ in 0..<(try reader.count(UInt32.self)) {
            let name = try reader.string()
            var weights: [WeightArray] = []
            for _ in 0..<(try reader.count(UInt32.self)) {
                let weightName = try reader.string()
                let rank = try reader.count(UInt32.self)
                let shape = try (0..<rank).map { _ in Int(try reader.integer(Int64.self)) }
                let values = try reader.floats(try reader.count(UInt64.self))
                weights.append(WeightArray(name: weightName, shape: shape, values: values))
            }
            layers.append(LayerWeightGroup(layerName: name, weights: weights))
        }
        return KerasWeightFile(layout: layout, layers: layers)
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    private static func append(_ text: String, to data: inout Data) {
        let bytes = Array(text.utf8)
        append(UInt32(bytes.count), to: &data)
        data.append(contentsOf: bytes)
    }

    /// Reads the encoding back, every length checked against what is left.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        let path: String
        var offset = 0

        private func cutOff() -> FileFormatError {
            FileFormatError(path: path, message: "Cannot read '\(path)': tl's helper process handed back a cut-off answer.")
        }

        mutating func bytes(_ count: Int) throws -> [UInt8] {
            guard count >= 0, count <= bytes.count - offset else { throw cutOff() }
            defer { offset += count }
            return Array(bytes[offset..<(offset + count)])
        }

        mutating func byte() throws -> UInt8 { try bytes(1)[0] }

        mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
            let raw = try bytes(MemoryLayout<T>.size)
            return T(littleEndian: raw.withUnsafeBytes { $0.loadUnaligned(as: T.self) })
        }

        mutating func count<T: FixedWidthInteger>(_ type: T.Type) throws -> Int {
            let value = try integer(type)
            guard let count = Int(exactly: value), count <= bytes.count - offset else { throw cutOff() }
            return count
        }

        mutating func string() throws -> String {
            String(decoding: try bytes(try count(UInt32.self)), as: UTF8.self)
        }

        mutating func floats(_ count: Int) throws -> [Float] {
            let byteCount = count.multipliedReportingOverflow(by: 4)
            guard !byteCount.overflow, byteCount.partialValue <= bytes.count - offset else { throw cutOff() }
            let raw = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + byteCount.partialValue)])
            let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
                initialized = count
            }
            offset += byteCount.partialValue
            #if _endian(big)
            return values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
            #else
            return values
            #endif
        }
    }
}
