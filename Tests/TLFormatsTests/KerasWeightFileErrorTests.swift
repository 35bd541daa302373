import Foundation
import TLFormats
import TLTestSupport
import XCTest

/// Bad inputs give errors that name the file and say what is wrong, never a crash or stderr noise.
final class KerasWeightFileErrorTests: XCTestCase {
    private var tinyLegacyPath: String { SharedFiles.golden.appendingPathComponent("tiny_legacy.h5").path }

    func testTextFileNamedH5IsNotAnHDF5File() throws {
        let path = try makeTemporaryDirectory(for: self).appendingPathComponent("x.h5").path
        try Data("layer_names = block1_conv1\n".utf8).write(to: URL(fileURLWithPath: path))
        assertThrowsMessage([path, "is not an HDF5 file", "signature", "\"layer_na...\""]) { try KerasWeightFile.read(path: path) }
    }

    func testEmptyFileIsNotAnHDF5File() throws {
        let path = try makeTemporaryDirectory(for: self).appendingPathComponent("empty.h5").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        assertThrowsMessage([path, "is not an HDF5 file", "empty (0 bytes)"]) { try KerasWeightFile.read(path: path) }
    }

    func testZipArchiveGetsAKerasHint() throws {
        let path = try makeTemporaryDirectory(for: self).appendingPathComponent("model.keras").path
        try Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0, 0, 0]).write(to: URL(fileURLWithPath: path))
        assertThrowsMessage([path, "is not an HDF5 file", "zip archive", "model.weights.h5"]) { try KerasWeightFile.read(path: path) }
    }

    func testTruncatedCopyIsReportedAsTruncated() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: tinyLegacyPath))
        let directory = try makeTemporaryDirectory(for: self)
        // Cut at several places: inside the metadata and inside the weight data.
        for fraction in [0.1, 0.5, 0.9] {
            let path = directory.appendingPathComponent("cut\(fraction).h5").path
            try original.prefix(Int(Double(original.count) * fraction)).write(to: URL(fileURLWithPath: path))
            assertThrowsMessage([path, "truncated"]) { try KerasWeightFile.read(path: path) }
        }
    }

    func testMissingFileAndFolder() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let missing = directory.appendingPathComponent("nothing.h5").path
        assertThrowsMessage([missing, "no such file"]) { try KerasWeightFile.read(path: missing) }
        assertThrowsMessage([directory.path, "folder"]) { try KerasWeightFile.read(path: directory.path) }
    }

    func testHDF5FileWithoutKerasWeights() throws {
        let path = try makeTemporaryDirectory(for: self).appendingPathComponent("plain.h5").path
        let file = try HDF5File.create(path)
        try file.root().createDataset("data", shape: [2], values: [1, 2])
        try file.close()
        assertThrowsMessage([path, "holds no Keras weights", "layer_names", "model_weights", "layers"]) {
            try KerasWeightFile.read(path: path)
        }
    }

    func testMissingWeightNamesAttributeAndMissingDataset() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let noAttribute = directory.appendingPathComponent("no_weight_names.h5").path
        var file = try HDF5File.create(noAttribute)
        var root = try file.root()
        try root.setStringsAttribute("layer_names", ["dense"])
        try root.createDataset("dense/dense/kernel:0", shape: [1], values: [1])
        try file.close()
        assertThrowsMessage([noAttribute, "'/dense'", "no attribute 'weight_names'"]) { try KerasWeightFile.read(path: noAttribute) }

        let noDataset = directory.appendingPathComponent("no_dataset.h5").path
        file = try HDF5File.create(noDataset)
        root = try file.root()
        try root.setStringsAttribute("layer_names", ["dense"])
        try root.createGroup("dense").setStringsAttribute("weight_names", ["dense/kernel:0"])
        try file.close()
        assertThrowsMessage([noDataset, "no dataset '/dense/dense/kernel:0'"]) { try KerasWeightFile.read(path: noDataset) }

        let noGroup = directory.appendingPathComponent("no_group.h5").path
        file = try HDF5File.create(noGroup)
        try file.root().setStringsAttribute("layer_names", ["dense"])
        try file.close()
        assertThrowsMessage([noGroup, "no group '/dense'"]) { try KerasWeightFile.read(path: noGroup) }
    }

    func testKeras3VarsWithAGapInTheNumbering() throws {
        let path = try makeTemporaryDirectory(for: self).appendingPathComponent("gap.weights.h5").path
        let file = try HDF5File.create(path)
        let root = try file.root()
        try root.createDataset("layers/dense/vars/0", shape: [1], values: [1])
        try root.createDataset("layers/dense/vars/2", shape: [1], values: [1])
        try file.close()
        assertThrowsMessage([path, "/layers/dense/vars", "'dense'", "0..1", "[\"0\", \"2\"]"]) { try KerasWeightFile.read(path: path) }
    }
}
