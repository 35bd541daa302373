import Foundation
import TLTensor

/// Keras's default initialisers.
public enum Initializers {
    /// Glorot (Xavier) uniform: `U(-l, l)` with `l = sqrt(6 / (fan_in + fan_out))`, where for a convolution
    /// kernel of shape (kh, kw, cin, cout) `fan_in = kh*kw*cin` and `fan_out = kh*kw*cout`.
    public static func glorotUniform(shape: [Int], generator: inout RandomGenerator) -> Tensor {
        let receptive = shape.dropLast(2).reduce(1, *)
        let fanIn = Float(shape.count >= 2 ? shape[shape.count - 2] * receptive : shape[0])
        let fanOut = Float(shape.count >= 2 ? shape[shape.count - 1] * receptive : shape[0])
        let limit = (6 / max(fanIn + fanOut, 1)).squareRoot()
        var t = Tensor(shape: shape)
        for i in 0..<t.count { t.scalars[i] = generator.uniform(-limit, limit) }
        return t
    }
}
