/// The Python callables a state_dict pickle may name. Anything else is refused when the pickle names it,
/// before any of its arguments are looked at: tl never imitates arbitrary Python constructors.
enum TorchGlobal: Equatable {
    case orderedDict
    case set
    case rebuildTensorV2
    case rebuildParameter
    case rebuildParameterWithState
    case storageType(TorchStorageType)

    /// Resolves `module.name`, or `nil` for anything not on the list.
    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("builtins", "set"), ("__builtin__", "set"): self = .set
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch._utils", "_rebuild_parameter_with_state"): self = .rebuildParameterWithState
        case let ("torch", storage):
            guard let type = TorchStorageType(rawValue: storage) else { return nil }
            self = .storageType(type)
        default: return nil
        }
    }

    var qualifiedName: String {
        switch self {
        case .orderedDict: return "collections.OrderedDict"
        case .set: return "builtins.set"
        case .rebuildTensorV2: return "torch._utils._rebuild_tensor_v2"
        case .rebuildParameter: return "torch._utils._rebuild_parameter"
        case .rebuildParameterWithState: return "torch._utils._rebuild_parameter_with_state"
        case let .storageType(type): return "torch." + type.rawValue
        }
    }

    /// What calling the global with `arguments` (REDUCE, NEWOBJ) builds.
    func call(_ arguments: [PickleValue], path: String) throws -> PickleValue {
        func malformed(_ detail: String) -> TorchCheckpointError {
            .malformed(path: path, reason: "\(qualifiedName) called with \(detail)")
        }
        switch self {
        case .orderedDict:
            // OrderedDict() or OrderedDict(iterable of pairs).
            let dict = PickleDict()
            if let pairs = arguments.first?.sequence {
                for pair in pairs {
                    guard let items = pair.sequence, items.count == 2 else { throw malformed("a non-pair item") }
                    dict.set(items[0], items[1])
                }
            }
            return .dict(dict)
        case .set:
            return .list(PickleList(arguments.first?.sequence ?? []))
        case .rebuildTensorV2:
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            guard arguments.count >= 4, case let .storage(storage) = arguments[0],
                  let offset = arguments[1].integer,
                  let shape = arguments[2].sequence?.compactMap(\.integer), shape.count == arguments[2].sequence?.count,
                  let strides = arguments[3].sequence?.compactMap(\.integer), strides.count == arguments[3].sequence?.count
            else {
                throw malformed("(\(arguments.map(\.typeName).joined(separator: ", "))) instead of (storage, offset, size, stride, ...)")
            }
            guard shape.count == strides.count else { throw malformed("size \(shape) and stride \(strides) of different ranks") }
            return .tensor(TensorRecipe(storage: storage, offset: offset, shape: shape, strides: strides))
        case .rebuildParameter, .rebuildParameterWithState:
            // (data, requires_grad, backward_hooks[, state]): the parameter is its data.
            guard case .tensor? = arguments.first else {
                throw malformed("\(arguments.first?.typeName ?? "nothing") instead of a tensor")
            }
            return arguments[0]
        case .storageType:
            throw malformed("arguments; storage types only name a persistent id's element type")
        }
    }
}
