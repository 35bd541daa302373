import CTensorKernels
import Foundation

/// Element-wise activation functions, named as Keras names them.
public enum Activation: String, CaseIterable, Sendable {
    case linear, relu, sigmoid, softmax, tanh, relu6

    /// Parses a Keras activation name (`None`/`nil` means linear).
    public init?(kerasName: String?) {
        guard let name = kerasName?.lowercased(), name != "none", name != "linear" else { self = .linear; return }
        self.init(rawValue: name)
    }

    /// The ceiling of a ReLU the kernels (products, convolutions) clamp to as they write,
    /// `min(max(y, 0), ceiling)`: infinite for ReLU, 6 for ReLU6, nil for the activations that are not a clamp.
    public var reluCeiling: Float? {
        switch self {
        case .relu: return .infinity
        case .relu6: return 6
        default: return nil
        }
    }

    /// Applies the activation in place. Softmax acts on the last axis.
    public func apply(_ t: inout Tensor) {
        switch self {
        case .linear: return
        case .relu:
            // Eight lanes at a time (a conditional store per element is not vectorized); NaN stays.
            forEachChunk(&t) { p, range in clampReLURun(p + range.lowerBound, range.count, .infinity) }
        case .relu6:
            forEachChunk(&t) { p, range in clampReLURun(p + range.lowerBound, range.count, 6) }
        case .sigmoid:
            forEachChunk(&t) { p, range in for i in range { p[i] = Activation.sigmoid(p[i]) } }
        case .tanh:
            forEachChunk(&t) { p, range in for i in range { p[i] = Foundation.tanh(p[i]) } }
        case .softmax:
            let width = t.shape.last ?? 1
            t.scalars.withUnsafeMutableBufferPointer { p in
                var start = 0
                while start < p.count {
                    var m = -Float.infinity
                    for j in start..<(start + width) { m = max(m, p[j]) }
                    var sum: Float = 0
                    for j in start..<(start + width) { p[j] = exp(p[j] - m); sum += p[j] }
                    for j in start..<(start + width) { p[j] /= sum }
                    start += width
                }
            }
        }
    }

    /// `t = min(max(t + other, 0), ceiling)` in one pass over both (a residual sum and the ReLU after it):
    /// the sum and the clamp of the two passes, each value read and written once. Same shapes.
    public static func addClamped(_ other: Tensor, to t: inout Tensor, ceiling: Float) {
        precondition(other.count == t.count, "addClamped needs tensors of one size")
        other.scalars.withUnsafeBufferPointer { b in
            guard let source = b.baseAddress else { return }
            let kernels = KernelPath.current.effective
            Activation.relu.forEachChunk(&t) { p, range in
                let y = p + range.lowerBound, x = source + range.lowerBound, n = range.count
                #if arch(x86_64)
                switch kernels {
                case .avx512: return tl_add_clamp_avx512(y, x, n, ceiling)
                case .avx2: return tl_add_clamp_avx2(y, x, n, ceiling)
                case .portable: break
                }
                #endif
                // The two passes' own loops, 4096 values at a time, so that the clamp reads what the sum left in L1.
                for start in stride(from: 0, to: n, by: 4096) {
                    let count = min(4096, n - start)
                    addRun(y + start, x + start, count)
                    clampReLURun(y + start, count, ceiling)
                }
            }
        }
    }

    /// Runs an element-wise `body` over the tensor, split across the cores when it is large enough to pay
    /// (activations of early layers: millions of values per batch).
    private func forEachChunk(_ t: inout Tensor, _ body: (UnsafeMutablePointer<Float>, Range<Int>) -> Void) {
        t.scalars.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            let parts = p.count >= 1 << 16 ? ParallelFor.workerCount * 4 : 1
            let ranges = ParallelFor.ranges(p.count, parts: parts)
            ParallelFor.run(ranges.count) { body(base, ranges[$0]) }
        }
    }

    /// Numerically stable logistic function `1 / (1 + e^-z)`.
    @inlinable public static func sigmoid(_ z: Float) -> Float {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }

    /// Multiplies `gradient` (dL/dy) by dy/dz in place, given the activation's output `y`.
    /// Softmax uses its Jacobian: `dz_i = y_i (g_i - sum_j g_j y_j)` along the last axis.
    public func backward(output y: Tensor, gradient g: inout Tensor) {
        switch self {
        case .linear: return
        case .relu:
            y.scalars.withUnsafeBufferPointer { out in
                g.scalars.withUnsafeMutableBufferPointer { d in
                    zeroGradientRun(d.baseAddress, out.baseAddress, d.count, ceiling: .infinity)
                }
            }
        case .relu6:
            y.scalars.withUnsafeBufferPointer { out in
                g.scalars.withUnsafeMutableBufferPointer { d in zeroGradientRun(d.baseAddress, out.baseAddress, d.count, ceiling: 6) }
            }
        case .sigmoid:
            y.scalars.withUnsafeBufferPointer { out in
                g.scalars.withUnsafeMutableBufferPointer { d in for i in d.indices { d[i] *= out[i] * (1 - out[i]) } }
            }
        case .tanh:
            y.scalars.withUnsafeBufferPointer { out in
                g.scalars.withUnsafeMutableBufferPointer { d in for i in d.indices { d[i] *= 1 - out[i] * out[i] } }
            }
        case .softmax:
            let width = y.shape.last ?? 1
            y.scalars.withUnsafeBufferPointer { out in
                g.scalars.withUnsafeMutableBufferPointer { d in
                    var start = 0
                    while start < d.count {
                        var dot: Float = 0
                        for j in start..<(start + width) { dot += d[j] * out[j] }
                        for j in start..<(start + width) { d[j] = out[j] * (d[j] - dot) }
                        start += width
                    }
                }
            }
        }
    }
}

/// `d[i] = 0` where the clamped output `y[i] <= 0` or `y[i] >= ceiling` (the clamp's flat parts), eight
/// lanes at a time.
private func zeroGradientRun(_ d: UnsafeMutablePointer<Float>?, _ y: UnsafePointer<Float>?, _ n: Int, ceiling: Float) {
    guard let d, let y else { return }
    let whole = n / 8 * 8
    let zero = SIMD8<Float>(), top = SIMD8<Float>(repeating: ceiling)
    let (dp, yp) = (UnsafeMutableRawPointer(d), UnsafeRawPointer(y))
    for offset in stride(from: 0, to: whole * 4, by: 32) {
        let out = yp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        var grad = dp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        grad.replace(with: zero, where: (out .<= zero) .| (out .>= top))
        dp.storeBytes(of: grad, toByteOffset: offset, as: SIMD8<Float>.self)
    }
    for i in whole..<n where y[i] <= 0 || y[i] >= ceiling { d[i] = 0 }
}
