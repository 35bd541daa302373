import TLTensor

/// Fully connected layer (Keras `Dense`): `y = act(x W + b)` with `W` of shape `(in, units)`.
/// Inputs of higher rank are treated as rows of their last axis, as Keras does.
public final class Dense: Layer {
    public var name: String
    public let typeName = "Dense"
    public var trainable = true
    public let units: Int
    public let activation: Activation
    public let useBias: Bool
    public private(set) var kernel: Parameter?
    public private(set) var bias: Parameter?

    private var tape = ActivationTape()

    public init(units: Int, activation: Activation = .linear, useBias: Bool = true, name: String? = nil) {
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.name = name ?? LayerNames.next("dense")
    }

    public var weights: [Parameter] { [kernel, bias].compactMap { $0 } }
    public var isBuilt: Bool { kernel != nil }

    public func build(inputShape: FeatureShape) throws {
        guard kernel == nil else { return }
        guard let last = inputShape.last, let inputs = last else {
            throw ModelError("layer '\(name)' (Dense) needs the size of its input's last axis; got \(describeShape(inputShape)). Add a Flatten layer or give input_shape.")
        }
        var rng = RandomSource.current.makeGenerator()
        kernel = Parameter(name: "kernel", value: try Initializers.glorotUniform(shape: [inputs, units], generator: &rng))
        if useBias { bias = Parameter(name: "bias", value: .zeros([units])) }
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        guard !inputShape.isEmpty else {
            throw ModelError("layer '\(name)' (Dense) needs inputs with at least one feature axis")
        }
        return Array(inputShape.dropLast()) + [units]
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        guard x.rank >= 2 else { throw ModelError("layer '\(name)' (Dense) expects a batch of rows, got shape \(x.shape)") }
        try build(inputShape: x.shape.dropFirst().map { $0 })
        let inputs = x.shape.last!
        guard let kernel, kernel.shape[0] == inputs else {
            throw ModelError("layer '\(name)' (Dense) expects \(kernel?.shape[0] ?? 0) input features, got input of shape \(x.shape)")
        }
        // ReLU and ReLU6 are clamped by the product as it writes; other activations run after it.
        let ceiling = mode.logitsOutput ? nil : activation.reluCeiling
        var y = Tensor.matmul(x, kernel.value, bias: bias?.value, reluCeiling: ceiling)
        if !mode.logitsOutput && ceiling == nil { activation.apply(&y) }
        tape.record(input: x, output: y, activation: activation, mode: mode)
        return y
    }

    /// `dW += x^T dz`, `db += sum_rows dz`, `dx = dz W^T`, with `dz` the gradient before the activation.
    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        let (x, dz) = try tape.inputAndPreActivationGradient(outputGradient, activation: activation, layer: name)
        guard let kernel else { throw ModelError("layer '\(name)' (Dense) has no weights yet: call it on a batch first") }
        // dW stays the factors x, dz until the optimizer applies it (Parameter.pendingProduct).
        kernel.accumulateTransposedProduct(x, dz)
        if let bias, bias.requiresGradient {
            bias.gradient!.addSum(of: dz, alongAxes: Array(0..<(dz.rank - 1)))
        }
        guard needsInputGradient else { return nil }
        return Tensor.matmul(dz, kernel.value, transposeB: true)
    }

    public func clearCache() { tape.clear() }
}

extension Dense: KerasConfigurable {
    public var kerasConfig: KerasConfig { ["units": .int(units), "activation": .string(activation.rawValue), "use_bias": .bool(useBias)] }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        self.init(units: try config.int("units"), activation: try config.activation(), useBias: config.bool("use_bias", default: true), name: config.name)
    }
}
