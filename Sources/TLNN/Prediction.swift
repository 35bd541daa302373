import TLTensor

extension Layer {
    /// Keras `predict` on arrays: the model in inference mode over batches of `batchSize` rows.
    public func predict(x: Tensor, batchSize: Int = 32) throws -> Tensor {
        guard batchSize >= 1 else { throw ModelError("batch_size must be at least 1, got \(batchSize)") }
        let n = x.shape.first ?? 0
        var parts: [Tensor] = []
        var start = 0
        while start < n {
            let range = start..<min(n, start + batchSize)
            parts.append(try forward(x.slice(range), mode: .inference))
            start = range.upperBound
        }
        return Tensor.concatenate(parts)
    }
}
