import Foundation
import TLFormats

/// Reads PyTorch checkpoints (`.pth`, `.pt`) without Python or PyTorch.
///
/// Both formats `torch.save` has used are understood: the zip format (PyTorch 1.6 and later:
/// `archive/data.pkl` plus one `archive/data/N` entry per storage) and the legacy format before it
/// (a magic number, protocol and system-info pickles, the state_dict pickle, the storage keys, then
/// the raw storages). The pickles are interpreted by a restricted unpickler that only rebuilds
/// `OrderedDict`s, tensors and parameters, and refuses any other Python callable.
public enum TorchCheckpoint {
    /// The tensors of the state_dict saved in `path`, in the state_dict's order.
    ///
    /// A file holding a dict that wraps the state_dict under `"state_dict"` or `"model"` (a common
    /// training-checkpoint layout) is unwrapped. Entries that are not tensors are skipped.
    /// - Throws: ``TorchCheckpointError`` naming the file and what to do.
    public static func read(path: String) throws -> [WeightArray] {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe))
        } catch {
            throw TorchCheckpointError.unreadable(path: path, reason: error.localizedDescription)
        }
        return try read(bytes: bytes, path: path)
    }

    /// Like ``read(path:)`` for a checkpoint already in memory; `path` names it in errors.
    public static func read(bytes: [UInt8], path: String) throws -> [WeightArray] {
        guard bytes.count >= 4 else {
            throw TorchCheckpointError.notACheckpoint(path: path, reason: "it holds only \(bytes.count) bytes")
        }
        if ByteReader.littleEndian(bytes[0..<4]) as UInt32 == ZipArchive.localHeaderSignature {
            return try ZipCheckpoint.read(bytes: bytes, path: path)
        }
        if bytes[0] == PickleOpcode.proto.rawValue {
            return try LegacyCheckpoint.read(bytes: bytes, path: path)
        }
        if bytes.count > 262, bytes[257..<262].elementsEqual("ustar".utf8) {
            throw TorchCheckpointError.unsupported(path: path, reason:
                "it uses the tar format of PyTorch before 0.4; load and re-save it with a recent PyTorch")
        }
        throw TorchCheckpointError.notACheckpoint(path: path, reason: "it starts with neither a zip header nor a pickle")
    }
}
