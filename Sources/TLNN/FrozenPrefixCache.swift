import Foundation
import TLTensor

/// The outputs of a model's frozen prefix for the validation batches `fit` has seen, reused in later
/// epochs (issue 18): methods 2 and 3 push the same un-augmented validation images through the frozen
/// convolutional base after every epoch, and only the layers after it change. `evaluate` keeps one per
/// model across calls (``kept(for:)``), for a loop of evaluations over the same flow.
///
/// The prefix is the leaves of a ``Sequential`` before the first one training a weight, all frozen (no
/// trainable layer inside, so no batch statistics move). Images are recognised by their contents (two
/// independent 64-bit hashes of an image's values, with its shape), so a reshuffled validation flow still
/// hits and an augmented image simply misses. A batch whose images were all seen takes their prefix
/// outputs from the cache; others run the prefix as usual and store each image's output. Inference treats
/// every sample on its own, but a matrix product's rounding may depend on how many rows it has (OpenBLAS
/// on the portable path picks its method by size): an image's output is reused only in a batch of the size
/// it was computed in, which a reshuffled flow's batches keep. On the portable path it must also come back
/// at the same row of its batch: OpenBLAS's x86 kernels round the rows past the last full block of 16
/// differently (seen on AMD Zen 3), so there a reshuffled flow misses and only an unshuffled one hits. So the outputs are the bits the uncached run
/// computes (tested on every kernel path with VGG16 and Lite0). The cache empties itself when a weight of
/// the prefix changed (a fingerprint checked at every pass). Past its memory budget, outputs go to a
/// temporary file (``SpillFile``: reading a feature map back costs far less than recomputing it through a
/// convolutional base); past the file's budget, they are computed again.
final class FrozenPrefixCache {
    /// Prefix outputs kept in memory at most, by default: 1 GB.
    static let defaultBudgetBytes = 1 << 30
    /// Prefix outputs spilled to the temporary file at most: 16 GB, and no more than half the free space.
    static let defaultSpillBudgetBytes = 16 << 30

    private struct Key: Hashable {
        let first: UInt64
        let second: UInt64
        let shape: [Int]
    }

    private let prefix: ExecutionPlan
    private let rest: ExecutionPlan
    private let prefixWeights: [Parameter]
    /// The model's leaves by identity and how many of them make the prefix: a cache kept across calls
    /// serves only the same model split the same way.
    let leafIdentities: [ObjectIdentifier]
    let prefixLength: Int
    /// Whether a pass with no hit (after the first) stops all storing, as `fit`'s validation cache does (an
    /// augmented flow never hits), or changes nothing (a cache kept across `evaluate` calls meets other
    /// data between two passes over the same flow; its budgets bound it).
    private let stopsStoringOnMisses: Bool
    private let budgetBytes: Int
    private let spillBudgetBytes: Int
    private var fingerprint: Key?
    /// Per image, its prefix output's values (every one of `rowShape`).
    private var outputs: [Key: [Float]] = [:]
    /// Per image past the memory budget, where its output starts in `spill` (in floats).
    private var spilled: [Key: Int] = [:]
    private var spill: SpillFile?
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
    init?(model: any Model, setup: CompiledSetup, budgetBytes: Int = FrozenPrefixCache.defaultBudgetBytes,
          spillBudgetBytes: Int = FrozenPrefixCache.defaultSpillBudgetBytes, stopsStoringOnMisses: Bool = true) {
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
        (leafIdentities, prefixLength) = (leaves.map(ObjectIdentifier.init), end)
        (self.budgetBytes, self.spillBudgetBytes) = (budgetBytes, spillBudgetBytes)
        self.stopsStoringOnMisses = stopsStoringOnMisses
    }

    /// Images whose prefix output is held, in memory or in the temporary file (for tests).
    var storedImages: (inMemory: Int, spilled: Int) { (outputs.count, spilled.count) }

    /// Checks the prefix's weights before a validation pass; drops every output if they changed.
    func beginPass() {
        let now = Self.key(prefixWeights.map(\.value))
        if passes >= 2 && hits == hitsAtPassStart && stopsStoringOnMisses { storing = false }
        if now != fingerprint || !storing {
            forgetOutputs()
            fingerprint = now
        }
        passes += 1
        hitsAtPassStart = hits
    }

    /// The model's inference output for `x`: the prefix's from the cache when every image was seen.
    func output(for x: Tensor) throws -> Tensor {
        let rows = x.shape.first ?? 0
        let width = rows == 0 ? 0 : x.count / rows
        let positional = KernelPath.current == .portable
        let keys = x.scalars.withUnsafeBufferPointer { values in
            (0..<rows).map { row in
                Self.key(UnsafeBufferPointer(rebasing: values[(row * width)..<((row + 1) * width)]),
                         shape: positional ? x.shape + [-2, row] : x.shape)
            }
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
        let width = rowShape.reduce(1, *)
        guard keys.allSatisfy({ outputs[$0] != nil || spilled[$0] != nil }) else { return nil }
        var values = [Float](repeating: 0, count: keys.count * width)
        let complete = values.withUnsafeMutableBufferPointer { buffer in
            keys.enumerated().allSatisfy { row, key in
                let destination = buffer.baseAddress! + row * width
                if let values = outputs[key] {
                    values.withUnsafeBufferPointer { destination.update(from: $0.baseAddress!, count: width) }
                    return true
                }
                return spill?.read(at: spilled[key]!, count: width, into: destination) ?? false
            }
        }
        return complete ? Tensor(shape: [keys.count] + rowShape, scalars: values) : nil
    }

    private func store(_ features: Tensor, _ keys: [Key]) {
        guard storing, !keys.isEmpty else { return }
        let shape = Array(features.shape.dropFirst())
        if rowShape != shape {   // another image size: start over
            forgetOutputs()
            rowShape = shape
        }
        let width = features.count / keys.count
        features.scalars.withUnsafeBufferPointer { all in
            for (row, key) in keys.enumerated() where outputs[key] == nil && spilled[key] == nil {
                let values = UnsafeBufferPointer(rebasing: all[(row * width)..<((row + 1) * width)])
                if storedBytes + width * 4 <= budgetBytes {
                    outputs[key] = Array(values)
                    storedBytes += width * 4
                } else if let offset = spillFile()?.append(values, limitBytes: spillBudgetBytes) {
                    spilled[key] = offset
                }
            }
        }
    }

    /// The temporary file, opened at the first output past the memory budget.
    private func spillFile() -> SpillFile? {
        if spill == nil { spill = SpillFile() }
        return spill
    }

    private func forgetOutputs() {
        outputs = [:]
        spilled = [:]
        spill?.removeAll()
        storedBytes = 0
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

/// Caches kept across `evaluate` calls, one per model (looping `evaluate` over the same flow reuses the
/// frozen prefix's outputs), held while the model lives.
extension FrozenPrefixCache {
    private final class Kept {
        weak var model: AnyObject?
        let cache: FrozenPrefixCache
        init(model: AnyObject, cache: FrozenPrefixCache) { (self.model, self.cache) = (model, cache) }
    }

    /// Guards `keptCaches`: models may be evaluated from several threads.
    private static let keptLock = NSLock()
    nonisolated(unsafe) private static var keptCaches: [ObjectIdentifier: Kept] = [:]

    /// The cache kept for `model` as compiled now (a new one when the model, its layers or the split
    /// changed), or nil when the model has no frozen prefix or is not compiled. Caches of models gone are
    /// dropped here. Kept caches hold a quarter of the memory budget and spill the rest.
    static func kept(for model: any Model) -> FrozenPrefixCache? {
        guard let setup = model.compiled,
              let fresh = FrozenPrefixCache(model: model, setup: setup, budgetBytes: defaultBudgetBytes / 4,
                                            stopsStoringOnMisses: false) else { return nil }
        keptLock.lock()
        defer { keptLock.unlock() }
        keptCaches = keptCaches.filter { $0.value.model != nil }
        let id = ObjectIdentifier(model)
        if let kept = keptCaches[id], kept.model === model, kept.cache.leafIdentities == fresh.leafIdentities,
           kept.cache.prefixLength == fresh.prefixLength { return kept.cache }
        keptCaches[id] = Kept(model: model, cache: fresh)
        return fresh
    }
}

/// An unlinked temporary file of floats: it has no name from the moment it is opened, so the system
/// deletes it when the process ends, however it ends (and when the cache holding it goes away).
final class SpillFile {
    private let descriptor: Int32
    private var endBytes = 0
    private let freeBytesAtOpen: Int

    init?() {
        var template = Array((NSTemporaryDirectory() + "/tl-frozen-prefix-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        descriptor = fd
        var info = statvfs()
        freeBytesAtOpen = fstatvfs(fd, &info) == 0 ? Int(info.f_bavail) * Int(info.f_frsize) : 0
    }

    deinit { close(descriptor) }

    /// Writes `values` at the end; their offset in floats, or nil when the file would pass `limitBytes`
    /// or half the free space the file system had, or the write fails.
    func append(_ values: UnsafeBufferPointer<Float>, limitBytes: Int) -> Int? {
        let bytes = values.count * MemoryLayout<Float>.size
        guard endBytes + bytes <= min(limitBytes, freeBytesAtOpen / 2),
              pwrite(descriptor, values.baseAddress!, bytes, off_t(endBytes)) == bytes else { return nil }
        endBytes += bytes
        return (endBytes - bytes) / MemoryLayout<Float>.size
    }

    /// Reads `count` floats from offset `offset` (in floats) into `destination`; false if the read fails.
    func read(at offset: Int, count: Int, into destination: UnsafeMutablePointer<Float>) -> Bool {
        let bytes = count * MemoryLayout<Float>.size
        return pread(descriptor, destination, bytes, off_t(offset * MemoryLayout<Float>.size)) == bytes
    }

    /// Empties the file.
    func removeAll() {
        if ftruncate(descriptor, 0) == 0 { endBytes = 0 }
    }
}
