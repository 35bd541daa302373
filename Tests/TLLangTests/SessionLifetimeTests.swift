import Foundation
import XCTest
import TLTensor
import TLNN
import TLData
import TLTestSupport
import TLScript
@testable import TLLang

/// A session, and every model and callback its variables hold, is freed when its host lets it go: the
/// commands reach their session through an argument, and what a variable stores holds the interpreter weakly.
final class SessionLifetimeTests: XCTestCase {
    /// Builds, trains (with a scheduler and a lambda callback defined in the script), draws and flows:
    /// the commands whose objects used to keep their session alive.
    static let script = """
        set_seed(1)
        x = np.random.rand(6, 2, 2, 3)
        y = [0, 1, 1, 1, 0, 0]
        model = Sequential()
        model.add(Flatten(input_shape=(2, 2, 3)))
        model.add(Dense(1, activation='sigmoid'))
        model.compile(optimizer=optimizers.RMSprop(learning_rate=0.01), loss='binary_crossentropy', metrics=['acc'])
        def schedule(epoch, lr):
            return lr
        seen = []
        logger = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
        flow = ImageDataGenerator().flow(x, y, batch_size=3)
        history = model.fit(x, y, epochs=2, batch_size=3, verbose=0,
                            callbacks=[logger, callbacks.LearningRateScheduler(schedule)])
        figure = plt.figure()
        plt.plot(history.history['loss'])
        """

    /// Folder flows, a dataset and a graph model with random layers, trained from the dataset.
    static func folderScript(_ photos: String) -> String {
        """
        train = ImageDataGenerator(rescale=1./255, rotation_range=10).flow_from_directory("\(photos)", target_size=(8, 8),
                                                                                          batch_size=4, class_mode="binary")
        ds = image_dataset_from_directory("\(photos)", image_size=(8, 8), batch_size=4, seed=2, label_mode="binary")
        inputs = keras.Input(shape=(8, 8, 3))
        x = layers.RandomFlip().__call__(inputs)
        x = layers.GlobalAveragePooling2D().__call__(x)
        graph = keras.Model(inputs, layers.Dense(1, activation="sigmoid").__call__(x))
        graph.compile(optimizer="adam", loss="binary_crossentropy")
        graph_history = graph.fit(ds, epochs=1, verbose=0)

        """
    }

    func testSessionAndTheModelItHeldAreFreed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tl-lifetime-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let photos = try SharedFiles.makeClassFolders(in: folder, counts: [("cats", 4), ("dogs", 4)])
        weak var session: Session?
        weak var interpreter: Interpreter?
        weak var model: Layer?
        try {
            let live = Session(output: { _ in })
            try live.interpreter.run(source: Self.folderScript(photos) + Self.script, fileName: "lifetime.tl")
            guard case .object(let object as ModelObject)? = try live.interpreter.evaluate(line: "model") else {
                return XCTFail("the script defines a model")
            }
            XCTAssertEqual(try live.interpreter.evaluate(line: "len(seen)")?.asInt, 2, "the lambda callback ran in fit")
            XCTAssertEqual(try live.interpreter.evaluate(line: "len(graph_history.history['loss'])")?.asInt, 1, "the graph model trained")
            session = live
            interpreter = live.interpreter
            model = object.layer
        }()
        XCTAssertNil(session, "the session outlived its host")
        XCTAssertNil(interpreter, "the interpreter outlived its session")
        XCTAssertNil(model, "the model in the session's variables was never freed")
    }

    /// A command body kept beyond its session (a host holding the interpreter alone) says so instead of crashing.
    func testACommandOutlivingItsSessionSaysSo() throws {
        let interpreter: Interpreter = { Session(output: { _ in }).interpreter }()
        XCTAssertThrowsError(try interpreter.run(source: "model = sequential()", fileName: "late.tl")) { error in
            XCTAssertTrue("\(error)".contains("session"), "\(error)")
        }
    }
}

/// Each session owns its random stream: `set_seed` restarts it, and another session's draws do not move it.
final class SessionRandomSourceTests: XCTestCase {
    static let build = """
        set_seed(7)
        dense_layer = Dense(3, input_dim=2)
        model = Sequential()
        model.add(dense_layer)
        kernel = dense_layer.get_weights()[0]

        """
    static let flow = """
        flow = ImageDataGenerator().flow(np.zeros((5, 1, 1, 3)), [0, 1, 2, 3, 4], batch_size=5)
        order = next(flow)[1]
        """

    func testSessionsDrawFromTheirOwnSeededStream() throws {
        let first = Session(output: { _ in }), second = Session(output: { _ in })
        try first.interpreter.run(source: Self.build, fileName: "a.tl")
        try second.interpreter.run(source: Self.build + Self.flow, fileName: "b.tl")   // draws between the first's
        try first.interpreter.run(source: Self.flow, fileName: "a.tl")
        for name in ["order", "kernel"] {
            XCTAssertEqual(try first.interpreter.evaluate(line: "\(name).tolist()")?.repr,
                           try second.interpreter.evaluate(line: "\(name).tolist()")?.repr, name)
        }
    }

    /// The draws are those of one stream seeded by `set_seed`: the flow's seed is the first value of the
    /// generator split off the stream after the layer's (the order today's global generator drew them in).
    func testTheFlowDrawsAfterTheLayerFromTheSeededStream() throws {
        let session = Session(output: { _ in })
        try session.interpreter.run(source: Self.build + Self.flow, fileName: "b.tl")
        let stream = RandomSource(seed: 7)
        _ = stream.makeGenerator()   // the Dense kernel's initialiser
        let flow = try ArrayIterator(images: Tensor(shape: [5, 1, 1, 3]), labels: Tensor(shape: [5], scalars: [0, 1, 2, 3, 4]),
                                            batchSize: 5, seeds: stream)
        let expected = try flow.next().labels!.scalars.map { Double($0) }
        XCTAssertEqual(try session.interpreter.evaluate(line: "order.tolist()")?.repr, "\(expected)")
    }
}
