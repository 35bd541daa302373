import TLTensor
import TLNN

/// ResNet50 (He et al. 2015) exactly as `keras.applications.ResNet50` builds it: a 7x7 stride-2 stem
/// (`conv1_pad`, `conv1_conv`, `conv1_bn`, `conv1_relu`), 3x3 stride-2 max pooling (`pool1_pad`,
/// `pool1_pool`), then four stacks of bottleneck blocks `conv{2..5}_block{k}` (3, 4, 6, 3 blocks of
/// 64, 128, 256, 512 filters): `y = relu(shortcut(x) + bn(conv1x1(relu(bn(conv3x3(relu(bn(conv1x1(x)))))))))`,
/// the first block of a stack with a 1x1 projection shortcut (`_0_conv`, `_0_bn`) and the stride (2, except
/// in `conv2`). Convolutions have biases; batch normalisation uses epsilon 1.001e-5.
public enum ResNet50 {
    static let stacks: [(name: String, filters: Int, blocks: Int, stride: Int)] = [
        ("conv2", 64, 3, 1), ("conv3", 128, 4, 2), ("conv4", 256, 6, 2), ("conv5", 512, 3, 2),
    ]
    static let epsilon: Float = 1.001e-5

    /// Builds the architecture with freshly initialised weights (Keras's input rules: at least 32x32).
    public static func make(_ options: ApplicationOptions) throws -> Functional {
        let shape = try options.resolvedInputShape(defaultSize: 224, minSize: 32)
        let graph = KerasGraphBuilder(inputShape: shape)
        var x = try graph(ZeroPadding2D((3, 3), name: "conv1_pad"), graph.input)
        x = try graph(Conv2D(filters: 64, kernelSize: (7, 7), strides: (2, 2), name: "conv1_conv"), x)
        x = try graph(BatchNormalization(epsilon: epsilon, name: "conv1_bn"), x)
        x = try graph(ActivationLayer(.relu, name: "conv1_relu"), x)
        x = try graph(ZeroPadding2D((1, 1), name: "pool1_pad"), x)
        x = try graph(MaxPooling2D(poolSize: (3, 3), strides: (2, 2), name: "pool1_pool"), x)
        for stack in stacks {
            for block in 1...stack.blocks {
                x = try bottleneck(graph, x, filters: stack.filters, stride: block == 1 ? stack.stride : 1,
                                   projection: block == 1, name: "\(stack.name)_block\(block)")
            }
        }
        if options.includeTop {
            x = try graph(GlobalAveragePooling2D(name: "avg_pool"), x)
            x = try graph(Dense(units: options.classes, activation: options.classifierActivation, name: "predictions"), x)
        } else {
            x = try options.pooled(graph, x, avgName: "avg_pool", maxName: "max_pool")
        }
        return try graph.model(output: x, name: "resnet50")
    }

    /// Keras's `block1`: the bottleneck residual block.
    static func bottleneck(_ graph: KerasGraphBuilder, _ input: KerasGraphBuilder.Output, filters: Int, stride: Int,
                           projection: Bool, name: String) throws -> KerasGraphBuilder.Output {
        var shortcut = input
        if projection {
            shortcut = try graph(Conv2D(filters: 4 * filters, kernelSize: (1, 1), strides: (stride, stride), name: name + "_0_conv"), input)
            shortcut = try graph(BatchNormalization(epsilon: epsilon, name: name + "_0_bn"), shortcut)
        }
        var x = try graph(Conv2D(filters: filters, kernelSize: (1, 1), strides: (stride, stride), name: name + "_1_conv"), input)
        x = try graph(BatchNormalization(epsilon: epsilon, name: name + "_1_bn"), x)
        x = try graph(ActivationLayer(.relu, name: name + "_1_relu"), x)
        x = try graph(Conv2D(filters: filters, kernelSize: (3, 3), padding: .same, name: name + "_2_conv"), x)
        x = try graph(BatchNormalization(epsilon: epsilon, name: name + "_2_bn"), x)
        x = try graph(ActivationLayer(.relu, name: name + "_2_relu"), x)
        x = try graph(Conv2D(filters: 4 * filters, kernelSize: (1, 1), name: name + "_3_conv"), x)
        x = try graph(BatchNormalization(epsilon: epsilon, name: name + "_3_bn"), x)
        x = try graph(Add(name: name + "_add"), [shortcut, x])
        return try graph(ActivationLayer(.relu, name: name + "_out"), x)
    }
}
