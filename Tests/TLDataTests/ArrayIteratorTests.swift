import XCTest
import TLTensor
@testable import TLData

/// `ImageDataGenerator.flow(x, y)`: seeded batches equal Keras's (scripts/make_array_flow_fixtures.py), and
/// the iterator keeps Keras's epoch arithmetic.
final class ArrayIteratorTests: XCTestCase {
    typealias F = KerasArrayFlowFixtures

    func testSeededAugmentedBatchesMatchKeras() throws {
        let augmentation = try ImageAugmentation(rotationRange: 30, widthShiftRange: .uniform(0.1), zoom: 0.2,
                                                 horizontalFlip: true, fillMode: .nearest)
        let flow = try ArrayIterator(images: Tensor(shape: [5, 6, 8, 3], scalars: F.images),
                                     labels: Tensor(shape: [5], scalars: [0, 1, 2, 3, 4]), batchSize: 2, seed: 11,
                                     config: ImageDataGeneratorConfig(rescale: 1 / 255, augmentation: augmentation))
        for (index, expected) in F.batches.enumerated() {
            let batch = try flow.next()
            XCTAssertEqual(batch.labels?.scalars, expected.labels, "batch \(index)")
            XCTAssertEqual(batch.images.shape, [expected.labels.count, 6, 8, 3])
            for (a, b) in zip(batch.images.scalars, expected.images) { XCTAssertEqual(a, b, accuracy: 1e-5, "batch \(index)") }
        }
    }

    func testUnshuffledBatchesCycleWithLeftovers() throws {
        let flow = try ArrayIterator(images: Tensor(shape: [3, 1, 1, 1], scalars: [10, 20, 30]), labels: nil, batchSize: 2, shuffle: false)
        XCTAssertEqual(flow.batchCount, 2)
        XCTAssertEqual(try flow.next().images.scalars, [10, 20])
        XCTAssertEqual(try flow.next().images.scalars, [30])
        XCTAssertEqual(try flow.next().images.scalars, [10, 20])
        XCTAssertNil(try flow.next().labels)
        flow.reset()
        XCTAssertEqual(try flow.next().images.scalars, [10, 20])
        XCTAssertEqual(try flow.batch(at: 1).images.scalars, [30])
    }

    /// `validation_split=0.4` with `subset=`: validation takes the first int(0.4 * 5) = 2 samples, training the rest.
    func testSubsetsCutAsKeras() throws {
        let config = ImageDataGeneratorConfig(validationSplit: 0.4)
        let images = Tensor(shape: [5, 1, 1, 1], scalars: [10, 20, 30, 40, 50])
        let labels = Tensor(shape: [5], scalars: [0, 1, 0, 1, 1])
        let validation = try ArrayIterator(images: images, labels: labels, batchSize: 5, shuffle: false, config: config, subset: .validation)
        let training = try ArrayIterator(images: images, labels: labels, batchSize: 5, shuffle: false, config: config, subset: .training)
        XCTAssertEqual(try validation.next().images.scalars, [10, 20])
        XCTAssertEqual(try training.next().labels?.scalars, [0, 1, 1])
        XCTAssertThrowsError(try ArrayIterator(images: images, labels: Tensor(shape: [5], scalars: [0, 0, 1, 1, 1]), config: config,
                                               subset: .training)) { error in
            XCTAssertEqual(error as? ArrayIteratorError, .classesDifferAcrossSplit)
        }
        XCTAssertThrowsError(try ArrayIterator(images: images, labels: nil, subset: .validation))
    }

    func testRefusesWhatKerasRefuses() {
        XCTAssertThrowsError(try ArrayIterator(images: Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), labels: nil))
        XCTAssertThrowsError(try ArrayIterator(images: Tensor(shape: [2, 1, 1, 1], scalars: [1, 2]),
                                               labels: Tensor(shape: [3], scalars: [0, 1, 0])))
        XCTAssertThrowsError(try ArrayIterator(images: Tensor(shape: [1, 1, 1, 1], scalars: [1]), labels: nil,
                                               config: ImageDataGeneratorConfig(augmentation: try ImageAugmentation(horizontalFlip: true))))
    }
}
