import TLTensor
import TLNN
import TLScript

/// Keras's symbolic tensor (`KerasTensor`): `keras.Input(shape=...)`, or what calling a layer on one
/// returns. It records how it was made; `keras.Model(inputs, outputs)` replays that into a graph model.
public final class SymbolicTensorObject: HostObject {
    enum Origin {
        /// `keras.Input`, with the name its InputLayer gets.
        case input(name: String)
        /// A layer called on one tensor, or a merge layer on several; `training` as given at the call.
        case layer(Layer, inputs: [SymbolicTensorObject], training: Bool?)
    }

    let origin: Origin
    /// The per-sample shape (no batch axis).
    let shape: FeatureShape

    init(_ origin: Origin, shape: FeatureShape) {
        self.origin = origin
        self.shape = shape
    }

    var name: String {
        switch origin {
        case .input(let name): return name
        case .layer(let layer, _, _): return layer.name
        }
    }

    public var typeName: String { "KerasTensor" }
    public var summaryDescription: String {
        "<KerasTensor: shape=\(describeShape(shape)) dtype=float32 (created by layer '\(name)')>"
    }
    public var attributeNames: [String] { ["shape", "name", "dtype"] }
    public func attribute(_ name: String) throws -> Value? {
        switch name {
        case "shape": return kerasShapeValue(shape)
        case "name": return .string(self.name)
        case "dtype": return .string("float32")
        default: return nil
        }
    }

    /// Every tensor this one depends on, itself last, each after the tensors it is made from.
    func history() -> [SymbolicTensorObject] {
        var order: [SymbolicTensorObject] = []
        var seen = Set<ObjectIdentifier>()
        func visit(_ tensor: SymbolicTensorObject) {
            guard seen.insert(ObjectIdentifier(tensor)).inserted else { return }
            if case .layer(_, let inputs, _) = tensor.origin { inputs.forEach(visit) }
            order.append(tensor)
        }
        visit(self)
        return order
    }
}

/// Calling a layer or model: on symbolic tensors it records a node (building the layer for that shape);
/// on an array it runs the layer at once, in training mode only for augmentation (as Keras's random
/// layers default to `training=True` when called directly) or when `training=True` is given.
func callLayer(_ layer: Layer, on input: Value, training: Bool?) throws -> Value {
    if case .object(let tensor as SymbolicTensorObject) = input {
        do {
            try layer.build(inputShape: tensor.shape)
            let shape = try layer.outputShape(for: tensor.shape)
            return .object(SymbolicTensorObject(.layer(layer, inputs: [tensor], training: training), shape: shape))
        } catch let error as ModelError { throw ScriptError(.value, error.description) }
    }
    if let items = input.asSequence, !items.isEmpty, items.allSatisfy({ if case .object(_ as SymbolicTensorObject) = $0 { return true }; return false }) {
        guard let merge = layer as? MergeLayer else {
            throw ScriptError(.type, "layer '\(layer.name)' (\(layer.typeName)) takes one tensor; only merge layers (Add, Concatenate) take a list")
        }
        let tensors = items.compactMap { $0.asObject as? SymbolicTensorObject }
        do {
            let shape = try merge.outputShape(for: tensors.map(\.shape))
            return .object(SymbolicTensorObject(.layer(merge, inputs: tensors, training: training), shape: shape))
        } catch let error as ModelError { throw ScriptError(.value, error.description) }
    }
    let x = try input.toTensor(argument: "inputs", command: layer.name)
    do {
        try layer.build(inputShape: Array(x.shape.dropFirst()).map { Optional($0) })
        let augments = layer.allLayers.contains { $0 is RandomPreprocessingLayer }
        let mode = ForwardMode(training: training ?? augments, keepForBackward: false)
        let output = try layer.forward(x, mode: mode)
        layer.clearCache()
        return .object(ArrayObject(output))
    } catch let error as ModelError { throw ScriptError(.value, error.description) }
}

/// The `__call__` method every layer and model answers: `layer(x)`, `base_model(x, training=False)`.
func layerCallMethod(_ layer: Layer) -> Value {
    method("__call__", [ParameterSpec("inputs"), ParameterSpec("training", default: .none), ParameterSpec("mask", default: .none)]) { args, _ in
        let training: Bool? = args["training"].isNone ? nil : try args.bool("training")
        return try callLayer(layer, on: args["inputs"], training: training)
    }
}

/// `keras.Model(inputs, outputs)`: the graph from `inputs` to `outputs` as a ``Functional`` model.
func functionalModel(inputs: Value, outputs: Value, name: String?) throws -> Functional {
    func single(_ value: Value, _ what: String) throws -> SymbolicTensorObject {
        if case .object(let tensor as SymbolicTensorObject) = value { return tensor }
        if let items = value.asSequence, items.count == 1, case .object(let tensor as SymbolicTensorObject) = items[0] { return tensor }
        if let items = value.asSequence, items.count > 1 {
            throw ScriptError(.value, "keras.Model(): tl's graph models take one input and one output tensor; \(items.count) \(what) were given")
        }
        throw ScriptError(.type, "keras.Model(): \(what) must be a tensor from keras.Input() or from calling layers on one, got \(value.typeName)")
    }
    let input = try single(inputs, "inputs"), output = try single(outputs, "outputs")
    guard case .input(let inputName) = input.origin else {
        throw ScriptError(.value, "keras.Model(): inputs must come from keras.Input(), not from layer '\(input.name)'")
    }
    let order = output.history()
    for tensor in order {
        if case .input = tensor.origin, tensor !== input {
            throw ScriptError(.value, "keras.Model(): the outputs depend on input '\(tensor.name)', which is not among the model's inputs")
        }
    }
    guard order.first === input else {
        throw ScriptError(.value, "keras.Model(): the outputs do not depend on the given input '\(inputName)'")
    }
    do {
        let model = Functional(inputShape: input.shape, inputName: inputName, name: name, typeName: "Functional")
        var made: [ObjectIdentifier: GraphTensor] = [ObjectIdentifier(input): model.input]
        for tensor in order.dropFirst() {
            guard case .layer(let layer, let parents, let training) = tensor.origin else { continue }
            let wired = parents.map { made[ObjectIdentifier($0)]! }
            if parents.count > 1, let merge = layer as? MergeLayer {
                made[ObjectIdentifier(tensor)] = try model.apply(merge, to: wired)
            } else {
                made[ObjectIdentifier(tensor)] = try model.apply(layer, to: wired[0], training: training)
            }
        }
        return model
    } catch let error as ModelError { throw ScriptError(.value, error.description) }
}
