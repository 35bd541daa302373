import TLTensor

/// A trainable array of a layer (a kernel or a bias), with the gradient the current backward pass
/// accumulates into it.
///
/// Which gradients a backward pass computes is an explicit request: the trainer's execution plan sets
/// ``requiresGradient`` on the parameters it will update, and a layer computes exactly the weight
/// gradients requested and no more.
public final class Parameter {
    /// The weight's own name within its layer, as Keras names it: `kernel`, `bias`, ...
    public let name: String
    public var value: Tensor
    /// dL/d(value), accumulated by backward passes; a zeroed buffer exists exactly while ``requiresGradient`` is set.
    public internal(set) var gradient: Tensor?
    /// Whether backward passes compute this parameter's gradient. Setting it starts a fresh zeroed
    /// ``gradient``; clearing it frees the buffer.
    public var requiresGradient = false {
        didSet { gradient = requiresGradient ? Tensor(shape: shape) : nil }
    }

    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
    }

    public var shape: [Int] { value.shape }
    public var count: Int { value.count }

    /// Adds `delta` to the accumulated gradient, if this parameter is being trained.
    public func accumulate(_ delta: Tensor) {
        guard requiresGradient else { return }
        gradient! += delta
    }
}
