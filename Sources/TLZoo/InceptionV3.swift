import TLTensor
import TLNN

/// Inception V3 (Szegedy et al. 2015) exactly as `keras.applications.InceptionV3` builds it: every
/// convolution is Keras's `conv2d_bn` (Conv2D without bias, BatchNormalization without `gamma`
/// (`scale=False`), ReLU), with the automatic names a fresh tf-keras session gives (`conv2d`, `conv2d_1`,
/// ..., `batch_normalization_93`, `activation_93`); a stem of five of them and two 3x3 stride-2 max
/// poolings; the Inception blocks `mixed0` ... `mixed10`, each the channel concatenation of parallel
/// branches (1x1; 1x1-5x5; 1x1-3x3-3x3; 3x3 average pooling-1x1; factorised 1x7/7x1 in `mixed4`-`mixed7`;
/// split 1x3/3x1 in `mixed9`, `mixed10`), `mixed3` and `mixed8` reducing the size with stride 2.
public enum InceptionV3 {
    /// Builds layers with tf-keras's automatic names, in Keras's creation order.
    struct Builder {
        let graph: KerasGraphBuilder
        var names = KerasAutoNames()
        typealias Output = KerasGraphBuilder.Output

        /// Keras's `conv2d_bn(x, filters, rows, cols, padding, strides)`.
        mutating func conv(_ x: Output, _ filters: Int, _ rows: Int, _ cols: Int, padding: Padding = .same, stride: Int = 1) throws -> Output {
            var y = try graph(Conv2D(filters: filters, kernelSize: (rows, cols), strides: (stride, stride), padding: padding,
                                     useBias: false, name: names.next("conv2d")), x)
            y = try graph(BatchNormalization(scale: false, name: names.next("batch_normalization")), y)
            return try graph(ActivationLayer(.relu, name: names.next("activation")), y)
        }

        mutating func maxPool(_ x: Output) throws -> Output {
            try graph(MaxPooling2D(poolSize: (3, 3), strides: (2, 2), name: names.next("max_pooling2d")), x)
        }

        mutating func averagePool(_ x: Output) throws -> Output {
            try graph(AveragePooling2D(poolSize: (3, 3), strides: (1, 1), padding: .same, name: names.next("average_pooling2d")), x)
        }

        mutating func concatenate(_ xs: [Output], name: String? = nil) throws -> Output {
            try graph(Concatenate(name: name ?? names.next("concatenate")), xs)
        }
    }

    public static func make(_ options: ApplicationOptions) throws -> Functional {
        let shape = try options.resolvedInputShape(defaultSize: 299, minSize: 75)
        var b = Builder(graph: KerasGraphBuilder(inputShape: shape))
        var x = try b.conv(b.graph.input, 32, 3, 3, padding: .valid, stride: 2)
        x = try b.conv(x, 32, 3, 3, padding: .valid)
        x = try b.conv(x, 64, 3, 3)
        x = try b.maxPool(x)
        x = try b.conv(x, 80, 1, 1, padding: .valid)
        x = try b.conv(x, 192, 3, 3, padding: .valid)
        x = try b.maxPool(x)
        for (index, poolFilters) in [32, 64, 64].enumerated() {
            x = try block35(&b, x, poolFilters: poolFilters, name: "mixed\(index)")
        }
        let branch3x3 = try b.conv(x, 384, 3, 3, padding: .valid, stride: 2)
        var double = try b.conv(x, 64, 1, 1)
        double = try b.conv(double, 96, 3, 3)
        double = try b.conv(double, 96, 3, 3, padding: .valid, stride: 2)
        x = try b.concatenate([branch3x3, double, try b.maxPool(x)], name: "mixed3")
        for (index, width) in [128, 160, 160, 192].enumerated() {
            x = try block17(&b, x, width: width, name: "mixed\(index + 4)")
        }
        var branch3 = try b.conv(x, 192, 1, 1)
        branch3 = try b.conv(branch3, 320, 3, 3, padding: .valid, stride: 2)
        var branch7 = try b.conv(x, 192, 1, 1)
        branch7 = try b.conv(branch7, 192, 1, 7)
        branch7 = try b.conv(branch7, 192, 7, 1)
        branch7 = try b.conv(branch7, 192, 3, 3, padding: .valid, stride: 2)
        x = try b.concatenate([branch3, branch7, try b.maxPool(x)], name: "mixed8")
        for i in 0..<2 { x = try block8(&b, x, index: i) }
        if options.includeTop {
            x = try b.graph(GlobalAveragePooling2D(name: "avg_pool"), x)
            x = try b.graph(Dense(units: options.classes, activation: options.classifierActivation, name: "predictions"), x)
        } else {
            x = try options.pooled(b.graph, x, avgName: b.names.next("global_average_pooling2d"), maxName: b.names.next("global_max_pooling2d"))
        }
        return try b.graph.model(output: x, name: "inception_v3")
    }

    /// `mixed0`-`mixed2`: 1x1 | 1x1-5x5 | 1x1-3x3-3x3 | average pooling-1x1.
    static func block35(_ b: inout Builder, _ x: Builder.Output, poolFilters: Int, name: String) throws -> Builder.Output {
        let branch1 = try b.conv(x, 64, 1, 1)
        var branch5 = try b.conv(x, 48, 1, 1)
        branch5 = try b.conv(branch5, 64, 5, 5)
        var double = try b.conv(x, 64, 1, 1)
        double = try b.conv(double, 96, 3, 3)
        double = try b.conv(double, 96, 3, 3)
        let pool = try b.conv(try b.averagePool(x), poolFilters, 1, 1)
        return try b.concatenate([branch1, branch5, double, pool], name: name)
    }

    /// `mixed4`-`mixed7`: 1x1 | 1x1-1x7-7x1 | 1x1-7x1-1x7-7x1-1x7 | average pooling-1x1, inner width `width`.
    static func block17(_ b: inout Builder, _ x: Builder.Output, width: Int, name: String) throws -> Builder.Output {
        let branch1 = try b.conv(x, 192, 1, 1)
        var branch7 = try b.conv(x, width, 1, 1)
        branch7 = try b.conv(branch7, width, 1, 7)
        branch7 = try b.conv(branch7, 192, 7, 1)
        var double = try b.conv(x, width, 1, 1)
        double = try b.conv(double, width, 7, 1)
        double = try b.conv(double, width, 1, 7)
        double = try b.conv(double, width, 7, 1)
        double = try b.conv(double, 192, 1, 7)
        let pool = try b.conv(try b.averagePool(x), 192, 1, 1)
        return try b.concatenate([branch1, branch7, double, pool], name: name)
    }

    /// `mixed9`, `mixed10`: 1x1 | 1x1-(1x3, 3x1) | 1x1-3x3-(1x3, 3x1) | average pooling-1x1.
    static func block8(_ b: inout Builder, _ x: Builder.Output, index: Int) throws -> Builder.Output {
        let branch1 = try b.conv(x, 320, 1, 1)
        let branch3 = try b.conv(x, 384, 1, 1)
        let split3 = try b.concatenate([try b.conv(branch3, 384, 1, 3), try b.conv(branch3, 384, 3, 1)], name: "mixed9_\(index)")
        var double = try b.conv(x, 448, 1, 1)
        double = try b.conv(double, 384, 3, 3)
        let splitDouble = try b.concatenate([try b.conv(double, 384, 1, 3), try b.conv(double, 384, 3, 1)])
        let pool = try b.conv(try b.averagePool(x), 192, 1, 1)
        return try b.concatenate([branch1, split3, splitDouble, pool], name: "mixed\(9 + index)")
    }
}
