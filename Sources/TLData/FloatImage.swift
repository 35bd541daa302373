/// One image as Float samples, HWC (height, width, 3 channels), values 0...255 before rescaling:
/// what the per-image transform hook of `ImageDataGeneratorConfig` receives and returns.
public struct FloatImage: Equatable, Sendable {
    public let height: Int
    public let width: Int
    public let channels: Int
    public var values: [Float]

    public init(height: Int, width: Int, channels: Int = 3, values: [Float]) {
        precondition(values.count == height * width * channels,
                     "a \(height)x\(width)x\(channels) image needs \(height * width * channels) values, got \(values.count)")
        self.height = height
        self.width = width
        self.channels = channels
        self.values = values
    }

    /// The RGB bytes widened to Float, unscaled (Keras's `img_to_array`).
    public init(_ image: RGBImage) {
        self.init(height: image.height, width: image.width, values: image.pixels.map { Float($0) })
    }
}
