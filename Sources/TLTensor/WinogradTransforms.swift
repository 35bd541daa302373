/// The one-dimensional transforms of Winograd's minimal filtering F(m, 3) (Lavin & Gray 2016), on
/// lanes of channels. A 2-D transform is the 1-D one along rows, then along columns:
/// `V = B^T d B` (input tile, alpha x alpha with alpha = m + 2), `U = G g G^T` (3x3 kernel),
/// `Y = A^T (U . V) A` (m x m output), `.` the element-wise product summed over input channels.

/// Channels a transform handles at once: values are stored as runs of `winogradLanes` floats, and every
/// transform works on a run as one `SIMD8<Float>`.
public let winogradLanes = 8

/// The run of 8 floats at `p` (any alignment).
@inline(__always) @usableFromInline
func loadRun8(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }

/// Stores a run of 8 floats at `p` (any alignment).
@inline(__always) @usableFromInline
func storeRun8(_ p: UnsafeMutablePointer<Float>, _ v: SIMD8<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self) }

/// Output tile side of a Winograd convolution: F(2x2, 3x3), F(3x3, 3x3), F(4x4, 3x3) or F(6x6, 3x3).
public enum WinogradTile: Int, Sendable, CaseIterable {
    case f2 = 2
    case f3 = 3
    case f4 = 4
    case f6 = 6

    /// Output values per tile side.
    public var m: Int { rawValue }
    /// Input (and transformed) tile side: `alpha = m + 3 - 1`.
    public var alpha: Int { rawValue + 2 }

    /// `x <- B^T x` along `alpha` values spaced `s` apart. F(2,3), points 0, 1, -1:
    /// `B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]`. F(3,3), points 0, 1, -1, 2:
    /// `B^T = [2 -1 -2 1 0; 0 -2 -1 1 0; 0 2 -3 1 0; 0 -1 0 1 0; 0 2 -1 -2 1]`. F(4,3), points 0, 1, -1, 2, -2:
    /// `B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]`.
    /// F(6,3), points 0, 1, -1, 2, -2, 1/2, -1/2: `B^T = [1 0 -21/4 0 21/4 0 -1 0; 0 1 1 -17/4 -17/4 1 1 0;
    /// 0 -1 1 17/4 -17/4 -1 1 0; 0 1/2 1/4 -5/2 -5/4 2 1 0; 0 -1/2 1/4 5/2 -5/4 -2 1 0; 0 2 4 -5/2 -5 1/2 1 0;
    /// 0 -2 4 5/2 -5 -1/2 1 0; 0 -1 0 21/4 0 -21/4 0 1]`.
    /// Each of the `alpha` values is a run of ``winogradLanes`` floats at `x + k * s`, handled as one SIMD8
    /// value: two SSE registers on the x86-64 baseline, two NEON ones on aarch64, whatever the
    /// auto-vectorizer would have decided.
    @inline(__always) @usableFromInline
    func inputTransform(_ x: UnsafeMutablePointer<Float>, _ s: Int) {
        switch self {
        case .f2:
            let d0 = loadRun8(x), d1 = loadRun8(x + s), d2 = loadRun8(x + 2 * s), d3 = loadRun8(x + 3 * s)
            storeRun8(x, d0 - d2)
            storeRun8(x + s, d1 + d2)
            storeRun8(x + 2 * s, d2 - d1)
            storeRun8(x + 3 * s, d1 - d3)
        case .f3:
            let d0 = loadRun8(x), d1 = loadRun8(x + s), d2 = loadRun8(x + 2 * s), d3 = loadRun8(x + 3 * s), d4 = loadRun8(x + 4 * s)
            let r3 = d3 - d1, a = d3 - d2
            storeRun8(x, 2 * (d0 - d2) + r3)
            storeRun8(x + s, a - 2 * d1)
            storeRun8(x + 2 * s, a + 2 * (d1 - d2))
            storeRun8(x + 3 * s, r3)
            storeRun8(x + 4 * s, d4 - 2 * r3 - d2)
        case .f4:
            let d0 = loadRun8(x), d1 = loadRun8(x + s), d2 = loadRun8(x + 2 * s)
            let d3 = loadRun8(x + 3 * s), d4 = loadRun8(x + 4 * s), d5 = loadRun8(x + 5 * s)
            let a = d4 - 4 * d2, b = d3 - 4 * d1          // r1 = a + b, r2 = a - b
            let c = d4 - d2, e = 2 * (d3 - d1)            // r3 = c + e, r4 = c - e
            storeRun8(x, 4 * d0 - 5 * d2 + d4)
            storeRun8(x + s, a + b)
            storeRun8(x + 2 * s, a - b)
            storeRun8(x + 3 * s, c + e)
            storeRun8(x + 4 * s, c - e)
            storeRun8(x + 5 * s, 4 * d1 - 5 * d3 + d5)
        case .f6:
            let d0 = loadRun8(x), d1 = loadRun8(x + s), d2 = loadRun8(x + 2 * s), d3 = loadRun8(x + 3 * s)
            let d4 = loadRun8(x + 4 * s), d5 = loadRun8(x + 5 * s), d6 = loadRun8(x + 6 * s), d7 = loadRun8(x + 7 * s)
            let a1 = d2 + d6 - 4.25 * d4, b1 = d1 + d5 - 4.25 * d3
            let a2 = d6 + 0.25 * d2 - 1.25 * d4, b2 = 0.5 * d1 - 2.5 * d3 + 2 * d5
            let a3 = d6 + 4 * (d2 - 1.25 * d4), b3 = 2 * d1 - 2.5 * d3 + 0.5 * d5
            storeRun8(x, d0 - d6 + 5.25 * (d4 - d2))
            storeRun8(x + s, a1 + b1)
            storeRun8(x + 2 * s, a1 - b1)
            storeRun8(x + 3 * s, a2 + b2)
            storeRun8(x + 4 * s, a2 - b2)
            storeRun8(x + 5 * s, a3 + b3)
            storeRun8(x + 6 * s, a3 - b3)
            storeRun8(x + 7 * s, d7 - d1 + 5.25 * (d3 - d5))
        }
    }

    /// `y[0..<m] <- A^T x` for `alpha` values of `x` spaced `s` apart (results spaced `s` apart, in place).
    /// F(2,3): `A^T = [1 1 1 0; 0 1 -1 -1]`. F(3,3): `A^T = [1 1 1 1 0; 0 1 -1 2 0; 0 1 1 4 1]`. F(4,3): `A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]`.
    /// F(6,3): row k is `[0^k 1 (-1)^k 2^k (-2)^k 2^-k (-1/2)^k 0]` (`0^0 = 1`), plus 1 at the end of the last row.
    @inline(__always) @usableFromInline
    func outputTransform(_ x: UnsafeMutablePointer<Float>, _ s: Int) {
        switch self {
        case .f2:
            let m0 = loadRun8(x), m1 = loadRun8(x + s), m2 = loadRun8(x + 2 * s), m3 = loadRun8(x + 3 * s)
            storeRun8(x, m0 + m1 + m2)
            storeRun8(x + s, m1 - m2 - m3)
        case .f3:
            let m0 = loadRun8(x), m1 = loadRun8(x + s), m2 = loadRun8(x + 2 * s), m3 = loadRun8(x + 3 * s), m4 = loadRun8(x + 4 * s)
            let p = m1 + m2, n = m1 - m2
            storeRun8(x, m0 + p + m3)
            storeRun8(x + s, n + 2 * m3)
            storeRun8(x + 2 * s, p + 4 * m3 + m4)
        case .f4:
            let m0 = loadRun8(x), m1 = loadRun8(x + s), m2 = loadRun8(x + 2 * s)
            let m3 = loadRun8(x + 3 * s), m4 = loadRun8(x + 4 * s), m5 = loadRun8(x + 5 * s)
            let p12 = m1 + m2, n12 = m1 - m2, p34 = m3 + m4, n34 = m3 - m4
            storeRun8(x, m0 + p12 + p34)
            storeRun8(x + s, n12 + 2 * n34)
            storeRun8(x + 2 * s, p12 + 4 * p34)
            storeRun8(x + 3 * s, n12 + 8 * n34 + m5)
        case .f6:
            let m0 = loadRun8(x), m1 = loadRun8(x + s), m2 = loadRun8(x + 2 * s), m3 = loadRun8(x + 3 * s)
            let m4 = loadRun8(x + 4 * s), m5 = loadRun8(x + 5 * s), m6 = loadRun8(x + 6 * s), m7 = loadRun8(x + 7 * s)
            let a1 = m1 + m2, s1 = m1 - m2, a2 = m3 + m4, s2 = m3 - m4, a3 = m5 + m6, s3 = m5 - m6
            storeRun8(x, m0 + a1 + (a2 + a3))
            storeRun8(x + s, s1 + 2 * s2 + 0.5 * s3)
            storeRun8(x + 2 * s, a1 + 4 * a2 + 0.25 * a3)
            storeRun8(x + 3 * s, s1 + 8 * s2 + 0.125 * s3)
            storeRun8(x + 4 * s, a1 + 16 * a2 + 0.0625 * a3)
            storeRun8(x + 5 * s, s1 + 32 * s2 + 0.03125 * s3 + m7)
        }
    }

    /// `u[0..<alpha] <- G g` for the three kernel taps `g` (runs at `g`, `g + gs`, `g + 2 gs`; results at `u + k * s`). F(2,3): `G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]`.
    /// F(3,3): `G = [1/2 0 0; -1/2 -1/2 -1/2; -1/6 1/6 -1/6; 1/6 1/3 2/3; 0 0 1]`. F(4,3): `G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]`.
    /// F(6,3): `G = [1 0 0; -2/9 -2/9 -2/9; -2/9 2/9 -2/9; 1/90 1/45 2/45; 1/90 -1/45 2/45; 32/45 16/45 8/45; 32/45 -16/45 8/45; 0 0 1]`.
    @inline(__always) @usableFromInline
    func kernelTransform(_ g: UnsafePointer<Float>, _ gs: Int, into u: UnsafeMutablePointer<Float>, _ s: Int) {
        let g0 = loadRun8(g), g1 = loadRun8(g + gs), g2 = loadRun8(g + 2 * gs)
        switch self {
        case .f2:
            let even = 0.5 * (g0 + g2), odd = 0.5 * g1
            storeRun8(u, g0)
            storeRun8(u + s, even + odd)
            storeRun8(u + 2 * s, even - odd)
            storeRun8(u + 3 * s, g2)
        case .f3:
            let sixth: Float = 1.0 / 6, e = g0 + g2
            storeRun8(u, 0.5 * g0)
            storeRun8(u + s, -0.5 * (e + g1))
            storeRun8(u + 2 * s, sixth * (g1 - e))
            storeRun8(u + 3 * s, sixth * (2 * g1 + (4 * g2 + g0)))
            storeRun8(u + 4 * s, g2)
        case .f4:
            // The constants as Float expressions, rounded once each as the scalar loops had them.
            let minusSixth: Float = -1.0 / 6, sixth: Float = 1.0 / 6, twelfth: Float = 1.0 / 12, twentyFourth: Float = 1.0 / 24
            let even = minusSixth * (g0 + g2), odd = minusSixth * g1
            let even2 = twentyFourth * g0 + sixth * g2, odd2 = twelfth * g1
            storeRun8(u, 0.25 * g0)
            storeRun8(u + s, even + odd)
            storeRun8(u + 2 * s, even - odd)
            storeRun8(u + 3 * s, even2 + odd2)
            storeRun8(u + 4 * s, even2 - odd2)
            storeRun8(u + 5 * s, g2)
        case .f6:
            let even = (-2.0 / 9 as Float) * (g0 + g2), odd = (-2.0 / 9 as Float) * g1
            let even2 = (1.0 / 90 as Float) * g0 + (2.0 / 45 as Float) * g2, odd2 = (1.0 / 45 as Float) * g1
            let even3 = (32.0 / 45 as Float) * g0 + (8.0 / 45 as Float) * g2, odd3 = (16.0 / 45 as Float) * g1
            storeRun8(u, g0)
            storeRun8(u + s, even + odd)
            storeRun8(u + 2 * s, even - odd)
            storeRun8(u + 3 * s, even2 + odd2)
            storeRun8(u + 4 * s, even2 - odd2)
            storeRun8(u + 5 * s, even3 + odd3)
            storeRun8(u + 6 * s, even3 - odd3)
            storeRun8(u + 7 * s, g2)
        }
    }

    /// The tile that needs the fewest element-wise products (`tiles * alpha^2`) for an output of this size,
    /// the larger tile on a tie (fewer tiles to transform): F(6x6) on most maps where allowed, else F(4x4), F(3x3) where its tiles
    /// cover the map more tightly (9x9: 9 tiles of 25 products against 9 of 36), F(2x2) on the smallest.
    /// F(6x6) only where `largeTiles` allows it (see ``ConvolutionKernels/resolve(_:geometry:filters:batch:)``).
    public static func cheapest(outputHeight: Int, outputWidth: Int, largeTiles: Bool = false) -> WinogradTile {
        func cost(_ t: WinogradTile) -> Int {
            ((outputHeight + t.m - 1) / t.m) * ((outputWidth + t.m - 1) / t.m) * t.alpha * t.alpha
        }
        return ((largeTiles ? [WinogradTile.f6] : []) + [.f4, .f3, .f2]).min { cost($0) < cost($1) }!
    }
}
