/// The one-dimensional transforms of Winograd's minimal filtering F(m, 3) (Lavin & Gray 2016), on
/// lanes of channels. A 2-D transform is the 1-D one along rows, then along columns:
/// `V = B^T d B` (input tile, alpha x alpha with alpha = m + 2), `U = G g G^T` (3x3 kernel),
/// `Y = A^T (U . V) A` (m x m output), `.` the element-wise product summed over input channels.

/// Channels a transform handles at once: values are stored as runs of `winogradLanes` floats, and
/// every transform loops over a run. The fixed-count loops become SIMD code in release builds and stay
/// plain float arithmetic (no generics, no SIMD types) in debug builds, where tests run them.
public let winogradLanes = 8

/// Output tile side of a Winograd convolution: F(2x2, 3x3) or F(4x4, 3x3).
public enum WinogradTile: Int, Sendable, CaseIterable {
    case f2 = 2
    case f4 = 4

    /// Output values per tile side.
    public var m: Int { rawValue }
    /// Input (and transformed) tile side: `alpha = m + 3 - 1`.
    public var alpha: Int { rawValue + 2 }

    /// `x <- B^T x` along `alpha` values spaced `s` apart. F(2,3), points 0, 1, -1:
    /// `B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]`. F(4,3), points 0, 1, -1, 2, -2:
    /// `B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]`.
    /// Each of the `alpha` values is a run of ``winogradLanes`` floats at `x + k * s`.
    @inline(__always) @usableFromInline
    func inputTransform(_ x: UnsafeMutablePointer<Float>, _ s: Int) {
        switch self {
        case .f2:
            for l in 0..<winogradLanes {
                let d0 = x[l], d1 = x[s + l], d2 = x[2 * s + l], d3 = x[3 * s + l]
                x[l] = d0 - d2
                x[s + l] = d1 + d2
                x[2 * s + l] = d2 - d1
                x[3 * s + l] = d1 - d3
            }
        case .f4:
            for l in 0..<winogradLanes {
                let d0 = x[l], d1 = x[s + l], d2 = x[2 * s + l], d3 = x[3 * s + l], d4 = x[4 * s + l], d5 = x[5 * s + l]
                let a = d4 - 4 * d2, b = d3 - 4 * d1          // r1 = a + b, r2 = a - b
                let c = d4 - d2, e = 2 * (d3 - d1)            // r3 = c + e, r4 = c - e
                x[l] = 4 * d0 - 5 * d2 + d4
                x[s + l] = a + b
                x[2 * s + l] = a - b
                x[3 * s + l] = c + e
                x[4 * s + l] = c - e
                x[5 * s + l] = 4 * d1 - 5 * d3 + d5
            }
        }
    }

    /// `y[0..<m] <- A^T x` for `alpha` values of `x` spaced `s` apart (results spaced `s` apart, in place).
    /// F(2,3): `A^T = [1 1 1 0; 0 1 -1 -1]`. F(4,3): `A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]`.
    @inline(__always) @usableFromInline
    func outputTransform(_ x: UnsafeMutablePointer<Float>, _ s: Int) {
        switch self {
        case .f2:
            for l in 0..<winogradLanes {
                let m0 = x[l], m1 = x[s + l], m2 = x[2 * s + l], m3 = x[3 * s + l]
                x[l] = m0 + m1 + m2
                x[s + l] = m1 - m2 - m3
            }
        case .f4:
            for l in 0..<winogradLanes {
                let m0 = x[l], m1 = x[s + l], m2 = x[2 * s + l], m3 = x[3 * s + l], m4 = x[4 * s + l], m5 = x[5 * s + l]
                let p12 = m1 + m2, n12 = m1 - m2, p34 = m3 + m4, n34 = m3 - m4
                x[l] = m0 + p12 + p34
                x[s + l] = n12 + 2 * n34
                x[2 * s + l] = p12 + 4 * p34
                x[3 * s + l] = n12 + 8 * n34 + m5
            }
        }
    }

    /// `u[0..<alpha] <- G g` for the three kernel taps `g` (runs at `g`, `g + gs`, `g + 2 gs`; results at `u + k * s`). F(2,3): `G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]`.
    /// F(4,3): `G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]`.
    @inline(__always) @usableFromInline
    func kernelTransform(_ g: UnsafePointer<Float>, _ gs: Int, into u: UnsafeMutablePointer<Float>, _ s: Int) {
        switch self {
        case .f2:
            for l in 0..<winogradLanes {
                let g0 = g[l], g1 = g[gs + l], g2 = g[2 * gs + l]
                let even = 0.5 * (g0 + g2), odd = 0.5 * g1
                u[l] = g0
                u[s + l] = even + odd
                u[2 * s + l] = even - odd
                u[3 * s + l] = g2
            }
        case .f4:
            for l in 0..<winogradLanes {
                let g0 = g[l], g1 = g[gs + l], g2 = g[2 * gs + l]
                let even = (-1.0 / 6) * (g0 + g2), odd = (-1.0 / 6) * g1
                let even2 = (1.0 / 24) * g0 + (1.0 / 6) * g2, odd2 = (1.0 / 12) * g1
                u[l] = 0.25 * g0
                u[s + l] = even + odd
                u[2 * s + l] = even - odd
                u[3 * s + l] = even2 + odd2
                u[4 * s + l] = even2 - odd2
                u[5 * s + l] = g2
            }
        }
    }

    /// The tile that needs the fewest element-wise products (`tiles * alpha^2`) for an output of this size;
    /// F(4x4) wins from 3x3 outputs up, F(2x2) on the smallest maps.
    public static func cheapest(outputHeight: Int, outputWidth: Int) -> WinogradTile {
        func cost(_ t: WinogradTile) -> Int {
            ((outputHeight + t.m - 1) / t.m) * ((outputWidth + t.m - 1) / t.m) * t.alpha * t.alpha
        }
        return cost(.f4) <= cost(.f2) ? .f4 : .f2
    }
}
