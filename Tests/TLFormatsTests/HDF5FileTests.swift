import Foundation
import TLFormats
import TLTestSupport
import XCTest

/// The HDF5 wrapper on its own: the string attribute forms Keras files use, element type conversion,
/// the Keras 2 original layout and full-model saves.
final class HDF5FileTests: XCTestCase {
    func testStringAttributesInEveryStorage() throws {
        let path = try makeTemporaryDirectory(for: self).appendingPathComponent("strings.h5").path
        let file = try HDF5File.create(path)
        let root = try file.root()
        let names = ["block1_conv1_W_1:0", "b", "Ünïcode"]
        try root.setStringsAttribute("fixed", names, storage: .fixedLengthASCII)
        try root.setStringsAttribute("vlen", names, storage: .variableLengthASCII)
        try root.setStringsAttribute("utf8", names, storage: .variableLengthUTF8)
        try root.setStringsAttribute("scalar", ["tensorflow"], storage: .variableLengthUTF8, scalar: true)
        try root.setStringsAttribute("fixedScalar", ["2.1.6"], storage: .fixedLengthASCII, scalar: true)
        try root.setEmptyArrayAttribute("empty")
        try root.createDataset("numbers", shape: [1], values: [1])
        try file.close()

        let reread = try HDF5File.open(path).root()
        for attribute in ["fixed", "vlen", "utf8"] {
            XCTAssertEqual(try reread.stringsAttribute(attribute), names, attribute)
        }
        XCTAssertEqual(try reread.stringAttribute("scalar"), "tensorflow")
        XCTAssertEqual(try reread.stringAttribute("fixedScalar"), "2.1.6")
        XCTAssertEqual(try reread.stringsAttribute("empty"), [])
        XCTAssertFalse(reread.hasAttribute("absent"))
        assertThrowsMessage([path, "no attribute 'absent'"]) { try reread.stringsAttribute("absent") }
        assertThrowsMessage(["holds 3 strings where one was expected"]) { try reread.stringAttribute("vlen") }
    }

    func testFloat16AndFloat64DatasetsReadAsFloat() throws {
        let path = try makeTemporaryDirectory(for: self).appendingPathComponent("types.h5").path
        let file = try HDF5File.create(path)
        let values: [Float] = [0.5, -2, 65504, 1.0 / 3.0, 0.1]
        try file.root().createDataset("half", shape: [5], values: values, storage: .float16)
        try file.root().createDataset("double", shape: [5], values: values, storage: .float64)
        try file.root().createDataset("scalar", shape: [], values: [7])
        try file.close()

        let root = try HDF5File.open(path).root()
        // Half precision keeps 11 significant bits: 1/3 -> 0.333251953125, 0.1 -> 0.0999755859375.
        XCTAssertEqual(try root.dataset("half").readFloats(), [0.5, -2, 65504, 0.333251953125, 0.0999755859375])
        XCTAssertEqual(try root.dataset("double").readFloats(), values)
        XCTAssertEqual(try root.dataset("scalar").shape(), [])
        XCTAssertEqual(try root.dataset("scalar").readFloats(), [7])
        XCTAssertEqual(root.kind(of: "half"), .dataset)
        XCTAssertNil(root.kind(of: "missing/deeper"))
    }

    func testKeras2OriginalLayoutWithFixedLengthNamesInsideAFullModelSave() throws {
        // Keras 2.0's vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5 keeps datasets directly in the layer
        // group (block1_conv1_W_1:0) and stores the names as fixed-length strings; full-model saves put
        // everything under model_weights. Bias listed before kernel: the order must follow weight_names.
        let path = try makeTemporaryDirectory(for: self).appendingPathComponent("model.h5").path
        let file = try HDF5File.create(path)
        let weights = try file.root().createGroup("model_weights")
        try weights.setStringsAttribute("layer_names", ["input_1", "block1_conv1"], storage: .fixedLengthASCII)
        try weights.createGroup("input_1").setEmptyArrayAttribute("weight_names")
        let conv = try weights.createGroup("block1_conv1")
        try conv.setStringsAttribute("weight_names", ["block1_conv1_b_1:0", "block1_conv1_W_1:0"], storage: .fixedLengthASCII)
        try conv.createDataset("block1_conv1_W_1:0", shape: [1, 1, 3, 2], values: [1, 2, 3, 4, 5, 6])
        try conv.createDataset("block1_conv1_b_1:0", shape: [2], values: [-1, -2])
        try file.close()

        let read = try KerasWeightFile.read(path: path)
        XCTAssertEqual(read.layout, .legacy)
        XCTAssertEqual(read.layers, [
            LayerWeightGroup(layerName: "input_1", weights: []),
            LayerWeightGroup(layerName: "block1_conv1", weights: [
                WeightArray(name: "block1_conv1_b_1:0", shape: [2], values: [-1, -2]),
                WeightArray(name: "block1_conv1_W_1:0", shape: [1, 1, 3, 2], values: [1, 2, 3, 4, 5, 6]),
            ]),
        ])
    }

    func testEdgeWeightsListBiasAfterKernelAsTheFileSays() throws {
        // vgg16_edges_notop.h5 lists kernel then bias, while HDF5 lists the datasets alphabetically
        // (bias first): reading must follow weight_names, not the group listing.
        let root = try HDF5File.open(SharedFiles.vgg16EdgeWeights).root()
        XCTAssertEqual(try root.group("block1_conv1/block1_conv1").childNames(), ["bias", "kernel"])
        XCTAssertEqual(try root.group("block1_conv1").stringsAttribute("weight_names"), ["block1_conv1/kernel", "block1_conv1/bias"])
    }
}
