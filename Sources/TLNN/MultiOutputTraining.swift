import TLTensor

/// One batch as the trainer sees it: one array per model input, one target per output, and the
/// per-sample loss weights (`sample_weight=`, `class_weight=`) if any.
struct TrainingBatch {
    let inputs: [Tensor]
    let targets: [Tensor]
    let sampleWeights: [Float]?
    var count: Int { inputs[0].shape.first ?? 0 }

    /// Rows `rows` of each array.
    static func gather(_ rows: [Int], inputs: [Tensor], targets: [Tensor], sampleWeights: [Float]?) -> TrainingBatch {
        TrainingBatch(inputs: inputs.map { $0.gather(rows) }, targets: targets.map { $0.gather(rows) },
                      sampleWeights: sampleWeights.map { w in rows.map { w[$0] } })
    }
}

/// Training and evaluating a model with several inputs or outputs, as Keras does: each output's loss
/// `l_k` (the mean over the batch of its per-sample losses, weighted by `sample_weight` if given), the
/// total `loss = sum_k w_k l_k` with the `loss_weights` `w_k`, and each output's gradient scaled by its
/// weight; the History records `loss`, every `<output>_loss` and every `<output>_<metric>`.
extension Model {
    /// True when the model takes several inputs or gives several outputs (lists in `fit`, `predict`).
    public var takesLists: Bool { inputCount > 1 || outputLayers.count > 1 }

    /// Keras `compile` with one objective per output, in the model's output order.
    public func compile(optimizer: Optimizer, objectives: [OutputObjective]) throws {
        guard objectives.count == outputLayers.count, let first = objectives.first else {
            throw ModelError("model '\(name)' has \(outputLayers.count) outputs (\(outputLayers.map(\.name).joined(separator: ", "))) but \(objectives.count) losses were given; give one loss for all, a list of one per output, or a dict by output name")
        }
        try compile(optimizer: optimizer, loss: first.loss, metricDefinitions: first.metricDefinitions, lossOptions: first.lossOptions)
        compiled!.outputs = objectives
        var seen = Set<String>()
        for name in compiled!.metrics where !seen.insert(name).inserted {
            throw ModelError("the History key '\(name)' would be recorded twice; give each output's metrics their own name=")
        }
    }

    /// The same loss and metrics for every output (Keras's `compile(loss="mse", metrics=["acc"])` on a
    /// model with several outputs).
    func objectivesForEveryOutput(loss: Loss, lossOptions: LossOptions, metricDefinitions: [MetricDefinition]) -> [OutputObjective] {
        outputLayers.map { OutputObjective(name: $0.name, loss: loss, lossOptions: lossOptions, metricDefinitions: metricDefinitions) }
    }

    /// One optimisation step on a batch of lists; returns `[loss, l_1, ..., l_K]` (the per-output
    /// losses only with several outputs).
    func trainStep(_ batch: TrainingBatch, setup: CompiledSetup, epoch: Int, step: Int,
                   metrics: [MetricAccumulator]) throws -> [Double] {
        guard !setup.outputs.isEmpty else {
            return [try trainStep(batch.inputs[0], batch.targets[0], setup: setup, epoch: epoch, batch: step, metrics: metrics,
                                  sampleWeights: batch.sampleWeights).loss]
        }
        let trained = setup.trainableParameters
        let logits = logitsOutputs(setup)
        return try withGradients(of: trained) {
            let outputs = try forward(batch.inputs, mode: ForwardMode(training: true, keepForBackward: !trained.isEmpty), logits: logits)
            let (losses, gradients) = try objectiveLosses(outputs, batch, setup: setup, logits: logits, metrics: metrics)
            guard losses[0].isFinite else { throw TrainingStop.nonFiniteLoss(epoch: epoch, batch: step, value: Float(losses[0])) }
            if !trained.isEmpty {
                _ = try backward(gradients, needsInputGradient: false)
                try applyGradients(of: trained, setup: setup, epoch: epoch, batch: step)
            }
            return losses
        }
    }

    /// The outputs whose loss works from logits: the loss's activation is their layer's, as Keras takes
    /// the logits from a sigmoid or softmax output.
    private func logitsOutputs(_ setup: CompiledSetup) -> Set<Int> {
        Set(zip(setup.outputs, outputLayers).enumerated().compactMap { k, pair in
            let (objective, layer) = pair
            let activation = objective.loss.logitsActivation
            return activation != nil && !objective.lossOptions.fromLogits && (layer as? ActivatedLayer)?.activation == activation ? k : nil
        })
    }

    /// `[loss, l_1, ..., l_K]` and each output's loss gradient `w_k dl_k/dy_k`; the metrics see each
    /// output's probabilities.
    private func objectiveLosses(_ outputs: [Tensor], _ batch: TrainingBatch, setup: CompiledSetup, logits: Set<Int>,
                                 metrics: [MetricAccumulator]) throws -> (losses: [Double], gradients: [Tensor?]) {
        var total = 0.0, parts: [Double] = [], gradients: [Tensor?] = []
        var accumulators = metrics[...]
        for (k, (objective, output)) in zip(setup.outputs, outputs).enumerated() {
            let target = alignTargets(batch.targets[k], to: output, loss: objective.loss)
            var (perSample, gradient) = try objective.loss.evaluate(prediction: output, target: objective.lossOptions.smoothed(target, for: objective.loss),
                                                                    fromLogits: logits.contains(k) || objective.lossOptions.fromLogits)
            var loss = perSample.reduce(0.0) { $0 + Double($1) } / Double(max(perSample.count, 1))
            if let weights = batch.sampleWeights { (loss, gradient) = try weightedLoss(perSample: perSample, gradient: gradient, weights: weights) }
            gradient.scalars.withUnsafeMutableBufferPointer { g in for i in g.indices { g[i] *= Float(objective.weight) } }
            total += objective.weight * loss
            parts.append(loss)
            gradients.append(gradient)
            var probabilities = output
            if logits.contains(k) { objective.loss.logitsActivation!.apply(&probabilities) }
            for metric in accumulators.prefix(objective.metricDefinitions.count) { metric.update(prediction: probabilities, target: target) }
            accumulators = accumulators.dropFirst(objective.metricDefinitions.count)
        }
        return ([total] + (setup.outputs.count > 1 ? parts : []), gradients)
    }

    /// Loss values (`[loss, l_1, ..., l_K]`) of a batch in inference mode; `metrics` see the batch too.
    func evaluateBatch(_ batch: TrainingBatch, setup: CompiledSetup, metrics: [MetricAccumulator]) throws -> [Double] {
        guard !setup.outputs.isEmpty else {
            return [try evaluateBatch(batch.inputs[0], batch.targets[0], setup: setup, metrics: metrics).loss]
        }
        let outputs = try forward(batch.inputs, mode: .inference, logits: [])
        return try objectiveLosses(outputs, batch, setup: setup, logits: [], metrics: metrics).losses
    }

    /// Keras `evaluate` on arrays, one per input and one target per output: `[loss, <output>_loss...,
    /// metrics...]` over all samples.
    public func evaluate(inputs: [Tensor], targets: [Tensor], batchSize: Int = 32, checkCancelled: () throws -> Void = {}) throws -> [Double] {
        let setup = try requireCompiled()
        let n = try checkArrays(inputs: inputs, targets: targets, sampleWeight: nil)
        guard batchSize >= 1 else { throw ModelError("batch_size must be at least 1, got \(batchSize)") }
        let metrics = setup.makeAccumulators()
        var sums: [Double] = []
        for start in stride(from: 0, to: n, by: batchSize) {
            try checkCancelled()
            let rows = Array(start..<min(n, start + batchSize))
            let values = try evaluateBatch(.gather(rows, inputs: inputs, targets: targets, sampleWeights: nil), setup: setup, metrics: metrics)
            sums = sums.isEmpty ? values.map { $0 * Double(rows.count) } : zip(sums, values).map { $0 + $1 * Double(rows.count) }
        }
        return sums.map { $0 / Double(max(n, 1)) } + metrics.map(\.result)
    }

    /// Keras `predict` on arrays, one per input: one array per output, the batch in pieces of `batchSize`.
    public func predict(inputs: [Tensor], batchSize: Int = 32, checkCancelled: () throws -> Void = {}) throws -> [Tensor] {
        guard batchSize >= 1 else { throw ModelError("batch_size must be at least 1, got \(batchSize)") }
        let n = try checkArrays(inputs: inputs, targets: nil, sampleWeight: nil)
        var pieces: [[Tensor]] = []
        for start in stride(from: 0, to: max(n, 1), by: batchSize) {
            try checkCancelled()
            let range = start..<min(n, start + batchSize)
            pieces.append(try forward(inputs.map { $0.slice(range) }, mode: .inference, logits: []))
            clearCache()
        }
        return (0..<(pieces.first?.count ?? 0)).map { k in Tensor.concatenate(pieces.map { $0[k] }) }
    }

    /// Checks that the arrays have as many samples as each other, and as many arrays as the model has
    /// inputs and outputs; returns the sample count.
    func checkArrays(inputs: [Tensor], targets: [Tensor]?, sampleWeight: [Float]?) throws -> Int {
        guard inputs.count == inputCount else {
            throw ModelError("model '\(name)' takes \(inputCount) input array\(inputCount == 1 ? "" : "s"), got \(inputs.count); pass a list with one array per keras.Input, in the order given to keras.Model")
        }
        if let targets, targets.count != outputLayers.count {
            throw ModelError("model '\(name)' has \(outputLayers.count) output\(outputLayers.count == 1 ? "" : "s") (\(outputLayers.map(\.name).joined(separator: ", "))), got \(targets.count) target array\(targets.count == 1 ? "" : "s"); pass one per output, in order")
        }
        let n = inputs[0].shape.first ?? 0
        if inputs.count == 1, let targets, targets.count == 1, targets[0].shape.first != n {
            throw ModelError("x has \(n) samples but y has \(targets[0].shape.first ?? 0); they must match")
        }
        for (what, arrays) in [("input", inputs), ("target", targets ?? [])] {
            for (k, array) in arrays.enumerated() where array.shape.first != n {
                throw ModelError("\(what) array \(k + 1) has \(array.shape.first ?? 0) samples but input array 1 has \(n); they must match")
            }
        }
        if let sampleWeight, sampleWeight.count != n {
            throw ModelError("sample_weight has \(sampleWeight.count) weights but x has \(n) samples; they must match")
        }
        return n
    }
}
