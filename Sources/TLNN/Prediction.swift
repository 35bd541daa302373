import TLTensor

/// How much activation memory inference may hold at once.
public enum Inference {
    /// Bytes one layer's input and output may take together during inference
    /// (``EngineOptions/activationBudget``, 128 MB by default). A larger batch is run in equal pieces under it: VGG16's first block at 150x150 holds 11.5 MB an image, so a batch
    /// of 20 runs as two pieces of 10, and its peak memory drops by about 200 MB (tl bench features:
    /// 558 -> 358 MB) for a few percent of speed. Inference treats every sample on its own, so the
    /// outputs are the same in pieces as in one go.
    static var activationBudget: Int { EngineOptions.current.activationBudget }

    /// The most floats one layer's input and output hold together, per sample, anywhere inside `layer`
    /// fed samples of shape `input`.
    static func largestActivationPair(of layer: Layer, input: FeatureShape) throws -> Int {
        func count(_ shape: FeatureShape) -> Int { shape.reduce(1) { $0.saturatingMultiply($1 ?? 1) } }
        if let model = layer as? Sequential {
            var shape = input, largest = 0
            for inner in model.layers {
                largest = max(largest, try largestActivationPair(of: inner, input: shape))
                shape = try inner.outputShape(for: shape)
            }
            return largest
        }
        if let graph = layer as? Functional {
            let shapes = try graph.nodeShapes(for: input)
            var largest = 0
            for (index, node) in graph.nodes.enumerated() where !node.inputs.isEmpty {
                let inputs = node.inputs.map { shapes[$0] }
                let inner = node.layer is MergeLayer ? inputs.map(count).reduce(count(shapes[index]), +)
                    : try largestActivationPair(of: node.layer, input: inputs[0])
                largest = max(largest, inner)
            }
            return largest
        }
        return count(input).saturatingAdd(count(try layer.outputShape(for: input)))
    }

    /// Samples per piece for `layer` on batches shaped like `x` (at least 1, at most the batch).
    static func pieceSize(of layer: Layer, for x: Tensor) -> Int {
        let n = x.shape.first ?? 0
        guard n > 1, let perSample = try? largestActivationPair(of: layer, input: x.shape.dropFirst().map { $0 }),
              perSample > 0 else { return max(n, 1) }
        let fit = max(1, activationBudget / perSample.saturatingMultiply(MemoryLayout<Float>.size))
        guard fit < n else { return n }
        let pieces = (n + fit - 1) / fit
        return (n + pieces - 1) / pieces   // equal pieces
    }
}

extension Layer {
    /// `forward` in inference mode, in pieces of the batch that keep activations under
    /// ``Inference/activationBudget``.
    public func infer(_ x: Tensor) throws -> Tensor {
        try inPieces(x, of: Inference.pieceSize(of: self, for: x)) { try forward($0, mode: .inference) }
    }

    /// Keras `predict` on arrays: the model in inference mode over batches of `batchSize` rows.
    /// `checkCancelled` runs before every batch (and may throw to stop); `afterBatch` is told each batch done.
    public func predict(x: Tensor, batchSize: Int = 32, checkCancelled: () throws -> Void = {},
                        afterBatch: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> Tensor {
        guard batchSize >= 1 else { throw ModelError("batch_size must be at least 1, got \(batchSize)") }
        let n = x.shape.first ?? 0
        let total = max(1, (n + batchSize - 1) / batchSize)
        var done = 0
        return try inPieces(x, of: batchSize) { batch in
            try checkCancelled()
            let output = try infer(batch)
            done += 1
            afterBatch(done, total)
            return output
        }
    }
}

/// `body` applied to consecutive pieces of `size` samples of `x`, the results concatenated.
private func inPieces(_ x: Tensor, of size: Int, _ body: (Tensor) throws -> Tensor) rethrows -> Tensor {
    let n = x.shape.first ?? 0
    guard size < n else { return try body(x) }
    var parts: [Tensor] = []
    var start = 0
    while start < n {
        let range = start..<min(n, start + size)
        parts.append(try body(x.slice(range)))
        start = range.upperBound
    }
    return Tensor.concatenate(parts)
}
