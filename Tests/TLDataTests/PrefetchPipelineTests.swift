import Foundation
import TLData
import TLTensor
import TLTestSupport
import XCTest

/// Batches prepared ahead on background threads are the batches that would have been prepared on demand.
final class PrefetchPipelineTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder.remove() }

    /// 11 images of 6x8 pixels with a gradient (so rotations and shifts change them), in 2 classes.
    private func makeImages() throws -> String {
        for i in 0..<11 {
            var rows: [[UInt8]] = []
            for r in 0..<6 {
                var row: [UInt8] = []
                for c in 0..<8 {
                    let blue: Int = (r * c * 7 + i) % 256
                    row += [UInt8(i * 20 + r * 5), UInt8(c * 30), UInt8(blue)]
                }
                rows.append(row)
            }
            let png = PNGWriter.encode(width: 8, height: 6, bitDepth: 8, colorType: .rgb, rows: rows)
            try folder.write("root/\(i % 2 == 0 ? "a" : "b")/\(String(format: "%02d", i)).png", png)
        }
        return folder.path + "/root"
    }

    private let augmentation = try! ImageAugmentation(rotationRange: 40, widthShiftRange: .uniform(0.2),
                                                      heightShiftRange: .uniform(0.2), shearRange: 0.2, zoom: 0.2,
                                                      horizontalFlip: true, fillMode: .nearest)

    private func flow(_ root: String, workers: Int, prefetch: Int, seed: UInt64? = 5) throws -> DirectoryIterator {
        try DirectoryIterator(directory: root, targetSize: (6, 8), batchSize: 4, classMode: .sparse, seed: seed,
                              config: ImageDataGeneratorConfig(rescale: 1 / 255, augmentation: augmentation, preprocessing: .tf),
                              workers: workers, prefetch: prefetch)
    }

    private func batches(_ iterator: DirectoryIterator, _ count: Int) throws -> [[Float]] {
        try (0..<count).map { _ in
            let batch = try iterator.next()
            return batch.images.scalars + (batch.labels?.scalars ?? [])
        }
    }

    /// Same seed, same batches (across three epochs of 3 batches): 1 or 2 workers, prefetching or not.
    func testSeededBatchesDoNotDependOnWorkersOrPrefetch() throws {
        let root = try makeImages()
        let reference = try batches(flow(root, workers: 1, prefetch: 0), 9)
        XCTAssertEqual(try batches(flow(root, workers: 2, prefetch: 0), 9), reference)
        XCTAssertEqual(try batches(flow(root, workers: 1, prefetch: 2), 9), reference)
        XCTAssertEqual(try batches(flow(root, workers: 2, prefetch: 3), 9), reference)
        // The augmentation does something, and each batch differs.
        let plain = try DirectoryIterator(directory: root, targetSize: (6, 8), batchSize: 4, classMode: .sparse, seed: 5,
                                          config: ImageDataGeneratorConfig(rescale: 1 / 255, preprocessing: .tf))
        XCTAssertNotEqual(try batches(plain, 1)[0], reference[0])
        XCTAssertEqual(Set(reference).count, 9)
        XCTAssertNotEqual(try batches(flow(root, workers: 2, prefetch: 2, seed: 6), 1)[0], reference[0])
    }

    /// Without a seed, the random source in effect seeds the flow: repeatable from the same seed, whatever the workers.
    func testUnseededFlowsRepeatFromTheSameSourceSeed() throws {
        let root = try makeImages()
        let first = try RandomSource.with(RandomSource(seed: 77)) { try batches(flow(root, workers: 1, prefetch: 0, seed: nil), 5) }
        let again = try RandomSource.with(RandomSource(seed: 77)) { try batches(flow(root, workers: 2, prefetch: 2, seed: nil), 5) }
        XCTAssertEqual(again, first)
    }

    /// Random access, `reset()` and `onEpochEnd()` drop what was prepared and go on from what was taken.
    func testRandomAccessAndResetAfterPrefetching() throws {
        let root = try makeImages()
        let eager = try flow(root, workers: 2, prefetch: 3), lazy = try flow(root, workers: 1, prefetch: 0)
        XCTAssertEqual(try batches(eager, 2), try batches(lazy, 2))
        XCTAssertEqual(eager.preparedCount, 3)
        XCTAssertEqual(eager.totalBatchesSeen, 2)
        XCTAssertEqual(eager.batchIndex, 2)
        XCTAssertEqual(try eager.batch(at: 1).images, try lazy.batch(at: 1).images)
        XCTAssertEqual(eager.preparedCount, 0)
        XCTAssertEqual(try batches(eager, 2), try batches(lazy, 2))
        eager.reset(); lazy.reset()
        XCTAssertEqual(try batches(eager, 1), try batches(lazy, 1))
        eager.onEpochEnd(); lazy.onEpochEnd()
        XCTAssertEqual(try batches(eager, 4), try batches(lazy, 4))
    }

    /// The queue never holds more than `prefetch` batches beyond the one handed out, and a caller that
    /// computes longer than the workers need never waits.
    func testBoundedQueueAndNoWaitingWhenWorkersKeepUp() throws {
        let root = try makeImages()
        let iterator = try flow(root, workers: 2, prefetch: 2)
        _ = try iterator.next()
        for _ in 0..<6 {
            XCTAssertEqual(iterator.preparedCount, 2)
            // "Training": long enough for two workers to build two batches of four 6x8 images many times over.
            let deadline = Date().addingTimeInterval(5)
            while iterator.readyCount < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            XCTAssertEqual(iterator.readyCount, 2)
            let stalls = iterator.stalls
            _ = try iterator.next()
            XCTAssertEqual(iterator.stalls, stalls, "the batch was ready, next() must not wait")
        }
    }

    /// A bad file surfaces at its own batch, not when it is read ahead.
    func testReadErrorsSurfaceAtTheirBatch() throws {
        try folder.write("bad/x/a.png", PNGWriter.solid(width: 4, height: 4, color: (1, 2, 3)))
        try folder.write("bad/x/b.png", PNGWriter.solid(width: 4, height: 4, color: (4, 5, 6)))
        try folder.write("bad/x/c.png", Data("not an image".utf8))
        let iterator = try DirectoryIterator(directory: folder.path + "/bad", targetSize: (4, 4), batchSize: 1,
                                             shuffle: false, workers: 2, prefetch: 3)
        XCTAssertEqual(try iterator.next().images.scalars.first, 1)
        XCTAssertEqual(try iterator.next().images.scalars.first, 4)
        XCTAssertThrowsError(try iterator.next()) { error in XCTAssertTrue("\(error)".contains("c.png"), "\(error)") }
        XCTAssertEqual(try iterator.next().images.scalars.first, 1, "the flow goes on with the next epoch")
    }

    func testInvalidPipelineSettingsAreNamed() throws {
        let root = try makeImages()
        XCTAssertThrowsError(try DirectoryIterator(directory: root, workers: 0)) { error in
            XCTAssertEqual(error as? InputPipelineError, .invalidWorkers(0))
            XCTAssertTrue("\(error)".hasPrefix("workers must be at least 1"))
        }
        XCTAssertThrowsError(try DirectoryIterator(directory: root, prefetch: -1)) { error in
            XCTAssertEqual(error as? InputPipelineError, .invalidPrefetch(-1))
        }
    }
}
