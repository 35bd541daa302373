/// Per-channel kernels of batch normalisation over a tensor whose last axis is the channel axis
/// (NHWC images or `(n, features)` rows): statistics are taken over every other axis.
public enum BatchNormalizationKernels {
    /// Mean and biased variance of each channel over the `count / channels` positions:
    /// `mean_c = (1/m) sum x`, `var_c = (1/m) sum (x - mean_c)^2` (two passes, for accuracy).
    public static func moments(_ x: Tensor, channels c: Int) -> (mean: [Float], variance: [Float]) {
        let m = x.count / max(c, 1)
        var sum = [Double](repeating: 0, count: c)
        var squares = [Double](repeating: 0, count: c)
        var mean = [Float](repeating: 0, count: c)
        var variance = [Float](repeating: 0, count: c)
        x.scalars.withUnsafeBufferPointer { v in
            sum.withUnsafeMutableBufferPointer { s in
                var row = v.baseAddress!
                for _ in 0..<m {
                    for ch in 0..<c { s[ch] += Double(row[ch]) }
                    row += c
                }
            }
            for ch in 0..<c { mean[ch] = Float(sum[ch] / Double(max(m, 1))) }
            squares.withUnsafeMutableBufferPointer { q in
                mean.withUnsafeBufferPointer { mu in
                    var row = v.baseAddress!
                    for _ in 0..<m {
                        for ch in 0..<c {
                            let d = Double(row[ch] - mu[ch])
                            q[ch] += d * d
                        }
                        row += c
                    }
                }
            }
        }
        for ch in 0..<c { variance[ch] = Float(squares[ch] / Double(max(m, 1))) }
        return (mean, variance)
    }

    /// `y[..., c] = x[..., c] * scale[c] + shift[c]`.
    public static func affine(_ x: Tensor, scale: [Float], shift: [Float]) -> Tensor {
        let c = scale.count
        let rows = x.count / max(c, 1)
        // Large tensors (early layers) are split across the cores by rows; each row holds every channel.
        let ranges = ParallelFor.ranges(rows, parts: x.count >= 1 << 16 ? ParallelFor.workerCount * 4 : 1)
        return uninitializedTensor(shape: x.shape) { y in
            x.scalars.withUnsafeBufferPointer { v in
                scale.withUnsafeBufferPointer { a in
                    shift.withUnsafeBufferPointer { b in
                        ParallelFor.run(ranges.count) { part in
                            for r in ranges[part] {
                                let source = v.baseAddress! + r * c, target = y.baseAddress! + r * c
                                for ch in 0..<c { target[ch] = source[ch] * a[ch] + b[ch] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Sums over all positions of each channel: `sum dy` and `sum dy * xHat`, the gradients of the shift
    /// `beta` and of the scale `gamma` for `y = gamma * xHat + beta`.
    public static func reduceGradients(_ dy: Tensor, normalized xHat: Tensor, channels c: Int) -> (sumDy: [Float], sumDyXHat: [Float]) {
        var sumDy = [Double](repeating: 0, count: c)
        var sumDyXHat = [Double](repeating: 0, count: c)
        dy.scalars.withUnsafeBufferPointer { d in
            xHat.scalars.withUnsafeBufferPointer { h in
                sumDy.withUnsafeMutableBufferPointer { s in
                    sumDyXHat.withUnsafeMutableBufferPointer { t in
                        var g = d.baseAddress!, n = h.baseAddress!
                        for _ in 0..<(d.count / max(c, 1)) {
                            for ch in 0..<c {
                                s[ch] += Double(g[ch])
                                t[ch] += Double(g[ch] * n[ch])
                            }
                            g += c
                            n += c
                        }
                    }
                }
            }
        }
        return (sumDy.map { Float($0) }, sumDyXHat.map { Float($0) })
    }

    /// Input gradient of training-mode normalisation `y = gamma * (x - mean) * invStd + beta` with the
    /// batch's own mean and variance over `m` positions:
    /// `dx = gamma * invStd / m * (m * dy - sum dy - xHat * sum(dy * xHat))`.
    public static func trainingInputGradient(_ dy: Tensor, normalized xHat: Tensor, gamma: [Float], invStd: [Float],
                                             sumDy: [Float], sumDyXHat: [Float]) -> Tensor {
        let c = gamma.count
        let m = Float(dy.count / max(c, 1))
        let factor = (0..<c).map { gamma[$0] * invStd[$0] / m }
        var dx = dy
        dx.scalars.withUnsafeMutableBufferPointer { g in
            xHat.scalars.withUnsafeBufferPointer { h in
                var row = g.baseAddress!, n = h.baseAddress!
                for _ in 0..<(g.count / max(c, 1)) {
                    for ch in 0..<c { row[ch] = factor[ch] * (m * row[ch] - sumDy[ch] - n[ch] * sumDyXHat[ch]) }
                    row += c
                    n += c
                }
            }
        }
        return dx
    }
}
