import Synchronization
import TLTensor

/// A trainable array of a layer (a kernel or a bias), with the gradient the current backward pass
/// accumulates into it.
///
/// Which gradients a backward pass computes is an explicit request: the trainer's execution plan sets
/// ``requiresGradient`` on the parameters it will update, and a layer computes exactly the weight
/// gradients requested and no more.
///
/// A Dense layer's weight gradient over a batch, `x^T dz`, is kept as its two factors
/// (``pendingProduct``) while nothing else has been added to it: the optimizer can then apply its step as the
/// product is formed, never storing it (the classifier's 8192 x 256 kernel over a batch of 20). Reading
/// ``gradient`` forms it.
public final class Parameter {
    /// The weight's own name within its layer, as Keras names it: `kernel`, `bias`, ...
    public let name: String
    public var value: Tensor {
        didSet { version = Self.nextVersion() }
    }
    /// Changes whenever ``value`` does (assigned, or changed in place through it: every change goes through
    /// the property, the tensor being a value), and differs between any two parameters: what a layer keeps
    /// made from the value (its kernel packed for the C sgemm, ``PackedKernelCache``) is current while the
    /// version it was made from is.
    public private(set) var version: UInt64

    private static let versions = Atomic<UInt64>(0)
    private static func nextVersion() -> UInt64 { versions.wrappingAdd(1, ordering: .relaxed).newValue }
    /// dL/d(value), accumulated by backward passes: zeros while ``requiresGradient`` is set and nothing has
    /// been added yet (allocated when first read or added to), nil when no gradient is requested or held.
    public internal(set) var gradient: Tensor? {
        get {
            formGradient()
            return storedGradient
        }
        _modify {
            formGradient()
            yield &storedGradient
        }
        set {
            pendingProduct = nil
            storedGradient = newValue
        }
    }
    private var storedGradient: Tensor?
    /// The gradient as `a^T b` (``TransposedProduct``), not yet formed; nil once ``gradient`` is read or
    /// added to, or when the gradient was never such a product.
    public private(set) var pendingProduct: TransposedProduct?

    /// Whether backward passes compute this parameter's gradient. Setting it starts a fresh zero gradient;
    /// clearing it drops the gradient.
    public var requiresGradient = false {
        didSet {
            storedGradient = nil
            pendingProduct = nil
        }
    }

    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        version = Self.nextVersion()
    }

    public var shape: [Int] { value.shape }
    public var count: Int { value.count }

    /// Whether ``gradient`` is non-nil, found without forming a pending product.
    public var hasGradient: Bool { requiresGradient || storedGradient != nil || pendingProduct != nil }

    /// Adds `delta` to the accumulated gradient, if this parameter is being trained.
    public func accumulate(_ delta: Tensor) {
        guard requiresGradient else { return }
        gradient! += delta
    }

    /// Adds `a^T b` to the accumulated gradient (a weight gradient over a batch of rows, `dW += x^T dz`), if this
    /// parameter is being trained: kept as its factors when nothing has been added yet and the batch is
    /// shallow enough (``TransposedProduct/maximumDepth``), formed into the gradient otherwise.
    public func accumulateTransposedProduct(_ a: Tensor, _ b: Tensor) {
        guard requiresGradient else { return }
        let product = TransposedProduct(a, b)
        precondition(product.shape == shape, "a gradient of shape \(product.shape) for the weight \(name) of shape \(shape)")
        if storedGradient == nil && pendingProduct == nil && product.k <= TransposedProduct.maximumDepth {
            pendingProduct = product
            return
        }
        gradient!.addMatmul(a, b, transposeA: true)
    }

    /// Whether every element of the gradient is finite (true when there is none). A pending product is judged
    /// from its factors when they settle it (``TransposedProduct/isCertainlyFinite``), else formed and looked at.
    public var gradientIsFinite: Bool {
        if let pendingProduct, pendingProduct.isCertainlyFinite { return true }
        return gradient?.allFinite ?? true
    }

    /// Turns a pending product into the stored gradient, and a requested but untouched gradient into zeros.
    private func formGradient() {
        if let product = pendingProduct {
            storedGradient = product.formed()
            pendingProduct = nil
        } else if storedGradient == nil && requiresGradient {
            storedGradient = .zeros(shape)
        }
    }
}
