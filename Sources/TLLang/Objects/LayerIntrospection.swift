import TLTensor
import TLNN
import TLScript

/// A method of an object as a value: `model.get_weights` is a function that `()` calls.
func method(_ name: String, _ parameters: [ParameterSpec] = [],
            _ body: @escaping (CallArguments, Interpreter) throws -> Value) -> Value {
    .command(CommandSpec(name: name, parameters: parameters, body: body))
}

/// One weight of a layer as Keras shows it (`model.trainable_weights[0]`): `.name` ("dense_1/kernel:0",
/// Keras 2's), `.shape`, `.dtype`, `.trainable` and `.numpy()` (a copy, as a float32 array); indexing,
/// `len` and arithmetic read its values as the array's.
final class WeightObject: HostObject {
    let parameter: Parameter
    let layerName: String
    let trainable: Bool

    init(_ parameter: Parameter, layerName: String, trainable: Bool) {
        self.parameter = parameter
        self.layerName = layerName
        self.trainable = trainable
    }

    var typeName: String { "Variable" }
    var path: String { "\(layerName)/\(parameter.name)" }
    var summaryDescription: String {
        "<Variable '\(path):0' shape=\(shapeText(parameter.shape)) dtype=float32>"
    }
    var attributeNames: [String] { ["name", "path", "shape", "dtype", "trainable", "numpy"] }

    func attribute(_ name: String) throws -> Value? {
        switch name {
        case "name": return .string(path + ":0")
        case "path": return .string(path)
        case "shape": return .tuple(parameter.shape.map { .int($0) })
        case "dtype": return .string("float32")
        case "trainable": return .bool(trainable)
        case "numpy": return method("numpy") { _, _ in .object(ArrayObject(self.parameter.value)) }
        default: return nil
        }
    }

    // Like a Keras variable, it reads as its array in indexing, iteration and arithmetic (each on a copy).
    private var array: ArrayObject { ArrayObject(parameter.value) }
    var count: Int? { array.count }
    func element(at index: Value) throws -> Value? { try array.element(at: index) }
    func makeIterator() throws -> ValueIterator? { try array.makeIterator() }
    func binaryOperation(_ op: String, _ other: Value, reflected: Bool) throws -> Value? {
        try array.binaryOperation(op, other, reflected: reflected)
    }
    func unaryOperation(_ op: String) throws -> Value? { try array.unaryOperation(op) }
}

/// The weights of `layer` as Keras lists them: every weight in layer order (`weights`), or the ones the
/// optimizer updates (`trainable_weights`) or not (`non_trainable_weights`).
func weightObjects(of layer: Layer, _ selection: String) -> Value {
    let trainableIDs = Set(layer.trainableWeights.map(ObjectIdentifier.init))
    var owners: [ObjectIdentifier: String] = [:]
    for inner in layer.allLayers where inner.sublayers.isEmpty {
        for weight in inner.weights { owners[ObjectIdentifier(weight)] = inner.name }
    }
    let chosen: [Parameter]
    switch selection {
    case "trainable_weights": chosen = layer.trainableWeights
    case "non_trainable_weights": chosen = layer.nonTrainableWeights
    default: chosen = layer.weights
    }
    return .list(chosen.map { weight in
        let id = ObjectIdentifier(weight)
        return .object(WeightObject(weight, layerName: owners[id] ?? layer.name, trainable: trainableIDs.contains(id)))
    })
}

/// `get_weights()` / `set_weights(list)` / `get_config()` / `count_params()`, shared by layers and models.
func weightMethod(_ name: String, of layer: Layer) -> Value? {
    switch name {
    case "get_weights":
        return method("get_weights") { _, _ in .list(layer.weights.map { .object(ArrayObject($0.value)) }) }
    case "set_weights":
        return method("set_weights", [ParameterSpec("weights", kind: .list)]) { args, _ in
            try setWeights(of: layer, to: try args.list("weights"))
            return .none
        }
    case "get_config":
        return method("get_config") { _, _ in
            let settings = configurationNames(of: layer).compactMap { key in configurationAttribute(key, of: layer).map { (key, $0) } }
            return .dict(ValueDictionary([("name", .string(layer.name)), ("trainable", .bool(layer.trainable))] + settings))
        }
    case "count_params":
        return method("count_params") { _, _ in
            guard layer.isBuilt else {
                throw ScriptError(.value, "You tried to call `count_params` on layer '\(layer.name)', but the layer isn't built. Add it to a model with a known input shape first.")
            }
            return .int(layer.parameterCount)
        }
    default: return nil
    }
}

/// Keras's `set_weights`: as many arrays as the layer has weights, each of the same shape; nothing changes
/// when one does not fit.
func setWeights(of layer: Layer, to values: [Value]) throws {
    let weights = layer.weights
    guard values.count == weights.count else {
        throw ScriptError(.value, "You called `set_weights(weights)` on layer '\(layer.name)' with a weight list of length \(values.count), but the layer was expecting \(weights.count) weights.")
    }
    let tensors = try values.enumerated().map { index, value in
        if case .object(let variable as WeightObject) = value { return variable.parameter.value }
        return try value.toTensor(argument: "weights[\(index)]", command: "set_weights")
    }
    for (weight, tensor) in zip(weights, tensors) where weight.shape != tensor.shape {
        throw ScriptError(.value, "Layer '\(layer.name)' weight shape \(shapeText(weight.shape)) is not compatible with provided weight shape \(shapeText(tensor.shape)).")
    }
    for (weight, tensor) in zip(weights, tensors) { weight.value = Tensor(shape: tensor.shape, scalars: tensor.scalars) }
}

/// A layer's configuration as Keras's attributes show it: `units`, `filters`, `kernel_size`, `strides`,
/// `padding`, `activation` (its name), `rate`, `pool_size`; nil when the layer has no such attribute.
func configurationAttribute(_ name: String, of layer: Layer) -> Value? {
    func pair(_ p: (Int, Int)) -> Value { .tuple([.int(p.0), .int(p.1)]) }
    switch (layer, name) {
    case (let dense as Dense, "units"): return .int(dense.units)
    case (let conv as Conv2D, "filters"): return .int(conv.filters)
    case (let conv as Conv2D, "kernel_size"): return pair(conv.kernelSize)
    case (let conv as Conv2D, "strides"): return pair(conv.strides)
    case (let conv as Conv2D, "padding"): return .string(conv.padding.rawValue)
    case (let conv as DepthwiseConv2D, "kernel_size"): return pair(conv.kernelSize)
    case (let conv as DepthwiseConv2D, "strides"): return pair(conv.strides)
    case (let pool as MaxPooling2D, "pool_size"): return pair(pool.poolSize)
    case (let pool as MaxPooling2D, "strides"): return pair(pool.strides)
    case (let pool as MaxPooling2D, "padding"): return .string(pool.padding.rawValue)
    case (let dropout as Dropout, "rate"): return .float(Double(dropout.rate))
    case (let activated as ActivatedLayer, "activation"): return .string(activated.activation.rawValue)
    default: return nil
    }
}

/// The names `configurationAttribute` answers for `layer`, for completion.
func configurationNames(of layer: Layer) -> [String] {
    ["units", "filters", "kernel_size", "strides", "padding", "pool_size", "rate", "activation"]
        .filter { configurationAttribute($0, of: layer) != nil }
}

/// A shape as Keras shows it, batch axis first: `(None, 4, 4, 512)`.
func kerasShapeValue(_ shape: FeatureShape?) -> Value {
    shape.map { .tuple([Value.none] + $0.map { $0.map(Value.int) ?? Value.none }) } ?? Value.none
}

/// The shape reaching each of a model's layers (`model.layers[i].input_shape`), nil where unknown.
func sublayerInputShapes(of model: Layer) -> [FeatureShape?] {
    if let sequential = model as? Sequential {
        var shape = sequential.inputShape
        return sequential.layers.map { layer in
            defer { shape = shape.flatMap { try? layer.outputShape(for: $0) } }
            return shape
        }
    }
    if let graph = model as? Functional, let shapes = try? graph.nodeShapes(for: graph.inputShape) {
        return graph.nodes.map { node in node.inputs.first.map { shapes[$0] } ?? graph.inputShape }
    }
    return model.sublayers.map { _ in nil }
}
