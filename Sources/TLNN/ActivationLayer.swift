import TLTensor

/// An activation as a layer of its own (Keras `Activation`, e.g. `Activation('relu6')`; `ReLU(6.)` is
/// the same function): `y = f(x)` element-wise, softmax along the last axis.
public final class ActivationLayer: Layer {
    public var name: String
    public let typeName = "Activation"
    public var trainable = true
    public let weights: [Parameter] = []
    public let activation: Activation
    private var cachedOutput: Tensor?
    private var cachedLogits = false

    public init(_ activation: Activation, name: String? = nil) {
        self.activation = activation
        self.name = name ?? LayerNames.next("activation")
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
        guard let y = cachedOutput else {
            throw ModelError("layer '\(name)': backward called without a training forward pass")
        }
        var dx = outputGradient
        if !cachedLogits { activation.backward(output: y, gradient: &dx) }
        return dx
    }

    public func clearCache() { cachedOutput = nil }
}

extension ActivationLayer: ActivatedLayer {}
extension DepthwiseConv2D: ActivatedLayer {}
