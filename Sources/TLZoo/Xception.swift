import TLTensor
import TLNN

/// Xception (Chollet 2017) exactly as `keras.applications.Xception` builds it: an entry flow (`block1`:
/// two 3x3 'valid' convolutions, the first at stride 2; `block2`-`block4`: two separable convolutions and
/// a 3x3 stride-2 max pooling, added to a 1x1 stride-2 projection of the block's input), a middle flow of
/// eight residual blocks (`block5`-`block12`: three ReLU + 728-filter separable convolution + BN, added to
/// the input) and an exit flow (`block13` with its projection, `block14`: separable convolutions of 1536
/// and 2048 filters). No convolution has a bias; the projections and `add`s carry tf-keras's automatic
/// names (`conv2d`, `batch_normalization`, `add`, ...).
public enum Xception {
    typealias Output = KerasGraphBuilder.Output

    public static func make(_ options: ApplicationOptions) throws -> Functional {
        let shape = try options.resolvedInputShape(defaultSize: 299, minSize: 71)
        let graph = KerasGraphBuilder(inputShape: shape)
        var names = KerasAutoNames()
        var x = try graph(Conv2D(filters: 32, kernelSize: (3, 3), strides: (2, 2), useBias: false, name: "block1_conv1"), graph.input)
        x = try graph(BatchNormalization(name: "block1_conv1_bn"), x)
        x = try graph(ActivationLayer(.relu, name: "block1_conv1_act"), x)
        x = try graph(Conv2D(filters: 64, kernelSize: (3, 3), useBias: false, name: "block1_conv2"), x)
        x = try graph(BatchNormalization(name: "block1_conv2_bn"), x)
        x = try graph(ActivationLayer(.relu, name: "block1_conv2_act"), x)
        for (block, filters) in [(2, 128), (3, 256), (4, 728)] {
            x = try reductionBlock(graph, &names, x, block: block, filters: (filters, filters), activateFirst: block != 2)
        }
        for block in 5...12 {
            let residual = x
            for k in 1...3 {
                x = try graph(ActivationLayer(.relu, name: "block\(block)_sepconv\(k)_act"), x)
                x = try separable(graph, x, 728, name: "block\(block)_sepconv\(k)")
            }
            x = try graph(Add(name: names.next("add")), [x, residual])
        }
        x = try reductionBlock(graph, &names, x, block: 13, filters: (728, 1024), activateFirst: true)
        for (k, filters) in [(1, 1536), (2, 2048)] {
            x = try separable(graph, x, filters, name: "block14_sepconv\(k)")
            x = try graph(ActivationLayer(.relu, name: "block14_sepconv\(k)_act"), x)
        }
        if options.includeTop {
            x = try graph(GlobalAveragePooling2D(name: "avg_pool"), x)
            x = try graph(Dense(units: options.classes, activation: options.classifierActivation, name: "predictions"), x)
        } else {
            x = try options.pooled(graph, x, avgName: names.next("global_average_pooling2d"), maxName: names.next("global_max_pooling2d"))
        }
        return try graph.model(output: x, name: "xception")
    }

    /// A separable 3x3 'same' convolution without bias and its batch normalisation, `{name}` and `{name}_bn`.
    static func separable(_ graph: KerasGraphBuilder, _ x: Output, _ filters: Int, name: String) throws -> Output {
        let y = try graph(SeparableConv2D(filters: filters, kernelSize: (3, 3), padding: .same, useBias: false, name: name), x)
        return try graph(BatchNormalization(name: name + "_bn"), y)
    }

    /// `block2`-`block4` and `block13`: [ReLU] sepconv1 + BN, ReLU, sepconv2 + BN, 3x3 stride-2 max pooling,
    /// added to the 1x1 stride-2 projection (automatic names) of the input. In `block2` the first ReLU is
    /// absent and the second is named `block2_sepconv2_act`.
    static func reductionBlock(_ graph: KerasGraphBuilder, _ names: inout KerasAutoNames, _ input: Output, block: Int,
                               filters: (Int, Int), activateFirst: Bool) throws -> Output {
        var residual = try graph(Conv2D(filters: filters.1, kernelSize: (1, 1), strides: (2, 2), padding: .same, useBias: false,
                                        name: names.next("conv2d")), input)
        residual = try graph(BatchNormalization(name: names.next("batch_normalization")), residual)
        var x = input
        if activateFirst { x = try graph(ActivationLayer(.relu, name: "block\(block)_sepconv1_act"), x) }
        x = try separable(graph, x, filters.0, name: "block\(block)_sepconv1")
        x = try graph(ActivationLayer(.relu, name: "block\(block)_sepconv2_act"), x)
        x = try separable(graph, x, filters.1, name: "block\(block)_sepconv2")
        x = try graph(MaxPooling2D(poolSize: (3, 3), strides: (2, 2), padding: .same, name: "block\(block)_pool"), x)
        return try graph(Add(name: names.next("add")), [x, residual])
    }
}
