import Foundation
import TLTensor
import TLNN

/// A model's architecture as JSON, in the shape Keras gives `model_config`:
/// `{"class_name": "Sequential", "config": {"name": ..., "layers": [{"class_name": "Dense", "config": {...}}]}}`.
///
/// Sequential models (nested ones included, such as the VGG16 base, recorded layer by layer) use Keras's
/// key names (`units`, `activation`, `kernel_size`, `pool_size`, `rate`, `build_input_shape`, ...), so a
/// plain Keras 2 `Sequential` saved by `model.save("x.h5")` can be read too. Graph models (EfficientNet-Lite)
/// are recorded as their node list (`nodes`: each layer with the indices of the nodes it takes), which is
/// tl's own form: Keras's `inbound_nodes` are not read.
///
/// Every layer records its own `trainable` flag, so a fine-tuning setup (a frozen base with some layers
/// unfrozen) comes back as it was saved.
public enum ModelArchitecture {
    // MARK: Encoding

    public static func describe(_ layer: Layer) throws -> [String: Any] {
        var config: [String: Any] = ["name": layer.name, "trainable": layer.trainable]
        // What Conv2D and DepthwiseConv2D record alike.
        func addWindow(_ kernelSize: (Int, Int), _ strides: (Int, Int), _ padding: Padding, activation: Activation, useBias: Bool) {
            config["kernel_size"] = [kernelSize.0, kernelSize.1]
            config["strides"] = [strides.0, strides.1]
            config["padding"] = padding.rawValue
            config["activation"] = activation.rawValue
            config["use_bias"] = useBias
        }
        let className: String
        switch layer {
        case let model as Sequential:
            className = "Sequential"
            config["type_name"] = model.typeName
            if let shape = model.declaredInputShape { config["build_input_shape"] = batchShape(shape) }
            config["layers"] = try model.layers.map(describe)
        case let graph as Functional:
            className = "Functional"
            config["type_name"] = graph.typeName
            config["input_shape"] = graph.inputShape.map { $0.map { $0 as Any } ?? NSNull() }
            config["input_name"] = graph.nodes[0].layer.name
            config["nodes"] = try graph.nodes.dropFirst().map { node in
                var entry: [String: Any] = ["layer": try describe(node.layer), "inputs": node.inputs]
                if let training = node.training { entry["training"] = training }
                return entry
            }
        case let input as InputLayer:
            className = "InputLayer"
            config["batch_input_shape"] = batchShape(input.shape)
        case let dense as Dense:
            className = "Dense"
            config["units"] = dense.units
            config["activation"] = dense.activation.rawValue
            config["use_bias"] = dense.useBias
        case let dropout as Dropout:
            className = "Dropout"
            config["rate"] = Double(dropout.rate)
        case is Flatten: className = "Flatten"
        case let pool as GlobalAveragePooling2D:
            className = "GlobalAveragePooling2D"
            if pool.keepDimensions { config["keepdims"] = true }
        case is GlobalMaxPooling2D: className = "GlobalMaxPooling2D"
        case is Add: className = "Add"
        case let conv as Conv2D:
            className = "Conv2D"
            config["filters"] = conv.filters
            addWindow(conv.kernelSize, conv.strides, conv.padding, activation: conv.activation, useBias: conv.useBias)
        case let conv as DepthwiseConv2D:
            className = "DepthwiseConv2D"
            addWindow(conv.kernelSize, conv.strides, conv.padding, activation: conv.activation, useBias: conv.useBias)
        case let pool as MaxPooling2D:
            className = "MaxPooling2D"
            config["pool_size"] = [pool.poolSize.0, pool.poolSize.1]
            config["strides"] = [pool.strides.0, pool.strides.1]
            config["padding"] = pool.padding.rawValue
        case let norm as BatchNormalization:
            className = "BatchNormalization"
            config["momentum"] = Double(norm.momentum)
            config["epsilon"] = Double(norm.epsilon)
            config["scale"] = norm.scale
        case let relu as ActivationLayer where relu.typeName == "ReLU":
            className = "ReLU"
            config["max_value"] = relu.activation == .relu6 ? 6.0 as Any : NSNull()
        case let conv as SeparableConv2D:
            className = "SeparableConv2D"
            config["filters"] = conv.filters
            addWindow(conv.kernelSize, conv.strides, conv.padding, activation: conv.activation, useBias: conv.useBias)
        case let pool as AveragePooling2D:
            className = "AveragePooling2D"
            config["pool_size"] = [pool.poolSize.0, pool.poolSize.1]
            config["strides"] = [pool.strides.0, pool.strides.1]
            config["padding"] = pool.padding.rawValue
        case let pad as ZeroPadding2D:
            className = "ZeroPadding2D"
            config["padding"] = [[pad.top, pad.bottom], [pad.left, pad.right]]
        case is Concatenate:
            className = "Concatenate"
            config["axis"] = -1
        case let reshape as Reshape:
            className = "Reshape"
            config["target_shape"] = reshape.targetShape
        case let activation as ActivationLayer:
            className = "Activation"
            config["activation"] = activation.activation.rawValue
        default:
            guard let preprocessing = PreprocessingArchitecture.describe(layer) else {
                throw ZooError("cannot save layer '\(layer.name)': tl does not know how to describe a \(layer.typeName) layer in a model file. Save its weights with save_weights() and rebuild it in the script instead.")
            }
            className = preprocessing.className
            config.merge(preprocessing.config) { $1 }
        }
        return ["class_name": className, "config": config]
    }

    /// `(None, h, w, c)` as Keras writes batch shapes: a leading null for the batch.
    static func batchShape(_ shape: FeatureShape) -> [Any] {
        [NSNull()] + shape.map { $0.map { $0 as Any } ?? NSNull() }
    }

    // MARK: Decoding

    /// Builds the model a description records, with fresh weights and the recorded `trainable` flags.
    /// - Parameter source: the file the description came from, for messages.
    public static func build(_ description: [String: Any], source: String) throws -> Layer {
        let layer = try makeLayer(description, source: source, isFirst: true)
        try applyTrainable(description, to: layer)
        return layer
    }

    private static func makeLayer(_ description: [String: Any], source: String, isFirst: Bool) throws -> Layer {
        let reader = try ConfigReader(description, source: source)
        let name = reader.name
        switch reader.className {
        case "Sequential":
            var declared = try reader.shape("build_input_shape", dropBatch: true)
            let items = try reader.list("layers")
            if declared == nil, let first = items.first, let firstConfig = first["config"] as? [String: Any],
               first["class_name"] as? String != "InputLayer", let batch = firstConfig["batch_input_shape"] {
                declared = try ConfigReader.parseShape(batch, key: "batch_input_shape", layer: name, source: source, dropBatch: true)
            }
            let model = Sequential(name: name, typeName: (reader.config["type_name"] as? String) ?? "Sequential", inputShape: declared)
            for (index, item) in items.enumerated() {
                try model.add(try makeLayer(item, source: source, isFirst: index == 0))
            }
            return model
        case "Functional", "Model":
            guard let nodes = reader.config["nodes"] as? [[String: Any]] else {
                throw ZooError("'\(source)': graph model '\(name)' is described the way Keras does (inbound_nodes), which tl does not read; tl reads Sequential models from Keras files. Rebuild the model in a script and load its weights with load_weights(model, \"\(source)\").")
            }
            guard let inputShape = try reader.shape("input_shape", dropBatch: false) else {
                throw ZooError("'\(source)': graph model '\(name)' has no input_shape; the file is damaged")
            }
            let graph = Functional(inputShape: inputShape, inputName: reader.config["input_name"] as? String, name: name,
                                   typeName: (reader.config["type_name"] as? String) ?? "Model")
            var outputs = [graph.input]
            for (index, node) in nodes.enumerated() {
                guard let layerDescription = node["layer"] as? [String: Any], let inputs = node["inputs"] as? [Int],
                      !inputs.isEmpty, inputs.allSatisfy({ $0 >= 0 && $0 < outputs.count }) else {
                    throw ZooError("'\(source)': node \(index + 1) of graph model '\(name)' is malformed (it needs a layer and the indices of earlier nodes it takes); the file is damaged")
                }
                let layer = try makeLayer(layerDescription, source: source, isFirst: false)
                if let merge = layer as? MergeLayer {
                    outputs.append(try graph.apply(merge, to: inputs.map { outputs[$0] }))
                } else {
                    outputs.append(try graph.apply(layer, to: outputs[inputs[0]], training: node["training"] as? Bool))
                }
            }
            return graph
        case "InputLayer":
            guard let shape = try reader.shape("batch_input_shape", dropBatch: true) else {
                throw ZooError("'\(source)': InputLayer '\(name)' has no batch_input_shape")
            }
            return InputLayer(shape: shape, name: name)
        case "Dense":
            let layer = Dense(units: try reader.int("units"), activation: try reader.activation(), useBias: reader.bool("use_bias", default: true), name: name)
            return layer
        case "Dropout":
            return Dropout(rate: Float(try reader.double("rate")), name: name)
        case "Flatten": return Flatten(name: name)
        case "GlobalAveragePooling2D": return GlobalAveragePooling2D(keepDimensions: reader.bool("keepdims", default: false), name: name)
        case "GlobalMaxPooling2D": return GlobalMaxPooling2D(name: name)
        case "Add": return Add(name: name)
        case "Conv2D":
            return Conv2D(filters: try reader.int("filters"), kernelSize: try reader.pair("kernel_size"),
                          strides: try reader.pair("strides", default: (1, 1)), padding: try reader.padding(),
                          activation: try reader.activation(), useBias: reader.bool("use_bias", default: true), name: name)
        case "DepthwiseConv2D":
            return DepthwiseConv2D(kernelSize: try reader.pair("kernel_size"), strides: try reader.pair("strides", default: (1, 1)),
                                   padding: try reader.padding(), activation: try reader.activation(),
                                   useBias: reader.bool("use_bias", default: true), name: name)
        case "MaxPooling2D":
            let pool = try reader.pair("pool_size", default: (2, 2))
            return MaxPooling2D(poolSize: pool, strides: try reader.pair("strides", default: pool), padding: try reader.padding(), name: name)
        case "BatchNormalization":
            return BatchNormalization(momentum: Float(try reader.double("momentum", default: 0.99)),
                                      epsilon: Float(try reader.double("epsilon", default: 1e-3)),
                                      scale: reader.bool("scale", default: true), name: name)
        case "ReLU":
            let ceiling = reader.config["max_value"].flatMap { $0 is NSNull ? nil : ($0 as? NSNumber)?.floatValue }
            do { return try ActivationLayer.relu(maxValue: ceiling, name: name) } catch { throw ZooError("'\(source)': \(error)") }
        case "SeparableConv2D":
            return SeparableConv2D(filters: try reader.int("filters"), kernelSize: try reader.pair("kernel_size"),
                                   strides: try reader.pair("strides", default: (1, 1)), padding: try reader.padding(),
                                   activation: try reader.activation(), useBias: reader.bool("use_bias", default: true), name: name)
        case "AveragePooling2D":
            let pool = try reader.pair("pool_size", default: (2, 2))
            return AveragePooling2D(poolSize: pool, strides: try reader.pair("strides", default: pool), padding: try reader.padding(), name: name)
        case "ZeroPadding2D":
            guard let sides = reader.config["padding"] as? [[Int]], sides.count == 2, sides.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0 >= 0 } }) else {
                throw ZooError("'\(source)': 'padding' of layer '\(name)' (ZeroPadding2D) must be ((top, bottom), (left, right)), got \(reader.config["padding"] ?? "nothing")")
            }
            return ZeroPadding2D(top: sides[0][0], bottom: sides[0][1], left: sides[1][0], right: sides[1][1], name: name)
        case "Concatenate": return Concatenate(name: name)
        case "Reshape":
            guard let target = reader.config["target_shape"] as? [Int], target.allSatisfy({ $0 > 0 }) else {
                throw ZooError("'\(source)': 'target_shape' of layer '\(name)' (Reshape) must be a list of positive sizes")
            }
            return Reshape(targetShape: target, name: name)
        case "Activation":
            return ActivationLayer(try reader.activation(), name: name)
        case let other:
            if let layer = try PreprocessingArchitecture.make(className: other, config: reader.config, name: name, source: source) {
                return layer
            }
            throw ZooError("'\(source)': layer '\(name)' is a \(other), which tl cannot build. tl builds Dense, Dropout, Flatten, Conv2D, DepthwiseConv2D, SeparableConv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, ZeroPadding2D, BatchNormalization, Activation, ReLU, Add, Concatenate, Reshape and models of them.")
        }
    }

    /// Sets each layer's recorded flag, containers before their layers (setting a container's flag
    /// sets its layers' flags, which the layers' own records then refine).
    private static func applyTrainable(_ description: [String: Any], to layer: Layer) throws {
        let config = description["config"] as? [String: Any] ?? [:]
        if let flag = config["trainable"] as? Bool { layer.trainable = flag }
        let children: [[String: Any]]
        if let layers = config["layers"] as? [[String: Any]] { children = layers }
        else if let nodes = config["nodes"] as? [[String: Any]] { children = nodes.compactMap { $0["layer"] as? [String: Any] } }
        else { return }
        var sublayers = layer.sublayers
        if layer is Functional { sublayers.removeFirst() }   // the graph's input node is not described
        for (child, sublayer) in zip(children, sublayers) { try applyTrainable(child, to: sublayer) }
    }
}

/// Typed access to one layer's `config`, with messages naming the file, the layer and the key.
private struct ConfigReader {
    let className: String
    let config: [String: Any]
    let name: String
    let source: String

    init(_ description: [String: Any], source: String) throws {
        guard let className = description["class_name"] as? String else {
            throw ZooError("'\(source)': a layer description has no class_name; the model configuration is damaged")
        }
        self.className = className
        config = description["config"] as? [String: Any] ?? [:]
        guard let name = config["name"] as? String, !name.isEmpty else {
            throw ZooError("'\(source)': a \(className) layer has no name in the model configuration; the file is damaged")
        }
        self.name = name
        self.source = source
    }

    private func failure(_ key: String, _ expected: String) -> ZooError {
        ZooError("'\(source)': '\(key)' of layer '\(name)' (\(className)) must be \(expected), got \(config[key].map { "\($0)" } ?? "nothing")")
    }

    func int(_ key: String) throws -> Int {
        guard let value = config[key] as? Int, value > 0 else { throw failure(key, "a positive integer") }
        return value
    }

    func double(_ key: String, default fallback: Double? = nil) throws -> Double {
        if config[key] == nil, let fallback { return fallback }
        guard let value = (config[key] as? NSNumber)?.doubleValue, value.isFinite else { throw failure(key, "a number") }
        return value
    }

    func bool(_ key: String, default fallback: Bool) -> Bool { config[key] as? Bool ?? fallback }

    func pair(_ key: String, default fallback: (Int, Int)? = nil) throws -> (Int, Int) {
        if config[key] == nil || config[key] is NSNull, let fallback { return fallback }
        if let single = config[key] as? Int, single > 0 { return (single, single) }
        guard let values = config[key] as? [Int], values.count == 2, values.allSatisfy({ $0 > 0 }) else { throw failure(key, "two positive integers") }
        return (values[0], values[1])
    }

    func activation() throws -> Activation {
        let text = config["activation"] as? String
        guard let activation = Activation(kerasName: text) else {
            throw failure("activation", "one of " + Activation.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return activation
    }

    func padding() throws -> Padding {
        guard let padding = Padding(rawValue: (config["padding"] as? String ?? "valid").lowercased()) else {
            throw failure("padding", "\"valid\" or \"same\"")
        }
        return padding
    }

    func list(_ key: String) throws -> [[String: Any]] {
        guard let items = config[key] as? [[String: Any]] else { throw failure(key, "a list of layer descriptions") }
        return items
    }

    func shape(_ key: String, dropBatch: Bool) throws -> FeatureShape? {
        guard let value = config[key], !(value is NSNull) else { return nil }
        return try Self.parseShape(value, key: key, layer: name, source: source, dropBatch: dropBatch)
    }

    static func parseShape(_ value: Any, key: String, layer: String, source: String, dropBatch: Bool) throws -> FeatureShape {
        guard let items = value as? [Any], !items.isEmpty else {
            throw ZooError("'\(source)': '\(key)' of layer '\(layer)' must be a list of sizes, got \(value)")
        }
        let dims: FeatureShape = try items.map { item in
            if item is NSNull { return nil }
            guard let size = item as? Int, size > 0 else {
                throw ZooError("'\(source)': '\(key)' of layer '\(layer)' holds \(item), which is not a positive size")
            }
            return size
        }
        return dropBatch ? Array(dims.dropFirst()) : dims
    }
}
