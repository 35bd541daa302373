import TLTensor

/// A trainable array of a layer (a kernel or a bias), with the gradient the current backward pass
/// accumulates into it.
///
/// The trainer sets `gradient` to zeros for the parameters it will update and leaves it `nil` for the
/// others, so a layer computes exactly the weight gradients that are needed and no more.
public final class Parameter {
    /// The weight's own name within its layer, as Keras names it: `kernel`, `bias`, ...
    public let name: String
    public var value: Tensor
    public var gradient: Tensor?

    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
    }

    public var shape: [Int] { value.shape }
    public var count: Int { value.count }

    /// Adds `delta` to the accumulated gradient, if this parameter is being trained.
    @inlinable public func accumulate(_ delta: Tensor) {
        guard gradient != nil else { return }
        gradient! += delta
    }
}
