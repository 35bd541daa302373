import Foundation
import XCTest
import TLTensor
import TLNN
import TLFormats
import TLTestSupport
import TLSaving
@testable import TLZoo

/// Weights for the keras.applications bases: Keras's file names and hashes, the MobileNets' hashless
/// files checked layer by layer, Keras 2.0-era ResNet50 names, compressed datasets, and wrong files.
final class ApplicationWeightsTests: XCTestCase {
    func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tl-weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "no error" } catch { return "\(error)" }
    }

    /// The names and MD5s keras.applications uses (tf-keras 2.21 sources).
    func testKerasFileNamesAndHashes() {
        let resnet = KerasApplication.resnet50.publishedWeights(includeTop: false)
        XCTAssertEqual(resnet.fileName, "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5")
        XCTAssertEqual(resnet.url, "https://storage.googleapis.com/tensorflow/keras-applications/resnet/resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5")
        XCTAssertEqual(resnet.md5, "4d473c1dd8becc155b73f8504c6f6626")
        XCTAssertEqual(KerasApplication.inceptionV3.publishedWeights(includeTop: true).md5, "9a0d58056eeedaa3f26cb7ebd46da564")
        XCTAssertEqual(KerasApplication.xception.publishedWeights(includeTop: false).fileName, "xception_weights_tf_dim_ordering_tf_kernels_notop.h5")
        XCTAssertEqual(KerasApplication.vgg19.publishedWeights(includeTop: false).md5, "253f8cb515780f3b799900260a226db6")
        let mobile = KerasApplication.mobilenet.publishedWeights(includeTop: false, alpha: 0.75, rows: 160)
        XCTAssertEqual(mobile.fileName, "mobilenet_7_5_160_tf_no_top.h5")
        XCTAssertNil(mobile.md5)
        let v2 = KerasApplication.mobilenetV2.publishedWeights(includeTop: true, alpha: 0.35, rows: 96)
        XCTAssertEqual(v2.fileName, "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96.h5")
        XCTAssertEqual(KerasApplication.mobilenetV2.publishedWeights(includeTop: false).fileName,
                       "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5")
    }

    /// `'imagenet'` finds Keras's own file in the cache; a MobileNetV2 file (no published hash) is checked
    /// layer by layer: the genuine layout loads, another model's file is refused before anything loads,
    /// and the offline message says that no hash exists.
    func testImageNetResolutionForAHashlessFile() throws {
        let home = try makeTemporaryDirectory()
        let cache = home.appendingPathComponent(".keras/models")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        let options = ApplicationOptions(includeTop: false, inputShape: [96, 96, 3])
        let offline = WeightsResolver(environment: ["HOME": home.path], download: { _, _ in throw ZooError("no network") })
        let missing = message { try KerasApplication.mobilenetV2.load(weights: .imagenet, options: options, alpha: 0.35, resolver: offline) }
        XCTAssertTrue(missing.contains("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"), missing)
        XCTAssertTrue(missing.contains("Keras publishes no hash for it"), missing)

        LayerNames.reset()
        let source = try MobileNetV2.make(options, alpha: 0.35)
        BaseFixtures.setFormulaWeights(source)
        let file = cache.appendingPathComponent("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5").path
        try KerasWeights.save(source, path: file)
        let loaded = try KerasApplication.mobilenetV2.load(weights: .imagenet, options: options, alpha: 0.35, resolver: offline)
        XCTAssertTrue(zip(loaded.weights, source.weights).allSatisfy { $0.value == $1.value })

        try KerasWeights.save(try MobileNet.make(ApplicationOptions(includeTop: false), alpha: 0.25), path: file)
        let foreign = message { try KerasApplication.mobilenetV2.load(weights: .imagenet, options: options, alpha: 0.35, resolver: offline) }
        XCTAssertTrue(foreign.contains("Keras publishes no hash for it, so tl checks its layers"), foreign)
        XCTAssertTrue(foreign.contains("weighted layer 1 is 'conv1' in the file, 'Conv1' in the model"), foreign)
    }

    /// A cached file with another MD5 than Keras publishes is refused.
    func testImageNetFileWithWrongHashIsRefused() throws {
        let directory = try makeTemporaryDirectory()
        try Data("not weights".utf8).write(to: directory.appendingPathComponent("xception_weights_tf_dim_ordering_tf_kernels_notop.h5"))
        let resolver = WeightsResolver(environment: ["TL_WEIGHTS_DIR": directory.path, "HOME": directory.path])
        let text = message { try KerasApplication.xception.load(weights: .imagenet, options: ApplicationOptions(includeTop: false), resolver: resolver) }
        XCTAssertTrue(text.contains("Keras publishes b0042744bf5b25fce3cb969f33bebb97"), text)
    }

    /// A Keras 2.0-era ResNet50 file (`conv1`, `bn_conv1`, `res2a_branch2a`, ..., in another order) loads by
    /// its names; today's file of another shape names the layer and both shapes.
    func testKeras20ResNet50NamesAndWrongShapes() throws {
        LayerNames.reset()
        let options = ApplicationOptions(includeTop: false, inputShape: [32, 32, 3])
        let source = try ResNet50.make(options)
        BaseFixtures.setFormulaWeights(source)
        let oldNames = Dictionary(uniqueKeysWithValues: ResNet50.legacyLayerNames.map { ($1, $0) })
        let groups = KerasWeights.groups(of: source, layout: .legacy).filter { !$0.weights.isEmpty }.reversed().map {
            LayerWeightGroup(layerName: oldNames[$0.layerName]!, weights: $0.weights)
        }
        XCTAssertEqual(groups.last?.layerName, "conv1")
        let directory = try makeTemporaryDirectory()
        let old = directory.appendingPathComponent("resnet50_keras20.h5").path
        try KerasWeightFile.writeLegacy(path: old, layers: groups)
        let loaded = try KerasApplication.resnet50.load(weights: .file(old), options: options)
        XCTAssertTrue(zip(loaded.weights, source.weights).allSatisfy { $0.value == $1.value })
        XCTAssertEqual(ResNet50.legacyLayerNames["res5c_branch2c"], "conv5_block3_3_conv")
        XCTAssertEqual(ResNet50.legacyLayerNames["bn3a_branch1"], "conv3_block1_0_bn")

        let small = directory.appendingPathComponent("mobilenetv2_035.h5").path
        try KerasWeights.save(try MobileNetV2.make(ApplicationOptions(includeTop: false), alpha: 0.35), path: small)
        let text = message { try KerasApplication.mobilenetV2.load(weights: .file(small), options: ApplicationOptions(includeTop: false)) }
        XCTAssertTrue(text.contains("layer 'Conv1' weight 0 (kernel) has shape (3, 3, 3, 32) in the model but (3, 3, 3, 16) in the file"), text)
    }

    /// Chunked, gzip-compressed datasets (written by h5py) load like plain ones.
    func testGzipCompressedChunkedFileLoads() throws {
        LayerNames.reset()
        let graph = KerasGraphBuilder(inputShape: [8, 8, 3])
        var x = try graph(ZeroPadding2D((1, 1), name: "pad"), graph.input)
        x = try graph(Conv2D(filters: 4, kernelSize: (3, 3), name: "conv"), x)
        x = try graph(BatchNormalization(name: "bn"), x)
        x = try graph(SeparableConv2D(filters: 5, kernelSize: (3, 3), padding: .same, name: "sep"), x)
        let model = try graph.model(output: x, name: "tiny")
        try KerasWeights.load(into: model, path: BaseFixtures.directory.appendingPathComponent("gzip_chunked_legacy.h5").path)
        for layer in model.sublayers {
            for (index, parameter) in layer.weights.enumerated() {
                XCTAssertEqual(parameter.value, BaseFixtures.formulaWeight(layer: layer.name, index: index, parameter: parameter), "\(layer.name) \(parameter.name)")
            }
        }
        XCTAssertEqual(model.weights.count, 9)
    }
}
