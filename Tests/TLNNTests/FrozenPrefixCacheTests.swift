import XCTest
import TLTensor
@testable import TLNN

/// Validation reusing the frozen prefix's outputs (issue 18): the same results as without, bit for bit.
final class FrozenPrefixCacheTests: XCTestCase {
    var fd = FiniteDifferenceCheck()

    func makeFrozenBase() throws -> Sequential {
        let model = try Sequential([Conv2D(filters: 4, kernelSize: (3, 3), activation: .relu), MaxPooling2D(poolSize: (2, 2)),
                                    Flatten(), Dense(units: 1, activation: .sigmoid)], inputShape: [6, 6, 2])
        model.layers[0].trainable = false
        return model
    }

    /// Validation with the frozen prefix cached gives the uncached run's History and weights, bit for bit.
    func testFrozenPrefixCacheChangesNoResult() throws {
        let cached = try makeFrozenBase(), uncached = try makeFrozenBase()
        for (target, source) in zip(uncached.weights, cached.weights) { target.value = source.value }
        let x = fd.random([12, 6, 6, 2]), validation = fd.random([7, 6, 6, 2])
        let y = Tensor(shape: [12, 1], scalars: (0..<12).map { Float($0 % 2) })
        let validationLabels = Tensor(shape: [7, 1], scalars: (0..<7).map { Float($0 % 3 == 0 ? 1 : 0) })
        var histories: [[(String, [Double])]] = []
        for (model, cache) in [(cached, true), (uncached, false)] {
            try model.compile(optimizer: Adam(learningRate: 0.05), loss: .binaryCrossentropy, metrics: ["acc"])
            histories.append(try model.fit(x: x, y: y, epochs: 4, batchSize: 5, validationData: (validation, validationLabels),
                                           shuffle: false, progress: .silent, cacheFrozen: cache).entries)
        }
        XCTAssertEqual(histories[0].map(\.0), ["loss", "acc", "val_loss", "val_acc"])
        XCTAssertEqual(histories[0].map(\.1), histories[1].map(\.1))
        XCTAssertEqual(cached.weights.map(\.value), uncached.weights.map(\.value))
    }

    /// Hits return the model's own output; a changed prefix weight empties the cache; a model whose first
    /// layer trains has no prefix to cache.
    func testFrozenPrefixCacheHitsAndInvalidation() throws {
        let model = try makeFrozenBase()
        try model.compile(optimizer: SGD(), loss: .binaryCrossentropy, metrics: [])
        let cache = try XCTUnwrap(FrozenPrefixCache(model: model, setup: model.compiled!))
        let x = fd.random([3, 6, 6, 2])
        cache.beginPass()
        XCTAssertEqual(try cache.output(for: x), try model.forward(x, mode: .inference))
        cache.beginPass()
        XCTAssertEqual(try cache.output(for: x), try model.forward(x, mode: .inference))
        XCTAssertEqual(cache.hits, 1)
        // The portable path (OpenBLAS) reuses an image's output only at the row it was computed at.
        let reorderedHits = KernelPath.current == .portable ? 0 : 2
        let reordered = x.gather([2, 0, 1]), mixed = x.gather([1, 1, 0]), firstTwo = x.gather([1, 0])
        XCTAssertEqual(try cache.output(for: reordered), try model.forward(reordered, mode: .inference))
        XCTAssertEqual(try cache.output(for: mixed), try model.forward(mixed, mode: .inference))
        XCTAssertEqual(cache.hits, 1 + reorderedHits, "images seen before hit in any batch of the size they were seen in")
        XCTAssertEqual(try cache.output(for: firstTwo), try model.forward(firstTwo, mode: .inference))
        XCTAssertEqual(cache.hits, 1 + reorderedHits, "another batch size computes again")
        model.layers[0].weights[0].value.scalars[0] += 1
        cache.beginPass()
        XCTAssertEqual(try cache.output(for: x), try model.forward(x, mode: .inference))
        XCTAssertEqual(cache.hits, 1 + reorderedHits, "a changed prefix weight must not hit")
        model.layers[0].trainable = true
        try model.compile(optimizer: SGD(), loss: .binaryCrossentropy, metrics: [])
        XCTAssertNil(FrozenPrefixCache(model: model, setup: model.compiled!))
    }

    /// Past the memory budget, outputs go to the temporary file and come back bit for bit.
    func testFrozenPrefixCacheSpillsPastItsBudget() throws {
        let model = try makeFrozenBase()
        try model.compile(optimizer: SGD(), loss: .binaryCrossentropy, metrics: [])
        // Each image's prefix output (after Flatten) is 2 x 2 x 4 floats, 64 bytes: room for one in memory.
        let cache = try XCTUnwrap(FrozenPrefixCache(model: model, setup: model.compiled!, budgetBytes: 64))
        let x = fd.random([3, 6, 6, 2]), y = fd.random([3, 6, 6, 2])
        cache.beginPass()
        _ = try cache.output(for: x)
        XCTAssertEqual(cache.storedImages.inMemory, 1)
        XCTAssertEqual(cache.storedImages.spilled, 2)
        cache.beginPass()
        for batch in [x, x.gather([2, 1, 0]), x.gather([0, 1, 0])] {
            XCTAssertEqual(try cache.output(for: batch), try model.forward(batch, mode: .inference))
        }
        // The portable path reuses an output only at its row: x, and [0, 1, 0] (its row 2 stored by the reordered batch).
        let hits = KernelPath.current == .portable ? 2 : 3
        XCTAssertEqual(cache.hits, hits)
        XCTAssertEqual(try cache.output(for: y), try model.forward(y, mode: .inference))
        XCTAssertEqual(cache.hits, hits, "images never seen miss")
        let limited = try XCTUnwrap(FrozenPrefixCache(model: model, setup: model.compiled!, budgetBytes: 0, spillBudgetBytes: 2 * 64))
        limited.beginPass()
        _ = try limited.output(for: x)
        XCTAssertEqual(limited.storedImages.spilled, 2, "the file stops at its budget")
        model.layers[0].weights[0].value.scalars[0] += 1
        cache.beginPass()
        XCTAssertEqual(cache.storedImages.spilled, 0, "a changed prefix weight empties the file too")
        XCTAssertEqual(try cache.output(for: x), try model.forward(x, mode: .inference))
    }

    /// `evaluate` called again on the same data reuses the frozen prefix's outputs kept for the model, with
    /// the results of `cache_frozen=False`, bit for bit, also after a prefix weight changed.
    func testEvaluateLoopReusesTheKeptCache() throws {
        let model = try makeFrozenBase()
        try model.compile(optimizer: SGD(), loss: .binaryCrossentropy, metrics: ["acc"])
        let x = fd.random([7, 6, 6, 2]), y = Tensor(shape: [7, 1], scalars: (0..<7).map { Float($0 % 2) })
        let other = fd.random([4, 6, 6, 2])
        for round in 0..<3 {
            if round == 2 { model.layers[0].weights[0].value.scalars[0] += 1 }
            let uncached = try model.evaluate(x: x, y: y, batchSize: 3, cacheFrozen: false)
            XCTAssertEqual(try model.evaluate(x: x, y: y, batchSize: 3), uncached, "round \(round)")
            _ = try model.evaluate(x: other, y: y.slice(0..<4), batchSize: 3)   // other data in between
        }
        let kept = try XCTUnwrap(FrozenPrefixCache.kept(for: model))
        XCTAssertEqual(kept.hits, 5, "the second round's batches hit (three of x, two of the other data); the third's weights changed")
        XCTAssertTrue(FrozenPrefixCache.kept(for: model) === kept)
        model.layers[0].trainable = true
        try model.compile(optimizer: SGD(), loss: .binaryCrossentropy, metrics: ["acc"])
        XCTAssertNil(FrozenPrefixCache.kept(for: model))
    }

    /// A reshuffled validation flow (Keras's default) through a larger frozen base: the cached run's
    /// History and weights are the uncached run's, bit for bit.
    func testFrozenPrefixCacheWithReshuffledValidationFlow() throws {
        func make() throws -> Sequential {
            let model = try Sequential([Conv2D(filters: 16, kernelSize: (3, 3), padding: .same, activation: .relu),
                                        BatchNormalization(), Conv2D(filters: 8, kernelSize: (3, 3), activation: .relu),
                                        MaxPooling2D(poolSize: (2, 2)), Flatten(), Dense(units: 3, activation: .relu),
                                        Dense(units: 1, activation: .sigmoid)], inputShape: [14, 12, 16])
            for layer in model.layers.prefix(4) { layer.trainable = false }
            return model
        }
        let cached = try make(), uncached = try make()
        for (target, source) in zip(uncached.weights, cached.weights) { target.value = source.value }
        let x = fd.random([9, 14, 12, 16]), y = Tensor(shape: [9, 1], scalars: (0..<9).map { Float($0 % 2) })
        let vx = fd.random([8, 14, 12, 16]), vy = Tensor(shape: [8, 1], scalars: (0..<8).map { Float($0 / 4) })
        var histories: [[(String, [Double])]] = []
        for (model, cache) in [(cached, true), (uncached, false)] {
            try model.compile(optimizer: RMSprop(learningRate: 0.01), loss: .binaryCrossentropy, metrics: ["acc"])
            histories.append(try model.fit(source: ShuffledBatches(x, y, batchSize: 4, seed: 1), epochs: 3,
                                           validation: ShuffledBatches(vx, vy, batchSize: 3, seed: 2), progress: .silent,
                                           cacheFrozen: cache).entries)
        }
        XCTAssertEqual(histories[0].map(\.0), ["loss", "acc", "val_loss", "val_acc"])
        XCTAssertEqual(histories[0].map(\.1), histories[1].map(\.1))
        XCTAssertEqual(cached.weights.map(\.value), uncached.weights.map(\.value))
    }
}

/// Batches of arrays in a new random order every pass, as a shuffled flow gives them.
final class ShuffledBatches: BatchSource {
    let x: Tensor, y: Tensor, batchSize: Int
    var generator: RandomGenerator
    var order: [Int] = []
    var position = 0

    init(_ x: Tensor, _ y: Tensor, batchSize: Int, seed: UInt64) {
        (self.x, self.y, self.batchSize) = (x, y, batchSize)
        generator = RandomGenerator(seed: seed)
    }

    var batchesPerEpoch: Int { (x.shape[0] + batchSize - 1) / batchSize }

    func nextBatch() throws -> (inputs: Tensor, targets: Tensor?) {
        let n = x.shape[0]
        if position == 0 { order = Array(0..<n).shuffled(using: &generator) }
        let rows = Array(order[position..<min(n, position + batchSize)])
        position = position + batchSize >= n ? 0 : position + batchSize
        return (x.gather(rows), y.gather(rows))
    }
}
