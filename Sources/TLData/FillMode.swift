/// How `AffineResampler` fills the pixels a transform brings in from outside the image (Keras `fill_mode`,
/// passed on as scipy.ndimage's `mode`). With input `a b c d` and a coordinate beyond the edge:
///
/// - `nearest`:  `a a a a | a b c d | d d d d` (the edge pixel repeated)
/// - `constant`: `k k k k | a b c d | k k k k` (k = `cval`; any coordinate outside [0, n-1] gives k)
/// - `reflect`:  `d c b a | a b c d | d c b a` (mirrored about the pixel edge, period 2n)
/// - `wrap`:     scipy's legacy wrap, period n-1: a coordinate x < 0 becomes
///   `x + (n-1)(trunc(-x/(n-1)) + 1)` and x > n-1 becomes `x - (n-1) trunc(x/(n-1))`, so the first
///   and last pixels meet (`b c d | a b c d | b c d` on a 4-pixel row, read between samples).
///
/// Between samples the value is linear in each axis (order-1 spline), as `apply_affine_transform` asks.
public enum FillMode: String, CaseIterable, Sendable {
    case nearest
    case constant
    case reflect
    case wrap

    /// The mode Keras names `name` ("nearest", "constant", "reflect", "wrap").
    public init(kerasName name: String) throws {
        guard let mode = FillMode(rawValue: name.lowercased()) else { throw AugmentationError.unknownFillMode(name) }
        self = mode
    }
}
