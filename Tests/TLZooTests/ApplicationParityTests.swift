import Foundation
import XCTest
import TLTensor
import TLNN
import TLTestSupport
import TLSaving
@testable import TLZoo

/// Each base computes what tf-keras computes with the same weights (a formula both sides evaluate; batch
/// normalisation statistics far from identity): tl writes them to both Keras layouts, loads them back by
/// order, by name and by Keras 3 path, and matches Keras's outputs at several layers and the gradients of
/// one training step with the last block unfrozen (frozen batch normalisation in inference mode), within
/// 1e-4 of the largest value.
final class ApplicationParityTests: XCTestCase {
    let tolerance: Float = 1e-4

    func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tl-bases-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// The model built for `input`'s size, its weights loaded from files tl wrote in both layouts.
    func loadedModel(_ make: (ApplicationOptions) throws -> Layer, size: Int) throws -> Layer {
        let options = ApplicationOptions(includeTop: false, inputShape: [size, size, 3])
        let source = try make(options)
        BaseFixtures.setFormulaWeights(source)
        let directory = try makeTemporaryDirectory()
        let legacy = directory.appendingPathComponent("formula.h5").path
        let keras3 = directory.appendingPathComponent("formula.weights.h5").path
        try KerasWeights.save(source, path: legacy)
        try KerasWeights.save(source, path: keras3)
        var loaded: [Layer] = []
        for (path, byName) in [(legacy, false), (legacy, true), (keras3, false)] {
            let model = try make(options)
            try KerasWeights.load(into: model, path: path, byName: byName)
            XCTAssertTrue(zip(model.weights, source.weights).allSatisfy { $0.value == $1.value }, "\(path) by name \(byName)")
            loaded.append(model)
        }
        return loaded[0]
    }

    func layers(of model: Layer) -> [Layer] {
        (model as? Functional)?.nodes.map(\.layer) ?? (model as! Sequential).layers
    }

    func output(of model: Layer, at name: String, for x: Tensor) throws -> Tensor {
        if let graph = model as? Functional { return try graph.prefix(through: name)(x) }
        let stack = layers(of: model)
        let end = try XCTUnwrap(stack.firstIndex { $0.name == name })
        return try Sequential(Array(stack[...end]), name: "prefix_" + name)(x)
    }

    func check(_ key: String, _ make: (ApplicationOptions) throws -> Layer, outputs: [String], unfreezeFrom firstTrained: Int? = nil,
               unfreezeAt name: String = "", movingStatistics bn: String? = nil) throws {
        LayerNames.reset()
        let x = try BaseFixtures.tensor("\(key)_input")
        let model = try loadedModel(make, size: x.shape[1])
        for name in outputs {
            let expected = try BaseFixtures.tensor("\(key)_out_\(name)")
            let y = try output(of: model, at: name, for: x)
            XCTAssertEqual(y.shape, expected.shape, name)
            let error = Golden.relativeError(y.scalars, expected.scalars)
            XCTAssertLessThan(error, tolerance, "\(key) \(name)")
            print("\(key) \(name): relative error \(error)")
        }
        let stack = layers(of: model)
        let start = try firstTrained ?? XCTUnwrap(stack.firstIndex { $0.name == name })
        for (index, layer) in stack.enumerated() { layer.trainable = index >= start }
        for p in model.trainableWeights { p.requiresGradient = true }
        let y = try model.forward(x, mode: ForwardMode(training: true, keepForBackward: true))
        _ = try model.backward(BaseFixtures.outputGradient(shape: y.shape), needsInputGradient: false)
        let names = try XCTUnwrap(try BaseFixtures.entry("\(key)_grad_names")["names"] as? [String])
        XCTAssertEqual(names.count, model.trainableWeights.count, "\(key): trainable weights")
        let expected = try names.map { try BaseFixtures.tensor("\(key)_grad_\($0.replacingOccurrences(of: "/", with: "_"))") }
        let largest = expected.map { $0.scalars.map(abs).max() ?? 0 }.max() ?? 0
        var worst: Float = 0
        for (qualified, reference) in zip(names, expected) {
            let parts = qualified.split(separator: "/").map(String.init)
            let layer = try XCTUnwrap(stack.first { $0.name == parts[0] }, qualified)
            let gradient = BaseFixtures.sampled(try XCTUnwrap(layer.weights.first { $0.name == parts[1] }?.gradient, qualified).scalars)
            let scale = reference.scalars.map(abs).max() ?? 0
            if scale < 1e-5 * largest {
                // Zero in exact arithmetic (a bias or shift that a batch normalisation in training mode
                // removes again): both sides hold rounding noise, which must be negligible on the model's scale.
                let noise = gradient.map(abs).max() ?? 0
                XCTAssertLessThan(noise, tolerance * largest, "\(key) gradient of \(qualified) should vanish")
                continue
            }
            let error = Golden.relativeError(gradient, reference.scalars)
            worst = max(worst, error)
            XCTAssertLessThan(error, tolerance, "\(key) gradient of \(qualified)")
        }
        print("\(key): worst gradient relative error \(worst) over \(names.count) weights")
        if let bn, let normalization = stack.first(where: { $0.name == bn }) as? BatchNormalization {
            // Keras 3's update (biased batch variance), which tl follows; tf-keras's fused kernel agrees on the mean.
            for (statistic, parameter) in [("mean", normalization.movingMean!), ("variance", normalization.movingVariance!)] {
                let expected = try BaseFixtures.tensor("\(key)_moving_\(bn)_\(statistic)")
                XCTAssertLessThan(Golden.relativeError(parameter.value.scalars, expected.scalars), tolerance, "\(key) \(bn) moving \(statistic)")
            }
            let tfKerasMean = try BaseFixtures.tensor("\(key)_tfkeras_moving_\(bn)_mean")
            XCTAssertLessThan(Golden.relativeError(normalization.movingMean!.value.scalars, tfKerasMean.scalars), tolerance, "\(key) \(bn) tf-keras moving mean")
        }
        model.clearCache()
    }

    func testVGG19() throws {
        try check("vgg19", { try VGG19.make($0) }, outputs: ["block1_conv2", "block3_pool", "block5_pool"], unfreezeAt: "block5_conv1")
    }

    func testResNet50() throws {
        try check("resnet50", { try ResNet50.make($0) }, outputs: ["pool1_pool", "conv3_block4_out", "conv5_block3_out"],
                  unfreezeAt: "conv5_block3_1_conv", movingStatistics: "conv5_block3_3_bn")
    }

    func testMobileNet() throws {
        try check("mobilenet", { try MobileNet.make($0) }, outputs: ["conv_pw_3_relu", "conv_pw_11_relu", "conv_pw_13_relu"],
                  unfreezeAt: "conv_dw_13", movingStatistics: "conv_pw_13_bn")
    }

    func testMobileNetDepthMultiplier2() throws {
        try check("mobilenet_dm2", { try MobileNet.make($0, depthMultiplier: 2) }, outputs: ["conv_dw_1_relu", "conv_pw_6_relu", "conv_pw_13_relu"],
                  unfreezeAt: "conv_dw_13", movingStatistics: "conv_pw_13_bn")
    }

    /// One `DepthwiseConv2D((3, 3), strides=2, padding='same', depth_multiplier=3)`: output and the gradients
    /// of `sum(y * R)` for the kernel, bias and input, as tf-keras computes them.
    func testDepthwiseConv2DDepthMultiplier3() throws {
        let x = try BaseFixtures.tensor("depthwise_dm3_input")
        let layer = DepthwiseConv2D(kernelSize: (3, 3), strides: (2, 2), padding: .same, depthMultiplier: 3, name: "dw")
        try layer.build(inputShape: [x.shape[1], x.shape[2], x.shape[3]])
        BaseFixtures.setFormulaWeights(layer)
        for p in layer.weights { p.requiresGradient = true }
        let y = try layer.forward(x, mode: ForwardMode(training: true, keepForBackward: true))
        let expected = try BaseFixtures.tensor("depthwise_dm3_output")
        XCTAssertEqual(y.shape, expected.shape)
        XCTAssertLessThan(Golden.relativeError(y.scalars, expected.scalars), tolerance)
        let dx = try XCTUnwrap(try layer.backward(BaseFixtures.outputGradient(shape: y.shape), needsInputGradient: true))
        for (name, value) in [("kernel", layer.kernel!.gradient!), ("bias", layer.bias!.gradient!), ("input", dx)] {
            let reference = try BaseFixtures.tensor("depthwise_dm3_grad_\(name)")
            XCTAssertEqual(value.shape, reference.shape, name)
            XCTAssertLessThan(Golden.relativeError(value.scalars, reference.scalars), tolerance, name)
        }
    }

    func testMobileNetV2() throws {
        try check("mobilenetv2", { try MobileNetV2.make($0) }, outputs: ["block_2_add", "block_12_add", "out_relu"],
                  unfreezeAt: "block_16_expand", movingStatistics: "Conv_1_bn")
    }

    func testInceptionV3() throws {
        LayerNames.reset()
        let probe = try InceptionV3.make(ApplicationOptions(includeTop: false, inputShape: [139, 139, 3]))
        let afterMixed9 = try XCTUnwrap(probe.nodes.firstIndex { $0.layer.name == "mixed9" }) + 1
        try check("inceptionv3", { try InceptionV3.make($0) }, outputs: ["mixed0", "mixed5", "mixed10"], unfreezeFrom: afterMixed9,
                  movingStatistics: "batch_normalization_93")
    }

    func testXception() throws {
        try check("xception", { try Xception.make($0) }, outputs: ["block2_pool", "add_5", "block14_sepconv2_act"],
                  unfreezeAt: "block14_sepconv1", movingStatistics: "block14_sepconv2_bn")
    }
}
