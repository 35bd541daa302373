import TLTensor

/// An activation as a layer of its own (Keras `Activation`, e.g. `Activation('relu6')`; `ReLU(6.)` is
/// the same function): `y = f(x)` element-wise, softmax along the last axis.
///
/// Keras's `ReLU` layer (`ReLU()`, `ReLU(max_value=6.)`, as MobileNet builds it) is this layer with the
/// type name `ReLU`: see ``relu(maxValue:name:)``.
public final class ActivationLayer: Layer {
    public var name: String
    /// `Activation`, or `ReLU` for Keras's ReLU layer.
    public let typeName: String
    public var trainable = true
    public let weights: [Parameter] = []
    public let activation: Activation
    private var cachedOutput: Tensor?
    private var cachedLogits = false

    public init(_ activation: Activation, name: String? = nil) {
        self.activation = activation
        self.typeName = "Activation"
        self.name = name ?? LayerNames.next("activation")
    }

    private init(_ activation: Activation, typeName: String, name: String) {
        self.activation = activation
        self.typeName = typeName
        self.name = name
    }

    /// Keras's `ReLU(max_value=)` layer: `y = min(max(x, 0), max_value)`; no ceiling, or 6 (ReLU6).
    /// Other ceilings, negative slopes and thresholds are not supported.
    public static func relu(maxValue: Float? = nil, name: String? = nil) throws -> ActivationLayer {
        let activation: Activation
        switch maxValue {
        case nil: activation = .relu
        case 6?: activation = .relu6
        case let other?:
            throw ModelError("ReLU(max_value=\(other)): tl's ReLU layer takes max_value=None or 6 (ReLU6), the values Keras's applications use")
        }
        return ActivationLayer(activation, typeName: "ReLU", name: name ?? LayerNames.next("re_lu"))
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape { inputShape }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        var y = x
        if !mode.logitsOutput { activation.apply(&y) }
        if mode.keepForBackward {
            cachedOutput = y
            cachedLogits = mode.logitsOutput
        }
        return y
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient else { return nil }
        let y = try kept(cachedOutput)
        var dx = outputGradient
        if !cachedLogits { activation.backward(output: y, gradient: &dx) }
        return dx
    }

    public func clearCache() { cachedOutput = nil }
}

extension ActivationLayer: ActivatedLayer {}
extension DepthwiseConv2D: ActivatedLayer {}

extension ActivationLayer: KerasConfigurable {
    public static var kerasClassNames: [String] { ["Activation", "ReLU"] }
    public var kerasConfig: KerasConfig {
        typeName == "ReLU" ? ["max_value": activation == .relu6 ? 6.0 : nil] : ["activation": .string(activation.rawValue)]
    }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        guard config.className == "ReLU" else {
            self.init(try config.activation(), name: config.name)
            return
        }
        let ceiling = config["max_value"]?.doubleValue.map(Float.init)
        let relu = try Result { try Self.relu(maxValue: ceiling, name: config.name) }.mapError { ModelError("'\(config.source)': \($0)") }.get()
        self.init(relu.activation, typeName: relu.typeName, name: config.name)
    }
}
