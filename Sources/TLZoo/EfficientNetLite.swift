import TLTensor
import TLNN

/// EfficientNet-Lite (Tan & Le 2019; the "Lite" variants of the TensorFlow TPU repository): EfficientNet
/// made friendly to mobile accelerators: no squeeze-and-excitation, ReLU6 instead of swish, and the stem
/// and head kept at 32 and 1280 filters whatever the width multiplier.
///
/// Layout, with Keras's `keras.applications.EfficientNet` layer names:
/// - `stem_conv` 3x3 stride 2, 32 filters, no bias, `stem_bn`, `stem_activation` (ReLU6);
/// - seven stages of MBConv blocks `block{stage}{a,b,...}`: an expansion `expand_conv` 1x1 (to
///   `expansion * cin` channels) + `expand_bn` + `expand_activation` when the expansion is not 1, a
///   depthwise `dwconv` k x k (stride on the first block of a stage) + `bn` + `activation`, a projection
///   `project_conv` 1x1 + `project_bn` (linear), and `add` (the block's input added back) when the block
///   keeps stride 1 and its channel count;
/// - `top_conv` 1x1 to 1280 + `top_bn` + `top_activation`;
/// - with the top: `avg_pool`, `top_dropout`, `predictions` (Dense 1000); else optional global pooling.
///
/// Every convolution uses TensorFlow's SAME padding (for stride 2 on even sizes, the extra row and
/// column go after), which is what the reference Keras port and the published weights were run with.
/// Batch normalisation uses epsilon 1e-3, as Lite was trained. Stochastic depth (drop-connect) used when
/// training from scratch is not part of the model.
public enum EfficientNetLite {
    /// A member of the family: width and depth multipliers, native resolution, classifier dropout.
    public struct Variant: Sendable, Equatable {
        public let name: String
        public let widthMultiplier: Double
        public let depthMultiplier: Double
        public let resolution: Int
        public let dropoutRate: Float

        public static let lite0 = Variant(name: "efficientnet-lite0", widthMultiplier: 1.0, depthMultiplier: 1.0, resolution: 224, dropoutRate: 0.2)
        public static let lite1 = Variant(name: "efficientnet-lite1", widthMultiplier: 1.0, depthMultiplier: 1.1, resolution: 240, dropoutRate: 0.2)
        public static let lite2 = Variant(name: "efficientnet-lite2", widthMultiplier: 1.1, depthMultiplier: 1.2, resolution: 260, dropoutRate: 0.3)
        public static let lite3 = Variant(name: "efficientnet-lite3", widthMultiplier: 1.2, depthMultiplier: 1.4, resolution: 280, dropoutRate: 0.3)
        public static let lite4 = Variant(name: "efficientnet-lite4", widthMultiplier: 1.4, depthMultiplier: 1.8, resolution: 300, dropoutRate: 0.3)
    }

    /// One stage of MBConv blocks as published for EfficientNet-B0 / Lite0.
    struct Stage {
        let kernel: Int, stride: Int, expansion: Int, inputFilters: Int, outputFilters: Int, repeats: Int
    }

    static let stages: [Stage] = [
        Stage(kernel: 3, stride: 1, expansion: 1, inputFilters: 32, outputFilters: 16, repeats: 1),
        Stage(kernel: 3, stride: 2, expansion: 6, inputFilters: 16, outputFilters: 24, repeats: 2),
        Stage(kernel: 5, stride: 2, expansion: 6, inputFilters: 24, outputFilters: 40, repeats: 2),
        Stage(kernel: 3, stride: 2, expansion: 6, inputFilters: 40, outputFilters: 80, repeats: 3),
        Stage(kernel: 5, stride: 1, expansion: 6, inputFilters: 80, outputFilters: 112, repeats: 3),
        Stage(kernel: 5, stride: 2, expansion: 6, inputFilters: 112, outputFilters: 192, repeats: 4),
        Stage(kernel: 3, stride: 1, expansion: 6, inputFilters: 192, outputFilters: 320, repeats: 1),
    ]
    static let stemFilters = 32
    static let headFilters = 1280

    /// Channels scaled by the width multiplier, rounded to a multiple of 8 and never more than 10% down.
    static func scaledFilters(_ filters: Int, _ variant: Variant) -> Int {
        let divisor = 8
        let scaled = Double(filters) * variant.widthMultiplier
        var rounded = max(divisor, Int(scaled + Double(divisor) / 2) / divisor * divisor)
        if Double(rounded) < 0.9 * scaled { rounded += divisor }
        return rounded
    }

    /// Blocks in a stage: scaled by the depth multiplier (rounded up), except in the first and last
    /// stages, which Lite keeps fixed.
    static func repeats(of stageIndex: Int, _ variant: Variant) -> Int {
        let stage = stages[stageIndex]
        if stageIndex == 0 || stageIndex == stages.count - 1 { return stage.repeats }
        return Int((variant.depthMultiplier * Double(stage.repeats)).rounded(.up))
    }

    public typealias Pooling = VGG16.Pooling

    /// Builds the architecture with freshly initialised weights.
    ///
    /// - Parameters:
    ///   - includeTop: global average pooling, dropout and the `classes`-way `predictions` layer.
    ///   - inputShape: `(height, width, 3)`; spatial sizes may be `nil` (any size). Default: the variant's
    ///     resolution with the top, any size without.
    ///   - pooling: without the top, `avg` or `max` global pooling after `top_activation`.
    ///   - classifierActivation: `softmax` (Keras's default) or `linear` for logits.
    public static func make(_ variant: Variant = .lite0, includeTop: Bool, inputShape: FeatureShape? = nil,
                            pooling: Pooling = .none, classes: Int = 1000,
                            classifierActivation: Activation = .softmax) throws -> Functional {
        let shape = inputShape ?? (includeTop ? [variant.resolution, variant.resolution, 3] : [nil, nil, 3])
        let shown = describeShape(shape).replacingOccurrences(of: "(None, ", with: "(")
        guard shape.count == 3, shape[2] == 3 else {
            throw ZooError("EfficientNet-Lite takes RGB images: input_shape must be (height, width, 3), got \(shown)")
        }
        for dim in shape.prefix(2) {
            if let d = dim, d < 32 {
                throw ZooError("EfficientNet-Lite needs images of at least 32x32 pixels (five stride-2 stages); input_shape \(shown) is too small")
            }
        }
        guard classes >= 1 else { throw ZooError("classes must be at least 1, got \(classes)") }

        let model = Functional(inputShape: shape, inputName: LayerNames.next("input"), name: variant.name)
        var x = try model.apply(Conv2D(filters: stemFilters, kernelSize: (3, 3), strides: (2, 2), padding: .same,
                                       useBias: false, name: "stem_conv"), to: model.input)
        x = try model.apply(BatchNormalization(name: "stem_bn"), to: x)
        x = try model.apply(ActivationLayer(.relu6, name: "stem_activation"), to: x)

        for (s, stage) in stages.enumerated() {
            let outputFilters = scaledFilters(stage.outputFilters, variant)
            for i in 0..<repeats(of: s, variant) {
                let prefix = "block\(s + 1)\(Character(UnicodeScalar(UInt8(97 + i))))_"
                let stride = i == 0 ? stage.stride : 1
                x = try mbConv(model, x, prefix: prefix, kernel: stage.kernel, stride: stride,
                               expansion: stage.expansion, outputFilters: outputFilters, residual: i > 0)
            }
        }

        x = try model.apply(Conv2D(filters: headFilters, kernelSize: (1, 1), padding: .same, useBias: false, name: "top_conv"), to: x)
        x = try model.apply(BatchNormalization(name: "top_bn"), to: x)
        x = try model.apply(ActivationLayer(.relu6, name: "top_activation"), to: x)
        if includeTop {
            x = try model.apply(GlobalAveragePooling2D(name: "avg_pool"), to: x)
            x = try model.apply(Dropout(rate: variant.dropoutRate, name: "top_dropout"), to: x)
            x = try model.apply(Dense(units: classes, activation: classifierActivation, name: "predictions"), to: x)
        } else {
            switch pooling {
            case .none: break
            case .avg: x = try model.apply(GlobalAveragePooling2D(name: "avg_pool"), to: x)
            case .max: x = try model.apply(GlobalMaxPooling2D(name: "max_pool"), to: x)
            }
        }
        return model
    }

    /// One inverted-residual (MBConv) block without squeeze-excitation.
    static func mbConv(_ model: Functional, _ input: GraphTensor, prefix: String, kernel: Int, stride: Int,
                       expansion: Int, outputFilters: Int, residual: Bool) throws -> GraphTensor {
        guard let inputFilters = input.shape.last ?? nil else {
            throw ZooError("block \(prefix.dropLast()) needs a known channel count")
        }
        var x = input
        if expansion != 1 {
            x = try model.apply(Conv2D(filters: inputFilters * expansion, kernelSize: (1, 1), padding: .same, useBias: false,
                                       name: prefix + "expand_conv"), to: x)
            x = try model.apply(BatchNormalization(name: prefix + "expand_bn"), to: x)
            x = try model.apply(ActivationLayer(.relu6, name: prefix + "expand_activation"), to: x)
        }
        x = try model.apply(DepthwiseConv2D(kernelSize: (kernel, kernel), strides: (stride, stride), padding: .same,
                                            useBias: false, name: prefix + "dwconv"), to: x)
        x = try model.apply(BatchNormalization(name: prefix + "bn"), to: x)
        x = try model.apply(ActivationLayer(.relu6, name: prefix + "activation"), to: x)
        x = try model.apply(Conv2D(filters: outputFilters, kernelSize: (1, 1), padding: .same, useBias: false,
                                   name: prefix + "project_conv"), to: x)
        x = try model.apply(BatchNormalization(name: prefix + "project_bn"), to: x)
        if residual && stride == 1 && inputFilters == outputFilters {
            x = try model.apply(Add(name: prefix + "add"), to: [x, input])
        }
        return x
    }
}
