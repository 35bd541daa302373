import TLFormats
import TLTestSupport
import XCTest

/// Writing both layouts and reading them back; Keras-specific details of what is written.
final class KerasWeightFileWriteTests: XCTestCase {
    private var tinyLegacy: KerasWeightFile {
        get throws { try KerasWeightFile.read(path: SharedFiles.golden.appendingPathComponent("tiny_legacy.h5").path) }
    }

    func testLegacyRoundTripKeepsLayersNamesOrderAndValues() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let original = try tinyLegacy
        let path = directory.appendingPathComponent("tiny_copy.h5").path
        try KerasWeightFile.writeLegacy(path: path, layers: original.layers)
        XCTAssertEqual(try KerasWeightFile.read(path: path), original)
        // Nothing but the file itself is left in the folder (the temporary name was renamed away).
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["tiny_copy.h5"])
    }

    func testKeras3RoundTripOfTheTinyWeights() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let original = try KerasWeightFile.read(path: SharedFiles.golden.appendingPathComponent("tiny.weights.h5").path)
        let path = directory.appendingPathComponent("tiny_copy.weights.h5").path
        try KerasWeightFile.writeKeras3(path: path, layers: original.layers)
        XCTAssertEqual(try KerasWeightFile.read(path: path), original)
    }

    func testKeras3WriteFromLegacyLayersMatchesKerasOwnKeras3File() throws {
        // Rename the legacy layers to class-order paths and write: the result must equal Keras's own file.
        let directory = try makeTemporaryDirectory(for: self)
        let classOrderName = ["c1": "conv2d", "p1": "max_pooling2d", "c2": "conv2d_1", "f": "flatten",
                              "d1": "dense", "drop": "dropout", "d2": "dense_1"]
        let layers = try tinyLegacy.layers.map { layer in
            LayerWeightGroup(layerName: classOrderName[layer.layerName]!,
                             weights: layer.weights.map { WeightArray(name: $0.name, shape: $0.shape, values: $0.values) })
        }
        let path = directory.appendingPathComponent("converted.weights.h5").path
        try KerasWeightFile.writeKeras3(path: path, layers: layers)
        let keras = try KerasWeightFile.read(path: SharedFiles.golden.appendingPathComponent("tiny.weights.h5").path)
        XCTAssertEqual(try KerasWeightFile.read(path: path), keras)
    }

    func testNestedKeras3PathsRoundTrip() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let layers = [
            LayerWeightGroup(layerName: "functional/conv2d", weights: [WeightArray(name: "0", shape: [1, 1, 1, 2], values: [1, 2]),
                                                                     WeightArray(name: "1", shape: [2], values: [3, 4])]),
            LayerWeightGroup(layerName: "dense", weights: [WeightArray(name: "0", shape: [2, 1], values: [5, 6]),
                                                          WeightArray(name: "1", shape: [1], values: [7])]),
        ]
        let path = directory.appendingPathComponent("nested.weights.h5").path
        try KerasWeightFile.writeKeras3(path: path, layers: layers)
        let read = try KerasWeightFile.read(path: path)
        // The enclosing model gets an (empty) vars group as Keras writes it, so it is listed too.
        XCTAssertEqual(read.layers.map(\.layerName), ["dense", "functional", "functional/conv2d"])
        XCTAssertEqual(read.layer(named: "functional/conv2d"), layers[0])
        XCTAssertEqual(read.layer(named: "dense"), layers[1])
        XCTAssertEqual(read.layer(named: "functional")?.weights, [])
    }

    func testLegacyWriteNamesBareWeightsLikeKeras2() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let path = directory.appendingPathComponent("bare.h5").path
        let layer = LayerWeightGroup(layerName: "dense", weights: [WeightArray(name: "kernel", shape: [2, 1], values: [1, 2]),
                                                                   WeightArray(name: "bias", shape: [1], values: [3])])
        try KerasWeightFile.writeLegacy(path: path, layers: [LayerWeightGroup(layerName: "flatten", weights: []), layer])
        let read = try KerasWeightFile.read(path: path)
        XCTAssertEqual(read.layers.map(\.layerName), ["flatten", "dense"])
        XCTAssertEqual(read.layer(named: "dense")?.weights.map(\.name), ["dense/kernel:0", "dense/bias:0"])
        XCTAssertEqual(read.layer(named: "dense")?.weights.map(\.values), [[1, 2], [3]])

        // The attributes Keras's loader looks at are present and spelled as Keras writes them.
        let root = try HDF5File.open(path).root()
        XCTAssertEqual(try root.stringAttribute("backend"), "tensorflow")
        XCTAssertFalse(try root.stringAttribute("keras_version").hasPrefix("1"))
        XCTAssertEqual(try root.group("dense").stringsAttribute("weight_names"), ["dense/kernel:0", "dense/bias:0"])
        XCTAssertEqual(try root.group("dense/dense").childNames(), ["bias:0", "kernel:0"])
        XCTAssertEqual(try root.group("top_level_model_weights").stringsAttribute("weight_names"), [])
    }

    func testLongLayerNameListsAreSplitIntoChunksAsKerasDoes() throws {
        // 300 names of 250 bytes exceed Keras's 64512-byte attribute limit, so Keras writes layer_names0, layer_names1.
        let directory = try makeTemporaryDirectory(for: self)
        let path = directory.appendingPathComponent("many.h5").path
        let layers = (0..<300).map { index in
            LayerWeightGroup(layerName: String(format: "layer_%03d_", index) + String(repeating: "x", count: 240),
                             weights: [WeightArray(name: "bias", shape: [1], values: [Float(index)])])
        }
        try KerasWeightFile.writeLegacy(path: path, layers: layers)
        let root = try HDF5File.open(path).root()
        XCTAssertFalse(root.hasAttribute("layer_names"))
        XCTAssertEqual(try root.stringsAttribute("layer_names0").count, 150)
        XCTAssertEqual(try root.stringsAttribute("layer_names1").count, 150)
        XCTAssertFalse(root.hasAttribute("layer_names2"))
        let read = try KerasWeightFile.read(path: path)
        XCTAssertEqual(read.layers.map(\.layerName), layers.map(\.layerName))
        XCTAssertEqual(read.layers.map { $0.weights[0].values[0] }, (0..<300).map(Float.init))
    }

    func testWriteReplacesAnExistingFileAndRejectsBadInput() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let path = directory.appendingPathComponent("w.h5").path
        try KerasWeightFile.writeLegacy(path: path, layers: [LayerWeightGroup(layerName: "a", weights: [])])
        try KerasWeightFile.writeLegacy(path: path, layers: [LayerWeightGroup(layerName: "b", weights: [])])
        XCTAssertEqual(try KerasWeightFile.read(path: path).layers.map(\.layerName), ["b"])

        let wrongCount = LayerWeightGroup(layerName: "dense", weights: [WeightArray(name: "kernel", shape: [2, 3], values: [1, 2])])
        assertThrowsMessage(["w.h5", "kernel", "dense", "[2, 3]", "6 values", "2 values"]) {
            try KerasWeightFile.writeLegacy(path: path, layers: [wrongCount])
        }
        assertThrowsMessage(["twice", "'a'"]) {
            try KerasWeightFile.writeLegacy(path: path, layers: [LayerWeightGroup(layerName: "a", weights: []), LayerWeightGroup(layerName: "a", weights: [])])
        }
        // A failed write leaves the previous file intact and no temporary file behind.
        XCTAssertEqual(try KerasWeightFile.read(path: path).layers.map(\.layerName), ["b"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["w.h5"])
        assertThrowsMessage(["no-such-folder", "does not exist"]) {
            try KerasWeightFile.writeKeras3(path: directory.appendingPathComponent("no-such-folder/x.weights.h5").path, layers: [])
        }
    }
}
