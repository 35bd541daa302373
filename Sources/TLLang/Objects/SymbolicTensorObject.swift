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

    /// Every tensor `outputs` depend on, the outputs included, each after the tensors it is made from.
    static func history(of outputs: [SymbolicTensorObject]) -> [SymbolicTensorObject] {
        var order: [SymbolicTensorObject] = []
        var seen = Set<ObjectIdentifier>()
        func visit(_ tensor: SymbolicTensorObject) {
            guard seen.insert(ObjectIdentifier(tensor)).inserted else { return }
            if case .layer(_, let inputs, _) = tensor.origin { inputs.forEach(visit) }
            order.append(tensor)
        }
        outputs.forEach(visit)
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

/// `keras.Model(inputs, outputs)`: the graph from `inputs` to `outputs` as a ``Functional`` model. Each
/// may be one tensor or a list of them (several inputs, several outputs); a layer called on several
/// tensors becomes one layer used several times (its weights shared).
func functionalModel(inputs: Value, outputs: Value, name: String?) throws -> Functional {
    let given = try symbolicTensors(inputs, "inputs"), results = try symbolicTensors(outputs, "outputs")
    for input in given {
        guard case .input = input.origin else {
            throw ScriptError(.value, "keras.Model(): inputs must come from keras.Input(), not from layer '\(input.name)'")
        }
    }
    guard Set(given.map(ObjectIdentifier.init)).count == given.count else {
        throw ScriptError(.value, "keras.Model(): an input is given twice")
    }
    let order = SymbolicTensorObject.history(of: results)
    let used = Set(order.map(ObjectIdentifier.init))
    for tensor in order {
        if case .input = tensor.origin, !given.contains(where: { $0 === tensor }) {
            throw ScriptError(.value, "keras.Model(): the outputs depend on input '\(tensor.name)', which is not among the model's inputs")
        }
    }
    if let unused = given.first(where: { !used.contains(ObjectIdentifier($0)) }) {
        throw ScriptError(.value, "keras.Model(): the outputs do not depend on the given input '\(unused.name)'")
    }
    do {
        return try wireGraph(inputs: given, outputs: results, order: order, name: name)
    } catch let error as ModelError { throw ScriptError(.value, error.description) }
}

/// One tensor, or a list (or tuple) of them; a dict of outputs is refused with what to do instead.
private func symbolicTensors(_ value: Value, _ what: String) throws -> [SymbolicTensorObject] {
    if case .object(let tensor as SymbolicTensorObject) = value { return [tensor] }
    if case .dict = value {
        throw ScriptError(.value, "keras.Model(): tl takes \(what) as one tensor or a list of tensors, not a dict; pass a list (the outputs are then named by their layers: name each output layer, e.g. layers.Dense(1, name=\"price\"))")
    }
    if let items = value.asSequence, !items.isEmpty {
        return try items.map { item in
            guard case .object(let tensor as SymbolicTensorObject) = item else {
                throw ScriptError(.type, "keras.Model(): each of the \(what) must be a tensor from keras.Input() or from calling layers on one, got \(item.typeName)")
            }
            return tensor
        }
    }
    throw ScriptError(.type, "keras.Model(): \(what) must be a tensor from keras.Input() or from calling layers on one (or a list of them), got \(value.typeName)")
}

/// Replays the recorded calls into a graph model: its inputs first, then every call in `order`.
private func wireGraph(inputs: [SymbolicTensorObject], outputs: [SymbolicTensorObject], order: [SymbolicTensorObject],
                       name: String?) throws -> Functional {
    let model = Functional(inputShape: inputs[0].shape, inputName: inputs[0].name, name: name, typeName: "Functional")
    var made: [ObjectIdentifier: GraphTensor] = [ObjectIdentifier(inputs[0]): model.input]
    for input in inputs.dropFirst() { made[ObjectIdentifier(input)] = try model.addInput(shape: input.shape, name: input.name) }
    for tensor in order {
        guard case .layer(let layer, let parents, let training) = tensor.origin else { continue }
        let wired = parents.map { made[ObjectIdentifier($0)]! }
        if parents.count > 1, let merge = layer as? MergeLayer {
            made[ObjectIdentifier(tensor)] = try model.apply(merge, to: wired)
        } else {
            made[ObjectIdentifier(tensor)] = try model.apply(layer, to: wired[0], training: training)
        }
    }
    let ends = outputs.map { made[ObjectIdentifier($0)]! }
    if ends.count > 1 || ends[0].node != model.nodes.count - 1 { try model.setOutputs(ends) }
    return model
}
