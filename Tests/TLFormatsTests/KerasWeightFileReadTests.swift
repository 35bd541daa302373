import TLFormats
import TLTestSupport
import XCTest

/// Reading Keras's own files: both layouts, checked against each other and against the VGG16 architecture.
final class KerasWeightFileReadTests: XCTestCase {
    func testReadsVGG16LegacyFileInLayerOrder() throws {
        let file = try KerasWeightFile.read(path: SharedFiles.vgg16EdgeWeights)
        XCTAssertEqual(file.layout, .legacy)
        // The file's input layer is called input_layer (Keras 3 naming), then VGG16's layers in order.
        let expectedNames = ["input_layer",
                             "block1_conv1", "block1_conv2", "block1_pool",
                             "block2_conv1", "block2_conv2", "block2_pool",
                             "block3_conv1", "block3_conv2", "block3_conv3", "block3_pool",
                             "block4_conv1", "block4_conv2", "block4_conv3", "block4_pool",
                             "block5_conv1", "block5_conv2", "block5_conv3", "block5_pool"]
        XCTAssertEqual(file.layers.map(\.layerName), expectedNames)

        // VGG16's convolution widths, block by block; every convolution is 3x3.
        let widths = [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512]
        let convolutions = file.layers.filter { $0.layerName.contains("conv") }
        XCTAssertEqual(convolutions.count, 13)
        var inputChannels = 3
        for (layer, outputChannels) in zip(convolutions, widths) {
            XCTAssertEqual(layer.weights.map(\.name), ["\(layer.layerName)/kernel", "\(layer.layerName)/bias"])
            XCTAssertEqual(layer.weights[0].shape, [3, 3, inputChannels, outputChannels], layer.layerName)
            XCTAssertEqual(layer.weights[1].shape, [outputChannels], layer.layerName)
            XCTAssertEqual(layer.weights[0].values.count, 9 * inputChannels * outputChannels)
            inputChannels = outputChannels
        }
        for layer in file.layers where !layer.layerName.contains("conv") {
            XCTAssertTrue(layer.weights.isEmpty, "\(layer.layerName) has no weights")
        }
        XCTAssertEqual(file.parameterCount, 14_714_688)  // Keras: VGG16(include_top=False).count_params()
        // Real trained weights, not zeros: block1_conv1's kernel varies.
        let kernel = convolutions[0].weights[0].values
        XCTAssertGreaterThan(kernel.max()! - kernel.min()!, 0.1)
    }

    func testTinyLegacyAndKeras3FilesHoldTheSameWeights() throws {
        let legacy = try KerasWeightFile.read(path: SharedFiles.golden.appendingPathComponent("tiny_legacy.h5").path)
        let keras3 = try KerasWeightFile.read(path: SharedFiles.golden.appendingPathComponent("tiny.weights.h5").path)
        XCTAssertEqual(legacy.layout, .legacy)
        XCTAssertEqual(keras3.layout, .keras3)
        XCTAssertEqual(legacy.layers.map(\.layerName), ["c1", "p1", "c2", "f", "d1", "drop", "d2"])
        XCTAssertEqual(legacy.layer(named: "c1")?.weights.map(\.name), ["sequential/c1/kernel", "sequential/c1/bias"])
        XCTAssertEqual(Set(keras3.layers.map(\.layerName)),
                       ["conv2d", "conv2d_1", "dense", "dense_1", "dropout", "flatten", "max_pooling2d"])

        // Keras 3 names layers by class and order of creation.
        let classOrderName = ["c1": "conv2d", "p1": "max_pooling2d", "c2": "conv2d_1", "f": "flatten",
                              "d1": "dense", "drop": "dropout", "d2": "dense_1"]
        for layer in legacy.layers {
            let twin = try XCTUnwrap(keras3.layer(named: classOrderName[layer.layerName]!))
            XCTAssertEqual(twin.weights.map(\.name), layer.weights.indices.map(String.init))
            XCTAssertEqual(twin.weights.map(\.shape), layer.weights.map(\.shape), layer.layerName)
            XCTAssertEqual(twin.weights.map(\.values), layer.weights.map(\.values), layer.layerName)
        }
        // Shapes of the model in the golden manifest on 12x10x3 inputs: Conv2D(4,3,same) -> 12x10x4,
        // MaxPool2 -> 6x5x4, Conv2D(5,3,valid) -> 4x3x5, Flatten -> 60, Dense(6), Dense(1).
        XCTAssertEqual(legacy.layers.flatMap { $0.weights.map(\.shape) },
                       [[3, 3, 3, 4], [4], [3, 3, 4, 5], [5], [60, 6], [6], [6, 1], [1]])
        XCTAssertEqual(legacy.parameterCount, 108 + 4 + 180 + 5 + 360 + 6 + 6 + 1)
    }
}
