import Foundation
import XCTest
import TLTestSupport
import TLScript
@testable import TLLang

/// The language's engine commands, driven by scripts as users write them.
final class WalkthroughScriptTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-lang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `source` in a fresh session; returns what it printed.
    @discardableResult
    func run(_ source: String, session: Session? = nil) throws -> String {
        var printed = ""
        let session = session ?? Session(output: { printed += $0 })
        try session.interpreter.run(source: source, fileName: "test.tl")
        return printed
    }

    /// A tiny cats/dogs folder: `count` real photos per class and split, copied from the shared set.
    func makeDataSet(count: Int) throws -> URL { try SharedFiles.makeSmallCatsAndDogs(in: directory, count: count) }

    func testKerasStyleModelSummaryFreezingAndTrainableCounts() throws {
        let out = try run("""
            from keras import models, layers
            conv_base = VGG16(weights=None, include_top=False, input_shape=(150, 150, 3))
            model = models.Sequential()
            model.add(conv_base)
            model.add(layers.Flatten())
            model.add(layers.Dense(256, activation='relu'))
            model.add(layers.Dense(1, activation='sigmoid'))
            model.summary()
            print('before', len(model.trainable_weights))
            conv_base.trainable = False
            print('after', len(model.trainable_weights))
            conv_base.trainable = True
            set_trainable = False
            for layer in conv_base.layers:
                if layer.name == 'block5_conv1':
                    set_trainable = True
                if set_trainable:
                    layer.trainable = True
                else:
                    layer.trainable = False
            print('fine-tune', len(model.trainable_weights))
            freeze(conv_base)
            unfreeze(conv_base, from="block4_conv1")
            print('from block4', len(model.trainable_weights))
            """)
        XCTAssertTrue(out.contains("(Model)") && out.contains("(None, 4, 4, 512)") && out.contains("14714688"), out)
        XCTAssertTrue(out.contains("Total params: 16,812,353"), out)
        XCTAssertTrue(out.contains("before 30\n"), out)
        XCTAssertTrue(out.contains("after 4\n"), out)
        XCTAssertTrue(out.contains("fine-tune 10\n"), out)
        XCTAssertTrue(out.contains("from block4 16\n"), out)   // block4 and block5: 6 convolutions, plus the classifier
    }

    func testUnknownLayerNameInUnfreezeSuggestsTheClosest() throws {
        XCTAssertThrowsError(try run("""
            b = load_vgg16(weights=None, include_top=False, input_shape=(64, 64, 3))
            unfreeze(b, from="block5_conv")
            """)) { error in
            let text = (error as? ScriptError)?.rendered ?? "\(error)"
            XCTAssertTrue(text.contains("test.tl:2:") && text.contains("did you mean 'block5_conv1'"), text)
        }
    }

    func testWrongArgumentNameIsRejectedBeforeTheCommandRuns() throws {
        XCTAssertThrowsError(try run("""
            m = sequential()
            m.add(dense(1, input_dim=2))
            compile(m, loss="mse")
            fit(m, [[0, 1]], [1], epoch=3)
            """)) { error in
            let text = (error as? ScriptError)?.rendered ?? "\(error)"
            XCTAssertTrue(text.contains("'epoch'") && text.contains("did you mean 'epochs'"), text)
        }
    }

    /// The end-to-end notebook: a tiny model on a few real photos, with a report folder.
    func testScriptOnAFolderWritesReportMetricsAndPlots() throws {
        let data = try makeDataSet(count: 3)
        let report = directory.appendingPathComponent("report")
        var printed = ""
        let session = Session(output: { printed += $0 })
        session.interpreter.report = try ReportRecorder(directory: report.path, title: "test run")
        try run("""
            set_seed(3)
            gen = image_data_generator(rescale=1./255)
            train = gen.flow_from_directory(join_path("\(data.path)", "train"), target_size=(32, 32), batch_size=2, class_mode='binary')
            validation = gen.flow_from_directory(join_path("\(data.path)", "validation"), target_size=(32, 32), batch_size=2, class_mode='binary')
            print(train.class_indices)
            model = sequential()
            model.add(conv2d(4, 3, activation='relu', input_shape=(32, 32, 3)))
            model.add(max_pooling2d(2))
            model.add(flatten())
            model.add(dense(1, activation='sigmoid'))
            model.compile(optimizer=rmsprop(lr=1e-3), loss='binary_crossentropy', metrics=['acc'])
            history = model.fit(train, steps_per_epoch=3, epochs=2, validation_data=validation, validation_steps=3)
            acc = history.history['acc']
            epochs = range(1, len(acc) + 1)
            plot(epochs, acc, 'bo', label='Training acc')
            plot(epochs, history.val_acc, 'b', label='Validation acc')
            title('Training and validation accuracy')
            legend()
            figure()
            plot(epochs, history.history['loss'], 'bo', label='Training loss')
            title('Training and validation loss')
            show()
            test = gen.flow_from_directory(join_path("\(data.path)", "test"), target_size=(32, 32), batch_size=2, class_mode='binary')
            test_loss, test_acc = model.evaluate(test, steps=len(test))
            save_npy("features.npy", reshape(next(test)[0], (2, -1)))
            """, session: session)
        session.interpreter.report?.write()
        XCTAssertTrue(printed.contains("Found 6 images belonging to 2 classes."), printed)
        XCTAssertTrue(printed.contains("{'cats': 0, 'dogs': 1}"), printed)
        XCTAssertTrue(printed.contains("Epoch 2/2"), printed)

        let markdown = try String(contentsOf: report.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertTrue(markdown.contains("history = model.fit(train"), markdown)
        XCTAssertTrue(markdown.contains("![](training_and_validation_accuracy.png)"), markdown)

        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: report.appendingPathComponent("metrics.json"))) as! [String: Any]
        let histories = try XCTUnwrap(metrics["histories"] as? [[String: [Double]]])
        XCTAssertEqual(histories.count, 1)
        XCTAssertEqual(histories[0]["loss"]?.count, 2)
        XCTAssertEqual(histories[0]["val_acc"]?.count, 2)
        let evaluations = try XCTUnwrap(metrics["evaluations"] as? [[String: Double]])
        XCTAssertEqual(evaluations.count, 1)
        XCTAssertNotNil(evaluations[0]["acc"])

        for name in ["training_and_validation_accuracy.png", "training_and_validation_loss.png"] {
            let png = try Data(contentsOf: report.appendingPathComponent(name))
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], name)
            // IHDR: width and height, big-endian, at bytes 16..<24.
            let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
            XCTAssertEqual([width, height], [640, 480], name)
            XCTAssertTrue(FileManager.default.fileExists(atPath: report.appendingPathComponent(name.replacingOccurrences(of: ".png", with: ".gp")).path))
        }
        // Relative output files go into the report folder; numpy's format with the shape we asked for.
        let npy = try Data(contentsOf: report.appendingPathComponent("features.npy"))
        XCTAssertTrue(String(decoding: npy.prefix(128), as: UTF8.self).contains("'shape': (2, 3072)"))
    }

    func testExtractFeaturesCountsAndShapes() throws {
        let data = try makeDataSet(count: 2)
        let out = try run("""
            base = load_vgg16(weights="\(SharedFiles.vgg16EdgeWeights)", include_top=False, input_shape=(64, 64, 3))
            f, l = extract_features(base, join_path("\(data.path)", "train"), target_size=(64, 64), batch_size=3)
            print(f.shape, l.shape)
            f2, l2 = extract_features(base, join_path("\(data.path)", "train"), count=2, target_size=(64, 64))
            print(f2.shape, len(l2))
            """)
        XCTAssertTrue(out.contains("(4, 2, 2, 512) (4,)"), out)
        XCTAssertTrue(out.contains("(2, 2, 2, 512) 2"), out)
    }

    func testHelpPrintsTheDocumentedEntry() throws {
        let out = try run("help('fit')\nhelp('unfreeze')")
        XCTAssertTrue(out.contains("steps_per_epoch") && out.contains("History"), out)
        XCTAssertTrue(out.contains("block5_conv1"), out)
    }

    /// Every registered command is documented once in docs/LANGUAGE.md.
    func testEveryCommandIsDocumented() throws {
        let session = Session()
        let docs = DocIndex(markdown: Session.languageDocumentation)
        XCTAssertFalse(docs.names.isEmpty, "docs/LANGUAGE.md was not found")
        var missing: [String] = []
        for name in session.interpreter.commandNames where !name.contains(".") && name.first!.isLowercase {
            let spec = session.interpreter.command(named: name)!
            guard spec.name == name else { continue }   // aliases share their command's entry
            if docs.entry(for: name) == nil { missing.append(name) }
        }
        XCTAssertEqual(missing, [], "commands without an entry in docs/LANGUAGE.md")
    }
}

extension WalkthroughScriptTests {
    /// The same seeded augmented batches with one worker and no prefetching as with two workers ahead.
    func testFlowWorkersAndPrefetchDoNotChangeTheBatches() throws {
        let data = try makeDataSet(count: 3)
        let out = try run("""
            gen = image_data_generator(rescale=1./255, rotation_range=30, horizontal_flip=True)
            a = flow_from_directory(gen, join_path("\(data.path)", "train"), target_size=(24, 24), batch_size=4, class_mode='binary', seed=5, workers=1, prefetch=0)
            b = flow_from_directory(gen, join_path("\(data.path)", "train"), target_size=(24, 24), batch_size=4, class_mode='binary', seed=5, workers=2, prefetch=3)
            same = True
            for step in range(3):
                xa, ya = next(a)
                xb, yb = next(b)
                for i in range(len(ya)):
                    if ya[i] != yb[i] or xa[i][7][9][1] != xb[i][7][9][1]:
                        same = False
            print('same', same)
            """)
        XCTAssertTrue(out.contains("same True"), out)
        XCTAssertThrowsError(try run("gen = image_data_generator()\nflow_from_directory(gen, '\(data.path)/train', workers=0)")) { error in
            XCTAssertTrue("\(error)".contains("'workers'") && "\(error)".contains("at least 1"), "\(error)")
        }
    }
}
