import TLTensor

extension Model {
    /// Loss and correct count of a batch in inference mode; `metrics` see the batch too.
    public func evaluateBatch(_ x: Tensor, _ y: Tensor, setup: CompiledSetup,
                              metrics: [MetricAccumulator] = []) throws -> (loss: Double, correct: Double) {
        try evaluateBatch(x, y, setup: setup, metrics: metrics, frozenCache: nil)
    }

    /// `evaluateBatch`, taking the frozen prefix's output from `frozenCache` when it holds this batch's.
    func evaluateBatch(_ x: Tensor, _ y: Tensor, setup: CompiledSetup, metrics: [MetricAccumulator],
                       frozenCache: FrozenPrefixCache?) throws -> (loss: Double, correct: Double) {
        let output = try frozenCache?.output(for: x) ?? forward(x, mode: .inference)
        let target = alignTargets(y, to: output, loss: setup.loss)
        let (perSample, _) = try setup.loss.evaluate(prediction: output, target: setup.lossOptions.smoothed(target, for: setup.loss),
                                                     fromLogits: setup.lossOptions.fromLogits)
        let correct = accuracyKind(setup, outputWidth: output.shape.last ?? 1).correct(prediction: output, target: target)
        for metric in metrics { metric.update(prediction: output, target: target) }
        return (perSample.reduce(0.0) { $0 + Double($1) } / Double(max(perSample.count, 1)), correct)
    }

    /// Keras `evaluate` on arrays: `[loss, metrics...]` over all samples. `checkCancelled` runs before
    /// every batch and may throw to stop. With `cacheFrozen`, images seen by an earlier `evaluate` of this
    /// model reuse its frozen prefix's outputs (``FrozenPrefixCache/kept(for:)``).
    public func evaluate(x: Tensor, y: Tensor, batchSize: Int = 32, cacheFrozen: Bool = true, checkCancelled: () throws -> Void = {},
                         afterBatch: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> [Double] {
        try evaluate(x: x, y: y, batchSize: batchSize, frozenCache: cacheFrozen ? FrozenPrefixCache.kept(for: self) : nil,
                     checkCancelled: checkCancelled, afterBatch: afterBatch)
    }

    /// `evaluate` on arrays with the frozen prefix's outputs taken from `frozenCache` where it holds them.
    func evaluate(x: Tensor, y: Tensor, batchSize: Int, frozenCache: FrozenPrefixCache?, checkCancelled: () throws -> Void = {},
                  afterBatch: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> [Double] {
        let setup = try requireCompiled()
        let n = x.shape.first ?? 0
        guard y.shape.first == n else { throw ModelError("x has \(n) samples but y has \(y.shape.first ?? 0); they must match") }
        guard batchSize >= 1 else { throw ModelError("batch_size must be at least 1, got \(batchSize)") }
        let metrics = setup.makeAccumulators()
        frozenCache?.beginPass()
        var lossSum = 0.0
        var start = 0
        while start < n {
            try checkCancelled()
            let range = start..<min(n, start + batchSize)
            let r = try evaluateBatch(x.slice(range), y.slice(range), setup: setup, metrics: metrics, frozenCache: frozenCache)
            lossSum += r.loss * Double(range.count)
            start = range.upperBound
            afterBatch((start + batchSize - 1) / batchSize, (n + batchSize - 1) / batchSize)
        }
        return [lossSum / Double(max(n, 1))] + metrics.map(\.result)
    }

    /// Keras `evaluate` on a batch source (`evaluate_generator`), over `steps` batches (default: one pass).
    /// `afterBatch` is told each batch done (for a progress bar). With `cacheFrozen`, images seen by an
    /// earlier `evaluate` of this model reuse its frozen prefix's outputs (``FrozenPrefixCache/kept(for:)``).
    public func evaluate(source: BatchSource, steps: Int? = nil, cacheFrozen: Bool = true, checkCancelled: () throws -> Void = {},
                         afterBatch: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> [Double] {
        try evaluate(source: source, steps: steps, frozenCache: cacheFrozen ? FrozenPrefixCache.kept(for: self) : nil,
                     checkCancelled: checkCancelled, afterBatch: afterBatch)
    }

    /// `evaluate` on a batch source with the frozen prefix's outputs taken from `frozenCache` where it holds them.
    func evaluate(source: BatchSource, steps: Int?, frozenCache: FrozenPrefixCache?, checkCancelled: () throws -> Void = {},
                  afterBatch: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> [Double] {
        let setup = try requireCompiled()
        let count = steps ?? source.batchesPerEpoch
        guard count >= 1 else { throw ModelError("steps must be at least 1, got \(count)") }
        let metrics = setup.makeAccumulators()
        frozenCache?.beginPass()
        var lossSum = 0.0, seen = 0
        for step in 0..<count {
            try checkCancelled()
            let batch = try source.nextBatch()
            guard let targets = batch.targets else {
                throw ModelError("evaluate needs labels, but the flow yields none (class_mode=None)")
            }
            let r = try evaluateBatch(batch.inputs, targets, setup: setup, metrics: metrics, frozenCache: frozenCache)
            let n = batch.inputs.shape[0]
            lossSum += r.loss * Double(n)
            seen += n
            afterBatch(step + 1, count)
        }
        return [lossSum / Double(max(seen, 1))] + metrics.map(\.result)
    }
}
