import XCTest
@testable import TLScript

final class StatementTests: XCTestCase {
    func testAssignmentsAndTupleUnpacking() {
        XCTAssertEqual(output(of: """
        a, b = 1, 2
        (c, d) = [3, 4]
        x = y = 5
        [e, (f, g)] = (6, (7, 8))
        print(a, b, c, d, x, y, e, f, g)
        """), "1 2 3 4 5 5 6 7 8\n")
    }

    func testAugmentedAndIndexAssignment() {
        XCTAssertEqual(output(of: """
        n = 1
        n += 2
        n *= 3
        n -= 1
        n //= 3
        n **= 2
        s = 'a'
        s += 'b'
        xs = [1, 2, 3]
        xs[-1] = 30
        xs[0] += 10
        d = {"acc": [0.5]}
        d["acc"][0] = 0.75
        d["loss"] = 1
        print(n, s, xs, d)
        """), "4 ab [11, 2, 30] {'acc': [0.75], 'loss': 1}\n")
    }

    func testAttributeAssignmentOnHostObject() {
        let session = CapturingInterpreter()
        let layer = FakeLayer(name: "block1_conv1")
        session.interpreter[variable: "layer"] = .object(layer)
        session.run("layer.trainable = false\nprint(layer.trainable, layer.name)")
        XCTAssertFalse(layer.trainable)
        XCTAssertEqual(session.output, "False block1_conv1\n")
    }

    func testIfElifElse() {
        XCTAssertEqual(output(of: """
        for x in [1, 5, 10]:
            if x < 3:
                print('small')
            elif x < 7:
                print('medium')
            else:
                print('large')
        if True: print('inline')
        """), "small\nmedium\nlarge\ninline\n")
    }

    func testLoopsBreakContinuePass() {
        XCTAssertEqual(output(of: """
        total = 0
        for i in range(10):
            if i % 2 == 0:
                continue
            if i > 7:
                break
            total += i
        n = 0
        while True:
            n += 1
            if n == 4:
                break
            pass
        for i, (name, value) in enumerate([('a', 1), ('b', 2)]):
            print(i, name, value)
        print(total, n)
        """), "0 a 1\n1 b 2\n16 4\n")
    }

    func testImportsAreAcceptedAndNamesResolve() {
        let session = CapturingInterpreter()
        session.interpreter.register(CommandSpec(name: "Dense", parameters: [ParameterSpec("units", kind: .int)],
                                                 aliases: ["layers.Dense"]) { args, _ in .string("Dense(\(try args.int("units")))") })
        session.interpreter.register(CommandSpec(name: "VGG16", aliases: ["keras.applications.VGG16"]) { _, _ in .string("vgg") })
        session.run("""
        import os
        import numpy as np
        from keras import layers, models
        from keras.applications import VGG16
        from keras.layers import Dense as D
        import keras
        print(layers.Dense(256), VGG16(), D(1), keras.layers.Dense(2), os.path.join('a', 'b'))
        """)
        XCTAssertEqual(session.output, "Dense(256) vgg Dense(1) Dense(2) a/b\n")
    }

    func testFunctionsWithDefaultsAndReturn() {
        XCTAssertEqual(output(of: """
        def smooth(points, factor=0.5):
            out = []
            for p in points:
                if out:
                    out.append(out[-1] * factor + p * (1 - factor))
                else:
                    out.append(p)
            return out
        print(smooth([1, 3]), smooth([2, 4], factor=0.25))
        def fact(n):
            return 1 if n <= 1 else n * fact(n - 1)
        print(fact(10))
        """), "[1, 2.0] [2, 3.5]\n3628800\n")
    }

    func testWhileLoopStopsWhenCancelled() {
        let session = CapturingInterpreter()
        var calls = 0
        session.interpreter.register(CommandSpec(name: "tick") { _, interpreter in
            calls += 1
            if calls == 3 { interpreter.cancellation.cancel() }
            return .none
        })
        let error = session.failure("while True:\n    tick()\n")
        XCTAssertEqual(error?.kind, .cancelled)
        XCTAssertEqual(error?.message, "interrupted")
        XCTAssertEqual(calls, 3)
    }

    func testSemicolonsAndComments() {
        XCTAssertEqual(output(of: "a = 1; b = 2  # comment\n# whole line\nprint(a + b)"), "3\n")
    }
}
