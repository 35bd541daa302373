import Foundation

/// scipy.ndimage's `affine_transform(channel, matrix, offset, order=1, mode=..., cval=...)`, as Keras's
/// `apply_affine_transform` calls it on each channel, for all channels of an HWC image at once.
///
/// Output pixel (i, j) reads the input at (r, c) = `matrix.source(i, j)`. Along each axis of length n the
/// coordinate x is first brought into range by the fill mode (`FillMode`), then split into
/// f = ⌊x⌋ and the weights w₀ = 1 - (x - f), w₁ = 1 - w₀ (scipy's order-1 spline weights), and
///
///     out = Σ_{p,q ∈ {0,1}} in[r_p, c_q] · w^r_p · w^c_q
///
/// summed in Double in scipy's order ((r₀,c₀), (r₀,c₁), (r₁,c₀), (r₁,c₁)) and stored as Float, as scipy
/// stores into the float32 array Keras passes. In `constant` mode a coordinate outside [0, n-1] on either
/// axis gives `cval` for the whole pixel.
public enum AffineResampler {
    /// The two input samples along one axis and their weights; the same index twice when one suffices.
    @usableFromInline
    struct Taps {
        var first: Int, second: Int
        var w0: Double, w1: Double
    }

    /// Resamples `image` through `matrix`; the output has the input's size.
    public static func transform(_ image: FloatImage, matrix: AffineTransformMatrix, fillMode: FillMode,
                                 cval: Double = 0) -> FloatImage {
        let (height, width, channels) = (image.height, image.width, image.channels)
        var output = [Float](repeating: 0, count: image.values.count)
        let fill = Float(cval)
        image.values.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                var o = 0
                for i in 0..<height {
                    for j in 0..<width {
                        let (r, c) = matrix.source(row: i, column: j)
                        guard let rows = taps(r, height, fillMode), let columns = taps(c, width, fillMode) else {
                            for k in 0..<channels { out[o + k] = fill }
                            o += channels
                            continue
                        }
                        let p00 = (rows.first * width + columns.first) * channels
                        let p01 = (rows.first * width + columns.second) * channels
                        let p10 = (rows.second * width + columns.first) * channels
                        let p11 = (rows.second * width + columns.second) * channels
                        for k in 0..<channels {
                            var t = Double(input[p00 + k]) * rows.w0 * columns.w0
                            t += Double(input[p01 + k]) * rows.w0 * columns.w1
                            t += Double(input[p10 + k]) * rows.w1 * columns.w0
                            t += Double(input[p11 + k]) * rows.w1 * columns.w1
                            out[o + k] = Float(t)
                        }
                        o += channels
                    }
                }
            }
        }
        return FloatImage(height: height, width: width, channels: channels, values: output)
    }

    /// The samples and weights at coordinate `x` along an axis of `n` pixels; nil means "use cval"
    /// (constant mode, x outside [0, n-1]).
    @inline(__always)
    static func taps(_ coordinate: Double, _ n: Int, _ mode: FillMode) -> Taps? {
        // Far-away coordinates (a zoom of 1e12) must not overflow Int; every mode treats them alike.
        var x = min(max(coordinate, -1e12), 1e12)
        let last = Double(n - 1)
        if n == 1 {
            if mode == .constant && x != 0 { return nil }
            return Taps(first: 0, second: 0, w0: 1, w1: 0)
        }
        switch mode {
        case .constant:
            if x < 0 || x > last { return nil }
        case .nearest:
            x = min(max(x, 0), last)
        case .wrap:
            // scipy's map_coordinate for NI_EXTEND_WRAP (period n - 1).
            let period = Double(n - 1)
            if x < 0 {
                x += period * ((-x / period).rounded(.towardZero) + 1)
            } else if x > last {
                x -= period * (x / period).rounded(.towardZero)
            }
        case .reflect:
            let f = x.rounded(.down)
            let w0 = 1 - (x - f)
            let i = Int(f)
            return Taps(first: reflect(i, n), second: reflect(i + 1, n), w0: w0, w1: 1 - w0)
        }
        let f = x.rounded(.down)
        let w0 = 1 - (x - f)
        let i = Int(f)
        return Taps(first: i, second: min(i + 1, n - 1), w0: w0, w1: 1 - w0)
    }

    /// Index `i` of the sequence extended by half-sample symmetry (`d c b a | a b c d | d c b a`).
    @inline(__always)
    static func reflect(_ i: Int, _ n: Int) -> Int {
        let period = 2 * n
        var m = i % period
        if m < 0 { m += period }
        return m < n ? m : period - 1 - m
    }
}
