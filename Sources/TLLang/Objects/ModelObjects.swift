import TLTensor
import TLNN
import TLScript

/// Wraps an engine layer for scripts; models get ``ModelObject``.
func wrap(_ layer: Layer) -> Value {
    if layer is Sequential || layer is Functional { return .object(ModelObject(layer)) }
    return .object(LayerObject(layer))
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
        case "trainable_weights": return .list(layer.trainableWeights.map { .object(ArrayObject($0.value)) })
        case "non_trainable_weights": return .list(layer.nonTrainableWeights.map { .object(ArrayObject($0.value)) })
        case "weights": return .list(layer.weights.map { .object(ArrayObject($0.value)) })
        case "count_params": return .int(layer.parameterCount)
        default: return nil
        }
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

/// A single layer (`conv_base.layers[3]`, `dense(256)`).
public final class LayerObject: LayerBacked {
    public let layer: Layer
    init(_ layer: Layer) { self.layer = layer }

    public var typeName: String { layer.typeName }
    public var summaryDescription: String {
        "\(layer.typeName) '\(layer.name)'\(layer.isBuilt ? ", \(groupedThousands(layer.parameterCount)) parameters" : ", not built yet")\(layer.trainable ? "" : ", frozen")"
    }
    public var attributeNames: [String] { ["name", "trainable", "trainable_weights", "non_trainable_weights", "weights", "count_params"] }
    public func attribute(_ name: String) throws -> Value? { layerAttribute(name) }
    public func setAttribute(_ name: String, _ value: Value) throws -> Bool { try setLayerAttribute(name, value) }
}

/// A model: a Sequential stack, or a graph (Functional) such as EfficientNet-Lite.
public final class ModelObject: LayerBacked {
    public let layer: Layer
    init(_ layer: Layer) { self.layer = layer }

    /// The model as a Sequential stack, when it is one (training needs it).
    var sequential: Sequential? { layer as? Sequential }

    var inputShape: FeatureShape? { sequential?.inputShape ?? (layer as? Functional)?.inputShape }
    var outputShape: FeatureShape? { inputShape.flatMap { try? layer.outputShape(for: $0) } }

    public var typeName: String { layer.typeName }
    public var summaryDescription: String {
        let shape = outputShape.map(describeShape) ?? "unknown output shape"
        let trainable = layer.trainableWeights.reduce(0) { $0 + $1.count }
        return "\(layer.typeName) '\(layer.name)': \(layer.sublayers.count) layers, \(groupedThousands(layer.parameterCount)) parameters (\(groupedThousands(trainable)) trainable), output \(shape)\(sequential?.compiled == nil ? "" : ", compiled")"
    }
    public var attributeNames: [String] {
        ["name", "layers", "trainable", "trainable_weights", "non_trainable_weights", "weights", "input_shape", "output_shape", "count_params", "optimizer"]
    }

    public func attribute(_ name: String) throws -> Value? {
        if let common = layerAttribute(name) { return common }
        func shapeValue(_ shape: FeatureShape?) -> Value {
            shape.map { .tuple([Value.none] + $0.map { $0.map(Value.int) ?? Value.none }) } ?? Value.none
        }
        switch name {
        case "layers": return .list(layer.sublayers.map(wrap))
        case "input_shape": return shapeValue(inputShape)
        case "output_shape": return shapeValue(outputShape)
        case "optimizer": return sequential?.compiled.map { .object(OptimizerObject($0.optimizer)) } ?? Value.none
        default: return nil
        }
    }

    public func setAttribute(_ name: String, _ value: Value) throws -> Bool { try setLayerAttribute(name, value) }

    /// Keras 2's summary text for either kind of model.
    var summary: String {
        if let sequential { return summaryText(of: sequential) }
        if let graph = layer as? Functional { return summaryText(of: graph) }
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
