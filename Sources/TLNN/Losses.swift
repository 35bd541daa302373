import Foundation
import TLTensor

/// Keras's losses. Each reduces by the mean over the batch (Keras's `sum_over_batch_size`).
public enum Loss: String, CaseIterable, Sendable {
    case binaryCrossentropy = "binary_crossentropy"
    case categoricalCrossentropy = "categorical_crossentropy"
    case sparseCategoricalCrossentropy = "sparse_categorical_crossentropy"
    case meanSquaredError = "mse"

    /// Parses Keras's names and aliases (`binary_crossentropy`, `mse`, `mean_squared_error`, ...).
    public init?(kerasName: String) {
        switch kerasName.lowercased() {
        case "binary_crossentropy", "binarycrossentropy": self = .binaryCrossentropy
        case "categorical_crossentropy", "categoricalcrossentropy": self = .categoricalCrossentropy
        case "sparse_categorical_crossentropy", "sparsecategoricalcrossentropy": self = .sparseCategoricalCrossentropy
        case "mse", "mean_squared_error", "meansquarederror": self = .meanSquaredError
        default: return nil
        }
    }

    /// Keras's clipping of probabilities that do not come with their logits.
    public static let epsilon: Float = 1e-7

    /// The activation whose logits this loss consumes directly, as Keras does after that activation.
    public var logitsActivation: Activation? {
        switch self {
        case .binaryCrossentropy: return .sigmoid
        case .categoricalCrossentropy, .sparseCategoricalCrossentropy: return .softmax
        case .meanSquaredError: return nil
        }
    }

    /// Per-sample losses and the gradient of their batch mean.
    ///
    /// - Parameters:
    ///   - prediction: the model's output, or its logits when `fromLogits` is true.
    ///   - target: labels: same shape as the output (or `(n,)` for a single output), class indices for
    ///     the sparse loss.
    /// - Returns: `perSample[i]` and `gradient` = d(mean_i perSample[i]) / d(prediction).
    ///
    /// From logits `z` the binary cross-entropy is `max(z, 0) - z y + log(1 + e^-|z|)` with gradient
    /// `sigmoid(z) - y`; the categorical one is `-sum y log softmax(z)` with gradient `softmax(z) sum(y) - y`.
    /// From probabilities `p` (clipped to `[eps, 1 - eps]`), `-(y log p + (1 - y) log(1 - p))`.
    public func evaluate(prediction: Tensor, target: Tensor, fromLogits: Bool) throws -> (perSample: [Float], gradient: Tensor) {
        let n = prediction.shape.first ?? 0
        let width = n == 0 ? 0 : prediction.count / n
        var gradient = Tensor(shape: prediction.shape)
        var perSample = [Float](repeating: 0, count: n)
        let p = prediction.scalars, y = target.scalars
        switch self {
        case .sparseCategoricalCrossentropy:
            guard target.count == n else {
                throw ModelError("sparse_categorical_crossentropy expects one class index per sample (\(n)), got labels of shape \(target.shape)")
            }
        default:
            guard target.count == prediction.count else {
                throw ModelError("\(rawValue): labels of shape \(target.shape) do not match the model's output shape \(prediction.shape)")
            }
        }
        let batchScale = 1 / Float(max(n, 1))
        switch self {
        case .binaryCrossentropy:
            Loss.binaryCrossentropy(p, y, rows: n, width: width, fromLogits: fromLogits, batchScale: batchScale,
                                    perSample: &perSample, gradient: &gradient.scalars)
        case .categoricalCrossentropy, .sparseCategoricalCrossentropy:
            try categoricalCrossentropy(p, y, rows: n, width: width, fromLogits: fromLogits, batchScale: batchScale,
                                        perSample: &perSample, gradient: &gradient.scalars)
        case .meanSquaredError:
            Loss.meanSquaredError(p, y, rows: n, width: width, batchScale: batchScale, perSample: &perSample, gradient: &gradient.scalars)
        }
        return (perSample, gradient)
    }

    /// Mean over a row of `-(y log q + (1 - y) log(1 - q))`, `q` the clipped probability; from logits
    /// `z` the stable form `max(z, 0) - z y + log(1 + exp(-|z|))`, gradient `sigmoid(z) - y`.
    private static func binaryCrossentropy(_ p: [Float], _ y: [Float], rows n: Int, width: Int, fromLogits: Bool, batchScale: Float,
                                           perSample: inout [Float], gradient: inout [Float]) {
        rowMeans(rows: n, width: width, batchScale: batchScale, perSample: &perSample, gradient: &gradient) { k in
            if fromLogits {
                let z = p[k]
                return (max(z, 0) - z * y[k] + log1p(exp(-abs(z))), Activation.sigmoid(z) - y[k])
            }
            let q = min(max(p[k], Loss.epsilon), 1 - Loss.epsilon)
            let inside = p[k] > Loss.epsilon && p[k] < 1 - Loss.epsilon
            return (-(y[k] * log(q) + (1 - y[k]) * log(1 - q)), inside ? (q - y[k]) / (q * (1 - q)) : 0)
        }
    }

    /// `-sum_j y_j log q_j` per row (one-hot rows built from class indices for the sparse loss); from
    /// logits through a stable log-softmax, otherwise on probabilities renormalised to sum 1 and clipped.
    private func categoricalCrossentropy(_ p: [Float], _ y: [Float], rows n: Int, width: Int, fromLogits: Bool, batchScale: Float,
                                         perSample: inout [Float], gradient: inout [Float]) throws {
        for i in 0..<n {
            var targetRow = [Float](repeating: 0, count: width)
            if self == .sparseCategoricalCrossentropy {
                let label = Int(y[i])
                guard label >= 0 && label < width && Float(label) == y[i] else {
                    throw ModelError("sparse_categorical_crossentropy: label \(y[i]) of sample \(i) is not a class index in 0..<\(width)")
                }
                targetRow[label] = 1
            } else {
                for j in 0..<width { targetRow[j] = y[i * width + j] }
            }
            let row = Array(p[(i * width)..<((i + 1) * width)])
            var sum: Float = 0
            let targetSum = targetRow.reduce(0, +)
            if fromLogits {
                let m = row.max() ?? 0
                let logSum = log(row.reduce(0) { $0 + exp($1 - m) }) + m
                for j in 0..<width {
                    let logSoftmax = row[j] - logSum
                    sum -= targetRow[j] * logSoftmax
                    gradient[i * width + j] = (exp(logSoftmax) * targetSum - targetRow[j]) * batchScale
                }
            } else {
                // Keras renormalises probabilities to sum 1, then clips.
                let total = row.reduce(0, +)
                for j in 0..<width {
                    let q = min(max(row[j] / total, Loss.epsilon), 1 - Loss.epsilon)
                    sum -= targetRow[j] * log(q)
                    gradient[i * width + j] = (targetSum / total - targetRow[j] / max(row[j], Loss.epsilon)) * batchScale
                }
            }
            perSample[i] = sum
        }
    }

    /// Mean over a row of `(p - y)^2`, gradient `2 (p - y)`.
    private static func meanSquaredError(_ p: [Float], _ y: [Float], rows n: Int, width: Int, batchScale: Float,
                                         perSample: inout [Float], gradient: inout [Float]) {
        rowMeans(rows: n, width: width, batchScale: batchScale, perSample: &perSample, gradient: &gradient) { k in
            let d = p[k] - y[k]
            return (d * d, 2 * d)
        }
    }

    /// The losses that average an element-wise term over each row: `perSample[i]` is the mean of
    /// `term(k).value` over row `i`, and `gradient[k] = term(k).derivative * batchScale / width`.
    private static func rowMeans(rows n: Int, width: Int, batchScale: Float, perSample: inout [Float], gradient: inout [Float],
                                 _ term: (Int) -> (value: Float, derivative: Float)) {
        let scale = batchScale / Float(max(width, 1))
        for i in 0..<n {
            var sum: Float = 0
            for k in (i * width)..<((i + 1) * width) {
                let (value, derivative) = term(k)
                sum += value
                gradient[k] = derivative * scale
            }
            perSample[i] = sum / Float(max(width, 1))
        }
    }
}

/// Keras's accuracy metrics, chosen from the loss as Keras resolves `"acc"` / `"accuracy"`.
public enum AccuracyKind: Sendable {
    case binary, categorical, sparseCategorical

    public init(loss: Loss, outputWidth: Int) {
        switch loss {
        case .binaryCrossentropy: self = .binary
        case .categoricalCrossentropy: self = .categorical
        case .sparseCategoricalCrossentropy: self = .sparseCategorical
        case .meanSquaredError: self = outputWidth == 1 ? .binary : .categorical
        }
    }

    /// Number of correctly classified samples in a batch (binary: `p > threshold` equals the label, element-wise,
    /// averaged over outputs per sample; otherwise the argmax matches).
    public func correct(prediction: Tensor, target: Tensor, threshold: Float = 0.5) -> Double {
        let n = prediction.shape.first ?? 0
        guard n > 0 else { return 0 }
        let width = prediction.count / n
        let p = prediction.scalars, y = target.scalars
        var total = 0.0
        for i in 0..<n {
            switch self {
            case .binary:
                var hits = 0
                for j in 0..<width where (p[i * width + j] > threshold ? 1 : 0) == Int(y[i * width + j].rounded()) { hits += 1 }
                total += Double(hits) / Double(width)
            case .categorical, .sparseCategorical:
                let label = self == .sparseCategorical ? Int(y[i]) : rowArgmax(y, row: i, width: width)
                if rowArgmax(p, row: i, width: width) == label { total += 1 }
            }
        }
        return total
    }
}

/// Keras's arguments of a loss object (`losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1)`).
public struct LossOptions: Sendable, Equatable {
    /// The model's output is logits (no sigmoid/softmax): the loss applies the activation itself.
    public var fromLogits: Bool
    /// Targets move towards the uniform distribution: `y (1 - s) + s / 2` (binary) or `+ s / classes`.
    public var labelSmoothing: Float

    public init(fromLogits: Bool = false, labelSmoothing: Float = 0) {
        self.fromLogits = fromLogits
        self.labelSmoothing = labelSmoothing
    }

    /// The targets the loss sees, smoothed as Keras smooths them (sparse labels are left alone).
    public func smoothed(_ target: Tensor, for loss: Loss) -> Tensor {
        guard labelSmoothing > 0, loss == .binaryCrossentropy || loss == .categoricalCrossentropy else { return target }
        let n = max(target.shape.first ?? 1, 1)
        let classes = loss == .binaryCrossentropy ? 2 : max(target.count / n, 1)
        var out = target * (1 - labelSmoothing)
        out += labelSmoothing / Float(classes)
        return out
    }
}

/// Keras's weighting of per-sample losses (`sample_weight=`, `class_weight=`): the batch loss becomes
/// `sum_i w_i l_i / n` (`sum_over_batch_size`) and each sample's gradient row is scaled by its weight.
public func weightedLoss(perSample: [Float], gradient: Tensor, weights: [Float]) throws -> (loss: Double, gradient: Tensor) {
    guard weights.count == perSample.count else {
        throw ModelError("sample weights: \(weights.count) weights for a batch of \(perSample.count) samples")
    }
    var total = 0.0
    for (l, w) in zip(perSample, weights) { total += Double(l) * Double(w) }
    let rowWeights = Tensor(shape: [weights.count] + Array(repeating: 1, count: max(gradient.rank - 1, 0)), scalars: weights)
    return (total / Double(max(perSample.count, 1)), gradient * rowWeights)
}

/// `class_weight={0: 1.0, 1: 2.0}` as per-sample weights: each sample weighs its class's weight (1 for a
/// class not listed). The class is the label (int or `(n, 1)` binary labels) or the one-hot argmax.
public func classWeights(_ weights: [Int: Float], for target: Tensor) -> [Float] {
    let n = target.shape.first ?? 0
    guard n > 0 else { return [] }
    let width = target.count / n
    return (0..<n).map { i in
        weights[width == 1 ? Int(target.scalars[i].rounded()) : rowArgmax(target.scalars, row: i, width: width)] ?? 1
    }
}

/// The first index of the largest value in row `i` of `values`, rows of `width` values.
func rowArgmax(_ values: [Float], row i: Int, width: Int) -> Int {
    var best = 0
    for j in 1..<max(width, 1) where values[i * width + j] > values[i * width + best] { best = j }
    return best
}
