import Foundation
import TLData
import TLTensor
import TLTestSupport
import XCTest

final class DirectoryIteratorTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder.remove() }

    /// Red channel of each image in a batch of solid-colour images (values before rescale).
    private func reds(_ images: Tensor, scale: Float = 1) -> [Int] {
        let stride = images.shape.dropFirst().reduce(1, *)
        return (0..<images.shape[0]).map { Int((images.scalars[$0 * stride] / scale).rounded()) }
    }

    private func solid(_ relative: String, red: UInt8) throws {
        try folder.write(relative, PNGWriter.solid(width: 4, height: 4, color: (red, 7, 9)))
    }

    // MARK: listing

    func testListingFollowsKerasOrderAndLinkRules() throws {
        let root = try folder.folder("root")
        try folder.copyPhoto("test/cats/cat.1.jpg", to: "root/cats/b.jpg")
        try folder.copyPhoto("test/cats/cat.0.jpg", to: "root/cats/A.JPG")
        try folder.write("root/cats/notes.txt", Data("not an image".utf8))
        try solid("root/cats/a/1.png", red: 1)
        try solid("root/cats/a-b/2.png", red: 2)
        try solid("root/cats/a/x/3.png", red: 3)
        try solid("root/dogs/dog.png", red: 4)
        try folder.folder("root/empty")
        try folder.write("root/readme.txt", Data("top-level file, not a class".utf8))
        try solid("elsewhere/birds/z.png", red: 5)
        try folder.copyPhoto("test/dogs/dog.0.jpg", to: "elsewhere/photo.jpg")
        try folder.link("root/cats/linked", to: root + "/dogs")                  // symlinked sub-folder: not walked
        try folder.link("root/cats/link.jpg", to: folder.path + "/elsewhere/photo.jpg")  // symlinked file: kept
        try folder.link("root/zoo", to: folder.path + "/elsewhere/birds")        // symlinked class folder: a class

        let iterator = try DirectoryIterator(directory: root, targetSize: (8, 8), batchSize: 3, classMode: .sparse,
                                             shuffle: false)
        XCTAssertEqual(iterator.message, "Found 8 images belonging to 4 classes.")
        XCTAssertEqual(iterator.classIndices, ["cats": 0, "dogs": 1, "empty": 2, "zoo": 3])
        // Folders sort by their whole path string: "a" < "a-b" < "a/x" because '-' < '/'.
        XCTAssertEqual(iterator.filenames, ["cats/A.JPG", "cats/b.jpg", "cats/link.jpg", "cats/a/1.png",
                                            "cats/a-b/2.png", "cats/a/x/3.png", "dogs/dog.png", "zoo/z.png"])
        XCTAssertEqual(iterator.classes, [0, 0, 0, 0, 0, 0, 1, 3])
        XCTAssertEqual(iterator.samples, 8)
        XCTAssertEqual(iterator.batchCount, 3)
    }

    func testGivenClassesOrderAndMissingClassFolder() throws {
        try solid("root/a/1.png", red: 1)
        try solid("root/b/2.png", red: 2)
        let iterator = try DirectoryIterator(directory: folder.path + "/root", targetSize: (2, 2),
                                             classMode: .sparse, classes: ["b", "a", "ghost"], shuffle: false)
        XCTAssertEqual(iterator.classIndices, ["b": 0, "a": 1, "ghost": 2])
        XCTAssertEqual(iterator.filenames, ["b/2.png", "a/1.png"])
        XCTAssertEqual(iterator.message, "Found 2 images belonging to 3 classes.")
        XCTAssertEqual(iterator.warnings.count, 1)
        XCTAssertTrue(iterator.warnings[0].contains("ghost"))
    }

    func testEmptyClassesStillCountAndZeroImagesCannotBatch() throws {
        try folder.folder("root/only")
        let iterator = try DirectoryIterator(directory: folder.path + "/root", targetSize: (2, 2))
        XCTAssertEqual(iterator.message, "Found 0 images belonging to 1 classes.")
        XCTAssertThrowsError(try iterator.next()) { error in
            XCTAssertEqual(error as? DirectoryIteratorError, .noImages(directory: self.folder.path + "/root"))
        }
    }

    func testMissingDirectoryIsNamed() {
        let path = folder.path + "/nope"
        XCTAssertThrowsError(try DirectoryIterator(directory: path, targetSize: (2, 2))) { error in
            XCTAssertEqual(error as? DirectoryIteratorError, .missingDirectory(path))
            XCTAssertTrue("\(error)".contains(path))
        }
        XCTAssertThrowsError(try ClassMode(kerasName: "multi"))
        XCTAssertEqual(try ClassMode(kerasName: "None"), ClassMode.none)
    }

    // MARK: labels and batches

    private func makeLabelFixture() throws -> String {
        try solid("root/a/1.png", red: 10)
        try solid("root/a/2.png", red: 11)
        try solid("root/b/1.png", red: 20)
        try solid("root/c/1.png", red: 30)
        try solid("root/c/2.png", red: 31)
        return folder.path + "/root"
    }

    func testLabelsPerClassModeAndEpochWrap() throws {
        let root = try makeLabelFixture()
        let scale: Float = 1 / 255
        let config = ImageDataGeneratorConfig(rescale: scale)
        let sparse = try DirectoryIterator(directory: root, targetSize: (2, 3), batchSize: 3, classMode: .sparse,
                                           shuffle: false, config: config)
        let first = try sparse.next()
        XCTAssertEqual(first.images.shape, [3, 2, 3, 3])
        XCTAssertEqual(reds(first.images, scale: scale), [10, 11, 20])
        XCTAssertEqual(first.images.scalars[1], 7 * scale)  // green channel, rescaled
        XCTAssertEqual(first.labels, Tensor(shape: [3], scalars: [0, 0, 1]))
        let second = try sparse.next()  // the epoch's last, smaller batch
        XCTAssertEqual(second.images.shape, [2, 2, 3, 3])
        XCTAssertEqual(second.labels, Tensor(shape: [2], scalars: [2, 2]))
        XCTAssertEqual(reds(try sparse.next().images, scale: scale), [10, 11, 20])  // next epoch starts over

        let categorical = try DirectoryIterator(directory: root, targetSize: (2, 3), batchSize: 3,
                                                classMode: .categorical, shuffle: false)
        XCTAssertEqual(try categorical.next().labels,
                       Tensor(shape: [3, 3], scalars: [1, 0, 0, 1, 0, 0, 0, 1, 0]))
        XCTAssertEqual(try categorical.batch(at: 1).labels, Tensor(shape: [2, 3], scalars: [0, 0, 1, 0, 0, 1]))

        let binary = try DirectoryIterator(directory: root, targetSize: (2, 3), batchSize: 5, classMode: .binary,
                                           classes: ["a", "b"], shuffle: false)
        XCTAssertEqual(try binary.next().labels, Tensor(shape: [3], scalars: [0, 0, 1]))

        let none = try DirectoryIterator(directory: root, targetSize: (2, 3), batchSize: 2, classMode: .none, shuffle: false)
        XCTAssertNil(try none.next().labels)
        let input = try DirectoryIterator(directory: root, targetSize: (2, 3), batchSize: 2, classMode: .input, shuffle: false)
        let batch = try input.next()
        XCTAssertEqual(batch.labels, batch.images)
        XCTAssertThrowsError(try input.batch(at: 3))
    }

    // MARK: shuffling

    private func makeTenImages() throws -> String {
        for i in 0..<10 { try solid(String(format: "root/k/%02d.png", i), red: UInt8(i * 10)) }
        return folder.path + "/root"
    }

    func testSeededShuffleEqualsKerasOrder() throws {
        let root = try makeTenImages()
        let iterator = try DirectoryIterator(directory: root, targetSize: (2, 2), batchSize: 4, classMode: .sparse,
                                             shuffle: true, seed: 42)
        // Keras: np.random.seed(42 + 0); permutation(10) = [8, 1, 5, 0, 7, 2, 9, 4, 3, 6].
        XCTAssertEqual(reds(try iterator.next().images), [80, 10, 50, 0])
        XCTAssertEqual(reds(try iterator.next().images), [70, 20, 90, 40])
        XCTAssertEqual(reds(try iterator.next().images), [30, 60])
        // Epoch 2 is drawn after 3 batches: np.random.seed(45); permutation(10) = [2, 4, 1, 8, 9, 6, 5, 7, 0, 3].
        XCTAssertEqual(reds(try iterator.next().images), [20, 40, 10, 80])

        let again = try DirectoryIterator(directory: root, targetSize: (2, 2), batchSize: 4, shuffle: true, seed: 42)
        XCTAssertEqual(reds(try again.next().images), [80, 10, 50, 0])
        let other = try DirectoryIterator(directory: root, targetSize: (2, 2), batchSize: 10, shuffle: true, seed: 7)
        XCTAssertNotEqual(reds(try other.next().images), [80, 10, 50, 0, 70, 20, 90, 40, 30, 60])
        XCTAssertEqual(Set(reds(try other.next().images)), Set((0..<10).map { $0 * 10 }))
    }

    func testTransformHookRunsBeforeRescaleWithKerasRandomStream() throws {
        let root = try makeTenImages()
        let draws = DrawLog()
        let config = ImageDataGeneratorConfig(rescale: 0.5) { image, sample, random in
            draws.append(sample, random.nextDouble())
            return FloatImage(height: image.height, width: image.width, values: image.values.map { _ in 100 })
        }
        let iterator = try DirectoryIterator(directory: root, targetSize: (2, 2), batchSize: 4, shuffle: true,
                                             seed: 42, config: config)
        let batch = try iterator.next()
        XCTAssertTrue(batch.images.scalars.allSatisfy { $0 == 50 })
        // After np.random.seed(42) and permutation(10), the next random_sample() is 0.15599452033620265.
        XCTAssertEqual(draws.entries.first?.sample, 8)
        XCTAssertEqual(draws.entries.first?.value, 0.15599452033620265)
        XCTAssertEqual(draws.entries.map(\.sample), [8, 1, 5, 0])

        let shrinking = ImageDataGeneratorConfig { image, _, _ in FloatImage(height: 1, width: 1, values: [0, 0, 0]) }
        let bad = try DirectoryIterator(directory: root, targetSize: (2, 2), shuffle: false, config: shrinking)
        XCTAssertThrowsError(try bad.next()) { error in XCTAssertTrue("\(error)".contains("00.png")) }
    }

    // MARK: bad files

    private func makeBadFixture() throws -> String {
        let jpeg = try Data(contentsOf: SharedFiles.data.appendingPathComponent("test/cats/cat.0.jpg"))
        try folder.write("root/x/a_fake.jpg", Data("hello, I am text".utf8))
        try solid("root/x/b_good.png", red: 40)
        try folder.write("root/x/c_trunc.jpg", jpeg.prefix(jpeg.count / 3))
        try folder.write("root/x/d_zero.png", Data())
        return folder.path + "/root"
    }

    func testBadImageStopsTheBatchWithItsName() throws {
        let root = try makeBadFixture()
        let iterator = try DirectoryIterator(directory: root, targetSize: (2, 2), batchSize: 4, shuffle: false)
        XCTAssertEqual(iterator.samples, 4)
        XCTAssertThrowsError(try iterator.next()) { error in
            XCTAssertEqual(error as? ImageError, .unknownFormat(path: root + "/x/a_fake.jpg"))
        }
    }

    func testSkipPolicyLeavesBadImagesOutWithWarnings() throws {
        let root = try makeBadFixture()
        let iterator = try DirectoryIterator(directory: root, targetSize: (2, 2), batchSize: 4, classMode: .sparse,
                                             shuffle: false, onBadImage: .skip)
        let batch = try iterator.next()
        XCTAssertEqual(batch.images.shape, [1, 2, 2, 3])
        XCTAssertEqual(reds(batch.images), [40])
        XCTAssertEqual(batch.labels, Tensor(shape: [1], scalars: [0]))
        XCTAssertEqual(iterator.warnings.count, 3)
        for name in ["a_fake.jpg", "c_trunc.jpg", "d_zero.png"] {
            XCTAssertTrue(iterator.warnings.contains { $0.contains(name) }, name)
        }
        _ = try iterator.next()
        XCTAssertEqual(iterator.warnings.count, 3, "each bad file is reported once")
    }

    // MARK: the shared data set

    func testSharedTrainFolder() throws {
        let iterator = try DirectoryIterator(directory: SharedFiles.data.appendingPathComponent("train").path,
                                             targetSize: (150, 150), batchSize: 20, classMode: .binary, shuffle: false,
                                             config: ImageDataGeneratorConfig(rescale: 1 / 255))
        XCTAssertEqual(iterator.message, "Found 2000 images belonging to 2 classes.")
        XCTAssertEqual(iterator.classIndices, ["cats": 0, "dogs": 1])
        XCTAssertEqual(Array(iterator.filenames.prefix(4)), ["cats/cat.0.jpg", "cats/cat.1.jpg", "cats/cat.10.jpg", "cats/cat.100.jpg"])
        XCTAssertEqual(iterator.classes.filter { $0 == 1 }.count, 1000)
        XCTAssertEqual(iterator.batchCount, 100)
        let batch = try iterator.next()
        XCTAssertEqual(batch.images.shape, [20, 150, 150, 3])
        XCTAssertEqual(batch.labels, Tensor(shape: [20], repeating: 0))
        let expected = try loadImage(path: SharedFiles.data.appendingPathComponent("train/cats/cat.10.jpg").path,
                                     targetSize: (150, 150), interpolation: "nearest")
        let stride = 150 * 150 * 3
        XCTAssertEqual(Array(batch.images.scalars[(2 * stride)..<(3 * stride)]), expected.pixels.map { Float($0) * (1 / 255) })
    }
}

/// Records the transform's calls (the hook may be called from the iterator only, but is `@Sendable`).
private final class DrawLog: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var entries: [(sample: Int, value: Double)] = []
    func append(_ sample: Int, _ value: Double) {
        lock.lock(); defer { lock.unlock() }
        entries.append((sample, value))
    }
}
