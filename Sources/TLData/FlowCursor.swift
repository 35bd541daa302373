import TLTensor

/// The moving part of Keras's `Iterator`: which batch comes next, the epoch's order and the random
/// stream. `DirectoryIterator` keeps the cursor the caller has reached and, when it prepares batches
/// ahead, a copy that runs ahead; both step through exactly the same states, so what is prepared early
/// is what would have been prepared on demand.
///
/// With a seed the stream is reseeded with `seed + totalBatchesSeen` before every batch (Keras's
/// `np.random.seed(self.seed + self.total_batches_seen)`); the epoch's permutation is then drawn first,
/// then each image's augmentation parameters, in order.
struct FlowCursor {
    let samples: Int
    let batchSize: Int
    let shuffle: Bool
    let seed: UInt64?

    /// Index of the next batch within the epoch (Keras `batch_index`).
    private(set) var batchIndex = 0
    /// Batches produced so far (Keras `total_batches_seen`).
    private(set) var totalBatchesSeen = 0
    private(set) var indexArray: [Int]?
    var random: MersenneTwister

    init(samples: Int, batchSize: Int, shuffle: Bool, seed: UInt64?, random: MersenneTwister) {
        self.samples = samples
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.random = random
    }

    /// A cursor whose stream starts from `seed`, or without one from a seed drawn from `seeds` (so `set_seed`
    /// still makes unseeded flows repeat). A generator is split off `seeds` either way, so whether a flow
    /// is given a seed does not change the draws of whatever draws from `seeds` after it.
    init(samples: Int, batchSize: Int, shuffle: Bool, seed: UInt64?, seeds: RandomSource) {
        var drawn = seeds.makeGenerator()
        self.init(samples: samples, batchSize: batchSize, shuffle: shuffle, seed: seed,
                  random: MersenneTwister(seed: UInt32(truncatingIfNeeded: seed ?? drawn.next())))
    }

    var batchCount: Int { (samples + batchSize - 1) / batchSize }

    /// The samples of the next batch (Keras `next(iterator)`: `_flow_index`, one step).
    mutating func advance() -> [Int] {
        reseed()
        if batchIndex == 0 { drawEpochOrder() }
        let start = (batchIndex * batchSize) % samples
        if samples > start + batchSize { batchIndex += 1 } else { batchIndex = 0 }
        totalBatchesSeen += 1
        return Array(indexArray![start..<min(start + batchSize, samples)])
    }

    /// The samples of batch `index` of the current epoch order (Keras `iterator[index]`).
    mutating func batch(at index: Int) -> [Int] {
        reseed()
        totalBatchesSeen += 1
        if indexArray == nil { drawEpochOrder() }
        return Array(indexArray![(index * batchSize)..<min((index + 1) * batchSize, samples)])
    }

    /// Keras `on_epoch_end`: a new order.
    mutating func drawEpochOrder() {
        indexArray = shuffle ? random.permutation(samples) : Array(0..<samples)
    }

    /// Keras `reset`: the next batch is the first of a new epoch.
    mutating func reset() { batchIndex = 0 }

    /// `samples` followed by each one's augmentation parameters drawn from the stream (none without
    /// augmentation): everything a worker needs to build the batch.
    mutating func plan(_ samples: [Int], augmentation: ImageAugmentation?, height: Int, width: Int) -> BatchPlan {
        guard let augmentation else { return BatchPlan(samples: samples, parameters: nil) }
        let parameters = samples.map { _ in augmentation.randomParameters(height: height, width: width, random: &random) }
        return BatchPlan(samples: samples, parameters: parameters)
    }

    private mutating func reseed() {
        if let seed { random = MersenneTwister(seed: UInt32(truncatingIfNeeded: seed &+ UInt64(totalBatchesSeen))) }
    }
}
