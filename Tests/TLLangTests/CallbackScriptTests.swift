import Foundation
import XCTest
import TLScript
@testable import TLLang

/// `fit(callbacks=[...])` and `compile(metrics=[...])` written as a Keras user writes them.
final class CallbackScriptTests: ScriptSessionTestCase {
    let model = """
        set_seed(1)
        x = [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.5], [0.2, 0.8]]
        y = [0, 1, 1, 1, 1, 0]
        model = Sequential()
        model.add(Dense(1, activation='sigmoid', input_dim=2))

        """

    func testEarlyStoppingAndSchedulerInFit() throws {
        let out = try run(model + """
            def schedule(epoch, lr):
                if epoch == 0:
                    return 0.0
                return lr
            model.compile(optimizer=optimizers.SGD(learning_rate=0.1), loss='binary_crossentropy', metrics=['acc'])
            stopper = callbacks.EarlyStopping(monitor='loss', patience=1, verbose=1)
            history = model.fit(x, y, epochs=5, batch_size=6, verbose=0,
                                callbacks=[stopper, callbacks.LearningRateScheduler(schedule)])
            print("epochs", len(history.history['loss']), history.history['learning_rate'], stopper.stopped_epoch)
            """)
        // lr 0 from the first epoch on: the loss never improves, so training stops after epoch 2 (patience 1).
        XCTAssertTrue(out.contains("epochs 2 [0.0, 0.0] 1"), out)
        XCTAssertTrue(out.contains("Epoch 2: early stopping"), out)
    }

    /// Before any training, `best` reads as Python's None, as Keras 3 gives it (not a missing attribute).
    func testBestBeforeTrainingIsNone() throws {
        let out = try run("""
            stopper = callbacks.EarlyStopping(monitor='loss')
            checkpoint = callbacks.ModelCheckpoint('\(path("m.keras"))')
            print("best", stopper.best, checkpoint.best, stopper.best is None)
            """)
        XCTAssertTrue(out.contains("best None None True"), out)
    }

    func testOneArgumentScheduleAndPlateau() throws {
        let out = try run(model + """
            def schedule(epoch):
                return 0.5 / (epoch + 1)
            model.compile(optimizer='sgd', loss='binary_crossentropy')
            history = model.fit(x, y, epochs=3, batch_size=6, verbose=0, callbacks=[LearningRateScheduler(schedule)])
            print("rates", history.history['learning_rate'])
            """)
        XCTAssertTrue(out.contains("rates [0.5, 0.25, 0.1666666716337204]"), out)
        XCTAssertTrue(failure(model + "model.compile(optimizer='sgd', loss='mse')\nmodel.fit(x, y, callbacks=[ReduceLROnPlateau(factor=2)])")
            .contains("factor >= 1.0"))
        XCTAssertTrue(failure(model + "model.compile(optimizer='sgd', loss='mse')\nmodel.fit(x, y, callbacks=['stop'])")
            .contains("each callback must be"))
    }

    func testCheckpointAndCSVFilesAreWritten() throws {
        let folder = directory.path
        let out = try run(model + """
            model.compile(optimizer='sgd', loss='binary_crossentropy', metrics=['acc'])
            cbs = [ModelCheckpoint("\(folder)/ck/w-{epoch:02d}-{loss:.2f}.weights.h5", monitor='loss', save_weights_only=True),
                   CSVLogger("\(folder)/log.csv")]
            history = model.fit(x, y, epochs=2, batch_size=3, verbose=0, callbacks=cbs)
            model.load_weights("\(folder)/ck/w-02-%.2f.weights.h5" % history.history['loss'][1])
            print("loaded")
            """)
        XCTAssertTrue(out.contains("loaded"), out)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/ck").sorted()
        XCTAssertEqual(files.count, 2, "\(files)")
        XCTAssertTrue(files[0].hasPrefix("w-01-"), "\(files)")
        let csv = try String(contentsOfFile: folder + "/log.csv", encoding: .utf8)
        let lines = csv.components(separatedBy: "\r\n")
        XCTAssertEqual(lines[0], "epoch,acc,loss,val_acc,val_loss")
        XCTAssertTrue(lines[1].hasPrefix("0,") && lines[1].hasSuffix(",NA,NA"), csv)
        XCTAssertEqual(lines.count, 4, csv)   // header, two epochs, the empty rest after the last \r\n
    }

    func testMetricsBeyondAccuracyUseKerasKeys() throws {
        let out = try run(model + """
            model.compile(optimizer='rmsprop', loss='binary_crossentropy',
                          metrics=['binary_accuracy', 'AUC', metrics.Precision(), metrics.Recall(name='rec')])
            history = model.fit(x, y, epochs=1, batch_size=3, verbose=0, validation_data=(x, y))
            print(sorted(history.history.keys()))
            print(model.metrics_names)
            results = model.evaluate(x, y, verbose=0)
            print("evaluate", len(results))
            """)
        XCTAssertTrue(out.contains("['auc', 'binary_accuracy', 'loss', 'precision', 'rec', 'val_auc', 'val_binary_accuracy', 'val_loss', 'val_precision', 'val_rec']"), out)
        XCTAssertTrue(out.contains("['loss', 'binary_accuracy', 'auc', 'precision', 'rec']"), out)
        XCTAssertTrue(out.contains("evaluate 5"), out)
        XCTAssertTrue(failure(model + "model.compile(optimizer='sgd', loss='mse', metrics=['f1'])").contains("unknown metric 'f1'"))
    }

    func testEvaluateVerboseLevels() throws {
        let base = model + "model.compile(optimizer='sgd', loss='binary_crossentropy', metrics=['acc'])\n"
        XCTAssertEqual(try run(base + "r = model.evaluate(x, y, verbose=0)"), "")
        let bar = try run(base + "r = model.evaluate(x, y, batch_size=2)")
        XCTAssertTrue(bar.contains("3/3 [==============================]") && bar.contains(" - loss: ") && bar.contains(" - acc: "), bar)
        let line = try run(base + "r = model.evaluate(x, y, batch_size=2, verbose=2)")
        XCTAssertTrue(line.hasPrefix("3/3 - ") && !line.contains("[") && line.contains(" - acc: "), line)
        // On a terminal the bar is redrawn in place while batches run, ending on the full bar.
        var terminal = ""
        let session = Session(output: { terminal += $0 })
        session.interactiveOutput = true
        try run(base + "r = model.evaluate(x, y, batch_size=1)\np = model.predict(x, batch_size=1, verbose=1)", session: session)
        XCTAssertEqual(terminal.components(separatedBy: "6/6 [==============================]").count, 3, terminal)
    }
}

extension CallbackScriptTests {
    /// A model compiled with named or configured metrics reloads with the same metrics under the same keys.
    func testSavedModelKeepsItsMetrics() throws {
        let file = path("metrics.h5")
        let out = try run(model + """
            model.compile(optimizer='sgd', loss='binary_crossentropy',
                          metrics=['acc', 'AUC', metrics.AUC(num_thresholds=50, name='coarse'), metrics.Recall(name='rec', thresholds=0.3)])
            model.save("\(file)")
            again = load_model("\(file)")
            print(again.metrics_names)
            print("same", again.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0))
            """)
        XCTAssertTrue(out.contains("['loss', 'acc', 'auc', 'coarse', 'rec']"), out)
        XCTAssertTrue(out.contains("same True"), out)
    }
}

extension CallbackScriptTests {
    /// LambdaCallback calls the user's functions with Keras's arguments; `model.stop_training = True` ends
    /// fit after that epoch, as in Keras.
    func testLambdaCallbackAndStopTraining() throws {
        let out = try run(model + """
            def at_end(epoch, logs):
                print("end", epoch, sorted(logs.keys()))
                if epoch == 1:
                    model.stop_training = True
            def at_start(logs):
                print("start", logs)
            model.compile(optimizer='sgd', loss='binary_crossentropy', metrics=['acc'])
            history = model.fit(x, y, epochs=5, verbose=0,
                                callbacks=[callbacks.LambdaCallback(on_epoch_end=at_end, on_train_begin=at_start)])
            print("ran", len(history.history['loss']), model.stop_training)
            print(model.evaluate(x, y, verbose=0, return_dict=True).keys())
            """)
        XCTAssertTrue(out.contains("start None"), out)
        XCTAssertTrue(out.contains("end 0 ['acc', 'loss']"), out)
        XCTAssertTrue(out.contains("end 1 ['acc', 'loss']") && !out.contains("end 2"), out)
        XCTAssertTrue(out.contains("ran 2 True"), out)
        XCTAssertTrue(out.contains("['loss', 'acc']"), out)
        XCTAssertTrue(failure(model + "LambdaCallback(on_batch_end=print)").contains("on_batch_end"))
    }
}
