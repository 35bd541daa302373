import Foundation
import XCTest
@testable import TLData
import TLTestSupport

/// `image_dataset_from_directory`'s file lists, split and resizing against tf-keras
/// (Fixtures/KerasPhotoDatasetFixtures.swift, made by scripts/make_photo_dataset_fixtures.py).
final class ImageDatasetTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tl-photos-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The fixture's unbalanced one-folder-per-class set, from the shared train photos.
    private func makePhotoFolder() throws -> String {
        try SharedFiles.makeClassFolders(in: folder, counts: KerasPhotoDatasetFixtures.counts.map { (label: $0.0, count: $0.1) })
    }

    func testSplitEqualsKerasForTheSameSeed() throws {
        let root = try makePhotoFolder()
        let relative = { (paths: [String]) in paths.map { String($0.dropFirst(root.count + 1)) } }
        for expected in KerasPhotoDatasetFixtures.splits {
            let index = try ImageDatasetIndex(directory: root, classNames: nil, shuffle: true, seed: UInt32(expected.seed))
            XCTAssertEqual(index.classNames, ["cats", "dogs"])
            XCTAssertEqual(relative(index.subset(.training, validationSplit: 0.2).paths), expected.training, "seed \(expected.seed)")
            let validation = index.subset(.validation, validationSplit: 0.2)
            XCTAssertEqual(relative(validation.paths), expected.validation, "seed \(expected.seed)")
            XCTAssertEqual(validation.labels, expected.validationLabels)
        }
        let sorted = try ImageDatasetIndex(directory: root, classNames: nil, shuffle: false, seed: 0)
        XCTAssertEqual(relative(sorted.subset(.training, validationSplit: 0.2).paths), KerasPhotoDatasetFixtures.unshuffledTraining)
        XCTAssertEqual(sorted.subset(.training, validationSplit: 0.2).labels, KerasPhotoDatasetFixtures.unshuffledTrainingLabels)
        XCTAssertEqual(relative(sorted.subset(.validation, validationSplit: 0.2).paths), KerasPhotoDatasetFixtures.unshuffledValidation)
    }

    func testResizeEqualsTensorFlowBilinear() throws {
        let image = RGBImage(width: 21, height: 13, pixels: KerasPhotoDatasetFixtures.smallImage)
        let cases: [((Int, Int), Bool, [Float])] = [
            (KerasPhotoDatasetFixtures.downSize, false, KerasPhotoDatasetFixtures.downPixels),
            (KerasPhotoDatasetFixtures.upSize, false, KerasPhotoDatasetFixtures.upPixels),
            (KerasPhotoDatasetFixtures.cropSize, true, KerasPhotoDatasetFixtures.cropPixels),
        ]
        for (size, crop, expected) in cases {
            let pixels = try ImageDataset.prepare(image, colorMode: .rgb, size: (size.0, size.1), crop: crop)
            XCTAssertEqual(pixels.count, expected.count)
            let worst = zip(pixels, expected).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(worst, 1e-3, "size \(size) crop \(crop)")
        }
    }

    /// color_mode="grayscale": a PNG exactly as Keras (libpng's conversion), a JPEG photo within a grey
    /// level and a half after resizing (TensorFlow takes the JPEG's own luma, tl converts the decoded RGB).
    func testGrayscaleMatchesKeras() throws {
        let png = RGBImage(width: 21, height: 13, pixels: KerasPhotoDatasetFixtures.grayscaleSource)
        let grey = try ImageDataset.prepare(png, colorMode: .grayscale, size: (9, 7), crop: false, format: .png)
        XCTAssertLessThan(zip(grey, KerasPhotoDatasetFixtures.grayscalePNG).map { abs($0 - $1) }.max()!, 1e-3)
        let photo = try ImageDecoder.decodeFile(path: SharedFiles.data.appendingPathComponent("train/cats/cat.0.jpg").path)
        let jpeg = try ImageDataset.prepare(photo.image, colorMode: .grayscale, size: (9, 7), crop: false, format: photo.format)
        let errors = zip(jpeg, KerasPhotoDatasetFixtures.grayscaleJPEG).map { abs($0 - $1) }
        XCTAssertLessThan(errors.max()!, 1.5)
        XCTAssertLessThan(errors.reduce(0, +) / Float(errors.count), 0.5)
    }

    func testBatchesCarryFloatPixelsAndLabelsInEveryMode() throws {
        let root = try makePhotoFolder()
        let index = try ImageDatasetIndex(directory: root, classNames: nil, shuffle: false, seed: 0)
        let binary = try ImageDataset(index: index, imageSize: (20, 30), batchSize: 4, labelMode: .binary, shuffleSeed: nil)
        let first = try binary.batch([0, 1, 48])
        XCTAssertEqual(first.images.shape, [3, 20, 30, 3])
        XCTAssertEqual(first.labels?.shape, [3, 1])
        XCTAssertEqual(first.labels?.scalars, [0, 0, 1])
        XCTAssertGreaterThan(first.images.scalars.max() ?? 0, 1.5, "0..255 pixels, not rescaled")
        let categorical = try ImageDataset(index: index, imageSize: (8, 8), batchSize: 4, colorMode: .grayscale,
                                           labelMode: .categorical, shuffleSeed: nil)
        let gray = try categorical.batch([49])
        XCTAssertEqual(gray.images.shape, [1, 8, 8, 1])
        XCTAssertEqual(gray.labels?.scalars, [0, 1])
        XCTAssertEqual(binary.batchesPerPass, 13)
    }

    func testShuffleBufferVisitsEveryFileOncePerPassAndReshuffles() throws {
        let root = try makePhotoFolder()
        let index = try ImageDatasetIndex(directory: root, classNames: nil, shuffle: true, seed: 1337)
        let dataset = try ImageDataset(index: index, imageSize: (8, 8), batchSize: 2, labelMode: .int, shuffleSeed: 1337)
        let first = dataset.order(pass: 0), second = dataset.order(pass: 1)
        XCTAssertEqual(first.sorted(), Array(0..<50))
        XCTAssertEqual(second.sorted(), Array(0..<50))
        XCTAssertNotEqual(first, second)
        XCTAssertEqual(first, dataset.order(pass: 0), "a pass's order follows from the seed")
    }

    func testWrongClassNamesAndBinaryWithThreeClassesAreRefused() throws {
        let root = try makePhotoFolder()
        XCTAssertThrowsError(try ImageDatasetIndex(directory: root, classNames: ["cats", "birds"], shuffle: false, seed: 0))
        try FileManager.default.createDirectory(atPath: root + "/birds", withIntermediateDirectories: true)
        let index = try ImageDatasetIndex(directory: root, classNames: nil, shuffle: false, seed: 0)
        XCTAssertEqual(index.classNames, ["birds", "cats", "dogs"])
        XCTAssertThrowsError(try ImageDataset(index: index, imageSize: (8, 8), batchSize: 2, labelMode: .binary, shuffleSeed: nil))
    }
}
