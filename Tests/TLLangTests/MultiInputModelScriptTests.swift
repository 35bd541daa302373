import Foundation
import XCTest
import TLScript
import TLNN
@testable import TLLang

/// Keras's functional API with several inputs and outputs and a shared layer, from scripts.
final class MultiInputModelScriptTests: ScriptSessionTestCase {
    static let model = """
        import numpy as np
        a = keras.Input(shape=(4,), name="in_a")
        b = keras.Input(shape=(4,), name="in_b")
        shared = layers.Dense(3, activation="tanh", name="shared")
        ha = shared(a)
        hb = shared(b)
        merged = layers.Concatenate(name="merged")([ha, hb])
        y_bin = layers.Dense(1, activation="sigmoid", name="out_bin")(merged)
        y_cat = layers.Dense(3, activation="softmax", name="out_cat")(hb)
        model = keras.Model(inputs=[a, b], outputs=[y_bin, y_cat])
        xa = np.cos(0.3 * np.arange(48)).reshape(12, 4) * 1.5
        xb = np.sin(0.45 * np.arange(48) + 1.0).reshape(12, 4)
        y1 = (np.arange(12) % 3 == 0).astype("float32").reshape(12, 1)
        y2 = np.eye(3)[np.arange(12) * 7 % 3]

        """

    func testTwoInputsTwoOutputsTrainPredictSaveAndLoad() throws {
        let printed = try run(Self.model + """
            model.summary()
            model.compile(optimizer=optimizers.SGD(learning_rate=0.1),
                          loss={"out_bin": "binary_crossentropy", "out_cat": losses.CategoricalCrossentropy()},
                          loss_weights=[1.0, 0.5], metrics={"out_bin": ["accuracy"], "out_cat": ["accuracy"]})
            history = model.fit([xa, xb], [y1, y2], batch_size=4, epochs=2, shuffle=False, verbose=0,
                                validation_data=([xa, xb], {"out_bin": y1, "out_cat": y2}))
            print(sorted(history.history.keys()))
            scores = model.evaluate([xa, xb], [y1, y2], verbose=0)
            print(len(scores), abs(scores[0] - (scores[1] + 0.5 * scores[2])) < 1e-6)
            p = model.predict([xa, xb])
            print(len(p), p[0].shape, p[1].shape)
            model.save("\(path("two_way.h5"))")
            again = keras.models.load_model("\(path("two_way.h5"))")
            q = again.predict([xa, xb])
            print(np.abs(q[0] - p[0]).max() == 0, np.abs(q[1] - p[1]).max() == 0)
            print(len(again.layers), len(again.weights))
            """)
        XCTAssertTrue(printed.contains("shared[1][0]"), printed)
        XCTAssertTrue(printed.contains("Total params: 34"), printed)
        XCTAssertTrue(printed.contains("['loss', 'out_bin_accuracy', 'out_bin_loss', 'out_cat_accuracy', 'out_cat_loss', 'val_loss', 'val_out_bin_accuracy', 'val_out_bin_loss', 'val_out_cat_accuracy', 'val_out_cat_loss']"), printed)
        XCTAssertTrue(printed.contains("5 True"), printed)
        XCTAssertTrue(printed.contains("2 (12, 1) (12, 3)"), printed)
        XCTAssertTrue(printed.contains("True True"), printed)
        XCTAssertTrue(printed.contains("6 6"), printed)
    }

    func testMistakesSayWhatToDo() throws {
        let predict = failure(Self.model + "model.predict(xa)")
        XCTAssertTrue(predict.contains("x must be a list of 2 arrays, one for each of in_a, in_b"), predict)
        let fit = failure(Self.model + """
            model.compile(optimizer="sgd", loss="mse")
            model.fit([xa, xb], [y1], verbose=0)
            """)
        XCTAssertTrue(fit.contains("y must be a list of 2 arrays, one for each of out_bin, out_cat"), fit)
        let losses = failure(Self.model + "model.compile(optimizer=\"sgd\", loss=[\"mse\"])")
        XCTAssertTrue(losses.contains("lists 1 values but the model has 2 outputs"), losses)
        let names = failure(Self.model + "model.compile(optimizer=\"sgd\", loss={\"out_bin\": \"mse\", \"price\": \"mse\"})")
        XCTAssertTrue(names.contains("'price', which is not an output"), names)
        let dict = failure(Self.model + "m = keras.Model([a, b], {\"bin\": y_bin})")
        XCTAssertTrue(dict.contains("not a dict; pass a list"), dict)
    }

    /// A graph model tf-keras wrote (two InputLayers, a layer with two inbound nodes, two outputs) loads
    /// and predicts what tf-keras predicted with it.
    func testKerasWrittenGraphModelLoadsAndPredictsAsKeras() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/keras_two_way.h5").path
        let session = Session(output: { _ in })
        try run(Self.model + """
            m = keras.models.load_model("\(file)")
            p = m.predict([xa, xb])
            m.summary()
            m.compile(optimizer="sgd", loss=["binary_crossentropy", "categorical_crossentropy"])
            h = m.fit([xa, xb], [y1, y2], epochs=1, verbose=0)
            """, session: session)
        let outputs = try XCTUnwrap(session.interpreter[variable: "p"]?.asSequence)
        for (value, expected) in zip(outputs, [KerasTwoWayModelFixture.predictedBinary, KerasTwoWayModelFixture.predictedCategorical]) {
            let array = try value.toTensor(argument: "p", command: "test")
            XCTAssertEqual(array.count, expected.count)
            for (a, b) in zip(array.scalars, expected) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        }
        let model = try XCTUnwrap((session.interpreter[variable: "m"]?.asObject as? LayerBacked)?.layer as? Functional)
        XCTAssertEqual(model.inputNodes.count, 2)
        XCTAssertEqual(model.outputLayers.map(\.name), ["out_bin", "out_cat"])
        XCTAssertEqual(model.nodes.filter { $0.layer.name == "shared" }.count, 2)
    }
}
