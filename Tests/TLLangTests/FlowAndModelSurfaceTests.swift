import Foundation
import XCTest
import TLScript
@testable import TLLang

/// Flows and models as a Keras user handles them: endless iteration over a flow, `predict` on any array,
/// weights in and out, layers' attributes, `datagen.flow` over arrays, image helpers, folder diagnostics.
final class FlowAndModelSurfaceTests: ScriptSessionTestCase {
    /// `classes` sub-folders of `name` holding `count` small PNGs each (and `loose` images beside them).
    @discardableResult
    func makeFolder(_ name: String, classes: [String], count: Int, loose: Int = 0) throws -> String {
        let root = directory.appendingPathComponent(name)
        for label in classes {
            let folder = root.appendingPathComponent(label)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<count { try TestImages.png(width: 10 + i, height: 9).write(to: folder.appendingPathComponent("\(label).\(i).png")) }
        }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for i in 0..<loose { try TestImages.png(width: 8, height: 8).write(to: root.appendingPathComponent("loose.\(i).png")) }
        return root.path
    }

    func testAFlowIsEndlessAndContinuesWhereItStands() throws {
        let data = try makeFolder("data", classes: ["cats", "dogs"], count: 3)
        let out = try run("""
            datagen = ImageDataGenerator(rescale=1./255)
            flow = datagen.flow_from_directory("\(data)", target_size=(6, 6), batch_size=4, class_mode='binary', shuffle=False)
            print(len(flow), flow.samples, flow.batch_size, flow.class_indices, flow.classes, flow.filenames[0])
            sizes = []
            i = 0
            for inputs_batch, labels_batch in flow:
                sizes.append(inputs_batch.shape[0])
                i += 1
                if i == 3:
                    break
            print("sizes", sizes)
            x, y = next(flow)
            print("next", x.shape, y.shape, x.dtype)
            print("item", flow[1][0].shape, flow[-1][1].shape)
            flow.reset()
            print("after reset", next(flow)[0].shape[0])
            """)
        XCTAssertTrue(out.contains("2 6 4 {'cats': 0, 'dogs': 1} [0, 0, 0, 1, 1, 1] cats/cats.0.png"), out)
        XCTAssertTrue(out.contains("sizes [4, 2, 4]"), out)
        XCTAssertTrue(out.contains("next (2, 6, 6, 3) (2,) float32"), out)
        XCTAssertTrue(out.contains("item (2, 6, 6, 3) (2,)"), out)
        XCTAssertTrue(out.contains("after reset 4"), out)
    }

    /// Keras's `validation_split` with `subset=`: each class's first int(split * n) files validate, the rest train.
    func testValidationSplitSubsets() throws {
        let data = try makeFolder("data", classes: ["cats", "dogs"], count: 4)
        let out = try run("""
            datagen = ImageDataGenerator(rescale=1./255, validation_split=0.25)
            train = datagen.flow_from_directory("\(data)", target_size=(6, 6), batch_size=2, class_mode='binary', subset='training')
            val = datagen.flow_from_directory("\(data)", target_size=(6, 6), batch_size=2, class_mode='binary', subset='validation')
            print("val", val.filenames)
            """)
        XCTAssertTrue(out.contains("Found 6 images belonging to 2 classes.\nFound 2 images belonging to 2 classes."), out)
        XCTAssertTrue(out.contains("val ['cats/cats.0.png', 'dogs/dogs.0.png']"), out)
        XCTAssertTrue(failure("ImageDataGenerator(validation_split=1.5)").contains("strictly between 0 and 1"))
        XCTAssertTrue(failure("ImageDataGenerator().flow_from_directory('\(data)', subset='test')").contains("Invalid `subset`"))
    }

    /// Keras's `predict` and `evaluate` read a flow from its first batch (`flow[0], flow[1], ...`) on every call
    /// and leave `next(flow)` where it stands, so predictions line up with `flow.classes`; a dataset is
    /// iterated afresh by each call.
    func testPredictAndEvaluateReadAFlowFromItsFirstBatch() throws {
        let data = try makeFolder("data", classes: ["a", "b"], count: 5)
        let out = try run("""
            import numpy as np
            model = Sequential([layers.Flatten(input_shape=(5, 7, 3)), layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer='rmsprop', loss='binary_crossentropy')
            flow = ImageDataGenerator(rescale=1/255).flow_from_directory("\(data)", target_size=(5, 7), batch_size=3,
                                                                         class_mode='binary', shuffle=False)
            first = model.predict(flow, steps=1)
            x0, y0 = next(flow)
            x1, y1 = next(flow)
            again = model.predict(flow, steps=1)
            whole = model.predict(flow)
            by_index = np.concatenate([model.predict(flow[i][0]) for i in range(len(flow))])
            print("same first", np.array_equal(first, again), np.array_equal(first, model.predict(x0)))
            print("whole", whole.shape, np.array_equal(whole, by_index))
            x2, y2 = next(flow)
            print("next goes on", np.array_equal(model.predict(x2), by_index[6:9]))
            e1 = model.evaluate(flow, steps=2, verbose=0)
            e2 = model.evaluate(flow, steps=2, verbose=0)
            print("evaluate repeats", e1 == e2)
            ds = image_dataset_from_directory("\(data)", image_size=(5, 7), batch_size=3, shuffle=False, label_mode='binary')
            p1 = model.predict(ds, steps=1)
            p2 = model.predict(ds, steps=1)
            print("dataset repeats", np.array_equal(p1, p2))
            """)
        XCTAssertTrue(out.contains("same first True True"), out)
        XCTAssertTrue(out.contains("whole (10, 1) True"), out)
        XCTAssertTrue(out.contains("next goes on True"), out)
        XCTAssertTrue(out.contains("evaluate repeats True"), out)
        XCTAssertTrue(out.contains("dataset repeats True"), out)
    }

    /// Keras lets any layer open a Sequential with `input_shape`: the pooling and dropout layers too.
    func testPoolingAndDropoutTakeAnInputShape() throws {
        let out = try run("""
            import numpy as np
            model = Sequential([layers.GlobalAveragePooling2D(input_shape=(3, 3, 4)), layers.Dense(1)])
            model.set_weights([np.ones((4, 1)), np.zeros(1)])
            print("gap", model.predict(np.ones((2, 3, 3, 4)) * np.arange(4)).ravel())
            pool = Sequential([layers.MaxPooling2D(input_shape=(4, 4, 1)), layers.Flatten()])
            print("pool", pool.predict(np.arange(16).reshape(1, 4, 4, 1)).ravel())
            drop = Sequential([layers.Dropout(0.5, input_shape=(3,)), layers.Dense(2)])
            print("drop", drop.output_shape)
            """)
        XCTAssertTrue(out.contains("gap [6. 6.]"), out)
        XCTAssertTrue(out.contains("pool [ 5.  7. 13. 15.]"), out)
        XCTAssertTrue(out.contains("drop (None, 2)"), out)
    }

    /// keras.io's look at a dataset: integer labels index `class_names`, and `.numpy()` (a tensor's, in Keras)
    /// gives the array.
    func testDatasetLabelsAreIntegersAndBatchesAnswerNumpy() throws {
        let data = try makeFolder("data", classes: ["cats", "dogs"], count: 2)
        let out = try run("""
            ds = image_dataset_from_directory("\(data)", image_size=(5, 7), batch_size=4, shuffle=False)
            for images, labels in ds.take(1):
                print("labels", labels.dtype, [ds.class_names[labels[i]] for i in range(4)], images[0].numpy().shape)
            """)
        XCTAssertTrue(out.contains("labels int32 ['cats', 'cats', 'dogs', 'dogs'] (5, 7, 3)"), out)
    }

    /// `layers.BatchNormalization()` as Keras builds it: four weights a channel (two never trained), and in
    /// `predict` the moving statistics, at first mean 0 and variance 1: y = x / sqrt(1 + epsilon).
    func testBatchNormalizationLayer() throws {
        let out = try run("""
            import numpy as np
            m = Sequential([layers.BatchNormalization(input_shape=(2,)), layers.Dense(1)])
            print("params", m.count_params(), len(m.layers[0].trainable_weights), len(m.layers[0].non_trainable_weights))
            y = Sequential([layers.BatchNormalization(input_shape=(2,), epsilon=0.25)]).predict(np.array([[1.0, 2.0]]))
            print("y", y.ravel())
            """)
        XCTAssertTrue(out.contains("params 11 2 2"), out)
        // 1 / sqrt(1.25) = 0.8944272, 2 / sqrt(1.25) = 1.7888544
        XCTAssertTrue(out.contains("y [0.8944272 1.7888544]"), out)
        XCTAssertTrue(failure("layers.BatchNormalization(axis=1)").contains("not supported in tl"))
    }

    /// Keras 3's style: `keras.Input` first in a Sequential, in the list or by `add`.
    func testSequentialTakesKerasInputFirst() throws {
        let out = try run("""
            import numpy as np
            m = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4, activation='relu'), layers.Dense(1)])
            print("listed", m.input_shape, m.output_shape, m.count_params())
            n = keras.Sequential()
            n.add(keras.Input(shape=(5, 5, 3)))
            n.add(layers.Flatten())
            print("added", n.output_shape)
            """)
        XCTAssertTrue(out.contains("listed (None, 8) (None, 1) 41"), out)
        XCTAssertTrue(out.contains("added (None, 75)"), out)
        XCTAssertTrue(failure("n = keras.Sequential([layers.Dense(2, input_dim=3), keras.Input(shape=(8,))])").contains("keras.Input(...) goes first"))
    }

    func testClassModeNoneYieldsImagesAlone() throws {
        let data = try makeFolder("data", classes: ["all"], count: 3)
        let out = try run("""
            flow = ImageDataGenerator().flow_from_directory("\(data)", target_size=(5, 7), batch_size=2, class_mode=None, shuffle=False)
            for batch in flow:
                print("batch", batch.shape)
                break
            print("class_mode", flow.class_mode, flow.class_mode is None)
            """)
        XCTAssertTrue(out.contains("batch (2, 5, 7, 3)"), out)
        XCTAssertTrue(out.contains("class_mode None True"), out)
    }

    func testPredictBatchesAnyArrayAndHonoursVerbose() throws {
        let out = try run("""
            model = Sequential()
            model.add(Dense(3, activation='relu', input_dim=4))
            model.add(Dense(2, activation='softmax'))
            x = [[1, 2, 3, 4], [0, 1, 0, 1], [5, 1, 2, 0], [1, 1, 1, 1], [2, 0, 2, 0]]
            a = model.predict(x)
            b = model.predict(x, batch_size=2, verbose=1)
            print("shape", a.shape, a.dtype)
            same = True
            for i in range(5):
                for j in range(2):
                    if a[i][j] != b[i][j]:
                        same = False
            print("same", same)
            quiet = model.predict(x, verbose=0)
            """)
        XCTAssertTrue(out.contains("shape (5, 2) float32"), out)
        XCTAssertTrue(out.contains("same True"), out)
        XCTAssertTrue(out.contains("3/3 [==============================]"), out)
        XCTAssertEqual(out.components(separatedBy: "/3 [").count, 2, "only the verbose=1 call draws a bar: \(out)")
    }

    func testWeightsAndLayersAsKerasShowsThem() throws {
        let out = try run("""
            model = Sequential()
            model.add(Conv2D(4, (3, 3), activation='relu', input_shape=(8, 8, 3), name='conv'))
            model.add(MaxPooling2D((2, 2)))
            model.add(Flatten())
            model.add(Dropout(0.5))
            model.add(Dense(2, activation='sigmoid', name='top'))
            w = model.get_weights()
            print("weights", len(w), w[0].shape, w[1].shape, w[2].shape, w[3].shape)
            top = model.get_layer('top')
            print("top", top.units, top.activation, top.input_shape, top.output_shape, top.count_params())
            conv = model.get_layer(index=0)
            print("conv", conv.filters, conv.kernel_size, conv.strides, conv.padding, conv.output_shape)
            print("config", top.get_config())
            print("last", model.layers[-1].name, model.layers[3].rate, model.layers[1].pool_size)
            print("params", model.count_params(), len(model.trainable_weights), model.trainable_weights[0].name, model.weights[3].shape)
            print("numpy", model.weights[1].numpy().shape, len(model.weights[1]), model.weights[1][0] == model.weights[1].numpy()[0])
            kernel, bias = top.get_weights()
            top.set_weights([kernel, [0.5, -0.5]])
            print("bias", top.get_weights()[1])
            twin = Sequential()
            twin.add(Dense(2, input_dim=36))
            twin.set_weights(top.weights)
            print("twin", twin.get_weights()[1][1])
            model.set_weights(w)
            print("restored", model.get_weights()[3][0] == w[3][0])
            conv.trainable = False
            print("frozen", len(model.trainable_weights), len(model.non_trainable_weights))
            """)
        XCTAssertTrue(out.contains("weights 4 (3, 3, 3, 4) (4,) (36, 2) (2,)"), out)
        XCTAssertTrue(out.contains("top 2 sigmoid (None, 36) (None, 2) 74"), out)
        XCTAssertTrue(out.contains("conv 4 (3, 3) (1, 1) valid (None, 6, 6, 4)"), out)
        XCTAssertTrue(out.contains("config {'name': 'top', 'trainable': True, 'units': 2, 'activation': 'sigmoid'}"), out)
        XCTAssertTrue(out.contains("last top 0.5 (2, 2)"), out)
        XCTAssertTrue(out.contains("params 186 4 conv/kernel:0 (2,)"), out)
        XCTAssertTrue(out.contains("numpy (4,) 4 True"), out)
        XCTAssertTrue(out.contains("bias array([ 0.5, -0.5], dtype=float32)") || out.contains("bias [ 0.5 -0.5]")
                      || out.contains("bias array([0.5, -0.5], dtype=float32)"), out)
        XCTAssertTrue(out.contains("restored True"), out)
        XCTAssertTrue(out.contains("twin -0.5"), out)
        XCTAssertTrue(out.contains("frozen 2 2"), out)
    }

    func testWeightErrorsNameTheProblem() {
        let setup = "model = Sequential()\nmodel.add(Dense(2, input_dim=3, name='d'))\n"
        XCTAssertTrue(failure(setup + "model.set_weights([[1, 2]])").contains("expecting 2 weights"))
        XCTAssertTrue(failure(setup + "model.get_layer('d').set_weights([[1, 2], [1, 2]])").contains("not compatible"))
        XCTAssertTrue(failure(setup + "model.get_layer('e')").contains("No such layer: e"))
        XCTAssertTrue(failure(setup + "model.get_layer(index=5)").contains("only has 1 layers"))
    }

    func testArrayFlowAugmentsAndBatchesAsKeras() throws {
        let out = try run("""
            x = load_img("\(try makeImage())", target_size=(6, 6))
            x = img_to_array(x)
            x = x.reshape((1,) + x.shape)
            datagen = ImageDataGenerator(rotation_range=40, horizontal_flip=True, fill_mode='nearest')
            i = 0
            shapes = []
            for batch in datagen.flow(x, batch_size=1, seed=3):
                shapes.append(batch.shape)
                picture = array_to_img(batch[0])
                i += 1
                if i % 4 == 0:
                    break
            print("shapes", len(shapes), shapes[0])
            pairs = ImageDataGenerator().flow([[[[1]]], [[[2]]], [[[3]]]], [0, 1, 2], batch_size=2, shuffle=False)
            a, b = next(pairs)
            print("pairs", len(pairs), a.shape, b)
            model = Sequential()
            model.add(Flatten(input_shape=(1, 1, 1)))
            model.add(Dense(1))
            model.compile(optimizer='sgd', loss='mse')
            history = model.fit(pairs, steps_per_epoch=len(pairs), epochs=2, verbose=0)
            print("trained", len(history.history['loss']), model.predict(pairs, steps=2).shape)
            """)
        XCTAssertTrue(out.contains("trained 2 (3, 1)"), out)
        XCTAssertTrue(out.contains("shapes 4 (1, 6, 6, 3)"), out)
        XCTAssertTrue(out.contains("pairs 2 (2, 1, 1, 1)"), out)
    }

    func makeImage() throws -> String {
        let path = self.path("picture.png")
        try TestImages.png(width: 12, height: 10).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testArrayToImgStretchesToBytes() throws {
        let out = try run("""
            img = array_to_img([[[0.0, 0.5, 1.0], [0.25, 0.75, 1.0]]])
            print("img", img.shape, img[0][0][1], img[0][1][2])
            """)
        XCTAssertTrue(out.contains("img (1, 2, 3) 127.0 255.0"), out)
    }

    func testFolderLayoutProblemsAreNamed() throws {
        let loose = try makeFolder("loose", classes: [], count: 0, loose: 3)
        let three = try makeFolder("three", classes: ["a", "b", "c"], count: 1)
        let empty = try makeFolder("empty", classes: ["cats", "dogs"], count: 1)
        try FileManager.default.createDirectory(atPath: empty + "/birds", withIntermediateDirectories: true)
        let out = try run("""
            g = ImageDataGenerator()
            f = g.flow_from_directory("\(loose)")
            f = g.flow_from_directory("\(three)", class_mode='binary')
            f = g.flow_from_directory("\(empty)")
            """)
        XCTAssertTrue(out.contains("holds 3 images but no class sub-folders") && out.contains("one sub-folder per class"), out)
        XCTAssertTrue(out.contains("class_mode='binary' over 3 classes (a=0, b=1, c=2)"), out)
        XCTAssertTrue(out.contains("class folder \(empty)/birds holds no images"), out)
    }

    /// Ctrl-C stops predict, evaluate and extract_features over an endless flow at the next batch, and the
    /// session's variables are as they were.
    func testInterruptStopsInferenceAtTheNextBatch() throws {
        let data = try makeFolder("data", classes: ["cats", "dogs"], count: 2)
        let session = Session(output: { _ in })
        try run("""
            keep = 41
            model = Sequential()
            model.add(Flatten(input_shape=(6, 6, 3)))
            model.add(Dense(1, activation='sigmoid'))
            model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['acc'])
            flow = ImageDataGenerator().flow_from_directory("\(data)", target_size=(6, 6), batch_size=1, class_mode='binary')
            """, session: session)
        for statement in ["keep = model.predict(flow, steps=10000000)", "keep = model.evaluate(flow, steps=10000000)",
                          "keep = extract_features(model, \"\(data)\", count=10000000, target_size=(6, 6), batch_size=1)"] {
            session.interpreter.cancellation.reset()
            let started = Date()
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { session.interpreter.cancellation.cancel() }
            XCTAssertThrowsError(try run(statement, session: session), statement) { error in
                XCTAssertEqual((error as? ScriptError)?.kind, .cancelled, "\(error)")
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 3, statement)
        }
        session.interpreter.cancellation.reset()
        XCTAssertEqual(session.interpreter[variable: "keep"], .int(41))
    }
}
