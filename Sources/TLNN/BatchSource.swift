import TLTensor

/// A stream of (inputs, targets) batches that `fit`, `evaluate` and `predict` can draw from.
public protocol BatchSource: AnyObject {
    /// The next batch; sources cycle forever, as Keras's iterators do.
    func nextBatch() throws -> (inputs: Tensor, targets: Tensor?)
    /// Batches in one pass over the data (Keras's `len(iterator)`).
    var batchesPerEpoch: Int { get }
    /// Samples in a full batch and the shape of one sample, when known without drawing a batch; `fit`
    /// uses it to estimate the memory a run needs before it starts (see TrainingMemoryEstimate.swift).
    var batchShapeHint: (batchSize: Int, sampleShape: [Int], prefetchedBatches: Int)? { get }
}

extension BatchSource {
    public var batchShapeHint: (batchSize: Int, sampleShape: [Int], prefetchedBatches: Int)? { nil }
}
