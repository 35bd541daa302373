import Foundation
import XCTest
import TLNN
import TLFormats
import TLScript
@testable import TLLang

/// `save_model` / `load_model`: architecture, trainable flags, compile settings and weights in one
/// Keras-layout HDF5 file, giving identical predictions in a fresh session or a fresh `tl` process.
final class ModelFileTests: ScriptSessionTestCase {
    /// A fine-tuned VGG16 stack: part of the base frozen, a classifier on top, compiled, one step trained.
    func fineTunedVGG16Script(save path: String) -> String {
        """
        \(rampFunction)set_seed(3)
        conv_base = VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
        model = sequential()
        model.add(conv_base)
        model.add(flatten())
        model.add(dense(8, activation="relu"))
        model.add(dropout(0.5))
        model.add(dense(1, activation="sigmoid"))
        unfreeze(conv_base, from="block5_conv1")
        model.compile(optimizer=rmsprop(lr=1e-4), loss="binary_crossentropy", metrics=["acc"])
        x = reshape(ramp(2 * 32 * 32 * 3, 17), (2, 32, 32, 3))
        model.fit(x, [0, 1], epochs=1, batch_size=2, verbose=0)
        before = predict(model, x)
        save_model(model, "\(path)")
        """
    }

    func testFineTunedVGG16ReloadsWithItsFlagsCompileSettingsAndPredictions() throws {
        let file = path("fine_tuned.h5")
        let first = Session(output: { _ in })
        try first.interpreter.run(source: fineTunedVGG16Script(save: file), fileName: "save.tl")
        guard case .object(let before as ArrayObject)? = first.interpreter[variable: "before"],
              case .object(let x as ArrayObject)? = first.interpreter[variable: "x"],
              case .object(let original as ModelObject)? = first.interpreter[variable: "model"] else { return XCTFail("no model") }

        let second = Session(output: { _ in })
        second.interpreter[variable: "x"] = .object(x)
        try second.interpreter.run(source: """
            model = load_model("\(file)")
            after = predict(model, x)
            """, fileName: "load.tl")
        guard case .object(let after as ArrayObject)? = second.interpreter[variable: "after"],
              case .object(let loaded as ModelObject)? = second.interpreter[variable: "model"] else { return XCTFail("no loaded model") }
        XCTAssertEqual(after.tensor.scalars, before.tensor.scalars)
        XCTAssertEqual(loaded.summary, original.summary)
        XCTAssertEqual(loaded.layer.allLayers.map(\.trainable), original.layer.allLayers.map(\.trainable))
        XCTAssertEqual(loaded.layer.trainableWeights.count, 10)   // block5's 3 convolutions + 2 dense layers
        let compiled = try XCTUnwrap(loaded.model?.compiled)
        XCTAssertEqual(compiled.optimizer.description, original.model?.compiled?.optimizer.description)
        XCTAssertEqual(compiled.loss, .binaryCrossentropy)
        XCTAssertEqual(compiled.metrics, ["acc"])
        // The file is also an ordinary Keras weight file (the full-model layout's model_weights group).
        XCTAssertEqual(try KerasWeightFile.read(path: file).layout, .legacy)
    }

    func testEfficientNetLiteBaseRoundTrips() throws {
        let file = path("lite.h5")
        let session = Session(output: { _ in })
        try session.interpreter.run(source: """
            \(rampFunction)set_seed(5)
            base = load_efficientnet_lite0(weights=None, include_top=False, input_shape=(32, 32, 3), pooling="avg")
            base.trainable = False
            model = sequential()
            model.add(base)
            model.add(dense(2, activation="softmax"))
            x = reshape(ramp(32 * 32 * 3, 13), (1, 32, 32, 3))
            save_model(model, "\(file)")
            again = load_model("\(file)")
            expected = predict(model, x)
            actual = predict(again, x)
            """, fileName: "lite.tl")
        guard case .object(let expected as ArrayObject)? = session.interpreter[variable: "expected"],
              case .object(let actual as ArrayObject)? = session.interpreter[variable: "actual"],
              case .object(let again as ModelObject)? = session.interpreter[variable: "again"] else { return XCTFail("no predictions") }
        XCTAssertEqual(actual.tensor.scalars, expected.tensor.scalars)
        XCTAssertEqual(again.layer.trainableWeights.count, 2)
        XCTAssertEqual(again.layer.parameterCount, 3_415_586)
    }

    func testSavedModelReloadsInAFreshTLProcess() throws {
        guard let tl = Self.tlExecutable else { throw XCTSkip("the tl executable is not built beside the tests") }
        let file = path("small.h5")
        let out = try run("""
            \(rampFunction)set_seed(11)
            model = sequential()
            model.add(conv2d(4, (3, 3), activation="relu", input_shape=(8, 8, 3)))
            model.add(max_pooling2d((2, 2)))
            model.add(global_average_pooling2d())
            model.add(dense(3, activation="softmax"))
            model.compile(optimizer=adam(lr=0.01), loss="categorical_crossentropy")
            x = reshape(ramp(2 * 8 * 8 * 3, 7), (2, 8, 8, 3))
            save_npy("\(path("x.npy"))", x)
            save_model(model, "\(file)")
            save_npy("\(path("expected.npy"))", predict(model, x))
            """)
        XCTAssertTrue(out.contains("saved model"), out)
        let process = Process()
        process.executableURL = tl
        process.arguments = ["-c", "m = load_model(\"\(file)\"); save_npy(\"\(path("actual.npy"))\", predict(m, load_npy(\"\(path("x.npy"))\")))"]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(try NPY.read(path: path("actual.npy")).values, try NPY.read(path: path("expected.npy")).values)
    }

    /// A compiled graph model is saved and loaded compiled itself (no Sequential wrapped around it), and
    /// trains after loading.
    func testCompiledGraphModelReloadsCompiled() throws {
        let file = path("graph.h5")
        let session = Session(output: { _ in })
        try run("""
            \(rampFunction)set_seed(4)
            inputs = keras.Input(shape=(4,))
            outputs = layers.Dense(2, activation="softmax")(layers.Dense(3, activation="relu")(inputs))
            model = keras.Model(inputs, outputs)
            model.compile(optimizer=sgd(lr=0.05, momentum=0.9), loss="sparse_categorical_crossentropy", metrics=["acc"])
            save_model(model, "\(file)")
            again = load_model("\(file)")
            history = again.fit(reshape(ramp(8, 5), (2, 4)), [0, 1], epochs=1, verbose=0)
            """, session: session)
        guard case .object(let again as ModelObject)? = session.interpreter[variable: "again"] else { return XCTFail("no model") }
        XCTAssertTrue(again.layer is Functional)
        XCTAssertEqual(again.model?.compiled?.optimizer.description, "SGD(learning_rate=0.05, momentum=0.9, nesterov=false)")
        XCTAssertEqual(again.model?.compiled?.metrics, ["acc"])
        // A graph takes no more layers (nothing hidden around it to add them to).
        let message = failure("inputs = keras.Input(shape=(4,))\nm = keras.Model(inputs, layers.Dense(2)(inputs))\nm.add(dense(1))")
        XCTAssertTrue(message.contains("is a graph model"), message)
    }

    func testWeightsOnlyFileAndDamagedConfigAreExplained() throws {
        try run("""
            m = sequential()
            m.add(dense(2, input_dim=3))
            save_weights(m, "\(path("w.h5"))")
            """)
        let message = failure("load_model(\"\(path("w.h5"))\")")
        XCTAssertTrue(message.contains("holds weights but no model architecture") && message.contains("load_weights"), message)
        XCTAssertTrue(failure("load_model(\"\(path("missing.h5"))\")").contains("does not exist"))
        XCTAssertTrue(failure("m = sequential()\nm.add(dense(2, input_dim=3))\nsave_model(m, \"\(path("m.keras"))\")").contains("name it NAME.h5"))
    }
}

/// A script function making `n` values cycling through [0, 1) with period `m` (no list comprehensions in tl).
let rampFunction = """
    def ramp(n, m):
        values = []
        for i in range(n):
            values.append(float(i % m) / m)
        return values

    """
