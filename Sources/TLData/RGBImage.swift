/// An 8-bit RGB picture: `pixels` holds `height * width * 3` bytes, row by row, each pixel R, G, B
/// (HWC, the layout Keras's `img_to_array` returns).
public struct RGBImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3,
                     "an RGB image of \(width)x\(height) needs \(width * height * 3) bytes, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The channel value at row `y`, column `x`, channel `channel` (0 red, 1 green, 2 blue).
    public subscript(y: Int, x: Int, channel: Int) -> UInt8 {
        pixels[(y * width + x) * 3 + channel]
    }
}
