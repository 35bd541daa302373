import Foundation
import TLTensor

/// Keras's default initialisers.
public enum Initializers {
    /// Glorot (Xavier) uniform: `U(-l, l)` with `l = sqrt(6 / (fan_in + fan_out))`, where for a convolution
    /// kernel of shape (kh, kw, cin, cout) `fan_in = kh*kw*cin` and `fan_out = kh*kw*cout`.
    public static func glorotUniform(shape: [Int], generator: inout RandomGenerator) throws -> Tensor {
        try checkAllocation(shape)
        let receptive = shape.dropLast(2).reduce(1, *)
        let fanIn = Float(shape.count >= 2 ? shape[shape.count - 2] * receptive : shape[0])
        let fanOut = Float(shape.count >= 2 ? shape[shape.count - 1] * receptive : shape[0])
        let limit = (6 / max(fanIn + fanOut, 1)).squareRoot()
        var t = Tensor(shape: shape)
        for i in 0..<t.count { t.scalars[i] = generator.uniform(-limit, limit) }
        return t
    }

    /// Throws unless a float32 weight of `shape` fits in this machine's memory, so an absurd layer size
    /// (`Dense(2**40)`) is a clear error instead of an overflow trap or an allocation failure.
    public static func checkAllocation(_ shape: [Int]) throws {
        var bytes = MemoryLayout<Float>.size
        var overflow = false
        for size in shape where !overflow { (bytes, overflow) = bytes.multipliedReportingOverflow(by: max(size, 0)) }
        if overflow || UInt64(bytes) > ProcessInfo.processInfo.physicalMemory {
            let gib = shape.reduce(Double(MemoryLayout<Float>.size)) { $0 * Double($1) } / Double(1 << 30)
            throw ModelError("Unable to allocate \(String(format: "%.3g", gib)) GiB for a weight of shape \(shape): more than this machine's memory",
                             kind: .memory)
        }
    }
}
