import TLTensor

/// The outputs of a model's frozen prefix for the validation batches `fit` has seen, reused in later
/// epochs (issue 18): methods 2 and 3 push the same un-augmented validation images through the frozen
/// convolutional base after every epoch, and only the layers after it change.
///
/// The prefix is the leaves of a ``Sequential`` before the first one training a weight, all frozen (no
/// trainable layer inside, so no batch statistics move). A batch is recognised by its contents (two
/// independent 64-bit hashes of its values and its shape), so an augmented or reshuffled batch simply
/// misses; a hit returns the prefix output computed from the same batch, hence the same bits as the
/// uncached run. The cache empties itself when a weight of the prefix changed (a fingerprint checked at
/// every pass) and stops storing past ``budgetBytes`` (later batches are computed as usual).
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
    private var outputs: [Key: Tensor] = [:]
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

    /// The model's inference output for `x`: the prefix's from the cache when this batch was seen.
    func output(for x: Tensor) throws -> Tensor {
        let key = Self.key([x])
        let features: Tensor
        if let cached = outputs[key] {
            features = cached
            hits += 1
        } else {
            features = try prefix.run(x)
            if storing && storedBytes + features.count * 4 <= Self.budgetBytes {
                outputs[key] = features
                storedBytes += features.count * 4
            }
        }
        return try rest.run(features)
    }

    /// Two independent 64-bit hashes (FNV-1a and a multiply-rotate mix) of the values' bits, with the shapes.
    private static func key(_ tensors: [Tensor]) -> Key {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x9e37_79b9_7f4a_7c15
        for tensor in tensors {
            tensor.scalars.withUnsafeBufferPointer { values in
                for value in values {
                    let bits = UInt64(value.bitPattern)
                    a = (a ^ bits) &* 0x0000_0100_0000_01b3
                    b = ((b ^ bits) &* 0xff51_afd7_ed55_8ccd) &+ (b >> 29)
                }
            }
        }
        return Key(first: a, second: b, shape: tensors.flatMap { $0.shape + [-1] })
    }
}
