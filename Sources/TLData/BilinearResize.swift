/// TensorFlow's `tf.image.resize(images, size, method="bilinear")` (antialias off, half-pixel centres),
/// which `image_dataset_from_directory` applies to every decoded image: float32 output, no rounding.
///
/// For output row `y` the source coordinate is `(y + 0.5) * inHeight / outHeight - 0.5`; its floor
/// (at least 0) and ceiling (at most the last row) are blended by the fractional part, in float32 as
/// TensorFlow's `compute_interpolation_weights` and `compute_lerp` do.
public enum BilinearResize {
    struct Taps {
        var lower: [Int]
        var upper: [Int]
        var fraction: [Float]
    }

    static func taps(inputSize: Int, outputSize: Int) -> Taps {
        let scale = Float(inputSize) / Float(outputSize)
        var taps = Taps(lower: [], upper: [], fraction: [])
        for i in 0..<outputSize {
            let position = (Float(i) + 0.5) * scale - 0.5
            let floor = position.rounded(.down)
            taps.lower.append(max(Int(floor), 0))
            taps.upper.append(min(Int(position.rounded(.up)), inputSize - 1))
            taps.fraction.append(position - floor)
        }
        return taps
    }

    /// Resizes `channels`-channel HWC float pixels of `width` x `height` to `outWidth` x `outHeight`.
    public static func resize(_ pixels: [Float], width: Int, height: Int, channels: Int,
                              outWidth: Int, outHeight: Int) -> [Float] {
        let xs = taps(inputSize: width, outputSize: outWidth), ys = taps(inputSize: height, outputSize: outHeight)
        var out = [Float](repeating: 0, count: outWidth * outHeight * channels)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<outHeight {
                    let top = ys.lower[y] * width, bottom = ys.upper[y] * width, dy = ys.fraction[y]
                    for x in 0..<outWidth {
                        let left = xs.lower[x], right = xs.upper[x], dx = xs.fraction[x]
                        for c in 0..<channels {
                            let topLeft = src[(top + left) * channels + c], topRight = src[(top + right) * channels + c]
                            let bottomLeft = src[(bottom + left) * channels + c], bottomRight = src[(bottom + right) * channels + c]
                            let upper = topLeft + (topRight - topLeft) * dx
                            let lower = bottomLeft + (bottomRight - bottomLeft) * dx
                            dst[(y * outWidth + x) * channels + c] = upper + (lower - upper) * dy
                        }
                    }
                }
            }
        }
        return out
    }

    /// Keras's `smart_resize` crop (`crop_to_aspect_ratio=True`): the largest centred window of the
    /// target's aspect ratio, as (top, left, height, width), with Keras's float32 truncations.
    public static func centredCrop(width: Int, height: Int, targetWidth: Int, targetHeight: Int)
        -> (top: Int, left: Int, height: Int, width: Int) {
        let cropHeight = min(height, Int(Float(width * targetHeight) / Float(targetWidth)))
        let cropWidth = min(width, Int(Float(height * targetWidth) / Float(targetHeight)))
        let top = Int(Float(height - cropHeight) / 2), left = Int(Float(width - cropWidth) / 2)
        return (top, left, cropHeight, cropWidth)
    }

    /// The window (top, left, height, width) of HWC pixels, copied out.
    public static func crop(_ pixels: [Float], width: Int, channels: Int,
                            window: (top: Int, left: Int, height: Int, width: Int)) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(window.height * window.width * channels)
        for y in window.top..<(window.top + window.height) {
            let start = (y * width + window.left) * channels
            out.append(contentsOf: pixels[start..<(start + window.width * channels)])
        }
        return out
    }
}
