import TLFormats

/// The zip `torch.save` format (PyTorch 1.6+): `ROOT/data.pkl` holds the state_dict pickle whose
/// persistent ids `("storage", storage_type, key, location, numel)` name entries `ROOT/data/KEY`.
enum ZipCheckpoint {
    static func read(bytes: [UInt8], path: String) throws -> [WeightArray] {
        let archive = try ZipArchive(bytes: bytes, path: path)
        guard let pickleEntry = archive.entries.first(where: { $0.name == "data.pkl" || $0.name.hasSuffix("/data.pkl") }) else {
            throw TorchCheckpointError.notACheckpoint(path: path, reason: "it is a zip archive without data.pkl")
        }
        let root = String(pickleEntry.name.dropLast("data.pkl".count))
        if let orderEntry = archive.entry(named: root + "byteorder"),
           String(decoding: try archive.contents(of: orderEntry), as: UTF8.self) != "little" {
            throw TorchCheckpointError.unsupported(path: path, reason: "it was saved on a big-endian machine")
        }

        _ = try archive.contents(of: pickleEntry)  // checksum
        var reader = ByteReader(bytes: bytes, path: path, range: pickleEntry.range, context: pickleEntry.name)
        var unpickler = PickleMachine(path: path) { id in
            guard let fields = id.sequence, fields.count == 5, case .string("storage") = fields[0],
                  case let .global(.storageType(type)) = fields[1], case let .string(key) = fields[2],
                  let count = fields[4].integer, count >= 0 else {
                throw TorchCheckpointError.malformed(path: path, reason: "a storage id is not (\"storage\", type, key, location, numel)")
            }
            return .storage(TorchStorageReference(key: key, type: type, elementOffset: 0, elementCount: count))
        }
        let stateDict = try unpickler.load(from: &reader)

        return try StateDict.tensors(in: stateDict, path: path) { reference in
            let name = root + "data/" + reference.key
            guard let entry = archive.entry(named: name) else {
                throw TorchCheckpointError.malformed(path: path, reason: "storage \(reference.key) has no entry \(name)")
            }
            return try archive.contents(of: entry)
        }
    }
}
