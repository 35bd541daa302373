/// The weights of one layer, in the order the layer lists them (Conv2D and Dense: kernel, then bias).
public struct LayerWeightGroup: Equatable {
    /// Legacy files: the layer's name (`block1_conv1`). Keras 3 files: the layer's class-order path below
    /// `layers/`, nested models joined with `/` (`conv2d_1`, `functional/conv2d`).
    public var layerName: String
    public var weights: [WeightArray]

    public init(layerName: String, weights: [WeightArray]) {
        self.layerName = layerName
        self.weights = weights
    }

    /// Number of scalars over all the layer's weights.
    public var parameterCount: Int { weights.reduce(0) { $0 + $1.elementCount } }
}
