import XCTest
@testable import TLScript

/// The shapes of Chollet 5.3 that exercise the language: freezing, method calls, histories, plots.
final class WalkthroughTests: XCTestCase {
    func testFineTuningLoopFreezesLayersBeforeBlock5() {
        let names = ["block4_conv3", "block4_pool", "block5_conv1", "block5_conv2"]
        let base = FakeModel(layers: names.map(FakeLayer.init))
        let session = CapturingInterpreter()
        session.interpreter[variable: "conv_base"] = .object(base)
        session.run("""
        set_trainable = False
        for layer in conv_base.layers:
            if layer.name == 'block5_conv1':
                set_trainable = True
            if set_trainable:
                layer.trainable = True
            else:
                layer.trainable = False
        """)
        XCTAssertEqual(base.layers.map(\.trainable), [false, false, true, true])
    }

    func testMethodSyntaxCallsRegisteredCommandWithObjectFirst() {
        let model = FakeModel(layers: [FakeLayer(name: "dense")])
        let session = CapturingInterpreter()
        session.interpreter.registerFakeFit()
        session.interpreter[variable: "model"] = .object(model)
        session.run("""
        history = model.fit_generator(
              None,
              steps_per_epoch=100,
              epochs=30)
        loss = history['loss']
        epochs = range(1, len(loss) + 1)
        print(list(epochs), loss, smooth_curve([1.0, 2.0, 3.0]))
        train = model.fit
        train(epochs=2)
        print(len(model), model[0].name)
        """)
        XCTAssertEqual(model.fitCalls.map(\.epochs), [30, 2])
        XCTAssertEqual(model.fitCalls.map(\.steps), [100, 10])
        XCTAssertEqual(session.output, "[1, 2] [0.5, 0.25] [1.0, 1.2, 1.5599999999999998]\n1 dense\n")
    }

    func testObjectAttributeWinsOverCommand() {
        final class Thing: HostObject {
            var typeName: String { "Thing" }
            func attribute(_ name: String) throws -> Value? {
                name == "fit" ? .command(CommandSpec(name: "Thing.fit") { _, _ in "own fit" }) : nil
            }
        }
        let session = CapturingInterpreter()
        session.interpreter.registerFakeFit()
        session.interpreter[variable: "thing"] = .object(Thing())
        XCTAssertEqual(session.run("print(thing.fit())"), "own fit\n")
    }
}
