import TLTensor
import TLNN
import TLScript

/// Wraps an engine layer for scripts; models get ``ModelObject``. `inputShape` is the shape reaching the
/// layer in its model, when known (for `layer.input_shape` / `layer.output_shape`).
func wrap(_ layer: Layer, inputShape: FeatureShape? = nil) -> Value {
    if layer is Model { return .object(ModelObject(layer)) }
    return .object(LayerObject(layer, inputShape: inputShape))
}

/// Attributes every layer and model shares: name, trainable, weights.
protocol LayerBacked: HostObject {
    var layer: Layer { get }
}

extension LayerBacked {
    func layerAttribute(_ name: String) -> Value? {
        switch name {
        case "name": return .string(layer.name)
        case "trainable": return .bool(layer.trainable)
        case "trainable_weights", "non_trainable_weights", "weights": return weightObjects(of: layer, name)
        case "__call__": return layerCallMethod(layer)
        default: return preprocessingMethod(name, of: layer) ?? weightMethod(name, of: layer) ?? configurationAttribute(name, of: layer)
        }
    }

    /// Attribute names every layer and model answers, then the layer's configuration.
    var commonAttributeNames: [String] {
        ["name", "trainable", "trainable_weights", "non_trainable_weights", "weights", "get_weights", "set_weights",
         "get_config", "count_params"] + configurationNames(of: layer)
    }

    func setLayerAttribute(_ name: String, _ value: Value) throws -> Bool {
        switch name {
        case "trainable":
            guard case .bool(let flag) = value else {
                throw ScriptError(.type, "'\(layer.name)'.trainable must be True or False, got \(value.typeName)")
            }
            layer.trainable = flag
            return true
        case "name":
            guard let text = value.asString, !text.isEmpty else { throw ScriptError(.type, "a layer name must be a non-empty string") }
            layer.name = text
            return true
        default:
            return false
        }
    }
}

/// A single layer (`conv_base.layers[3]`, `model.get_layer("fc1")`).
public final class LayerObject: LayerBacked {
    public let layer: Layer
    /// The shape reaching the layer in the model it came from, when known.
    let inputShape: FeatureShape?
    init(_ layer: Layer, inputShape: FeatureShape? = nil) {
        self.layer = layer
        self.inputShape = inputShape
    }

    public var typeName: String { layer.typeName }
    public var summaryDescription: String {
        "\(layer.typeName) '\(layer.name)'\(layer.isBuilt ? ", \(groupedThousands(layer.parameterCount)) parameters" : ", not built yet")\(layer.trainable ? "" : ", frozen")"
    }
    public var attributeNames: [String] { commonAttributeNames + ["input_shape", "output_shape"] }
    public func attribute(_ name: String) throws -> Value? {
        switch name {
        case "input_shape": return kerasShapeValue(inputShape)
        case "output_shape": return kerasShapeValue(inputShape.flatMap { try? layer.outputShape(for: $0) })
        default: return layerAttribute(name)
        }
    }
    public func setAttribute(_ name: String, _ value: Value) throws -> Bool { try setLayerAttribute(name, value) }
}

/// A model: a Sequential stack, or a graph (Functional) such as EfficientNet-Lite.
public final class ModelObject: LayerBacked {
    public let layer: Layer
    init(_ layer: Layer) {
        self.layer = layer
    }

    /// The model the trainer trains (compile, fit, evaluate): a Sequential stack or a graph alike.
    var model: Model? { layer as? Model }

    var inputShape: FeatureShape? { (layer as? Sequential)?.inputShape ?? (layer as? Functional)?.inputShape }
    var outputShape: FeatureShape? { inputShape.flatMap { try? layer.outputShape(for: $0) } }

    public var typeName: String { layer.typeName }
    public var summaryDescription: String {
        let shape = outputShape.map(describeShape) ?? "unknown output shape"
        let trainable = layer.trainableWeights.reduce(0) { $0 + $1.count }
        return "\(layer.typeName) '\(layer.name)': \(layer.sublayers.count) layers, \(groupedThousands(layer.parameterCount)) parameters (\(groupedThousands(trainable)) trainable), output \(shape)\(model?.compiled == nil ? "" : ", compiled")"
    }
    public var attributeNames: [String] {
        commonAttributeNames + ["layers", "get_layer", "input_shape", "output_shape", "optimizer", "metrics_names", "stop_training"]
    }

    public func attribute(_ name: String) throws -> Value? {
        if let common = layerAttribute(name) { return common }
        switch name {
        case "layers": return .list(zip(layer.sublayers, sublayerInputShapes(of: layer)).map { wrap($0, inputShape: $1) })
        case "get_layer":
            return method("get_layer", [ParameterSpec("name", default: .none), ParameterSpec("index", default: .none)]) { args, _ in
                try self.getLayer(name: try args.optionalString("name"), index: try args.optionalInt("index"))
            }
        case "input_shape": return kerasShapeValue(inputShape)
        case "output_shape": return kerasShapeValue(outputShape)
        case "optimizer": return model?.compiled.map { .object(OptimizerObject($0.optimizer)) } ?? Value.none
        case "metrics_names": return model?.compiled.map { .list((["loss"] + $0.metrics).map(Value.string)) } ?? .list([])
        case "stop_training": return model.map { .bool($0.stopTraining) }
        default: return nil
        }
    }

    /// Keras's `model.get_layer(name=None, index=None)`: by name (searched in the model's own layers),
    /// or by position in `model.layers`.
    func getLayer(name: String?, index: Int?) throws -> Value {
        let layers = layer.sublayers
        let shapes = sublayerInputShapes(of: layer)
        switch (name, index) {
        case (let name?, nil):
            guard let position = layers.firstIndex(where: { $0.name == name }) else {
                let names = layers.map(\.name)
                throw ScriptError(.value, "No such layer: \(name)\(closest(name, names)). Existing layers are: \(names.joined(separator: ", ")).")
            }
            return wrap(layers[position], inputShape: shapes[position])
        case (nil, let index?):
            guard index >= 0 && index < layers.count else {
                throw ScriptError(.value, "Was asked to retrieve layer at index \(index) but model only has \(layers.count) layers.")
            }
            return wrap(layers[index], inputShape: shapes[index])
        default:
            throw ScriptError(.value, "get_layer() takes either name= or index=, exactly one of them")
        }
    }

    public func setAttribute(_ name: String, _ value: Value) throws -> Bool {
        if name == "stop_training", let model {
            model.stopTraining = value.isTruthy
            return true
        }
        return try setLayerAttribute(name, value)
    }

    /// Keras 2's summary text for either kind of model.
    var summary: String {
        if let graph = layer as? Functional { return summaryText(of: graph) }
        if let sequential = layer as? Sequential { return summaryText(of: sequential) }
        return "\(layer.name) (\(layer.typeName))"
    }
}

/// An optimizer made by `rmsprop`, `sgd` or `adam`.
public final class OptimizerObject: HostObject {
    public let optimizer: Optimizer
    init(_ optimizer: Optimizer) { self.optimizer = optimizer }

    public var typeName: String { optimizer.typeName }
    public var summaryDescription: String { optimizer.description }
    public var attributeNames: [String] { ["learning_rate", "lr"] }
    public func attribute(_ name: String) throws -> Value? {
        switch name {
        case "learning_rate", "lr": return .float(Double(optimizer.learningRate))
        default: return nil
        }
    }
    public func setAttribute(_ name: String, _ value: Value) throws -> Bool {
        guard name == "learning_rate" || name == "lr" else { return false }
        guard let rate = value.asDouble, rate > 0 else { throw ScriptError(.value, "learning_rate must be a positive number") }
        optimizer.learningRate = Float(rate)
        return true
    }
}

/// What `fit` returns: `history.history["acc"]`, `history.acc`, `history.epoch`.
public final class HistoryObject: HostObject {
    public let history: History
    init(_ history: History) { self.history = history }

    public var typeName: String { "History" }
    public var summaryDescription: String {
        let epochs = history.epochs.count
        let last = history.entries.map { "\($0.0)=\(formatMetric($0.1.last ?? .nan))" }.joined(separator: ", ")
        return "History: \(epochs) epoch\(epochs == 1 ? "" : "s")\(last.isEmpty ? "" : "; last \(last)")\(history.stopReason.map { " (\($0))" } ?? "")"
    }
    public var attributeNames: [String] { ["history", "epoch"] + history.keys }

    public func attribute(_ name: String) throws -> Value? {
        switch name {
        case "history": return .dict(ValueDictionary(history.entries.map { ($0.0, Value.floats($0.1)) }))
        case "epoch": return .list(history.epochs.map { .int($0) })
        default: return history[name].map(Value.floats)
        }
    }
}

func formatMetric(_ value: Double) -> String { String(format: "%.4f", value) }
