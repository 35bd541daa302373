/// The named `preprocessing_function`s of `image_data_generator`, applied to each image after the random
/// transform and before `rescale` (Keras's `standardize`), in Float32 as Keras computes them on its
/// float32 arrays. Values x are 0...255, channels R, G, B:
///
/// - `vgg16` (Keras `vgg16.preprocess_input`, "caffe"): channels reversed to B, G, R, then the ImageNet
///   means subtracted: (b - 103.939, g - 116.779, r - 123.68);
/// - `tf` (MobileNet, Inception): x / 127.5 - 1, in [-1, 1];
/// - `torch` (DenseNet): (x / 255 - mean) / std with mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225);
/// - `efficientnet_lite`: (x - 127) / 128, the scaling the Lite0 weights were trained with.
public enum PreprocessingFunction: String, CaseIterable, Sendable {
    case vgg16
    case tf
    case torch
    case efficientnetLite = "efficientnet_lite"

    /// The function named `name`; the error lists the accepted names. Keras's module names are accepted
    /// too, alone or as the module's function (`"resnet50"`, `"keras.applications.mobilenet_v2.preprocess_input"`),
    /// and the modes `"caffe"` and `"tf"`.
    public init(name: String) throws {
        var key = name.lowercased()
        for prefix in ["keras.applications.", "applications."] where key.hasPrefix(prefix) { key.removeFirst(prefix.count) }
        if key.hasSuffix(".preprocess_input") { key.removeLast(".preprocess_input".count) }
        if let value = PreprocessingFunction(rawValue: key) ?? Self.familyNames[key] {
            self = value
        } else {
            throw AugmentationError.unknownPreprocessingFunction(name)
        }
    }

    /// Keras's `preprocess_input` per application module: 'caffe' for VGG16/VGG19/ResNet50, 'tf' for the others.
    static let familyNames: [String: PreprocessingFunction] = [
        "caffe": .vgg16, "vgg19": .vgg16, "resnet50": .vgg16,
        "mobilenet": .tf, "mobilenet_v2": .tf, "mobilenetv2": .tf, "inception_v3": .tf, "inceptionv3": .tf, "xception": .tf,
    ]

    /// Applies the function to an HWC image with 3 channels, in place.
    public func apply(to image: inout FloatImage) {
        precondition(image.channels == 3, "preprocessing functions take RGB images, got \(image.channels) channels")
        image.values.withUnsafeMutableBufferPointer { apply(to: $0) }
    }

    /// Applies the function to consecutive RGB pixels (count a multiple of 3), in place.
    public func apply(to v: UnsafeMutableBufferPointer<Float>) {
        switch self {
        case .vgg16:
            let mean: (Float, Float, Float) = (103.939, 116.779, 123.68)
            var i = 0
            while i + 2 < v.count {
                let (r, g, b) = (v[i], v[i + 1], v[i + 2])
                v[i] = b - mean.0
                v[i + 1] = g - mean.1
                v[i + 2] = r - mean.2
                i += 3
            }
        case .tf:
            for i in 0..<v.count { v[i] = v[i] / 127.5 - 1 }
        case .torch:
            let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
            for i in 0..<v.count {
                let c = i % 3
                v[i] = (v[i] / 255 - mean[c]) / std[c]
            }
        case .efficientnetLite:
            for i in 0..<v.count { v[i] = (v[i] - 127) / 128 }
        }
    }
}
