import Foundation
import TLTensor
import TLNN
import TLData
import TLFormats

/// The bases of `keras.applications` beyond VGG16: how each is built, which preprocessing it expects,
/// and where Keras keeps its ImageNet weights.
public enum KerasApplication: String, CaseIterable, Sendable {
    case vgg19, resnet50, mobilenet, mobilenetV2 = "mobilenet_v2", inceptionV3 = "inception_v3", xception

    /// Keras's constructor name: `VGG19`, `ResNet50`, ...
    public var constructorName: String {
        switch self {
        case .vgg19: return "VGG19"
        case .resnet50: return "ResNet50"
        case .mobilenet: return "MobileNet"
        case .mobilenetV2: return "MobileNetV2"
        case .inceptionV3: return "InceptionV3"
        case .xception: return "Xception"
        }
    }

    /// The module's `preprocess_input`: 'caffe' (RGB->BGR, ImageNet means subtracted) for VGG19 and
    /// ResNet50, 'tf' (x / 127.5 - 1) for the others.
    public var preprocessing: PreprocessingFunction {
        switch self {
        case .vgg19, .resnet50: return .vgg16
        case .mobilenet, .mobilenetV2, .inceptionV3, .xception: return .tf
        }
    }

    /// The architecture with fresh weights. `alpha` applies to the MobileNets, `depthMultiplier` to MobileNet.
    public func make(_ options: ApplicationOptions, alpha: Double = 1.0, depthMultiplier: Int = 1) throws -> Layer {
        switch self {
        case .vgg19: return try VGG19.make(options)
        case .resnet50: return try ResNet50.make(options)
        case .mobilenet: return try MobileNet.make(options, alpha: alpha, depthMultiplier: depthMultiplier)
        case .mobilenetV2: return try MobileNetV2.make(options, alpha: alpha)
        case .inceptionV3: return try InceptionV3.make(options)
        case .xception: return try Xception.make(options)
        }
    }

    private static let storage = "https://storage.googleapis.com/tensorflow/keras-applications/"

    /// Keras's ImageNet weights file for this base: its name in `~/.keras/models`, address and MD5 (none
    /// for the MobileNets, whose files Keras fetches without a hash). `rows` is the square input size the
    /// MobileNets pick their file by (Keras's rule: the input's when published, else 224).
    public func publishedWeights(includeTop: Bool, alpha: Double = 1.0, rows: Int = 224) -> PublishedWeights {
        let (folder, name, md5): (String, String, String?)
        switch self {
        case .vgg19:
            (folder, name, md5) = ("vgg19", "vgg19_weights_tf_dim_ordering_tf_kernels",
                                   includeTop ? "cbe5617147190e668d6c5d5026f83318" : "253f8cb515780f3b799900260a226db6")
        case .resnet50:
            (folder, name, md5) = ("resnet", "resnet50_weights_tf_dim_ordering_tf_kernels",
                                   includeTop ? "2cb95161c43110f7111970584f804107" : "4d473c1dd8becc155b73f8504c6f6626")
        case .inceptionV3:
            (folder, name, md5) = ("inception_v3", "inception_v3_weights_tf_dim_ordering_tf_kernels",
                                   includeTop ? "9a0d58056eeedaa3f26cb7ebd46da564" : "bcbd6486424b2319ff4ef7d526e38f63")
        case .xception:
            (folder, name, md5) = ("xception", "xception_weights_tf_dim_ordering_tf_kernels",
                                   includeTop ? "0a58e3b7378bc2990ea3b43d5981f1f6" : "b0042744bf5b25fce3cb969f33bebb97")
        case .mobilenet:
            let alphaText = [1.0: "1_0", 0.75: "7_5", 0.5: "5_0"][alpha] ?? "2_5"
            let file = "mobilenet_\(alphaText)_\(rows)_tf" + (includeTop ? ".h5" : "_no_top.h5")
            return PublishedWeights(fileName: file, url: Self.storage + "mobilenet/" + file, md5: nil)
        case .mobilenetV2:
            let file = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_\(Self.pythonFloat(alpha))_\(rows)" + (includeTop ? ".h5" : "_no_top.h5")
            return PublishedWeights(fileName: file, url: Self.storage + "mobilenet_v2/" + file, md5: nil)
        }
        let file = name + (includeTop ? ".h5" : "_notop.h5")
        return PublishedWeights(fileName: file, url: Self.storage + folder + "/" + file, md5: md5)
    }

    /// Python's `str(float(x))` for the alphas Keras names files by: `1.0`, `0.35`, `1.4`.
    static func pythonFloat(_ x: Double) -> String {
        x == x.rounded() ? String(format: "%.1f", x) : String(x)
    }

    /// The square size whose weights a MobileNet loads for this input shape.
    func weightsRows(for shape: FeatureShape?) -> Int {
        switch self {
        case .mobilenet: return MobileNet.weightsSize(for: shape)
        case .mobilenetV2: return MobileNetV2.weightsSize(for: shape)
        default: return 224
        }
    }
}
