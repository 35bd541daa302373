import Foundation

/// A separable reconstruction kernel k(x) with its support (k is zero for |x| >= support),
/// as Pillow's Resample.c defines them.
struct ResampleFilter: Sendable {
    let support: Double
    let weight: @Sendable (Double) -> Double

    /// k(x) = 1 for -1/2 < x <= 1/2.
    static let box = ResampleFilter(support: 0.5) { x in (x > -0.5 && x <= 0.5) ? 1 : 0 }

    /// k(x) = max(0, 1 - |x|).
    static let triangle = ResampleFilter(support: 1) { x in
        let t = abs(x)
        return t < 1 ? 1 - t : 0
    }

    /// k(x) = sinc(x) (0.54 + 0.46 cos(pi x)) for |x| < 1. Pillow writes the constants as C floats,
    /// so they are widened from Float here too (0.54f != 0.54).
    static let hamming = ResampleFilter(support: 1) { x in
        let t = abs(x)
        if t == 0 { return 1 }
        if t >= 1 { return 0 }
        let p = t * Double.pi
        return sin(p) / p * (Double(Float(0.54)) + Double(Float(0.46)) * cos(p))
    }

    /// Keys cubic with a = -0.5: (a+2)|x|^3 - (a+3)|x|^2 + 1 for |x| < 1,
    /// a(|x|^3 - 5|x|^2 + 8|x| - 4) for 1 <= |x| < 2.
    static let bicubic = ResampleFilter(support: 2) { x in
        let a = -0.5
        let t = abs(x)
        if t < 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
        if t < 2 { return (((t - 5) * t + 8) * t - 4) * a }
        return 0
    }

    /// Lanczos-3: sinc(x) sinc(x/3) for -3 <= x < 3.
    static let lanczos = ResampleFilter(support: 3) { x in
        guard x >= -3 && x < 3 else { return 0 }
        return sinc(x) * sinc(x / 3)
    }

    private static func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let p = x * Double.pi
        return sin(p) / p
    }
}
