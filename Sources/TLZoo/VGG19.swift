import TLTensor
import TLNN

/// VGG19 (Simonyan & Zisserman 2014) exactly as `keras.applications.VGG19` builds it: VGG16 with four
/// convolutions in blocks 3, 4 and 5 (16 3x3 'same' ReLU convolutions in five blocks, each closed by 2x2
/// max pooling), then the classifier (`flatten`, `fc1`, `fc2` of 4096 units, `predictions`) or a global
/// pooling. A Sequential stack like tl's VGG16, so it trains as the walkthrough's VGG16 does.
public enum VGG19 {
    /// Block layout: (block, filters, convolutions).
    static let blocks: [(Int, Int, Int)] = [(1, 64, 2), (2, 128, 2), (3, 256, 4), (4, 512, 4), (5, 512, 4)]

    public static func make(_ options: ApplicationOptions) throws -> Sequential {
        let shape = try options.resolvedInputShape(defaultSize: 224, minSize: 32)
        let model = Sequential(name: "vgg19", typeName: "Model")
        try model.add(InputLayer(shape: shape, name: LayerNames.next("input")))
        for (block, filters, count) in blocks {
            for i in 1...count {
                try model.add(Conv2D(filters: filters, kernelSize: (3, 3), padding: .same, activation: .relu, name: "block\(block)_conv\(i)"))
            }
            try model.add(MaxPooling2D(poolSize: (2, 2), strides: (2, 2), name: "block\(block)_pool"))
        }
        var names = KerasAutoNames()
        if options.includeTop {
            try model.add(Flatten(name: "flatten"))
            try model.add(Dense(units: 4096, activation: .relu, name: "fc1"))
            try model.add(Dense(units: 4096, activation: .relu, name: "fc2"))
            try model.add(Dense(units: options.classes, activation: options.classifierActivation, name: "predictions"))
        } else {
            switch options.pooling {
            case .none: break
            case .avg: try model.add(GlobalAveragePooling2D(name: names.next("global_average_pooling2d")))
            case .max: try model.add(GlobalMaxPooling2D(name: names.next("global_max_pooling2d")))
            }
        }
        return model
    }
}
