import Foundation
import XCTest
import TLScript
import TLTestSupport
@testable import TLLang

/// The keras.applications commands at the prompt: constructors with Keras's arguments and names,
/// preprocess_input by module, decode_predictions.
final class ApplicationCommandTests: ScriptSessionTestCase {
    func testConstructorsBuildKerasBases() throws {
        let out = try run("""
            base = keras.applications.MobileNetV2(weights=None, include_top=False, input_shape=(96, 96, 3), alpha=0.35, pooling="avg")
            print(base.name, base.output_shape, base.count_params())
            r = resnet50.ResNet50(weights=None, include_top=False, input_shape=(64, 64, 3))
            print(r.layers[-1].name, r.output_shape)
            """)
        XCTAssertTrue(out.contains("mobilenetv2_0.35_96 (None, 1280) 410208"), out)
        XCTAssertTrue(out.contains("conv5_block3_out (None, 2, 2, 2048)"), out)
        XCTAssertTrue(failure("InceptionV3(weights=None, include_top=False, input_shape=(64, 64, 3))")
            .contains("Input size must be at least 75x75; Received: input_shape=(64, 64, 3)"))
        XCTAssertTrue(failure("Xception(weights=None, pooling='mean')").contains("must be None, \"avg\" or \"max\""))
    }

    /// `depth_multiplier` other than 1 without ImageNet weights, as Keras allows it: the depthwise layers
    /// give `channels * 2` outputs (6,432,928 parameters, by hand from Keras's layer list), the
    /// output shape is unchanged; ImageNet weights keep Keras's refusal.
    func testMobileNetDepthMultiplier() throws {
        let out = try run("""
            m = MobileNet(weights=None, include_top=False, input_shape=(64, 64, 3), depth_multiplier=2)
            print(m.output_shape, m.count_params())
            """)
        XCTAssertTrue(out.contains("(None, 2, 2, 1024) 6432928"), out)
        XCTAssertTrue(failure("MobileNet(weights='imagenet', depth_multiplier=2)").contains("depth multiplier must be 1"))
    }

    func testPreprocessInputPerFamilyAndDecodePredictions() throws {
        let out = try run("""
            x = [[[[255.0, 127.5, 0.0]]]]
            print(keras.applications.resnet50.preprocess_input(x))
            print(mobilenet_v2.preprocess_input(x))
            gen = image_data_generator(preprocessing_function="xception")
            """)
        // As NumPy prints float32 arrays (127.5 - 116.779 is 10.721001 in float32).
        XCTAssertTrue(out.contains("[[[[-103.939      10.721001  131.32    ]]]]"), out)
        XCTAssertTrue(out.contains("[[[[ 1.  0. -1.]]]]"), out)
        XCTAssertTrue(failure("decode_predictions([[0.5, 0.5]])").contains("(samples, 1000)"))
    }

    /// `count` real photos per class and split from the shared set, at `folder`.
    func makeDataSet(count: Int) throws -> URL {
        let root = directory.appendingPathComponent("data")
        for split in ["train", "validation", "test"] {
            for label in ["cats", "dogs"] {
                let target = root.appendingPathComponent("\(split)/\(label)")
                try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
                let source = SharedFiles.data.appendingPathComponent("\(split)/\(label)")
                for file in try FileManager.default.contentsOfDirectory(atPath: source.path).sorted().prefix(count) {
                    try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: target.appendingPathComponent(file))
                }
            }
        }
        return root
    }

    /// Method 3 on a graph base: the last block unfrozen inside a Sequential, one step of fit from a flow.
    func testFineTuningTheLastResNet50Block() throws {
        let data = try makeDataSet(count: 2)
        let out = try run("""
            from keras import models, layers, optimizers
            base = ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3))
            model = models.Sequential()
            model.add(base)
            model.add(layers.Flatten())
            model.add(layers.Dense(1, activation='sigmoid'))
            for layer in base.layers:
                layer.trainable = layer.name.startswith('conv5_block3')
            print('trainable', len(model.trainable_weights))
            model.compile(optimizer=optimizers.RMSprop(lr=1e-5), loss='binary_crossentropy', metrics=['acc'])
            gen = image_data_generator(preprocessing_function='resnet50')
            flow = flow_from_directory(gen, join_path("\(data.path)", "train"), target_size=(32, 32), batch_size=2, class_mode='binary')
            history = model.fit(flow, steps_per_epoch=2, epochs=1, verbose=0)
            print('epochs', len(history.history['loss']))
            """)
        XCTAssertTrue(out.contains("trainable 14"), out)
        XCTAssertTrue(out.contains("epochs 1"), out)
    }

    /// examples/other_bases.tl runs method 1 with the base chosen by --set, and says when the weights are
    /// not ImageNet's.
    func testOtherBasesExampleSaysWhenWeightsAreNotImageNets() throws {
        let data = try makeDataSet(count: 2)
        let example = SharedFiles.packageRoot.appendingPathComponent("examples/other_bases.tl")
        var printed = ""
        let quiet = Session(output: { printed += $0 })
        quiet.interpreter.parameterOverrides = try ParameterOverrides(assignments: [
            "base=mobilenet_v2", "weights=none", "epochs=1", "base_dir=\(data.path)",
        ])
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(directory.path)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        quiet.interpreter[variable: "__file__"] = .string(example.path)   // as `tl run` sets it
        try quiet.interpreter.run(source: try String(contentsOf: example, encoding: .utf8), fileName: example.path)
        XCTAssertTrue(printed.contains("NOTE: the mobilenet_v2 base runs with weights = None - not ImageNet's"), printed)
        XCTAssertTrue(printed.contains("test acc:"), printed)
        XCTAssertTrue(printed.contains("this accuracy is not a measure of transfer learning"), printed)
    }

    /// A model file keeps a keras.applications base (its new layers included), its frozen flags and its
    /// predictions; InceptionV3 (Concatenate, AveragePooling2D, BatchNormalization without gamma) and
    /// MobileNet (ZeroPadding2D, ReLU) both reload.
    func testBasesRoundTripThroughModelFiles() throws {
        for (index, constructor) in ["InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3), pooling='max')",
                                     "MobileNet(weights=None, include_top=False, input_shape=(32, 32, 3), alpha=0.25, pooling='avg')"].enumerated() {
            let file = path("base\(index).h5")
            let session = Session(output: { _ in })
            try session.interpreter.run(source: """
                \(rampFunction)set_seed(5)
                base = \(constructor)
                size = base.input_shape[1]
                model = sequential()
                model.add(base)
                model.add(dense(2, activation="softmax"))
                unfreeze(base, from=base.layers[-3].name)
                x = reshape(ramp(size * size * 3, 13), (1, size, size, 3))
                save_model(model, "\(file)")
                again = load_model("\(file)")
                expected = predict(model, x)
                actual = predict(again, x)
                """, fileName: "bases.tl")
            guard case .object(let expected as ArrayObject)? = session.interpreter[variable: "expected"],
                  case .object(let actual as ArrayObject)? = session.interpreter[variable: "actual"],
                  case .object(let model as ModelObject)? = session.interpreter[variable: "model"],
                  case .object(let again as ModelObject)? = session.interpreter[variable: "again"] else { return XCTFail("no predictions") }
            XCTAssertEqual(actual.tensor.scalars, expected.tensor.scalars, constructor)
            XCTAssertEqual(again.layer.trainableWeights.count, model.layer.trainableWeights.count, constructor)
            XCTAssertEqual(again.layer.parameterCount, model.layer.parameterCount, constructor)
        }
    }
}
