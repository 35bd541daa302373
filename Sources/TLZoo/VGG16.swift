import TLTensor
import TLNN

/// VGG16 (Simonyan & Zisserman 2014) exactly as `keras.applications.VGG16` builds it: 13 3x3 `same`
/// ReLU convolutions in five blocks, each closed by 2x2 max pooling, then optionally the classifier
/// (`flatten`, `fc1`, `fc2` of 4096 units, `predictions` softmax) or a global pooling.
public enum VGG16 {
    /// Block layout: (block, filters, convolutions).
    static let blocks: [(Int, Int, Int)] = [(1, 64, 2), (2, 128, 2), (3, 256, 3), (4, 512, 3), (5, 512, 3)]

    public enum Pooling: String { case none, avg, max }

    /// Builds the architecture with freshly initialised (Glorot-uniform, seeded) weights.
    ///
    /// - Parameters:
    ///   - inputShape: `(height, width, 3)`; spatial sizes may be `nil` (any image size) unless the top is included.
    ///   - includeTop: the ImageNet classifier; like Keras it requires a 224x224x3 input.
    public static func make(includeTop: Bool, inputShape: FeatureShape?, pooling: Pooling = .none, classes: Int = 1000) throws -> Sequential {
        var shape = inputShape ?? (includeTop ? [224, 224, 3] : [nil, nil, 3])
        if includeTop {
            guard shape.count == 3, shape[0] == 224, shape[1] == 224, shape[2] == 3 else {
                throw ZooError("When setting include_top=true, input_shape should be (224, 224, 3); got \(describeShape(shape).replacingOccurrences(of: "(None, ", with: "(")). Use include_top=false for other sizes.")
            }
        }
        guard shape.count == 3, shape[2] == 3 else {
            throw ZooError("VGG16 takes RGB images: input_shape must be (height, width, 3), got \(describeShape(shape).replacingOccurrences(of: "(None, ", with: "("))")
        }
        for dim in shape.prefix(2) {
            if let d = dim, d < 32 {
                throw ZooError("VGG16 needs images of at least 32x32 pixels (five 2x2 poolings); input_shape \(describeShape(shape).replacingOccurrences(of: "(None, ", with: "(")) is too small")
            }
        }
        shape = [shape[0], shape[1], 3]
        let model = Sequential(name: "vgg16", typeName: "Model")
        try model.add(InputLayer(shape: shape, name: LayerNames.next("input")))
        for (block, filters, count) in blocks {
            for i in 1...count {
                try model.add(Conv2D(filters: filters, kernelSize: (3, 3), padding: .same, activation: .relu,
                                     name: "block\(block)_conv\(i)"))
            }
            try model.add(MaxPooling2D(poolSize: (2, 2), strides: (2, 2), name: "block\(block)_pool"))
        }
        if includeTop {
            try model.add(Flatten(name: "flatten"))
            try model.add(Dense(units: 4096, activation: .relu, name: "fc1"))
            try model.add(Dense(units: 4096, activation: .relu, name: "fc2"))
            try model.add(Dense(units: classes, activation: .softmax, name: "predictions"))
        } else {
            switch pooling {
            case .none: break
            case .avg: try model.add(GlobalAveragePooling2D(name: "global_average_pooling2d"))
            case .max: try model.add(GlobalMaxPooling2D(name: "global_max_pooling2d"))
            }
        }
        return model
    }
}
