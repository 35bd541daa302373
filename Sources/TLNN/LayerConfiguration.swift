import TLTensor
import TLJSON

/// What Keras's configurations hold beyond plain JSON: floats, pairs and shapes.
extension JSON {
    /// A float parameter as Keras writes it (a JSON number of the float's exact value).
    public static func number(_ value: Float) -> JSON { .double(Double(value)) }

    /// `[first, second]`: kernel sizes, strides, value ranges.
    public static func pair(_ values: (Int, Int)) -> JSON { [.int(values.0), .int(values.1)] }
    public static func pair(_ values: (Float, Float)) -> JSON { [.number(values.0), .number(values.1)] }

    /// A feature shape with `null` for unknown sizes: `[150, 150, 3]`, `[null, null, 3]`.
    public static func shape(_ shape: FeatureShape) -> JSON { .array(shape.map { $0.map(JSON.int) ?? .null }) }

    /// `[null, h, w, c]`, as Keras writes batch shapes: a leading null for the batch.
    public static func batchShape(_ shape: FeatureShape) -> JSON { .shape([nil] + shape) }
}

/// Keras's `get_config()` of one layer: its parameters by Keras's key names.
public typealias KerasConfig = [String: JSON]

/// A layer that describes itself as Keras's `get_config()` does and is rebuilt from that description:
/// how model files record architectures. ``LayerRegistry`` finds the type by its Keras class name.
public protocol KerasConfigurable: Layer {
    /// The Keras class names this type is read from: by default the type's own name, as tl's layer
    /// types are named after Keras's classes (`Dense`, `Conv2D`).
    static var kerasClassNames: [String] { get }
    /// The class name this layer is saved under: by default its ``Layer/typeName`` (`ReLU` or
    /// `Activation`, `Resizing` or `CenterCrop`).
    var kerasClassName: String { get }
    /// Keras's `get_config()` without `name` and `trainable`, which ``LayerRegistry`` adds for every layer.
    var kerasConfig: KerasConfig { get throws }
    /// The layer a configuration describes, with fresh weights.
    init(kerasConfig: LayerConfiguration) throws
}

extension KerasConfigurable {
    public static var kerasClassNames: [String] { [String(describing: self)] }
    public var kerasClassName: String { typeName }

    /// `init(kerasConfig:)` typed as a plain layer, for callers holding the type as an existential.
    static func layer(_ configuration: LayerConfiguration) throws -> Layer { try Self(kerasConfig: configuration) }
}

/// A layer whose configuration is its name alone (Flatten, Add).
public protocol NameOnlyConfigurable: KerasConfigurable {
    init(name: String?)
}

extension NameOnlyConfigurable {
    public var kerasConfig: KerasConfig { [:] }
    public init(kerasConfig config: LayerConfiguration) throws { self.init(name: config.name) }
}

/// The layer types a model file can hold, by Keras class name.
///
/// Swift has no load-time registration, so a new layer type is one more entry in ``types``; its
/// description and construction live in its own file.
public enum LayerRegistry {
    static let types: [any KerasConfigurable.Type] = [
        Sequential.self, Functional.self, InputLayer.self, Dense.self, Dropout.self, Flatten.self, Conv2D.self,
        DepthwiseConv2D.self, SeparableConv2D.self, MaxPooling2D.self, AveragePooling2D.self, GlobalAveragePooling2D.self,
        GlobalMaxPooling2D.self, ZeroPadding2D.self, BatchNormalization.self, ActivationLayer.self, Add.self, Concatenate.self,
        Reshape.self, Rescaling.self, Resizing.self, Normalization.self, RandomFlip.self, RandomContrast.self,
        RandomBrightness.self, RandomRotation.self, RandomZoom.self, RandomTranslation.self,
    ]

    static let typesByClassName: [String: any KerasConfigurable.Type] = Dictionary(
        types.flatMap { type in type.kerasClassNames.map { ($0, type) } }, uniquingKeysWith: { first, _ in first })

    /// The type a Keras class name is read as; nil for classes tl does not have.
    public static func type(forClassName className: String) -> (any KerasConfigurable.Type)? { typesByClassName[className] }

    /// `{"class_name": ..., "config": {"name": ..., "trainable": ..., ...}}`, nested layers included.
    public static func describe(_ layer: Layer) throws -> JSON {
        guard let configurable = layer as? any KerasConfigurable else {
            throw ModelError("cannot save layer '\(layer.name)': tl does not know how to describe a \(layer.typeName) layer in a model file. Save its weights with save_weights() and rebuild it in the script instead.")
        }
        var config = try configurable.kerasConfig
        config["name"] = .string(layer.name)
        config["trainable"] = .bool(layer.trainable)
        return ["class_name": .string(configurable.kerasClassName), "config": .object(config)]
    }

    /// Builds the layer a description records (fresh weights; `trainable` flags are the caller's).
    /// - Parameter source: the file the description came from, for messages.
    public static func make(_ description: JSON, source: String) throws -> Layer {
        let configuration = try LayerConfiguration(description, source: source)
        guard let type = type(forClassName: configuration.className) else {
            let models: Set = ["Sequential", "Functional", "Model", "InputLayer"]
            let leaves = types.flatMap { $0.kerasClassNames }.filter { !models.contains($0) }.sorted().joined(separator: ", ")
            throw ModelError("'\(source)': layer '\(configuration.name)' is a \(configuration.className), which tl cannot build. tl builds \(leaves) and models of them.")
        }
        return try type.layer(configuration)
    }
}

/// One layer's description being read: typed access to its `config`, with messages naming the file,
/// the layer and the key.
public struct LayerConfiguration {
    public let className: String
    public let name: String
    public let values: KerasConfig
    /// The file the description came from.
    public let source: String

    public init(_ description: JSON, source: String) throws {
        guard let className = description["class_name"]?.stringValue else {
            throw ModelError("'\(source)': a layer description has no class_name; the model configuration is damaged")
        }
        let values = description["config"]?.objectValue ?? [:]
        guard let name = values["name"]?.stringValue, !name.isEmpty else {
            throw ModelError("'\(source)': a \(className) layer has no name in the model configuration; the file is damaged")
        }
        (self.className, self.name, self.values, self.source) = (className, name, values, source)
    }

    public subscript(key: String) -> JSON? { values[key] }

    /// A message naming the file, the layer and the key, and what was there.
    public func failure(_ key: String, _ expected: String) -> ModelError {
        ModelError("'\(source)': '\(key)' of layer '\(name)' (\(className)) must be \(expected), got \(values[key].map { "\($0)" } ?? "nothing")")
    }

    /// A nested layer (a model's layers and nodes), built by the registry.
    public func layer(_ description: JSON) throws -> Layer { try LayerRegistry.make(description, source: source) }

    public func int(_ key: String) throws -> Int {
        guard let value = values[key]?.intValue, value > 0 else { throw failure(key, "a positive integer") }
        return value
    }

    public func double(_ key: String, default fallback: Double? = nil) throws -> Double {
        if values[key] == nil, let fallback { return fallback }
        guard let value = values[key]?.doubleValue, value.isFinite else { throw failure(key, "a number") }
        return value
    }

    public func bool(_ key: String, default fallback: Bool) -> Bool { values[key]?.boolValue ?? fallback }

    public func string(_ key: String) -> String? { values[key]?.stringValue }

    public func pair(_ key: String, default fallback: (Int, Int)? = nil) throws -> (Int, Int) {
        if values[key] == nil || values[key] == .null, let fallback { return fallback }
        if let single = values[key]?.intValue, single > 0 { return (single, single) }
        guard let items = values[key]?.intArray, items.count == 2, items.allSatisfy({ $0 > 0 }) else {
            throw failure(key, "two positive integers")
        }
        return (items[0], items[1])
    }

    /// A factor range: `[lower, upper]`, or one number `f` read as `(-|f|, |f|)` (symmetric) or `(f, f)`.
    public func range(_ key: String, symmetric: Bool = true) throws -> (Float, Float) {
        if let values = values[key]?.floatArray, values.count == 2 { return (values[0], values[1]) }
        let value = Float(try double(key))
        return symmetric ? (-abs(value), abs(value)) : (value, value)
    }

    public func activation() throws -> Activation {
        guard let activation = Activation(kerasName: values["activation"]?.stringValue) else {
            throw failure("activation", "one of " + Activation.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return activation
    }

    public func padding() throws -> Padding {
        guard let padding = Padding(rawValue: (values["padding"]?.stringValue ?? "valid").lowercased()) else {
            throw failure("padding", "\"valid\" or \"same\"")
        }
        return padding
    }

    public func shape(_ key: String, dropBatch: Bool) throws -> FeatureShape? {
        guard let value = values[key], value != .null else { return nil }
        return try shape(value, key: key, dropBatch: dropBatch)
    }

    /// Sizes with `null` for unknown ones; `dropBatch` drops the leading batch entry.
    public func shape(_ value: JSON, key: String, dropBatch: Bool) throws -> FeatureShape {
        guard let items = value.arrayValue, !items.isEmpty else {
            throw ModelError("'\(source)': '\(key)' of layer '\(name)' must be a list of sizes, got \(value)")
        }
        let dims: FeatureShape = try items.map { item in
            if item == .null { return nil }
            guard let size = item.intValue, size > 0 else {
                throw ModelError("'\(source)': '\(key)' of layer '\(name)' holds \(item), which is not a positive size")
            }
            return size
        }
        return dropBatch ? Array(dims.dropFirst()) : dims
    }
}

// MARK: What several layer types record alike

extension KerasConfig {
    /// Conv2D, DepthwiseConv2D and SeparableConv2D's window: kernel size, strides, padding, activation, bias.
    /// `filters` is Conv2D and SeparableConv2D's.
    static func window(filters: Int? = nil, kernelSize: (Int, Int), strides: (Int, Int), padding: Padding, activation: Activation,
                       useBias: Bool) -> Self {
        ["kernel_size": .pair(kernelSize), "strides": .pair(strides), "padding": .string(padding.rawValue),
         "activation": .string(activation.rawValue), "use_bias": .bool(useBias), "filters": filters.map { .int($0) }]
            .compactMapValues { $0 }
    }
}

/// Conv2D and SeparableConv2D, configured alike: filters, window, activation, bias.
public protocol ConvolutionConfigurable: KerasConfigurable {
    var filters: Int { get }
    var kernelSize: (Int, Int) { get }
    var strides: (Int, Int) { get }
    var padding: Padding { get }
    var activation: Activation { get }
    var useBias: Bool { get }
    init(filters: Int, kernelSize: (Int, Int), strides: (Int, Int), padding: Padding, activation: Activation, useBias: Bool, name: String?)
}

extension ConvolutionConfigurable {
    public var kerasConfig: KerasConfig {
        .window(filters: filters, kernelSize: kernelSize, strides: strides, padding: padding, activation: activation, useBias: useBias)
    }

    public init(kerasConfig config: LayerConfiguration) throws {
        let window = try config.window()
        self.init(filters: try config.int("filters"), kernelSize: window.kernelSize, strides: window.strides, padding: window.padding,
                  activation: window.activation, useBias: window.useBias, name: config.name)
    }
}

extension LayerConfiguration {
    /// A convolution's window as ``Swift/Dictionary/window(filters:kernelSize:strides:padding:activation:useBias:)`` records it.
    func window() throws -> (kernelSize: (Int, Int), strides: (Int, Int), padding: Padding, activation: Activation, useBias: Bool) {
        (try pair("kernel_size"), try pair("strides", default: (1, 1)), try padding(), try activation(), bool("use_bias", default: true))
    }
}
