import TLTensor

/// The outputs of a model's frozen prefix for the validation batches `fit` has seen, reused in later
/// epochs (issue 18): methods 2 and 3 push the same un-augmented validation images through the frozen
/// convolutional base after every epoch, and only the layers after it change.
///
/// The prefix is the leaves of a ``Sequential`` before the first one training a weight, all frozen (no
/// trainable layer inside, so no batch statistics move). Images are recognised by their contents (two
/// independent 64-bit hashes of an image's values, with its shape), so a reshuffled validation flow still
/// hits and an augmented image simply misses. A batch whose images were all seen takes their prefix
/// outputs from the cache; others run the prefix as usual and store each image's output. Inference treats
/// every sample on its own, but a matrix product's rounding may depend on how many rows it has (OpenBLAS
/// on the portable path picks its method by size): an image's output is reused only in a batch of the size
/// it was computed in, which a reshuffled flow's batches keep. So the outputs are the bits the uncached run
/// computes (tested on every kernel path with VGG16 and Lite0). The cache empties itself when a weight of
/// the prefix changed (a fingerprint checked at every pass) and stops storing past ``budgetBytes``.
final class FrozenPrefixCache {
    /// Floats-worth of prefix outputs kept at most: 1 GB.
    static let budgetBytes = 1 << 30

    private struct Key: Hashable {
        let first: UInt64
        let second: UInt64
        let shape: [Int]
    }

    private let prefix: ExecutionPlan
    private let rest: ExecutionPlan
    private let prefixWeights: [Parameter]
    private var fingerprint: Key?
    /// Per image, its prefix output's values (every one of `rowShape`).
    private var outputs: [Key: [Float]] = [:]
    private var rowShape: [Int]?
    private var storedBytes = 0
    /// Batches answered from the cache (for tests).
    private(set) var hits = 0
    private var hitsAtPassStart = 0
    private var passes = 0
    /// Cleared when a whole pass after the first found nothing: the batches differ every time (augmented
    /// or reshuffled), and storing them would only cost memory.
    private var storing = true

    /// A cache for `model`'s validation under `setup`, or nil when the model has no frozen prefix that
    /// can run on its own (a graph model, a first layer that trains, a fusion across the boundary).
    init?(model: any Model, setup: CompiledSetup) {
        guard let stack = model as? Sequential else { return nil }
        let leaves = stack.executionLeaves
        let trained = Set(setup.trainableParameters.map(ObjectIdentifier.init))
        let end = leaves.firstIndex { $0.weights.contains { trained.contains(ObjectIdentifier($0)) } } ?? leaves.count
        guard end > 0, leaves[..<end].allSatisfy({ $0.allLayers.allSatisfy { !$0.trainable || $0.weights.isEmpty } }) else { return nil }
        let nodes = stack.planNodes
        let whole = ExecutionPlan(nodes, mode: .inference, fusions: .convolutionPooling)
        // Node `end` is the last leaf of the prefix: no step may compute across it.
        guard !whole.steps.contains(where: { $0.node <= end && $0.output > end }) else { return nil }
        let input = PlanNode(layer: nil, inputs: [])
        prefix = ExecutionPlan(Array(nodes[...end]), mode: .inference, fusions: .convolutionPooling)
        rest = ExecutionPlan([input] + nodes[(end + 1)...].map { PlanNode(layer: $0.layer, inputs: [$0.inputs[0] - end]) },
                             mode: .inference, fusions: .convolutionPooling)
        prefixWeights = leaves[..<end].flatMap(\.weights)
    }

    /// Checks the prefix's weights before a validation pass; drops every output if they changed.
    func beginPass() {
        let now = Self.key(prefixWeights.map(\.value))
        if passes >= 2 && hits == hitsAtPassStart { storing = false }
        if now != fingerprint || !storing {
            outputs = [:]
            storedBytes = 0
            fingerprint = now
        }
        passes += 1
        hitsAtPassStart = hits
    }

    /// The model's inference output for `x`: the prefix's from the cache when every image was seen.
    func output(for x: Tensor) throws -> Tensor {
        let rows = x.shape.first ?? 0
        let width = rows == 0 ? 0 : x.count / rows
        let keys = x.scalars.withUnsafeBufferPointer { values in
            (0..<rows).map { Self.key(UnsafeBufferPointer(rebasing: values[($0 * width)..<(($0 + 1) * width)]), shape: x.shape) }
        }
        let features: Tensor
        if let cached = cachedOutputs(keys) {
            features = cached
            hits += 1
        } else {
            features = try prefix.run(x)
            store(features, keys)
        }
        return try rest.run(features)
    }

    private func cachedOutputs(_ keys: [Key]) -> Tensor? {
        guard !keys.isEmpty, let rowShape else { return nil }
        var values: [Float] = []
        values.reserveCapacity(keys.count * rowShape.reduce(1, *))
        for key in keys {
            guard let row = outputs[key] else { return nil }
            values += row
        }
        return Tensor(shape: [keys.count] + rowShape, scalars: values)
    }

    private func store(_ features: Tensor, _ keys: [Key]) {
        guard storing, !keys.isEmpty else { return }
        let shape = Array(features.shape.dropFirst())
        if rowShape != shape {   // another image size: start over
            outputs = [:]
            storedBytes = 0
            rowShape = shape
        }
        let width = features.count / keys.count
        for (row, key) in keys.enumerated() where outputs[key] == nil && storedBytes + width * 4 <= Self.budgetBytes {
            outputs[key] = Array(features.scalars[(row * width)..<((row + 1) * width)])
            storedBytes += width * 4
        }
    }

    /// Two independent 64-bit hashes (FNV-1a and a multiply-rotate mix) of the values' bits, with a shape
    /// (for an image, its batch's: the batch size is part of what it is reused for).
    private static func key(_ values: UnsafeBufferPointer<Float>, shape: [Int], seed: Key? = nil) -> Key {
        var a = seed?.first ?? 0xcbf2_9ce4_8422_2325, b = seed?.second ?? 0x9e37_79b9_7f4a_7c15
        for value in values {
            let bits = UInt64(value.bitPattern)
            a = (a ^ bits) &* 0x0000_0100_0000_01b3
            b = ((b ^ bits) &* 0xff51_afd7_ed55_8ccd) &+ (b >> 29)
        }
        return Key(first: a, second: b, shape: (seed?.shape ?? []) + shape + [-1])
    }

    /// The key of several tensors' values one after another.
    private static func key(_ tensors: [Tensor]) -> Key {
        var key: Key?
        for tensor in tensors {
            key = tensor.scalars.withUnsafeBufferPointer { Self.key($0, shape: tensor.shape, seed: key) }
        }
        return key ?? Key(first: 0, second: 0, shape: [])
    }
}
