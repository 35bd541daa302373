import XCTest
import TLTensor
import TLTestSupport
@testable import TLNN
@testable import TLZoo

// The frozen-prefix cache on the real bases: image features taken from the cache, in batches of the size
// they were computed in but of any composition (on the portable path: each image at the row it was computed
// at), equal the uncached forward pass bit for bit on every kernel path.

extension VGG16ParityTests {
    func testFrozenBaseFeaturesComeFromTheCacheBitForBit() throws {
        try checkFrozenPrefixCache(base: try loadBase(), input: tensor(Golden.array("vgg16_input")))
    }
}

extension EfficientNetLiteTests {
    func testFrozenBaseFeaturesComeFromTheCacheBitForBit() throws {
        try checkFrozenPrefixCache(base: try lite0(includeTop: false, inputShape: [150, 150, 3]),
                                   input: tensor(Golden.array("lite0_input")))
    }
}

/// `base` frozen under a small classifier: the features of the 4 images of `input`, cached in one pass in
/// batches of 2, serve other batches of 2 in the next exactly as the model computes them.
private func checkFrozenPrefixCache(base: Layer, input: Tensor, file: StaticString = #filePath, line: UInt = #line) throws {
    base.trainable = false
    let model = try Sequential([base, Flatten(), Dense(units: 1, activation: .sigmoid)], inputShape: [150, 150, 3])
    try model.compile(optimizer: RMSprop(), loss: .binaryCrossentropy, metrics: [])
    try EngineOptions.forEachAvailablePath { path in
        let cache = try XCTUnwrap(FrozenPrefixCache(model: model, setup: model.compiled!), file: file, line: line)
        cache.beginPass()
        _ = try cache.output(for: input.gather([0, 1]))
        _ = try cache.output(for: input.gather([2, 3]))
        cache.beginPass()
        // Batches of the size the images were seen in hit in any composition (the portable path: only with
        // each image at its row, as [0, 3] has them); another size recomputes.
        for rows in [[2, 0], [3, 1], [1, 2], [0, 3], [3]] {
            let batch = input.gather(rows)
            XCTAssertEqual(try cache.output(for: batch), try model.forward(batch, mode: .inference), "\(path) \(rows)", file: file, line: line)
        }
        XCTAssertEqual(cache.hits, path == .portable ? 1 : 4, "\(path)", file: file, line: line)
    }
}
