import TLTensor

/// A layer that combines several tensors into one (Keras's `Merge` layers: `Add`, ...). It can only be
/// used inside a ``Functional`` model, which passes it the outputs of several layers.
public protocol MergeLayer: Layer {
    /// The output shape for these input shapes.
    func outputShape(for inputShapes: [FeatureShape]) throws -> FeatureShape
    /// Runs the layer on one batch per input.
    func forward(_ inputs: [Tensor], mode: ForwardMode) throws -> Tensor
    /// dL/d(output) to dL/d(input) for each input, in input order; nil when no input gradient is needed.
    func backward(_ outputGradient: Tensor, needsInputGradients: Bool) throws -> [Tensor]?
}

extension MergeLayer {
    func singleInputError() -> ModelError {
        ModelError("layer '\(name)' (\(typeName)) merges several tensors: call it on a list of at least 2 inputs inside a functional model, not in a Sequential model")
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape { throw singleInputError() }
    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor { throw singleInputError() }
    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? { throw singleInputError() }
}
