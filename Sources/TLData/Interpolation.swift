/// The resampling filters Keras's `load_img` accepts, each computed exactly as Pillow's
/// `Image.resize` computes it.
public enum Interpolation: String, CaseIterable, Sendable {
    /// Pillow's affine nearest neighbour (no filtering, even when shrinking).
    case nearest
    /// Triangle filter, support 1 (widened when shrinking, so it antialiases).
    case bilinear
    /// Keys cubic with a = -0.5, support 2.
    case bicubic
    /// Windowed sinc, 3 lobes.
    case lanczos
    /// Box filter, support 1/2 (an area average when shrinking).
    case box
    /// Hamming-windowed sinc, support 1.
    case hamming

    /// The interpolation Keras names `name` ("nearest", "bilinear", ...).
    public init(kerasName name: String) throws {
        guard let value = Interpolation(rawValue: name.lowercased()) else {
            throw ImageError.unknownInterpolation(name)
        }
        self = value
    }

    /// The convolution filter behind this interpolation; nil for nearest, which is not a convolution.
    var filter: ResampleFilter? {
        switch self {
        case .nearest: return nil
        case .bilinear: return .triangle
        case .bicubic: return .bicubic
        case .lanczos: return .lanczos
        case .box: return .box
        case .hamming: return .hamming
        }
    }
}
