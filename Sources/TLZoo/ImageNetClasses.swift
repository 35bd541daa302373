import TLTensor

/// The 1000 ImageNet-1k classes in the order of every ImageNet classifier's output, with Keras's WordNet
/// ids and names (`imagenet_class_index.json`): index 281 is `("n02123045", "tabby")`.
public enum ImageNetClasses {
    /// `(wnid, name)` per class index.
    public static let classes: [(wnid: String, name: String)] = table.split(separator: "\n").map { line in
        let parts = line.split(separator: " ", maxSplits: 1)
        return (String(parts[0]), String(parts[1]))
    }

    /// One prediction of ``decodePredictions(_:top:)``: Keras's `(class_name, class_description, score)`.
    public struct Prediction: Equatable, Sendable {
        public let wnid: String
        public let name: String
        public let score: Float
        public let index: Int
    }

    /// Keras's `decode_predictions(preds, top)`: for each row of a `(samples, 1000)` batch, the `top`
    /// classes by decreasing score (ties: the higher index first, as NumPy's `argsort()[-top:][::-1]`).
    public static func decodePredictions(_ predictions: Tensor, top: Int = 5) throws -> [[Prediction]] {
        guard predictions.rank == 2, predictions.shape[1] == classes.count else {
            throw ZooError("`decode_predictions` expects a batch of predictions (i.e. a 2D array of shape (samples, 1000)). Found array with shape: \(ApplicationOptions.text(predictions.shape.map { $0 }))")
        }
        guard top >= 1 else { throw ZooError("decode_predictions: top must be at least 1, got \(top)") }
        let width = classes.count
        return (0..<predictions.shape[0]).map { row in
            let scores = Array(predictions.scalars[(row * width)..<((row + 1) * width)])
            let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 > $1 }
            return order.prefix(top).map { Prediction(wnid: classes[$0].wnid, name: classes[$0].name, score: scores[$0], index: $0) }
        }
    }
}
