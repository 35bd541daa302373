import Foundation

/// The pull mapping of Keras's `apply_affine_transform`: for output pixel (i, j) (row, column) the
/// input is read at
///
///     row = a00 i + a01 j + b0,    column = a10 i + a11 j + b1.
///
/// Keras builds, in its "x, y" coordinates, `T = R(θ) · S(tx, ty) · Sh(s) · Z(zx, zy)` with
///
///     R = [cos θ  -sin θ  0]   S = [1 0 tx]   Sh = [1  -sin s  0]   Z = [zx  0  0]
///         [sin θ   cos θ  0]       [0 1 ty]        [0   cos s  0]       [0  zy  0]
///         [0       0      1]       [0 0  1]        [0   0      1]       [0   0  1]
///
/// (only the factors whose parameters differ from the identity), centres it with
/// `transform_matrix_offset_center(T, h, w)`: `C = O T O⁻¹`, O the translation by (h/2 - 0.5, w/2 - 0.5),
/// and finally swaps both rows and columns of C (`M' = P C P`) because NumPy indexes (row, column). So
///
///     a00 = C11, a01 = C10, b0 = C12,   a10 = C01, a11 = C00, b1 = C02.
///
/// Two consequences, kept here because they are what Keras computes: `tx` (drawn from
/// `height_shift_range` and scaled by the height) moves the picture along its columns and `ty` along its
/// rows, `zx` scales the columns; and the fixed point of rotations and zooms is (row (w-1)/2,
/// column (h-1)/2), the centre only when the image is square (as the walkthrough's 150x150 images are).
///
/// The products are computed in Double in NumPy's order (`np.dot` of the factors, left to right), so the
/// coordinates agree with Keras's to the last bits.
public struct AffineTransformMatrix: Equatable, Sendable {
    public var a00: Double, a01: Double, a10: Double, a11: Double
    public var b0: Double, b1: Double

    public init(a00: Double, a01: Double, a10: Double, a11: Double, b0: Double, b1: Double) {
        (self.a00, self.a01, self.a10, self.a11, self.b0, self.b1) = (a00, a01, a10, a11, b0, b1)
    }

    /// Keras's matrix for `parameters` on an image of `height` x `width`; nil when Keras leaves the image
    /// untouched (θ = tx = ty = shear = 0, zx = zy = 1), which is not the same as resampling with the
    /// identity (no interpolation happens at all).
    public init?(parameters p: AugmentationParameters, height: Int, width: Int) {
        typealias M = [[Double]]
        var transform: M?
        func then(_ factor: M) { transform = transform.map { Self.dot($0, factor) } ?? factor }
        if p.theta != 0 {
            let theta = p.theta * (Double.pi / 180)  // np.deg2rad
            then([[cos(theta), -sin(theta), 0], [sin(theta), cos(theta), 0], [0, 0, 1]])
        }
        if p.tx != 0 || p.ty != 0 { then([[1, 0, p.tx], [0, 1, p.ty], [0, 0, 1]]) }
        if p.shear != 0 {
            let shear = p.shear * (Double.pi / 180)
            then([[1, -sin(shear), 0], [0, cos(shear), 0], [0, 0, 1]])
        }
        if p.zx != 1 || p.zy != 1 { then([[p.zx, 0, 0], [0, p.zy, 0], [0, 0, 1]]) }
        guard let matrix = transform else { return nil }
        // transform_matrix_offset_center(matrix, h, w): x is offset by the height, y by the width.
        let ox = Double(height) / 2 - 0.5, oy = Double(width) / 2 - 0.5
        let centred = Self.dot(Self.dot([[1, 0, ox], [0, 1, oy], [0, 0, 1]], matrix), [[1, 0, -ox], [0, 1, -oy], [0, 0, 1]])
        self.init(a00: centred[1][1], a01: centred[1][0], a10: centred[0][1], a11: centred[0][0],
                  b0: centred[1][2], b1: centred[0][2])
    }

    /// Where output pixel (row, column) reads the input, summed in scipy's order
    /// (`icoor = 0; icoor += o0 m0; icoor += o1 m1; icoor += shift`).
    @inline(__always)
    public func source(row: Int, column: Int) -> (row: Double, column: Double) {
        let i = Double(row), j = Double(column)
        return (i * a00 + j * a01 + b0, i * a10 + j * a11 + b1)
    }

    /// The 3x3 product A·B with each entry summed over k = 0, 1, 2 in order.
    static func dot(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        var product = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in 0..<3 {
            for j in 0..<3 {
                var sum: Double = a[i][0] * b[0][j]
                sum += a[i][1] * b[1][j]
                sum += a[i][2] * b[2][j]
                product[i][j] = sum
            }
        }
        return product
    }
}
