import Foundation
import TLTensor
import TLJSON

/// One metric given to `compile`, as Keras defines it, and the History key it records under.
///
/// `acc`/`accuracy` follow the loss as in Keras (binary accuracy after binary cross-entropy, categorical
/// after categorical); `binary_accuracy` and `categorical_accuracy` are fixed; `AUC` is Keras's
/// `metrics.AUC()` (ROC curve over `thresholds` evenly spaced thresholds, trapezoidal sum); `Precision` and
/// `Recall` count a prediction above 0.5 as positive. Labels count as positive when they are not 0.
public struct MetricDefinition: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// Accuracy of the kind the loss implies (`acc`, `accuracy`).
        case accuracyForLoss
        case binaryAccuracy(threshold: Double)
        case categoricalAccuracy
        case sparseCategoricalAccuracy
        case auc(thresholds: Int)
        case precision(threshold: Double)
        case recall(threshold: Double)
    }

    public var kind: Kind
    /// The History key: `acc`, `binary_accuracy`, `auc`, `precision`, ...
    public var name: String

    public init(kind: Kind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// The metric a name given to `compile` means, as Keras resolves strings (`'AUC'` and `'auc'` are
    /// `metrics.AUC()` recorded as `auc`); nil when tl does not know it.
    public init?(kerasName: String) {
        switch kerasName {
        case "acc", "accuracy": self.init(kind: .accuracyForLoss, name: kerasName)
        case "binary_accuracy": self.init(kind: .binaryAccuracy(threshold: 0.5), name: kerasName)
        case "categorical_accuracy": self.init(kind: .categoricalAccuracy, name: kerasName)
        case "sparse_categorical_accuracy": self.init(kind: .sparseCategoricalAccuracy, name: kerasName)
        case "AUC", "auc": self.init(kind: .auc(thresholds: 200), name: "auc")
        case "Precision", "precision": self.init(kind: .precision(threshold: 0.5), name: "precision")
        case "Recall", "recall": self.init(kind: .recall(threshold: 0.5), name: "recall")
        default: return nil
        }
    }

    /// The names `init(kerasName:)` knows, for messages.
    public static let knownNames = ["acc", "accuracy", "binary_accuracy", "categorical_accuracy",
                                    "sparse_categorical_accuracy", "AUC", "Precision", "Recall"]

    /// How a saved model's `training_config` records the metric, as Keras 2 does: the name alone when it
    /// means the metric (`"acc"`, `"auc"`), else the class and its settings
    /// (`{"class_name": "Recall", "config": {"name": "rec", "thresholds": 0.5}}`).
    public var savedForm: JSON {
        if let byName = MetricDefinition(kerasName: name), byName == self { return .string(name) }
        var config: KerasConfig = ["name": .string(name)]
        let className: String
        switch kind {
        case .accuracyForLoss: className = "Accuracy"
        case .binaryAccuracy(let threshold): className = "BinaryAccuracy"; config["threshold"] = .double(threshold)
        case .categoricalAccuracy: className = "CategoricalAccuracy"
        case .sparseCategoricalAccuracy: className = "SparseCategoricalAccuracy"
        case .auc(let thresholds): className = "AUC"; config["num_thresholds"] = .int(thresholds)
        case .precision(let threshold): className = "Precision"; config["thresholds"] = .double(threshold)
        case .recall(let threshold): className = "Recall"; config["thresholds"] = .double(threshold)
        }
        return ["class_name": .string(className), "config": .object(config)]
    }

    /// The metric `savedForm` describes; nil when tl does not know it.
    public init?(savedForm: JSON) {
        if let name = savedForm.stringValue {
            self.init(kerasName: name)
            return
        }
        guard let className = savedForm["class_name"]?.stringValue else { return nil }
        let config = savedForm["config"]?.objectValue ?? [:]
        func number(_ key: String) -> Double? { config[key]?.doubleValue }
        let kind: Kind
        switch className {
        case "Accuracy": kind = .accuracyForLoss
        case "BinaryAccuracy": kind = .binaryAccuracy(threshold: number("threshold") ?? 0.5)
        case "CategoricalAccuracy": kind = .categoricalAccuracy
        case "SparseCategoricalAccuracy": kind = .sparseCategoricalAccuracy
        case "AUC": kind = .auc(thresholds: Int(number("num_thresholds") ?? 200))
        case "Precision": kind = .precision(threshold: number("thresholds") ?? 0.5)
        case "Recall": kind = .recall(threshold: number("thresholds") ?? 0.5)
        default: return nil
        }
        self.init(kind: kind, name: config["name"]?.stringValue ?? className.lowercased())
    }

    /// A fresh accumulator for one epoch or one evaluation.
    public func makeAccumulator(loss: Loss) -> MetricAccumulator {
        switch kind {
        case .accuracyForLoss: return AccuracyAccumulator(kind: nil, loss: loss)
        case .binaryAccuracy(let threshold): return AccuracyAccumulator(kind: .binary, loss: loss, threshold: threshold)
        case .categoricalAccuracy: return AccuracyAccumulator(kind: .categorical, loss: loss)
        case .sparseCategoricalAccuracy: return AccuracyAccumulator(kind: .sparseCategorical, loss: loss)
        case .auc(let thresholds): return AUCAccumulator(thresholdCount: thresholds)
        case .precision(let threshold): return ConfusionAccumulator(threshold: threshold, reportsPrecision: true)
        case .recall(let threshold): return ConfusionAccumulator(threshold: threshold, reportsPrecision: false)
        }
    }
}

/// A metric's running state over the batches of an epoch (Keras's stateful metrics): `update` with each
/// batch's probabilities and targets (shaped alike), `result` over everything seen.
public protocol MetricAccumulator: AnyObject {
    func update(prediction: Tensor, target: Tensor)
    var result: Double { get }
}

/// Accuracy as the fraction of samples classified correctly (binary: element-wise `p > threshold` equals
/// the label, averaged over a sample's outputs).
final class AccuracyAccumulator: MetricAccumulator {
    let fixedKind: AccuracyKind?
    let loss: Loss
    let threshold: Double
    private var correct = 0.0
    private var seen = 0

    init(kind: AccuracyKind?, loss: Loss, threshold: Double = 0.5) {
        fixedKind = kind
        self.loss = loss
        self.threshold = threshold
    }

    func update(prediction: Tensor, target: Tensor) {
        let n = prediction.shape.first ?? 0
        guard n > 0 else { return }
        let kind = fixedKind ?? AccuracyKind(loss: loss, outputWidth: prediction.shape.last ?? 1)
        correct += kind.correct(prediction: prediction, target: target, threshold: Float(threshold))
        seen += n
    }

    var result: Double { seen == 0 ? 0 : correct / Double(seen) }
}

/// True/false positives and negatives at one threshold: Keras's `Precision` or `Recall`.
final class ConfusionAccumulator: MetricAccumulator {
    let threshold: Float
    let reportsPrecision: Bool
    private var truePositives = 0.0, falsePositives = 0.0, falseNegatives = 0.0

    init(threshold: Double, reportsPrecision: Bool) {
        self.threshold = Float(threshold)
        self.reportsPrecision = reportsPrecision
    }

    func update(prediction: Tensor, target: Tensor) {
        for (p, y) in zip(prediction.scalars, target.scalars) {
            let predicted = p > threshold, actual = y != 0
            if predicted && actual { truePositives += 1 }
            if predicted && !actual { falsePositives += 1 }
            if !predicted && actual { falseNegatives += 1 }
        }
    }

    var result: Double {
        let denominator = truePositives + (reportsPrecision ? falsePositives : falseNegatives)
        return denominator == 0 ? 0 : truePositives / denominator   // Keras's divide_no_nan
    }
}

/// Keras's `metrics.AUC()` (curve ROC, summation "interpolation"): confusion counts at `thresholdCount`
/// thresholds `[-eps, 1/(n-1), 2/(n-1), ..., (n-2)/(n-1), 1+eps]`, a prediction above a threshold counting
/// as positive; the area is the trapezoidal sum over (false positive rate, recall).
final class AUCAccumulator: MetricAccumulator {
    let thresholds: [Float]
    private var truePositives: [Double], falsePositives: [Double], trueNegatives: [Double], falseNegatives: [Double]

    init(thresholdCount: Int) {
        let n = max(thresholdCount, 2)
        let epsilon: Float = 1e-7
        // Keras computes (i + 1) / (n - 1) in double precision, then stores it as float32.
        let inner = n > 2 ? (1...(n - 2)).map { Float(Double($0) / Double(n - 1)) } : []
        thresholds = [-epsilon] + inner + [1 + epsilon]
        truePositives = Array(repeating: 0, count: n)
        falsePositives = truePositives
        trueNegatives = truePositives
        falseNegatives = truePositives
    }

    func update(prediction: Tensor, target: Tensor) {
        // Counts per threshold from one sort: a prediction is positive at every threshold below it.
        var positivesAbove = [Double](repeating: 0, count: thresholds.count + 1)
        var negativesAbove = positivesAbove
        var positives = 0.0, negatives = 0.0
        for (p, y) in zip(prediction.scalars, target.scalars) {
            // Thresholds strictly below p: the first index whose threshold is >= p.
            var low = 0, high = thresholds.count
            while low < high {
                let middle = (low + high) / 2
                if thresholds[middle] < p { low = middle + 1 } else { high = middle }
            }
            if y != 0 { positivesAbove[low] += 1; positives += 1 } else { negativesAbove[low] += 1; negatives += 1 }
        }
        // positivesAbove[k]: predictions above exactly the first k thresholds; accumulate from the top.
        var positiveAtOrAbove = 0.0, negativeAtOrAbove = 0.0
        for index in stride(from: thresholds.count - 1, through: 0, by: -1) {
            positiveAtOrAbove += positivesAbove[index + 1]
            negativeAtOrAbove += negativesAbove[index + 1]
            truePositives[index] += positiveAtOrAbove
            falsePositives[index] += negativeAtOrAbove
            falseNegatives[index] += positives - positiveAtOrAbove
            trueNegatives[index] += negatives - negativeAtOrAbove
        }
    }

    var result: Double {
        func ratio(_ a: Double, _ b: Double) -> Double { b == 0 ? 0 : a / b }
        let recall = zip(truePositives, falseNegatives).map { ratio($0, $0 + $1) }
        let falsePositiveRate = zip(falsePositives, trueNegatives).map { ratio($0, $0 + $1) }
        var area = 0.0
        for i in 0..<(thresholds.count - 1) {
            area += (falsePositiveRate[i] - falsePositiveRate[i + 1]) * (recall[i] + recall[i + 1]) / 2
        }
        return area
    }
}
