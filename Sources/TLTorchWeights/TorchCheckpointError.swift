import Foundation

/// Why a PyTorch checkpoint could not be read. Every message names the file and says what to do.
public enum TorchCheckpointError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file is neither a zip-format nor a legacy-format PyTorch checkpoint.
    case notACheckpoint(path: String, reason: String)
    /// The file ends before `what` was complete.
    case truncated(path: String, what: String)
    /// The pickle references a Python callable outside the short list tl knows how to rebuild.
    case refusedGlobal(path: String, global: String)
    /// The pickle uses an opcode tl's unpickler does not implement.
    case unsupportedOpcode(path: String, opcode: UInt8, offset: Int)
    /// The file is a checkpoint but of a kind or layout tl cannot use.
    case unsupported(path: String, reason: String)
    /// The file's contents contradict themselves (bad offsets, sizes, checksums, pickle structure).
    case malformed(path: String, reason: String)

    public var description: String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason). Check that the file exists and is readable."
        case let .notACheckpoint(path, reason):
            return "\(path) is not a PyTorch checkpoint (\(reason)): give a file written by torch.save(model.state_dict(), ...)."
        case let .truncated(path, what):
            return "\(path) is truncated: it ends inside \(what). Download or copy the file again."
        case let .refusedGlobal(_, global):
            return "refusing to load \(name): it references \(global), which tl does not execute. "
                + "Only plain state_dicts (tensors in an OrderedDict) can be loaded; re-save with torch.save(model.state_dict(), ...)."
        case let .unsupportedOpcode(path, opcode, offset):
            return "cannot read \(path): its pickle uses opcode 0x\(String(opcode, radix: 16)) at byte \(offset), which tl does not support. "
                + "Re-save it with torch.save(model.state_dict(), ...) from a recent PyTorch."
        case let .unsupported(path, reason):
            return "cannot use \(path): \(reason)."
        case let .malformed(path, reason):
            return "\(path) is damaged: \(reason). Download or copy the file again."
        }
    }

    /// The file at fault.
    public var path: String {
        switch self {
        case let .unreadable(path, _), let .notACheckpoint(path, _), let .truncated(path, _),
             let .refusedGlobal(path, _), let .unsupportedOpcode(path, _, _), let .unsupported(path, _),
             let .malformed(path, _):
            return path
        }
    }
}

extension TorchCheckpointError: LocalizedError {
    public var errorDescription: String? { description }
}
