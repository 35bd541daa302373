import Foundation
import TLTensor
import TLNN

/// MobileNetV2 (Sandler et al. 2018) exactly as `keras.applications.MobileNetV2` builds it: `Conv1` 3x3
/// stride 2 + `bn_Conv1` + `Conv1_relu` (ReLU6), 17 inverted-residual blocks (`expanded_conv_`, then
/// `block_1_` ... `block_16_`: 1x1 expansion x6 + BN + ReLU6 except in the first, a 3x3 depthwise
/// convolution (stride 2 after `ZeroPadding2D` `_pad`, 'valid'; else 'same') + BN + ReLU6, a linear 1x1
/// projection + BN, and `_add` when the block keeps size and channels), `Conv_1` 1x1 to 1280 channels +
/// `Conv_1_bn` + `out_relu`. Widths scale by `alpha` rounded to multiples of 8. Batch normalisation uses
/// epsilon 1e-3 and momentum 0.999.
public enum MobileNetV2 {
    static let blocks: [(filters: Int, stride: Int, expansion: Int)] = [
        (16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6), (64, 1, 6),
        (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6),
    ]
    /// The widths Keras publishes ImageNet weights for.
    public static let imagenetAlphas: [Double] = [0.35, 0.5, 0.75, 1.0, 1.3, 1.4]
    /// The square sizes Keras publishes ImageNet weights for.
    public static let imagenetSizes = [96, 128, 160, 192, 224]

    /// Keras's `_make_divisible`: `v` rounded to the nearest multiple of `divisor`, never 10% below `v`.
    static func makeDivisible(_ v: Double, _ divisor: Int = 8) -> Int {
        var rounded = max(divisor, Int(v + Double(divisor) / 2) / divisor * divisor)
        if Double(rounded) < 0.9 * v { rounded += divisor }
        return rounded
    }

    /// The size the weights are for: the input's when square and published, else 224 (Keras's rule).
    public static func weightsSize(for shape: FeatureShape?) -> Int {
        if let shape, shape.count == 3, let rows = shape[0], shape[1] == rows, imagenetSizes.contains(rows) { return rows }
        return 224
    }

    public static func make(_ options: ApplicationOptions, alpha: Double = 1.0) throws -> Functional {
        if options.imagenetWeights && !imagenetAlphas.contains(alpha) {
            throw ZooError("If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; Received `alpha=\(alpha)`")
        }
        let shape = try options.resolvedInputShape(defaultSize: weightsSize(for: options.inputShape), minSize: 32)
        let bn = { (name: String) in BatchNormalization(momentum: 0.999, epsilon: 1e-3, name: name) }
        let graph = KerasGraphBuilder(inputShape: shape)
        var x = try graph(Conv2D(filters: makeDivisible(32 * alpha), kernelSize: (3, 3), strides: (2, 2), padding: .same,
                                 useBias: false, name: "Conv1"), graph.input)
        x = try graph(bn("bn_Conv1"), x)
        x = try graph(try ActivationLayer.relu(maxValue: 6, name: "Conv1_relu"), x)
        for (id, block) in blocks.enumerated() {
            x = try invertedResidual(graph, x, filters: makeDivisible(Double(Int(Double(block.filters) * alpha))),
                                     stride: block.stride, expansion: block.expansion, id: id, bn: bn)
        }
        let lastFilters = alpha > 1 ? makeDivisible(1280 * alpha) : 1280
        x = try graph(Conv2D(filters: lastFilters, kernelSize: (1, 1), useBias: false, name: "Conv_1"), x)
        x = try graph(bn("Conv_1_bn"), x)
        x = try graph(try ActivationLayer.relu(maxValue: 6, name: "out_relu"), x)
        var names = KerasAutoNames()
        if options.includeTop {
            x = try graph(GlobalAveragePooling2D(name: names.next("global_average_pooling2d")), x)
            x = try graph(Dense(units: options.classes, activation: options.classifierActivation, name: "predictions"), x)
        } else {
            x = try options.pooled(graph, x, avgName: names.next("global_average_pooling2d"), maxName: names.next("global_max_pooling2d"))
        }
        let rows = shape[0].map(String.init) ?? "None"
        return try graph.model(output: x, name: "mobilenetv2_\(String(format: "%.2f", alpha))_\(options.imagenetWeights ? String(weightsSize(for: shape)) : rows)")
    }

    static func invertedResidual(_ graph: KerasGraphBuilder, _ input: KerasGraphBuilder.Output, filters: Int, stride: Int, expansion: Int,
                                 id: Int, bn: (String) -> BatchNormalization) throws -> KerasGraphBuilder.Output {
        guard let inChannels = input.shape[2] else { throw ZooError("MobileNetV2 needs a known channel count") }
        var x = input
        var prefix = "block_\(id)_"
        if id > 0 {
            x = try graph(Conv2D(filters: expansion * inChannels, kernelSize: (1, 1), padding: .same, useBias: false, name: prefix + "expand"), x)
            x = try graph(bn(prefix + "expand_BN"), x)
            x = try graph(try ActivationLayer.relu(maxValue: 6, name: prefix + "expand_relu"), x)
        } else {
            prefix = "expanded_conv_"
        }
        if stride == 2 {
            // Keras's correct_pad for a 3x3 window: one row/column after, and one before when the size is odd.
            let before = { (size: Int?) in size.map { $0 % 2 } ?? 0 }
            x = try graph(ZeroPadding2D(top: before(x.shape[0]), bottom: 1, left: before(x.shape[1]), right: 1, name: prefix + "pad"), x)
        }
        x = try graph(DepthwiseConv2D(kernelSize: (3, 3), strides: (stride, stride), padding: stride == 1 ? .same : .valid,
                                      useBias: false, name: prefix + "depthwise"), x)
        x = try graph(bn(prefix + "depthwise_BN"), x)
        x = try graph(try ActivationLayer.relu(maxValue: 6, name: prefix + "depthwise_relu"), x)
        x = try graph(Conv2D(filters: filters, kernelSize: (1, 1), padding: .same, useBias: false, name: prefix + "project"), x)
        x = try graph(bn(prefix + "project_BN"), x)
        if inChannels == filters && stride == 1 {
            return try graph(Add(name: prefix + "add"), [input, x])
        }
        return x
    }
}
