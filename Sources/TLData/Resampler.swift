/// Pillow's convolution resize (`ImagingResample`, Resample.c) for 8-bit RGB, reproduced to the bit.
///
/// For an axis scaled from `n` to `m` pixels, scale s = n/m and the filter is widened by f = max(s, 1)
/// (so shrinking averages, i.e. antialiases). Output pixel i is centred at c = (i + 1/2) s and reads source
/// pixels j in [round(c - support f), round(c + support f)) with weights k((j - c + 1/2) / f), normalised to
/// sum 1, then quantised to 22-bit fixed point. The horizontal pass runs first and its result is rounded
/// and clipped to 8 bits before the vertical pass, exactly as Pillow up to 12.x does; an axis whose size
/// does not change is not resampled at all. (Pillow 13 sometimes runs the vertical pass first when the
/// height shrinks, which moves a few pixels by 1-4 levels; the Keras golden files match this order.)
enum Resampler {
    /// Fixed-point fraction bits of the weights (Pillow's PRECISION_BITS = 32 - 8 - 2).
    static let precisionBits = 22

    /// The taps of one axis: for output pixel i, source pixels `first[i] ..< first[i] + count[i]` with
    /// fixed-point weights `weights[i * width ..< i * width + count[i]]`.
    struct Taps {
        let width: Int
        var first: [Int]
        var count: [Int]
        var weights: [Int32]
    }

    static func taps(inputSize: Int, outputSize: Int, filter: ResampleFilter) -> Taps {
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let width = Int(support.rounded(.up)) * 2 + 1
        var taps = Taps(width: width, first: [Int](repeating: 0, count: outputSize),
                        count: [Int](repeating: 0, count: outputSize),
                        weights: [Int32](repeating: 0, count: outputSize * width))
        var raw = [Double](repeating: 0, count: width)
        let one = Double(1 << precisionBits)
        for i in 0..<outputSize {
            let center = (Double(i) + 0.5) * scale
            let inverse = 1 / filterScale
            // C's (int) cast truncates toward zero, also for the negative values near the left edge.
            let lower = max(Int(center - support + 0.5), 0)
            let upper = min(Int(center + support + 0.5), inputSize)
            let count = max(upper - lower, 0)
            var total = 0.0
            for j in 0..<count {
                let w = filter.weight((Double(j + lower) - center + 0.5) * inverse)
                raw[j] = w
                total += w
            }
            for j in 0..<count {
                let w = total != 0 ? raw[j] / total : raw[j]
                // Round half away from zero, as Pillow's normalize_coeffs_8bpc does.
                taps.weights[i * width + j] = Int32(w < 0 ? Int(-0.5 + w * one) : Int(0.5 + w * one))
            }
            taps.first[i] = lower
            taps.count[i] = count
        }
        return taps
    }

    static func resize(_ image: RGBImage, width: Int, height: Int, filter: ResampleFilter) -> RGBImage {
        var current = image
        if width != current.width {
            current = horizontal(current, taps: taps(inputSize: current.width, outputSize: width, filter: filter))
        }
        if height != current.height {
            current = vertical(current, taps: taps(inputSize: current.height, outputSize: height, filter: filter))
        }
        return current
    }

    /// sum >> 22 clamped to 0...255; the sum starts at 2^21 so the shift rounds to nearest.
    @inline(__always)
    private static func clip8(_ sum: Int) -> UInt8 {
        let v = sum >> precisionBits
        return UInt8(truncatingIfNeeded: v < 0 ? 0 : (v > 255 ? 255 : v))
    }

    private static func horizontal(_ image: RGBImage, taps: Taps) -> RGBImage {
        let outWidth = taps.first.count
        var out = [UInt8](repeating: 0, count: outWidth * image.height * 3)
        let half = 1 << (precisionBits - 1)
        image.pixels.withUnsafeBufferPointer { src in
            taps.weights.withUnsafeBufferPointer { k in
                out.withUnsafeMutableBufferPointer { dst in
                    for y in 0..<image.height {
                        let row = y * image.width * 3
                        for x in 0..<outWidth {
                            var r = half, g = half, b = half
                            let base = row + taps.first[x] * 3
                            let kk = x * taps.width
                            for j in 0..<taps.count[x] {
                                let w = Int(k[kk + j])
                                let s = base + j * 3
                                r += Int(src[s]) * w
                                g += Int(src[s + 1]) * w
                                b += Int(src[s + 2]) * w
                            }
                            let d = (y * outWidth + x) * 3
                            dst[d] = clip8(r)
                            dst[d + 1] = clip8(g)
                            dst[d + 2] = clip8(b)
                        }
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: image.height, pixels: out)
    }

    private static func vertical(_ image: RGBImage, taps: Taps) -> RGBImage {
        let outHeight = taps.first.count
        let rowLength = image.width * 3
        var out = [UInt8](repeating: 0, count: rowLength * outHeight)
        let half = 1 << (precisionBits - 1)
        image.pixels.withUnsafeBufferPointer { src in
            taps.weights.withUnsafeBufferPointer { k in
                out.withUnsafeMutableBufferPointer { dst in
                    for y in 0..<outHeight {
                        let first = taps.first[y], count = taps.count[y], kk = y * taps.width
                        for i in 0..<rowLength {
                            var sum = half
                            for j in 0..<count {
                                sum += Int(src[(first + j) * rowLength + i]) * Int(k[kk + j])
                            }
                            dst[y * rowLength + i] = clip8(sum)
                        }
                    }
                }
            }
        }
        return RGBImage(width: image.width, height: outHeight, pixels: out)
    }
}
