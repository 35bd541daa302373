import TLNN

/// The arithmetic of a workload, for the bench's fraction of the machine's limit: floating-point operations
/// counted from the model as the direct algorithm does them, two (a multiply and an add) per multiply-add of
/// every convolution and dense layer, for a given input size. Winograd does fewer products for a 3x3
/// convolution; the count stays the direct one, so that every engine is measured against the same work.
/// Other layers (pooling, batch normalisation, activations) are not counted.
///
/// A counted layer's multiply-adds per sample are its output positions (the output shape without its
/// channels) times its kernels' weights:
/// - `Conv2D`: `OH·OW · kh·kw·Cin·Cout`;
/// - `DepthwiseConv2D`: `OH·OW · kh·kw·C·multiplier`;
/// - `SeparableConv2D`: both its kernels at the output's positions;
/// - `Dense`: `Cin·Cout` (per position when its input has more than one axis).
struct WorkloadArithmetic {
    /// A layer that computes, in execution order.
    struct Leaf {
        let name: String
        /// Multiply-adds of one sample's forward pass (0 for a layer that is not counted).
        let multiplyAdds: Double
        /// Whether a training step updates its weights.
        let trains: Bool
    }

    static let countedTypes: Set<String> = ["Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Dense"]

    /// Every layer of the model, nested models flattened, in the order a forward pass runs them.
    private(set) var leaves: [Leaf] = []

    /// Counts `model`'s layers for one sample of `inputShape` (without the batch axis).
    init(model: Layer, inputShape: FeatureShape) throws {
        _ = try visit(model, input: inputShape, inModelThatTrains: true)
    }

    /// Floating-point operations of one sample's forward pass.
    var forwardFLOPs: Double { 2 * leaves.reduce(0) { $0 + $1.multiplyAdds } }

    /// Floating-point operations of one sample's training step: the forward pass; then, going back, the
    /// gradient of each trained layer's weights (as many multiply-adds as its forward pass) and the gradient
    /// of the input of every counted layer that has a trained layer before it (as many again). The first
    /// trained layer's input gradient is not needed, nor is any gradient before it.
    var trainingFLOPs: Double {
        var multiplyAdds = leaves.reduce(0) { $0 + $1.multiplyAdds }
        var trainedBefore = false
        for leaf in leaves {
            if leaf.trains { multiplyAdds += leaf.multiplyAdds }
            if trainedBefore { multiplyAdds += leaf.multiplyAdds }
            trainedBefore = trainedBefore || leaf.trains
        }
        return 2 * multiplyAdds
    }

    /// Walks `layer` for inputs of shape `input`, appending its leaves; returns its output shape.
    /// A layer trains when it and every model around it are trainable and it has weights to train.
    private mutating func visit(_ layer: Layer, input: FeatureShape, inModelThatTrains: Bool) throws -> FeatureShape {
        let trains = inModelThatTrains && layer.trainable
        if let model = layer as? Sequential {
            var shape = input
            for inner in model.layers { shape = try visit(inner, input: shape, inModelThatTrains: trains) }
            return shape
        }
        if let model = layer as? Functional {
            let shapes = try model.nodeShapes(for: input)
            // The input node takes nothing and merges (Add, Concatenate) several inputs: neither is counted.
            for node in model.nodes where node.inputs.count == 1 {
                _ = try visit(node.layer, input: shapes[node.inputs[0]], inModelThatTrains: trains)
            }
            return shapes.last ?? input
        }
        let output = try layer.outputShape(for: input)
        leaves.append(Leaf(name: layer.name, multiplyAdds: Self.multiplyAdds(of: layer, output: output),
                           trains: trains && !layer.trainableWeights.isEmpty))
        return output
    }

    /// Multiply-adds of one sample through `layer`, whose output for that sample has shape `output`.
    static func multiplyAdds(of layer: Layer, output: FeatureShape) -> Double {
        guard countedTypes.contains(layer.typeName) else { return 0 }
        let positions = output.dropLast().reduce(1) { $0 * ($1 ?? 1) }
        let kernelWeights = layer.weights.filter { $0.shape.count >= 2 }.reduce(0) { $0 + $1.count }
        return Double(positions) * Double(kernelWeights)
    }
}
