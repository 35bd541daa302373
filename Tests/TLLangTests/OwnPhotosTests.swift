import Foundation
import XCTest
import TLScript
import TLTestSupport
@testable import TLLang

/// Today's Keras guide on a one-folder-per-class set made from the shared photos: image_dataset_from_directory,
/// the functional API around a frozen VGG16 base, preprocessing layers, loss objects, class weights,
/// saving, loading and predicting on files.
final class OwnPhotosTests: ScriptSessionTestCase {
    /// `cats/` (12 photos) and `dogs/` (8), the first of each class's sorted shared train photos.
    private func makePhotos() throws -> String {
        try SharedFiles.makeClassFolders(in: directory, counts: [("cats", 12), ("dogs", 8)])
    }

    func testTheGuidesPipelineTrainsSavesLoadsAndPredicts() throws {
        let photos = try makePhotos()
        let out = try run("""
            train_ds, val_ds = keras.utils.image_dataset_from_directory("\(photos)", validation_split=0.2, subset="both",
                seed=1337, image_size=(32, 32), batch_size=8)
            data_augmentation = keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)])
            base_model = keras.applications.VGG16(weights="\(SharedFiles.vgg16EdgeWeights)", include_top=False, input_shape=(32, 32, 3))
            base_model.trainable = False
            inputs = keras.Input(shape=(32, 32, 3))
            x = data_augmentation.__call__(inputs)
            x = layers.Rescaling(1./255).__call__(x)
            x = base_model.__call__(x, training=False)
            x = layers.GlobalAveragePooling2D().__call__(x)
            x = layers.Dropout(0.2).__call__(x)
            outputs = layers.Dense(1).__call__(x)
            model = keras.Model(inputs, outputs)
            model.summary()
            model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.BinaryCrossentropy(from_logits=True),
                          metrics=[keras.metrics.BinaryAccuracy()])
            history = model.fit(train_ds, epochs=2, validation_data=val_ds, verbose=0)
            print("epochs", len(history.history["loss"]), "keys", sorted(history.history.keys()))
            before = model.evaluate(val_ds, verbose=0)
            first = model.predict(val_ds.file_paths[:3])
            model.save("\(path("guide.h5"))")
            again = keras.models.load_model("\(path("guide.h5"))")
            print("before", first, before)
            print("after", again.predict(val_ds.file_paths[:3]), again.evaluate(val_ds, verbose=0))
            print("folder", again.predict("\(photos)/dogs").shape)
            """)
        XCTAssertTrue(out.contains("Found 20 files belonging to 2 classes.\nUsing 16 files for training.\nUsing 4 files for validation."), out)
        XCTAssertTrue(out.contains("Connected to"), out)
        XCTAssertTrue(out.range(of: #"rescaling_\d+ \(Rescaling\)\s+\(None, 32, 32, 3\)\s+0\s+sequential_\d+\[0\]\[0\]"#, options: .regularExpression) != nil, out)
        XCTAssertTrue(out.range(of: #"vgg16 \(Model\)\s+\(None, 1, 1, 512\)\s+14714688\s+rescaling_\d+\[0\]\[0\]"#, options: .regularExpression) != nil, out)
        XCTAssertTrue(out.contains("Trainable params: 513"), out)
        XCTAssertTrue(out.contains("epochs 2 keys ['binary_accuracy', 'loss', 'val_binary_accuracy', 'val_loss']"), out)
        let before = out.components(separatedBy: "\n").first { $0.hasPrefix("before ") }.map { String($0.dropFirst(7)) }
        let after = out.components(separatedBy: "\n").first { $0.hasPrefix("after ") }.map { String($0.dropFirst(6)) }
        XCTAssertNotNil(before, out)
        XCTAssertEqual(before, after, "the loaded model predicts and evaluates as the saved one")
        XCTAssertTrue(out.contains("folder (8, 1)"), out)
    }

    /// The example exactly as Keras writes it (`layer(x)`, `class_weight={0: 1.0, 1: 2.0}`).
    func testOwnPhotosExampleRunsAsWritten() throws {
        let photos = try makePhotos()
        var printed = ""
        let session = Session(output: { printed += $0 })
        session.interpreter.parameterOverrides = try ParameterOverrides(assignments: [
            "photos=\(photos)", "weights=\(SharedFiles.vgg16EdgeWeights)", "epochs=1", "image_size=32"])
        session.interpreter.report = try ReportRecorder(directory: path("report"))
        let example = SharedFiles.packageRoot.appendingPathComponent("examples/own_photos.tl")
        try session.interpreter.run(contentsOf: example.path)
        session.interpreter.report?.write()
        XCTAssertTrue(printed.range(of: #"classes: \['cats', 'dogs'\]\ntraining files per class: \[\d+, \d+\]"#, options: .regularExpression) != nil, printed)
        XCTAssertTrue(printed.contains("validation accuracy:"), printed)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("report/own_photos.h5")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("report/report.md")))
    }

    func testDatasetIteratesTakesAndChecksItsArguments() throws {
        let photos = try makePhotos()
        let out = try run("""
            ds = image_dataset_from_directory("\(photos)", image_size=(20, 30), batch_size=6, label_mode="categorical", seed=3)
            print(len(ds), ds.class_names, len(ds.file_paths))
            for images, labels in ds.take(1).cache().prefetch(buffer_size=tf.data.AUTOTUNE):
                print(images.shape, labels.shape)
            n = 0
            for images, labels in ds:
                n = n + images.shape[0]
            print("one pass", n)
            """)
        XCTAssertTrue(out.contains("4 ['cats', 'dogs'] 20"), out)
        XCTAssertTrue(out.contains("(6, 20, 30, 3) (6, 2)"), out)
        XCTAssertTrue(out.contains("one pass 20"), out)
        XCTAssertTrue(failure("image_dataset_from_directory(\"\(photos)\", validation_split=0.2, subset=\"both\")").contains("you must provide a `seed`"))
        XCTAssertTrue(failure("image_dataset_from_directory(\"\(photos)\", subset=\"training\", seed=1)").contains("`validation_split` must be set"))
        XCTAssertTrue(failure("image_dataset_from_directory(\"\(photos)\", label_mode=\"sparse\")").contains("label_mode"))
    }

    func testLossObjectsAndNormalizationFromScripts() throws {
        let out = try run("""
            loss = keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1)
            print(loss.from_logits, loss.label_smoothing)
            norm = layers.Normalization()
            data = [[1.0, 10.0], [3.0, 30.0]]
            norm.adapt(data)
            print(norm.__call__(data))
            """)
        XCTAssertTrue(out.contains("True 0.1"), out)
        XCTAssertTrue(out.contains("[[-1. -1.]\n [ 1.  1.]]"), out)   // as NumPy prints float32 arrays
        XCTAssertTrue(failure("keras.losses.CategoricalCrossentropy(label_smoothing=2)").contains("label_smoothing must be in [0, 1]"))
        XCTAssertTrue(failure("keras.Model(keras.Input(shape=(3,)), 5)").contains("outputs must be a tensor"))
    }

    /// Augmentation layers' generators are part of a checkpoint: one epoch, then resuming to two, ends
    /// with the weights of two epochs straight.
    func testResumingWithAugmentationReachesTheUninterruptedWeights() throws {
        let photos = try makePhotos()
        func script(epochs: Int, checkpoint: String?) -> String {
            """
            set_seed(7)
            ds = image_dataset_from_directory("\(photos)", image_size=(16, 16), batch_size=8, seed=2, label_mode="binary")
            inputs = keras.Input(shape=(16, 16, 3))
            x = layers.RandomFlip().__call__(inputs)
            x = layers.RandomRotation(0.2).__call__(x)
            x = layers.Rescaling(1./255).__call__(x)
            x = layers.GlobalAveragePooling2D().__call__(x)
            model = keras.Model(inputs, layers.Dense(1, activation="sigmoid").__call__(x))
            model.compile(optimizer="adam", loss="binary_crossentropy")
            history = model.fit(ds, epochs=\(epochs), verbose=0\(checkpoint.map { ", checkpoint=\"\($0)\", resume=True" } ?? ""))
            """
        }
        func weights(_ source: String) throws -> [[Float]] {
            let session = Session(output: { _ in })
            try session.interpreter.run(source: source, fileName: "train.tl")
            guard case .object(let model as ModelObject)? = session.interpreter[variable: "model"] else { return [] }
            return model.layer.weights.map(\.value.scalars)
        }
        let straight = try weights(script(epochs: 2, checkpoint: nil))
        _ = try weights(script(epochs: 1, checkpoint: path("checkpoint")))
        let resumed = try weights(script(epochs: 2, checkpoint: path("checkpoint")))
        XCTAssertFalse(straight.isEmpty)
        XCTAssertEqual(resumed, straight)
    }
}
