import Foundation
import TLTensor

/// How points outside the image are filled: Keras's `fill_mode`.
public enum ImageFillMode: String, Sendable {
    case reflect, wrap, constant, nearest
}

/// TensorFlow's `ImageProjectiveTransformV3` with an affine transform: output pixel (x, y) reads the
/// input at `(a0 x + a1 y + a2, b0 x + b1 y + b2)`, mapped into the image by `fill_mode` and
/// interpolated bilinearly (or nearest), as the Keras layers RandomRotation, RandomZoom and
/// RandomTranslation apply it.
public struct AffineImageTransform: Sendable {
    public var a: (Float, Float, Float)
    public var b: (Float, Float, Float)

    public init(a: (Float, Float, Float), b: (Float, Float, Float)) {
        self.a = a
        self.b = b
    }

    /// tf-keras's `get_rotation_matrix`: rotation by `angle` radians about the image centre.
    public static func rotation(_ angle: Float, width: Int, height: Int) -> AffineImageTransform {
        let w = Float(width - 1), h = Float(height - 1)
        let cosA = cos(angle), sinA = sin(angle)
        let xOffset = (w - (cosA * w - sinA * h)) / 2, yOffset = (h - (sinA * w + cosA * h)) / 2
        return AffineImageTransform(a: (cosA, -sinA, xOffset), b: (sinA, cosA, yOffset))
    }

    /// tf-keras's `get_zoom_matrix` for zoom factors (`> 1` shows a larger area: zooms out).
    public static func zoom(x zoomX: Float, y zoomY: Float, width: Int, height: Int) -> AffineImageTransform {
        let xOffset = Float(width - 1) / 2 * (1 - zoomX), yOffset = Float(height - 1) / 2 * (1 - zoomY)
        return AffineImageTransform(a: (zoomX, 0, xOffset), b: (0, zoomY, yOffset))
    }

    /// tf-keras's `get_translation_matrix`: the image moves by (dx, dy) pixels.
    public static func translation(dx: Float, dy: Float) -> AffineImageTransform {
        AffineImageTransform(a: (1, 0, -dx), b: (0, 1, -dy))
    }

    /// TensorFlow's `map_coordinate` for one axis of `length`.
    static func mapCoordinate(_ value: Float, length: Int, mode: ImageFillMode) -> Float {
        let len = Float(length)
        var x = value
        switch mode {
        case .reflect:
            if x < 0 {
                if length <= 1 { x = 0 } else {
                    let size2 = 2 * len
                    if x < -size2 { x = size2 * Float(Int(-x / size2)) + x }
                    x = x < -len ? x + size2 : -x - 1
                }
            } else if x > len - 1 {
                if length <= 1 { x = 0 } else {
                    let size2 = 2 * len
                    x -= size2 * Float(Int(x / size2))
                    if x >= len { x = size2 - x - 1 }
                }
            }
            return min(max(x, 0), len - 1)
        case .wrap:
            if x < 0 {
                // TensorFlow divides by len - 1 and steps by len here.
                if length <= 1 { x = 0 } else { x += len * Float(Int(-x / (len - 1)) + 1) }
            } else if x > len - 1 {
                if length <= 1 { x = 0 } else { x -= len * Float(Int(x / (len - 1))) }
            }
            return min(max(x, 0), len - 1)
        case .nearest: return min(max(x, 0), len - 1)
        case .constant: return x
        }
    }

    /// Applies the transform to one HWC image.
    public func apply(to pixels: [Float], width: Int, height: Int, channels: Int, fill: ImageFillMode,
                      fillValue: Float = 0, nearest: Bool = false) -> [Float] {
        var out = [Float](repeating: fillValue, count: pixels.count)
        func read(_ y: Int, _ x: Int, _ c: Int) -> Float {
            (y >= 0 && y < height && x >= 0 && x < width) ? pixels[(y * width + x) * channels + c] : fillValue
        }
        for y in 0..<height {
            for x in 0..<width {
                let fx = Float(x), fy = Float(y)
                let sx = Self.mapCoordinate(a.0 * fx + a.1 * fy + a.2, length: width, mode: fill)
                let sy = Self.mapCoordinate(b.0 * fx + b.1 * fy + b.2, length: height, mode: fill)
                let base = (y * width + x) * channels
                if nearest {
                    let nx = Int(sx.rounded(.toNearestOrEven)), ny = Int(sy.rounded(.toNearestOrEven))
                    for c in 0..<channels { out[base + c] = read(ny, nx, c) }
                    continue
                }
                let x0 = sx.rounded(.down), y0 = sy.rounded(.down)
                let ix = Int(x0), iy = Int(y0)
                for c in 0..<channels {
                    let top = (x0 + 1 - sx) * read(iy, ix, c) + (sx - x0) * read(iy, ix + 1, c)
                    let bottom = (x0 + 1 - sx) * read(iy + 1, ix, c) + (sx - x0) * read(iy + 1, ix + 1, c)
                    out[base + c] = (y0 + 1 - sy) * top + (sy - y0) * bottom
                }
            }
        }
        return out
    }
}

/// The random geometric layers: each image of a training batch gets its own affine transform.
public class RandomAffineLayer: RandomImageLayer {
    public let fillMode: ImageFillMode
    public let fillValue: Float
    public let nearest: Bool

    init(fillMode: String, interpolation: String, fillValue: Float, seed: UInt64?, name: String) throws {
        guard let mode = ImageFillMode(rawValue: fillMode) else {
            throw ModelError("Unknown `fill_mode` \(fillMode). Only `reflect`, `wrap`, `constant` and `nearest` are supported.")
        }
        guard interpolation == "bilinear" || interpolation == "nearest" else {
            throw ModelError("Unknown `interpolation` \(interpolation). Only `nearest` and `bilinear` are supported.")
        }
        self.fillMode = mode
        self.fillValue = fillValue
        nearest = interpolation == "nearest"
        super.init(seed: seed, name: name)
    }

    /// The transform of the next image of a `width` x `height` batch.
    func drawTransform(width: Int, height: Int) -> AffineImageTransform { AffineImageTransform(a: (1, 0, 0), b: (0, 1, 0)) }

    override func transform(_ x: Tensor) throws -> Tensor {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let size = h * w * c
        var out: [Float] = []
        out.reserveCapacity(x.count)
        for i in 0..<n {
            let transform = drawTransform(width: w, height: h)
            out += transform.apply(to: Array(x.scalars[(i * size)..<((i + 1) * size)]), width: w, height: h, channels: c,
                                   fill: fillMode, fillValue: fillValue, nearest: nearest)
        }
        return Tensor(shape: x.shape, scalars: out)
    }
}

/// `RandomRotation(factor, fill_mode="reflect", interpolation="bilinear")`: an angle uniform in
/// [lower * 2 pi, upper * 2 pi] per image (`factor=0.1` is up to 36 degrees either way).
public final class RandomRotation: RandomAffineLayer {
    public override var typeName: String { "RandomRotation" }
    public let lower: Float
    public let upper: Float

    public init(lower: Float, upper: Float, fillMode: String = "reflect", interpolation: String = "bilinear",
                fillValue: Float = 0, seed: UInt64? = nil, name: String? = nil) throws {
        guard lower <= upper else { throw ModelError("Factor cannot have lower bound greater than upper bound. Received: factor=(\(lower), \(upper))") }
        self.lower = lower
        self.upper = upper
        try super.init(fillMode: fillMode, interpolation: interpolation, fillValue: fillValue, seed: seed,
                       name: name ?? LayerNames.next("random_rotation"))
    }

    override func drawTransform(width: Int, height: Int) -> AffineImageTransform {
        .rotation(uniform(lower * 2 * .pi, upper * 2 * .pi), width: width, height: height)
    }
}

/// `RandomZoom(height_factor, width_factor=None, ...)`: zoom `1 + uniform(lower, upper)` per axis per
/// image (negative factors zoom in); without a width factor both axes share the height's draw.
public final class RandomZoom: RandomAffineLayer {
    public override var typeName: String { "RandomZoom" }
    public let heightRange: (Float, Float)
    public let widthRange: (Float, Float)?

    public init(height: (Float, Float), width: (Float, Float)?, fillMode: String = "reflect", interpolation: String = "bilinear",
                fillValue: Float = 0, seed: UInt64? = nil, name: String? = nil) throws {
        for range in [height] + (width.map { [$0] } ?? []) where range.0 < -1 || range.1 < -1 || range.0 > range.1 {
            throw ModelError("RandomZoom factors must be ordered and at least -1, got (\(range.0), \(range.1))")
        }
        heightRange = height
        widthRange = width
        try super.init(fillMode: fillMode, interpolation: interpolation, fillValue: fillValue, seed: seed,
                       name: name ?? LayerNames.next("random_zoom"))
    }

    override func drawTransform(width: Int, height: Int) -> AffineImageTransform {
        let zoomY = 1 + uniform(heightRange.0, heightRange.1)
        let zoomX = widthRange.map { 1 + uniform($0.0, $0.1) } ?? zoomY
        return .zoom(x: zoomX, y: zoomY, width: width, height: height)
    }
}

/// `RandomTranslation(height_factor, width_factor, ...)`: shifts of `uniform(lower, upper)` times the
/// image's height and width, per image.
public final class RandomTranslation: RandomAffineLayer {
    public override var typeName: String { "RandomTranslation" }
    public let heightRange: (Float, Float)
    public let widthRange: (Float, Float)

    public init(height: (Float, Float), width: (Float, Float), fillMode: String = "reflect", interpolation: String = "bilinear",
                fillValue: Float = 0, seed: UInt64? = nil, name: String? = nil) throws {
        for range in [height, width] where range.0 > range.1 || abs(range.0) > 1 || abs(range.1) > 1 {
            throw ModelError("RandomTranslation factors must be ordered and within [-1, 1], got (\(range.0), \(range.1))")
        }
        heightRange = height
        widthRange = width
        try super.init(fillMode: fillMode, interpolation: interpolation, fillValue: fillValue, seed: seed,
                       name: name ?? LayerNames.next("random_translation"))
    }

    override func drawTransform(width: Int, height: Int) -> AffineImageTransform {
        let dy = uniform(heightRange.0, heightRange.1) * Float(height)
        let dx = uniform(widthRange.0, widthRange.1) * Float(width)
        return .translation(dx: dx, dy: dy)
    }
}

extension RandomAffineLayer {
    /// What the three geometric layers record alike: how pixels outside the image are filled and sampled.
    var fillConfig: KerasConfig {
        ["fill_mode": .string(fillMode.rawValue), "interpolation": nearest ? "nearest" : "bilinear", "fill_value": .number(fillValue)]
    }
}

extension LayerConfiguration {
    /// A geometric layer's fill mode, interpolation and fill value, with Keras's defaults.
    func fill() throws -> (mode: String, interpolation: String, value: Float) {
        (string("fill_mode") ?? "reflect", string("interpolation") ?? "bilinear", Float(try double("fill_value", default: 0)))
    }
}

extension RandomRotation: KerasConfigurable {
    public var kerasConfig: KerasConfig { fillConfig.merging(["factor": .pair((lower, upper))]) { $1 } }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        let factor = try config.range("factor"), fill = try config.fill()
        try self.init(lower: factor.0, upper: factor.1, fillMode: fill.mode, interpolation: fill.interpolation, fillValue: fill.value,
                      name: config.name)
    }
}

extension RandomZoom: KerasConfigurable {
    public var kerasConfig: KerasConfig { fillConfig.merging(["height_factor": .pair(heightRange), "width_factor": widthRange.map { .pair($0) } ?? nil]) { $1 } }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        let width = config["width_factor"] == nil || config["width_factor"] == .null ? nil : try config.range("width_factor")
        let fill = try config.fill()
        try self.init(height: try config.range("height_factor"), width: width, fillMode: fill.mode, interpolation: fill.interpolation,
                      fillValue: fill.value, name: config.name)
    }
}

extension RandomTranslation: KerasConfigurable {
    public var kerasConfig: KerasConfig { fillConfig.merging(["height_factor": .pair(heightRange), "width_factor": .pair(widthRange)]) { $1 } }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        let fill = try config.fill()
        try self.init(height: try config.range("height_factor"), width: try config.range("width_factor"), fillMode: fill.mode,
                      interpolation: fill.interpolation, fillValue: fill.value, name: config.name)
    }
}
