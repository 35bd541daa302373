import Foundation
import TLTensor

/// Keras's `Rescaling(scale, offset=0)`: `x * scale + offset`, in training and inference.
public final class Rescaling: Layer {
    public var name: String
    public let typeName = "Rescaling"
    public var trainable = true
    public let weights: [Parameter] = []
    public let scale: Float
    public let offset: Float

    public init(scale: Float, offset: Float = 0, name: String? = nil) {
        self.scale = scale
        self.offset = offset
        self.name = name ?? LayerNames.next("rescaling")
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape { inputShape }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        var y = x * scale
        y += offset
        return y
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient else { return nil }
        return outputGradient * scale
    }

    public func clearCache() {}
}

/// Keras's `Normalization(axis=-1, mean=None, variance=None)`: `(x - mean) / max(sqrt(variance), 1e-7)`
/// per channel of the last axis, with `mean` and `variance` given or learnt by ``adapt(_:)`` (the
/// population mean and variance over every other axis, as Keras computes them).
public final class Normalization: Layer {
    public var name: String
    public let typeName = "Normalization"
    public var trainable = true
    public private(set) var mean: [Float]?
    public private(set) var variance: [Float]?

    public init(mean: [Float]? = nil, variance: [Float]? = nil, name: String? = nil) {
        self.mean = mean
        self.variance = variance
        self.name = name ?? LayerNames.next("normalization")
    }

    public var weights: [Parameter] { [] }
    public var isBuilt: Bool { mean != nil && variance != nil }

    /// Learns the per-channel mean and variance of `data` (samples first, channels last).
    public func adapt(_ data: Tensor) throws {
        guard data.rank >= 1, let channels = data.shape.last, channels > 0, data.count > 0 else {
            throw ModelError("Normalization.adapt needs a non-empty array with a channel axis, got shape \(data.shape)")
        }
        var sum = [Double](repeating: 0, count: channels), squares = [Double](repeating: 0, count: channels)
        for (i, v) in data.scalars.enumerated() {
            sum[i % channels] += Double(v)
            squares[i % channels] += Double(v) * Double(v)
        }
        let n = Double(data.count / channels)
        mean = sum.map { Float($0 / n) }
        variance = zip(sum, squares).map { s, q in Float(max(q / n - (s / n) * (s / n), 0)) }
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        if let mean, let last = inputShape.last, let channels = last, mean.count != 1 && mean.count != channels {
            throw ModelError("layer '\(name)' (Normalization) has \(mean.count) channel statistics but its input has \(channels) channels")
        }
        return inputShape
    }

    private func statistics() throws -> (mean: [Float], scale: [Float]) {
        guard let mean, let variance else {
            throw ModelError("layer '\(name)' (Normalization) has no mean and variance yet: call adapt(data) or give mean= and variance=")
        }
        return (mean, variance.map { 1 / max($0.squareRoot(), 1e-7) })
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        let (mean, scale) = try statistics()
        try requireChannels(mean.count, of: x)
        return (x - Tensor(shape: [mean.count], scalars: mean)) * Tensor(shape: [scale.count], scalars: scale)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient else { return nil }
        let scale = try statistics().scale
        try requireChannels(scale.count, of: outputGradient)
        return outputGradient * Tensor(shape: [scale.count], scalars: scale)
    }

    /// Throws unless per-channel statistics of `count` values broadcast over the last axis of `x`.
    private func requireChannels(_ count: Int, of x: Tensor) throws {
        guard count == 1 || x.shape.last == count else {
            throw ModelError("layer '\(name)' (Normalization) has \(count) channel statistics but its input has shape \(x.shape)")
        }
    }

    public func clearCache() {}
}

/// Keras's `Resizing(height, width, interpolation="bilinear", crop_to_aspect_ratio=False)` on NHWC batches,
/// and `CenterCrop(height, width)`, which crops the centre (`(H - height) // 2` from the top) and resizes
/// like `smart_resize` when the input is smaller than the target.
public final class Resizing: Layer {
    public var name: String
    public let typeName: String
    public var trainable = true
    public let weights: [Parameter] = []
    public let height: Int
    public let width: Int
    public let cropToAspectRatio: Bool
    /// CenterCrop's behaviour: crop when the input is large enough, else resize with an aspect-ratio crop.
    public let centerCrop: Bool

    public init(height: Int, width: Int, cropToAspectRatio: Bool = false, centerCrop: Bool = false, name: String? = nil) throws {
        guard height > 0, width > 0 else { throw ModelError("Resizing/CenterCrop need a positive height and width, got (\(height), \(width))") }
        self.height = height
        self.width = width
        self.cropToAspectRatio = cropToAspectRatio
        self.centerCrop = centerCrop
        typeName = centerCrop ? "CenterCrop" : "Resizing"
        self.name = name ?? LayerNames.next(centerCrop ? "center_crop" : "resizing")
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        guard inputShape.count == 3 else {
            throw ModelError("layer '\(name)' (\(typeName)) expects images (height, width, channels), got \(describeShape(inputShape))")
        }
        return [height, width, inputShape[2]]
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        try requireRank(x, 4, self)
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        if centerCrop && h >= height && w >= width {
            let (top, left) = ((h - height) / 2, (w - width) / 2)
            return x[ranges: 0..<n, top..<(top + height), left..<(left + width)].copy()
        }
        let window = centerCrop || cropToAspectRatio
            ? ImageResampling.aspectCrop(width: w, height: h, targetWidth: width, targetHeight: height) : (top: 0, left: 0, height: h, width: w)
        let cropped = (window.height, window.width) == (h, w)
            ? x : x[ranges: 0..<n, window.top..<(window.top + window.height), window.left..<(window.left + window.width)].copy()
        let size = window.height * window.width * c
        var out: [Float] = []
        out.reserveCapacity(n * height * width * c)
        for i in 0..<n {
            out += ImageResampling.bilinear(Array(cropped.scalars[(i * size)..<((i + 1) * size)]), width: window.width,
                                            height: window.height, channels: c, outWidth: width, outHeight: height)
        }
        return Tensor(shape: [n, height, width, c], scalars: out)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient else { return nil }
        throw ModelError("layer '\(name)' (\(typeName)) does not pass gradients back; put it before the first trained layer")
    }

    public func clearCache() {}
}

/// Resampling for the image layers: TensorFlow's half-pixel bilinear resize (HWC floats), `smart_resize`'s crop window.
enum ImageResampling {
    static func bilinear(_ pixels: [Float], width: Int, height: Int, channels: Int, outWidth: Int, outHeight: Int) -> [Float] {
        func taps(_ inSize: Int, _ outSize: Int) -> [(Int, Int, Float)] {
            let scale = Float(inSize) / Float(outSize)
            return (0..<outSize).map { i in
                let p = (Float(i) + 0.5) * scale - 0.5
                let f = p.rounded(.down)
                return (max(Int(f), 0), min(Int(p.rounded(.up)), inSize - 1), p - f)
            }
        }
        let xs = taps(width, outWidth), ys = taps(height, outHeight)
        var out = [Float](repeating: 0, count: outWidth * outHeight * channels)
        for (y, (top, bottom, dy)) in ys.enumerated() {
            for (x, (left, right, dx)) in xs.enumerated() {
                for c in 0..<channels {
                    let tl = pixels[(top * width + left) * channels + c], tr = pixels[(top * width + right) * channels + c]
                    let bl = pixels[(bottom * width + left) * channels + c], br = pixels[(bottom * width + right) * channels + c]
                    let upper = tl + (tr - tl) * dx, lower = bl + (br - bl) * dx
                    out[(y * outWidth + x) * channels + c] = upper + (lower - upper) * dy
                }
            }
        }
        return out
    }

    /// `smart_resize`'s centred window of the target's aspect ratio.
    static func aspectCrop(width: Int, height: Int, targetWidth: Int, targetHeight: Int) -> (top: Int, left: Int, height: Int, width: Int) {
        let cropHeight = min(height, Int(Float(width * targetHeight) / Float(targetWidth)))
        let cropWidth = min(width, Int(Float(height * targetWidth) / Float(targetHeight)))
        return (Int(Float(height - cropHeight) / 2), Int(Float(width - cropWidth) / 2), cropHeight, cropWidth)
    }
}

extension Rescaling: KerasConfigurable {
    public var kerasConfig: KerasConfig { ["scale": .number(scale), "offset": .number(offset)] }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        self.init(scale: Float(try config.double("scale")), offset: Float(try config.double("offset", default: 0)), name: config.name)
    }
}

/// Normalization keeps its statistics in its config (`mean`, `variance`), so an adapted layer loads as it was saved.
extension Normalization: KerasConfigurable {
    public var kerasConfig: KerasConfig {
        guard let mean, let variance else { return ["axis": -1] }
        return ["axis": -1, "mean": .array(mean.map { .number($0) }), "variance": .array(variance.map { .number($0) })]
    }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        self.init(mean: config["mean"]?.floatArray, variance: config["variance"]?.floatArray, name: config.name)
    }
}

extension Resizing: KerasConfigurable {
    public static var kerasClassNames: [String] { ["Resizing", "CenterCrop"] }
    public var kerasConfig: KerasConfig {
        centerCrop ? ["height": .int(height), "width": .int(width)]
            : ["height": .int(height), "width": .int(width), "interpolation": "bilinear", "crop_to_aspect_ratio": .bool(cropToAspectRatio)]
    }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        let crop = config.className == "CenterCrop"
        try self.init(height: try config.int("height"), width: try config.int("width"), cropToAspectRatio: !crop && config.bool("crop_to_aspect_ratio", default: false),
                      centerCrop: crop, name: config.name)
    }
}
