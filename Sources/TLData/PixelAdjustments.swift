/// The non-geometric steps of Keras's `apply_transform`, on HWC Float images (values 0...255 before
/// rescaling), each computed in Float32 as NumPy and Pillow compute them.
public enum PixelAdjustments {
    /// `flip_axis(x, 1)`: column j becomes column w-1-j.
    public static func flipHorizontally(_ image: inout FloatImage) {
        let (height, width, channels) = (image.height, image.width, image.channels)
        image.values.withUnsafeMutableBufferPointer { v in
            for row in 0..<height {
                let base = row * width * channels
                for j in 0..<(width / 2) {
                    let a = base + j * channels, b = base + (width - 1 - j) * channels
                    for k in 0..<channels { v.swapAt(a + k, b + k) }
                }
            }
        }
    }

    /// `flip_axis(x, 0)`: row i becomes row h-1-i.
    public static func flipVertically(_ image: inout FloatImage) {
        let rowLength = image.width * image.channels, height = image.height
        image.values.withUnsafeMutableBufferPointer { v in
            for i in 0..<(height / 2) {
                let a = i * rowLength, b = (height - 1 - i) * rowLength
                for k in 0..<rowLength { v.swapAt(a + k, b + k) }
            }
        }
    }

    /// `apply_channel_shift(x, intensity)`: every value plus `intensity`, clipped to [min x, max x] (the
    /// extremes over the whole image, before the shift): `clip(x + s, min, max)`.
    public static func shiftChannels(_ image: inout FloatImage, intensity: Double) {
        guard !image.values.isEmpty else { return }
        let shift = Float(intensity)
        image.values.withUnsafeMutableBufferPointer { v in
            var low = v[0], high = v[0]
            for x in v { low = min(low, x); high = max(high, x) }
            for i in 0..<v.count { v[i] = min(max(v[i] + shift, low), high) }
        }
    }

    /// `apply_brightness_shift(x, brightness, scale=False)`: Pillow's `ImageEnhance.Brightness`, which
    /// quantises to bytes. Values in [0, 255] become `⌊b · ⌊x⌋⌋` clipped to [0, 255] (`array_to_img`
    /// truncates with `astype("uint8")`, `Image.blend` against black truncates again). An image with values
    /// outside [0, 255] is first stretched to [0, 255] by its min and max and mapped back afterwards:
    /// `y / 255 · (max - min) + min`.
    public static func adjustBrightness(_ image: inout FloatImage, factor: Double) {
        guard !image.values.isEmpty else { return }
        let alpha = Float(factor)  // Pillow's ImagingBlend takes a C float
        image.values.withUnsafeMutableBufferPointer { v in
            var low = v[0], high = v[0]
            for x in v { low = min(low, x); high = max(high, x) }
            let stretch = low < 0 || high > 255
            if stretch {
                // array_to_img(scale=True): x - min, / max (if not 0), * 255, all in float32.
                var top: Float = 0
                for i in 0..<v.count { v[i] -= low; top = max(top, v[i]) }
                for i in 0..<v.count {
                    if top != 0 { v[i] /= top }
                    v[i] *= 255
                }
            }
            for i in 0..<v.count {
                let byte = Float(UInt8(clamping: Int(v[i])))  // astype("uint8") of a value in [0, 255]
                let blended = alpha * byte
                let out: Float = blended <= 0 ? 0 : (blended >= 255 ? 255 : Float(UInt8(blended)))
                v[i] = stretch ? out / 255 * (high - low) + low : out
            }
        }
    }
}
