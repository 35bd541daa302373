import TLZoo
import TLScript

/// `weights=` of a pretrained base, as Keras's applications take it: `"imagenet"`, None (random
/// initialisation), or the path of a weights file.
enum WeightsArgument: Equatable {
    case imagenet
    case none
    case file(String)

    /// Reads `args["weights"]`; `fileKind` names the file the command expects, for the error message.
    init(_ args: CallArguments, fileKind: String = "a weights file") throws {
        switch args["weights"] {
        case .none: self = .none
        case .string(let s) where s.lowercased() == "imagenet": self = .imagenet
        case .string(let s) where s.lowercased() == "none": self = .none
        case .string(let path): self = .file(path)
        default: throw args.typeError("weights", expected: "\"imagenet\", None or the path of \(fileKind)")
        }
    }

    var vgg16: VGG16.Weights {
        switch self {
        case .imagenet: return .imagenet
        case .none: return .none
        case .file(let path): return .file(path)
        }
    }

    var efficientNetLite: EfficientNetLite.Weights {
        switch self {
        case .imagenet: return .imagenet
        case .none: return .none
        case .file(let path): return .file(path)
        }
    }
}

extension CallArguments {
    /// `pooling=` of a pretrained base without its top: None, `"avg"` or `"max"`.
    func pooling() throws -> VGG16.Pooling {
        let name = try optionalString("pooling")?.lowercased() ?? "none"
        guard let pooling = VGG16.Pooling(rawValue: name) else {
            throw ScriptError(.value, "argument 'pooling' of \(commandName)() must be None, \"avg\" or \"max\", got \"\(name)\"")
        }
        return pooling
    }
}
