import TLFormats

/// Turns an unpickled state_dict into ``WeightArray``s, reading each storage once.
enum StateDict {
    /// - Parameter record: the raw bytes of the storage record a reference names.
    static func tensors(in object: PickleValue, path: String,
                        record: (TorchStorageReference) throws -> ArraySlice<UInt8>) throws -> [WeightArray] {
        let entries = try stateDictEntries(object, path: path)
        var decoded: [String: [Float]] = [:]
        var tensors: [WeightArray] = []
        for (key, value) in entries {
            guard case let .string(name) = key, case let .tensor(recipe) = value else { continue }
            let storage = recipe.storage
            if decoded[storage.key] == nil {
                let bytes = try record(storage)
                let needed = (storage.elementOffset + storage.elementCount) * storage.type.elementSize
                guard bytes.count >= needed else {
                    throw TorchCheckpointError.truncated(path: path, what: "storage \(storage.key) (\(bytes.count) of \(needed) bytes)")
                }
                decoded[storage.key] = storage.type.decode(bytes)
            }
            let values = try gather(recipe, from: decoded[storage.key]!, name: name, path: path)
            tensors.append(WeightArray(name: name, shape: recipe.shape, values: values))
        }
        guard !tensors.isEmpty else {
            throw TorchCheckpointError.unsupported(path: path, reason: "it holds no tensors; save a model's state_dict()")
        }
        return tensors
    }

    /// The state_dict itself, or the one wrapped under "state_dict" / "model" in a training checkpoint.
    private static func stateDictEntries(_ object: PickleValue, path: String) throws -> [(key: PickleValue, value: PickleValue)] {
        guard case let .dict(dict) = object else {
            throw TorchCheckpointError.unsupported(path: path, reason: "it holds a \(object.typeName), not a state_dict; save model.state_dict()")
        }
        let holdsTensors = dict.entries.contains { if case .tensor = $0.value { return true } else { return false } }
        if !holdsTensors {
            for wrapper in ["state_dict", "model"] {
                if case let .dict(inner)? = dict[wrapper] { return inner.entries }
            }
        }
        return dict.entries
    }

    /// The tensor's elements in row-major order, following its strides through the storage
    /// (so transposed or sliced views come out as PyTorch's `.contiguous()` would).
    static func gather(_ recipe: TensorRecipe, from storage: [Float], name: String, path: String) throws -> [Float] {
        func outside(_ detail: String) -> TorchCheckpointError {
            .malformed(path: path, reason: "tensor \(name) (size \(recipe.shape), stride \(recipe.strides), offset \(recipe.offset)) \(detail)")
        }
        guard recipe.offset >= 0, recipe.shape.allSatisfy({ $0 >= 0 }), recipe.strides.allSatisfy({ $0 >= 0 }) else {
            throw outside("has negative sizes, strides or offset")
        }
        var count = 1
        for size in recipe.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw outside("is impossibly large") }
            count = product
        }
        if count == 0 { return [] }
        var last = recipe.offset
        for (size, stride) in zip(recipe.shape, recipe.strides) {
            let (step, overflow) = (size - 1).multipliedReportingOverflow(by: stride)
            guard !overflow, last <= Int.max - step else { throw outside("is impossibly large") }
            last += step
        }
        let view = recipe.storage
        guard last < view.elementCount, view.elementOffset + last < storage.count else {
            throw outside("reaches past its storage of \(view.elementCount) elements")
        }
        let base = view.elementOffset + recipe.offset

        if isContiguous(recipe) { return Array(storage[base..<base + count]) }
        var values = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: recipe.shape.count)
        var position = base
        for output in 0..<count {
            values[output] = storage[position]
            // Advance the multi-index like an odometer, last dimension fastest.
            var axis = recipe.shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                position += recipe.strides[axis]
                if index[axis] < recipe.shape[axis] { break }
                position -= recipe.strides[axis] * recipe.shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return values
    }

    /// Whether row-major order is storage order (size-1 dimensions may have any stride).
    private static func isContiguous(_ recipe: TensorRecipe) -> Bool {
        var expected = 1
        for (size, stride) in zip(recipe.shape, recipe.strides).reversed() where size != 1 {
            if stride != expected { return false }
            expected *= size
        }
        return true
    }
}
