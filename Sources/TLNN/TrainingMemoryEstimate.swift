import Foundation
import TLTensor

/// What a training run will hold in memory at once, estimated from the model and the batch shape before
/// the first batch is drawn, so that `fit` can refuse a run that cannot fit instead of being killed by
/// the system half-way.
///
/// The estimate counts, in float32 bytes:
/// - every weight, plus one gradient per trainable weight, plus the optimizer's moments (RMSprop 1,
///   SGD with momentum 1, Adam 2 per trainable weight);
/// - the activations kept for backpropagation: for every leaf layer from the first trainable one on,
///   its output for the whole batch (and, for convolutions, the im2col matrix), plus the first trainable
///   layer's input; inside graph models (EfficientNet) every node's output;
/// - the largest single layer's working set (input, output, im2col), which the frozen prefix and the
///   backward pass's gradients need transiently;
/// - the batch itself and the batches a prefetching source prepares ahead.
///
/// It is deliberately a little generous (caches freed early are counted) and ignores allocator overhead.
public struct TrainingMemoryEstimate {
    public let weightBytes: Int
    public let gradientBytes: Int
    public let optimizerBytes: Int
    public let activationBytes: Int
    public let workingSetBytes: Int
    public let batchBytes: Int
    public let prefetchBytes: Int
    public let batchSize: Int
    public let sampleShape: [Int]

    public var totalBytes: Int {
        [weightBytes, gradientBytes, optimizerBytes, activationBytes, workingSetBytes, batchBytes, prefetchBytes]
            .reduce(0) { $0.addingReportingOverflow($1).overflow ? Int.max : $0 + $1 }
    }

    /// - Parameters:
    ///   - batchSize: samples in one batch (the batch size actually drawn, at most the sample count).
    ///   - sampleShape: one sample's shape, `(height, width, channels)` or `(features,)`.
    ///   - prefetchedBatches: batches a source prepares ahead of the one being trained on.
    public init(model: any Model, setup: CompiledSetup, batchSize: Int, sampleShape: [Int], prefetchedBatches: Int) throws {
        self.batchSize = batchSize
        self.sampleShape = sampleShape
        let float = 4
        let trainable = setup.trainableParameters.reduce(0) { $0 + $1.count }
        weightBytes = model.weights.reduce(0) { $0 + $1.count } * float
        gradientBytes = trainable * float
        optimizerBytes = trainable * float * TrainingMemoryEstimate.slotsPerWeight(setup.optimizer)

        let leaves = (model as? Sequential)?.executionLeaves ?? [model]
        let trainableIDs = Set(setup.trainableParameters.map(ObjectIdentifier.init))
        let firstTrainable = leaves.firstIndex { $0.weights.contains { trainableIDs.contains(ObjectIdentifier($0)) } }
        var shape: FeatureShape = sampleShape.map { $0 }
        var kept = 0, largest = 0
        for (i, leaf) in leaves.enumerated() {
            let cost = try TrainingMemoryEstimate.perSampleElements(of: leaf, input: shape)
            // A layer's input is the previous layer's output, already counted, except at the first trainable layer.
            if let firstTrainable, i >= firstTrainable {
                let input = i == firstTrainable ? 0 : shape.reduce(1) { $0.saturatingMultiply($1 ?? 1) }
                kept = kept.saturatingAdd(cost.kept - input)
            }
            largest = max(largest, cost.workingSet)
            shape = try leaf.outputShape(for: shape)
        }
        activationBytes = kept.saturatingMultiply(batchSize).saturatingMultiply(float)
        workingSetBytes = largest.saturatingMultiply(batchSize).saturatingMultiply(float)
        let sample = sampleShape.reduce(1) { $0.saturatingMultiply($1) }
        batchBytes = sample.saturatingMultiply(batchSize).saturatingMultiply(float)
        prefetchBytes = batchBytes.saturatingMultiply(max(0, prefetchedBatches))
    }

    static func slotsPerWeight(_ optimizer: Optimizer) -> Int {
        guard let optimizer = optimizer as? OptimizerBase else { return 1 }
        return optimizer.keepsState ? optimizer.slotNames.count : 0
    }

    /// Per-sample elements a leaf keeps for backpropagation and needs while it runs.
    static func perSampleElements(of layer: Layer, input: FeatureShape) throws -> (kept: Int, workingSet: Int) {
        func count(_ shape: FeatureShape) -> Int { shape.reduce(1) { $0.saturatingMultiply($1 ?? 1) } }
        if let graph = layer as? Functional {
            let shapes = try graph.nodeShapes(for: input)
            var kept = 0, largest = 0
            for (index, node) in graph.nodes.enumerated() {
                let out = shapes[index]
                let inner = index == 0 ? (kept: count(out), workingSet: count(out))
                    : try perSampleElements(of: node.layer, input: node.inputs.first.map { shapes[$0] } ?? out)
                kept = kept.saturatingAdd(inner.kept)
                largest = max(largest, inner.workingSet)
            }
            return (kept, largest)
        }
        let output = try layer.outputShape(for: input)
        var scratch = 0
        if let conv = layer as? Conv2D, let channels = input.last ?? nil {
            let positions = output.dropLast().reduce(1) { $0.saturatingMultiply($1 ?? 1) }
            scratch = positions.saturatingMultiply(conv.kernelSize.0 * conv.kernelSize.1 * channels)
        }
        let kept = count(input).saturatingAdd(count(output)).saturatingAdd(scratch)
        return (kept, kept)
    }

    /// "1.2 GB"-style size.
    public static func describe(bytes: Int) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f %@", value, units[unit])
    }

    /// The estimate broken down, for messages.
    public var breakdown: String {
        let shape = "(" + sampleShape.map(String.init).joined(separator: ", ") + (sampleShape.count == 1 ? ",)" : ")")
        return "weights \(Self.describe(bytes: weightBytes)), gradients and optimizer state \(Self.describe(bytes: gradientBytes.saturatingAdd(optimizerBytes))), "
            + "activations kept for backpropagation \(Self.describe(bytes: activationBytes)) and largest layer's working set \(Self.describe(bytes: workingSetBytes)) "
            + "for batches of \(batchSize) samples of shape \(shape), the batch and \(prefetchBytes > 0 ? "prefetched batches" : "its copy") \(Self.describe(bytes: batchBytes.saturatingAdd(prefetchBytes)))"
    }
}

/// The machine's physical memory, from `/proc/meminfo` (Linux); nil where that file does not exist.
public enum PhysicalMemory {
    public static func read(meminfo path: String = "/proc/meminfo") -> (total: Int, available: Int?)? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        func kilobytes(_ key: String) -> Int? {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return nil }
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
        }
        guard let total = kilobytes("MemTotal") else { return nil }
        return (total, kilobytes("MemAvailable"))
    }
}

extension Int {
    func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
    func saturatingMultiply(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}

extension Model {
    /// Refuses a run whose estimated memory exceeds the machine's physical memory; warns when it exceeds
    /// the memory available now. An estimate that cannot be made (a shape the model rejects) is skipped:
    /// the first batch then reports the real problem.
    func checkMemory(setup: CompiledSetup, batchSize: Int, sampleShape: [Int], prefetchedBatches: Int,
                     progress: ProgressOptions, memory: (total: Int, available: Int?)? = PhysicalMemory.read()) throws {
        guard let memory,
              let estimate = try? TrainingMemoryEstimate(model: self, setup: setup, batchSize: batchSize, sampleShape: sampleShape,
                                                         prefetchedBatches: prefetchedBatches) else { return }
        let needed = estimate.totalBytes
        if needed > memory.total {
            throw ModelError("""
                fit would need about \(TrainingMemoryEstimate.describe(bytes: needed)) of memory (\(estimate.breakdown)), \
                more than this machine's \(TrainingMemoryEstimate.describe(bytes: memory.total)) of physical memory. \
                Use a smaller batch_size, smaller images (target_size / input_shape), or freeze more layers so fewer activations are kept.
                """)
        }
        if let available = memory.available, needed > available, progress.verbose > 0 {
            progress.write("warning: fit may need about \(TrainingMemoryEstimate.describe(bytes: needed)) of memory, more than the \(TrainingMemoryEstimate.describe(bytes: available)) available now; the system may swap or stop the run.\n")
        }
    }
}
