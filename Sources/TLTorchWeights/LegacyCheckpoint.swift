import TLFormats

/// The pre-1.6 `torch.save` format, one stream of five parts:
/// 1. a pickled magic number (0x1950a86a20f9469cfc6c), 2. the pickled protocol version (1001),
/// 3. pickled system info (byte order, type sizes), 4. the pickled state_dict whose storages are
/// persistent ids, 5. the pickled list of storage keys, then for each key in that order an 8-byte
/// little-endian element count followed by the elements.
enum LegacyCheckpoint {
    /// The magic number's LONG1 bytes, little-endian.
    static let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
    static let protocolVersion = 1001

    static func read(bytes: [UInt8], path: String) throws -> [WeightArray] {
        var reader = ByteReader(bytes: bytes, path: path, context: "the magic number")
        var plain = PickleMachine(path: path) { _ in
            throw TorchCheckpointError.malformed(path: path, reason: "a storage appears outside the state_dict")
        }
        guard case let .bigInt(magicBytes) = try plain.load(from: &reader), magicBytes == magic else {
            throw TorchCheckpointError.notACheckpoint(path: path, reason: "it is a pickle without PyTorch's magic number")
        }
        reader.context = "the protocol version"
        guard case let .int(version) = try plain.load(from: &reader), version == protocolVersion else {
            throw TorchCheckpointError.unsupported(path: path, reason: "its legacy protocol version is not \(protocolVersion)")
        }
        reader.context = "the system information"
        if case let .dict(info) = try plain.load(from: &reader), case .bool(false)? = info["little_endian"] {
            throw TorchCheckpointError.unsupported(path: path, reason: "it was saved on a big-endian machine")
        }

        // Storage references by key, filled as the state_dict pickle names them.
        var references: [String: TorchStorageReference] = [:]
        reader.context = "the state_dict pickle"
        var unpickler = PickleMachine(path: path) { id in
            let reference = try storageReference(id, path: path)
            let root = TorchStorageReference(key: reference.key, type: reference.type, elementOffset: 0,
                                             elementCount: reference.rootCount)
            if let known = references[root.key], known.type != root.type {
                throw TorchCheckpointError.malformed(path: path, reason: "storage \(root.key) is named with two element types")
            }
            references[root.key] = root
            return .storage(reference.view)
        }
        let stateDict = try unpickler.load(from: &reader)

        reader.context = "the storage key list"
        guard let keyValues = try plain.load(from: &reader).sequence else {
            throw TorchCheckpointError.malformed(path: path, reason: "the storage key list is not a list")
        }
        var records: [String: ArraySlice<UInt8>] = [:]
        for keyValue in keyValues {
            guard case let .string(key) = keyValue, let reference = references[key] else {
                throw TorchCheckpointError.malformed(path: path, reason: "the storage key list names a storage the state_dict does not use")
            }
            reader.context = "storage \(key)"
            let count = try reader.readLittleEndian(Int64.self)
            let (byteCount, overflow) = Int(clamping: count).multipliedReportingOverflow(by: reference.type.elementSize)
            guard count >= 0, !overflow else {
                throw TorchCheckpointError.malformed(path: path, reason: "storage \(key) claims \(count) elements")
            }
            records[key] = try reader.read(byteCount)
        }
        return try StateDict.tensors(in: stateDict, path: path) { reference in
            guard let record = records[reference.key] else {
                throw TorchCheckpointError.malformed(path: path, reason: "storage \(reference.key) has no data in the file")
            }
            return record
        }
    }

    /// A legacy persistent id: `("storage", storage_type, root_key, location, root_size, view_metadata)`,
    /// `view_metadata` being `None` or `(view_key, offset, view_size)` for a view into the root storage.
    private static func storageReference(_ id: PickleValue, path: String)
        throws -> (key: String, type: TorchStorageType, rootCount: Int, view: TorchStorageReference) {
        guard let fields = id.sequence, fields.count == 6, case .string("storage") = fields[0],
              case let .global(.storageType(type)) = fields[1], case let .string(key) = fields[2],
              let rootCount = fields[4].integer, rootCount >= 0 else {
            throw TorchCheckpointError.malformed(path: path, reason: "a storage id is not (\"storage\", type, key, location, size, view)")
        }
        var view = TorchStorageReference(key: key, type: type, elementOffset: 0, elementCount: rootCount)
        if let viewFields = fields[5].sequence {
            guard viewFields.count == 3, let offset = viewFields[1].integer, let count = viewFields[2].integer,
                  offset >= 0, count >= 0, offset <= rootCount - count else {
                throw TorchCheckpointError.malformed(path: path, reason: "storage view of \(key) lies outside it")
            }
            view.elementOffset = offset
            view.elementCount = count
        }
        return (key, type, rootCount, view)
    }
}
