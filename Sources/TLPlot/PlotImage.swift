/// A picture for `imshow`: 8-bit RGB pixels, row by row from the top.
public struct PlotImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `width * height * 3` bytes: red, green, blue per pixel.
    public let rgb: [UInt8]
    /// Whether RGB values had to be clipped into the valid range (matplotlib warns then).
    public let wasClipped: Bool

    public init(width: Int, height: Int, rgb: [UInt8]) throws {
        guard width > 0, height > 0, rgb.count == width * height * 3 else {
            throw PlotError.invalidArgument("an RGB image of \(width)x\(height) needs \(max(0, width * height * 3)) bytes, got \(rgb.count)")
        }
        self.width = width; self.height = height; self.rgb = rgb; wasClipped = false
    }

    /// matplotlib's `imshow(X)` for an array of `shape`, values row-major:
    /// - `(H, W)`: scalars mapped through `colormap` after scaling `vmin...vmax` (default: the data's
    ///   minimum and maximum) to 0...1;
    /// - `(H, W, 3)` or `(H, W, 4)`: RGB(A), floats in 0...1 or integers in 0...255 (`integerValued`),
    ///   values outside clipped; alpha is blended over the white background.
    public init(values: [Float], shape: [Int], integerValued: Bool, colormap: Colormap = .viridis,
                vmin: Double? = nil, vmax: Double? = nil) throws {
        let shown = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        guard shape.count == 2 || (shape.count == 3 && (shape[2] == 3 || shape[2] == 4)), shape[0] > 0, shape[1] > 0 else {
            throw PlotError.invalidArgument("imshow(): invalid shape \(shown) for image data: give (height, width) for a "
                + "colormap, or (height, width, 3) / (height, width, 4) for RGB(A)"
                + (shape.count == 3 && shape[2] == 1 ? "; for one channel, pass x[:, :, 0]" : ""))
        }
        guard values.count == shape.reduce(1, *) else {
            throw PlotError.invalidArgument("imshow(): \(values.count) values do not fill the shape \(shown)")
        }
        height = shape[0]; width = shape[1]
        if shape.count == 2 {
            rgb = Self.mapped(values, colormap: colormap, vmin: vmin, vmax: vmax)
            wasClipped = false
        } else {
            (rgb, wasClipped) = Self.colours(values, channels: shape[2], scale: integerValued ? 1 : 255)
        }
    }

    private static func mapped(_ values: [Float], colormap: Colormap, vmin: Double?, vmax: Double?) -> [UInt8] {
        let finite = values.filter(\.isFinite).map(Double.init)
        let low = vmin ?? finite.min() ?? 0, high = vmax ?? finite.max() ?? 1
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 3)
        for value in values {
            // NaN shows as the background (matplotlib draws bad values transparent).
            guard value.isFinite else { bytes += [255, 255, 255]; continue }
            let fraction = high > low ? (Double(value) - low) / (high - low) : 0
            let color = colormap.color(at: fraction)
            bytes += [color.red, color.green, color.blue]
        }
        return bytes
    }

    /// RGB(A) values scaled by `scale` to 0...255; matplotlib truncates floats (`(x * 255).astype(uint8)`).
    private static func colours(_ values: [Float], channels: Int, scale: Float) -> ([UInt8], Bool) {
        var clipped = false
        func byte(_ value: Float) -> Float {
            let scaled = value * scale
            if !(0...255).contains(scaled) { clipped = true }
            return min(255, max(0, scaled.isNaN ? 0 : scaled)).rounded(.towardZero)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count / channels * 3)
        var index = 0
        while index < values.count {
            let opacity = channels == 4 ? byte(values[index + 3]) / 255 : 1
            for channel in 0..<3 {
                // Over white: c * a + 255 * (1 - a).
                bytes.append(UInt8((byte(values[index + channel]) * opacity + 255 * (1 - opacity)).rounded()))
            }
            index += channels
        }
        return (bytes, clipped)
    }
}

extension PlotImage {
    /// The pixels as gnuplot draws them: gnuplot needs at least 2x2 points, so an image one pixel wide
    /// or high is written with every pixel doubled both ways, each copy half a unit across.
    var gnuplotGrid: (width: Int, height: Int, step: Double, rgb: [UInt8]) {
        guard width < 2 || height < 2 else { return (width, height, 1, rgb) }
        var doubled: [UInt8] = []
        doubled.reserveCapacity(rgb.count * 4)
        for row in 0..<height {
            var line: [UInt8] = []
            for column in 0..<width {
                let pixel = rgb[(row * width + column) * 3..<(row * width + column) * 3 + 3]
                line += pixel
                line += pixel
            }
            doubled += line
            doubled += line
        }
        return (width * 2, height * 2, 0.5, doubled)
    }
}
