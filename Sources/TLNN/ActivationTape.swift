import TLTensor

/// What a layer of the form `y = activation(z)`, `z = f(x)` keeps for backpropagation: its input `x`, and
/// its output `y` when the activation's derivative needs it (not for `linear`, and not in logits mode,
/// where the loss hands back dL/dz directly).
struct ActivationTape {
    private(set) var input: Tensor?
    private var output: Tensor?
    private var logits = false

    /// Keeps what backward will need, when the pass keeps anything at all.
    mutating func record(input x: Tensor, output y: Tensor, activation: Activation, mode: ForwardMode) {
        guard mode.keepForBackward else { return }
        input = x
        logits = mode.logitsOutput
        output = activation == .linear || logits ? nil : y
    }

    /// dL/dz from dL/dy: through the activation's derivative, or unchanged after logits or `linear`.
    func preActivationGradient(_ outputGradient: Tensor, activation: Activation) -> Tensor {
        var dz = outputGradient
        if !logits, let y = output { activation.backward(output: y, gradient: &dz) }
        return dz
    }

    /// The kept input and dL/dz, for `layer`'s backward pass; throws when no training forward pass kept them.
    func inputAndPreActivationGradient(_ outputGradient: Tensor, activation: Activation, layer: String) throws -> (input: Tensor, dz: Tensor) {
        guard let input else { throw ModelError("layer '\(layer)': backward called without a training forward pass") }
        return (input, preActivationGradient(outputGradient, activation: activation))
    }

    mutating func clear() {
        input = nil
        output = nil
    }
}
