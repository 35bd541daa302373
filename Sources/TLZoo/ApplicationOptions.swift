import TLTensor
import TLNN

/// What every `keras.applications` constructor takes besides its own knobs: the classifier or a global
/// pooling, the input shape, and whether ImageNet weights will be loaded (Keras's size rules depend on it).
public struct ApplicationOptions {
    public var includeTop: Bool
    /// `(height, width, channels)`; nil takes Keras's default (the native size with the top, any size without).
    public var inputShape: FeatureShape?
    public var pooling: VGG16.Pooling
    public var classes: Int
    /// `softmax` (Keras's default) or `linear` (`classifier_activation=None`) for logits.
    public var classifierActivation: Activation
    /// True when ImageNet weights will be loaded: Keras then fixes the channels at 3 and, with the top,
    /// the size at the native one.
    public var imagenetWeights: Bool

    public init(includeTop: Bool = true, inputShape: FeatureShape? = nil, pooling: VGG16.Pooling = .none, classes: Int = 1000,
                classifierActivation: Activation = .softmax, imagenetWeights: Bool = false) {
        self.includeTop = includeTop
        self.inputShape = inputShape
        self.pooling = pooling
        self.classes = classes
        self.classifierActivation = classifierActivation
        self.imagenetWeights = imagenetWeights
    }

    /// Keras's `imagenet_utils.obtain_input_shape`, with its messages: the input shape the model is built for.
    public func resolvedInputShape(defaultSize: Int, minSize: Int) throws -> FeatureShape {
        guard classes >= 1 else { throw ZooError("classes must be at least 1, got \(classes)") }
        if imagenetWeights && includeTop && classes != 1000 {
            throw ZooError("If using `weights` as `\"imagenet\"` with `include_top` as true, `classes` should be 1000.  Received classes=\(classes)")
        }
        let channels = (!imagenetWeights ? inputShape.flatMap { $0.count == 3 ? $0[2] : nil } : nil) ?? 3
        let defaultShape: FeatureShape = [defaultSize, defaultSize, channels]
        if imagenetWeights && includeTop {
            if let inputShape, inputShape != defaultShape {
                throw ZooError("When setting `include_top=True` and loading `imagenet` weights, `input_shape` should be \(Self.text(defaultShape)).")
            }
            return defaultShape
        }
        guard let shape = inputShape else { return includeTop ? defaultShape : [nil, nil, 3] }
        guard shape.count == 3 else { throw ZooError("`input_shape` must be a tuple of three integers.") }
        if shape[2] != 3 && imagenetWeights {
            throw ZooError("The input must have 3 channels; Received `input_shape=\(Self.text(shape))`")
        }
        if shape.prefix(2).contains(where: { $0 != nil && $0! < minSize }) {
            throw ZooError("Input size must be at least \(minSize)x\(minSize); Received: input_shape=\(Self.text(shape))")
        }
        if includeTop && shape.contains(where: { $0 == nil }) {
            throw ZooError("If `include_top` is True, you should specify a static `input_shape`. Received: input_shape=\(Self.text(shape))")
        }
        return shape
    }

    /// A shape as Python prints a tuple: `(224, 224, 3)`, `(None, None, 3)`.
    static func text(_ shape: FeatureShape) -> String {
        "(" + shape.map { $0.map(String.init) ?? "None" }.joined(separator: ", ") + ")"
    }

    /// Without the top: the optional global pooling, named as the application names it.
    func pooled(_ graph: KerasGraphBuilder, _ x: KerasGraphBuilder.Output, avgName: String, maxName: String) throws -> KerasGraphBuilder.Output {
        switch pooling {
        case .none: return x
        case .avg: return try graph(GlobalAveragePooling2D(name: avgName), x)
        case .max: return try graph(GlobalMaxPooling2D(name: maxName), x)
        }
    }
}
