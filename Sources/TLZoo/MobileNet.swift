import Foundation
import TLTensor
import TLNN

/// MobileNet (Howard et al. 2017) exactly as `keras.applications.MobileNet` builds it: `conv1` 3x3 stride 2
/// + `conv1_bn` + `conv1_relu` (ReLU6), then 13 depthwise-separable blocks `conv_dw_k` (3x3 depthwise; at
/// stride 2 after `conv_pad_k`, a zero row and column after, 'valid') + BN + ReLU6, `conv_pw_k` (1x1) + BN +
/// ReLU6; filters 64, 128, 128, 256, 256, 512 x6, 1024, 1024 scaled by `alpha`. With the top: global
/// average pooling kept 4-D, `dropout`, the 1x1 convolution `conv_preds`, `reshape_2` and `predictions`.
///
/// Keras's `depth_multiplier` multiplies the depthwise channels (ImageNet weights exist for 1 only).
public enum MobileNet {
    static let blocks: [(filters: Int, stride: Int)] = [
        (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1), (512, 1),
        (1024, 2), (1024, 1),
    ]
    public static let imagenetAlphas: [Double] = [0.25, 0.5, 0.75, 1.0]
    public static let imagenetSizes = [128, 160, 192, 224]

    /// The size the weights are for: the input's when square and published, else 224 (Keras's rule).
    public static func weightsSize(for shape: FeatureShape?) -> Int {
        if let shape, shape.count == 3, let rows = shape[0], shape[1] == rows, imagenetSizes.contains(rows) { return rows }
        return 224
    }

    public static func make(_ options: ApplicationOptions, alpha: Double = 1.0, depthMultiplier: Int = 1,
                            dropout: Float = 1e-3) throws -> Functional {
        let shape = try options.resolvedInputShape(defaultSize: weightsSize(for: options.inputShape), minSize: 32)
        if options.imagenetWeights {
            guard depthMultiplier == 1 else {
                throw ZooError("If imagenet weights are being loaded, depth multiplier must be 1.  Received depth_multiplier=\(depthMultiplier)")
            }
            guard imagenetAlphas.contains(alpha) else {
                throw ZooError("If imagenet weights are being loaded, alpha can be one of`0.25`, `0.50`, `0.75` or `1.0` only.  Received alpha=\(alpha)")
            }
        }
        guard depthMultiplier >= 1 else {
            throw ZooError("MobileNet: depth_multiplier must be a positive integer, got \(depthMultiplier)")
        }
        let graph = KerasGraphBuilder(inputShape: shape)
        var x = try graph(Conv2D(filters: Int(32 * alpha), kernelSize: (3, 3), strides: (2, 2), padding: .same, useBias: false,
                                 name: "conv1"), graph.input)
        x = try graph(BatchNormalization(name: "conv1_bn"), x)
        x = try graph(try ActivationLayer.relu(maxValue: 6, name: "conv1_relu"), x)
        for (index, block) in blocks.enumerated() {
            x = try depthwiseBlock(graph, x, filters: Int(Double(block.filters) * alpha), stride: block.stride,
                                   depthMultiplier: depthMultiplier, id: index + 1)
        }
        var names = KerasAutoNames()
        if options.includeTop {
            x = try graph(GlobalAveragePooling2D(keepDimensions: true, name: names.next("global_average_pooling2d")), x)
            x = try graph(Dropout(rate: dropout, name: "dropout"), x)
            x = try graph(Conv2D(filters: options.classes, kernelSize: (1, 1), padding: .same, name: "conv_preds"), x)
            x = try graph(Reshape(targetShape: [options.classes], name: "reshape_2"), x)
            x = try graph(ActivationLayer(options.classifierActivation, name: "predictions"), x)
        } else {
            x = try options.pooled(graph, x, avgName: names.next("global_average_pooling2d"), maxName: names.next("global_max_pooling2d"))
        }
        let rows = options.imagenetWeights ? String(weightsSize(for: shape)) : (shape[0].map(String.init) ?? "None")
        return try graph.model(output: x, name: "mobilenet_\(String(format: "%.2f", alpha))_\(rows)")
    }

    static func depthwiseBlock(_ graph: KerasGraphBuilder, _ input: KerasGraphBuilder.Output, filters: Int, stride: Int,
                               depthMultiplier: Int, id: Int) throws -> KerasGraphBuilder.Output {
        var x = input
        if stride == 2 {
            x = try graph(ZeroPadding2D(top: 0, bottom: 1, left: 0, right: 1, name: "conv_pad_\(id)"), x)
        }
        x = try graph(DepthwiseConv2D(kernelSize: (3, 3), strides: (stride, stride), padding: stride == 1 ? .same : .valid,
                                      useBias: false, depthMultiplier: depthMultiplier, name: "conv_dw_\(id)"), x)
        x = try graph(BatchNormalization(name: "conv_dw_\(id)_bn"), x)
        x = try graph(try ActivationLayer.relu(maxValue: 6, name: "conv_dw_\(id)_relu"), x)
        x = try graph(Conv2D(filters: filters, kernelSize: (1, 1), padding: .same, useBias: false, name: "conv_pw_\(id)"), x)
        x = try graph(BatchNormalization(name: "conv_pw_\(id)_bn"), x)
        return try graph(try ActivationLayer.relu(maxValue: 6, name: "conv_pw_\(id)_relu"), x)
    }
}
