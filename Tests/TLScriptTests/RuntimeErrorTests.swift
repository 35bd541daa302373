import XCTest
@testable import TLScript

final class RuntimeErrorTests: XCTestCase {
    func testUnknownNameSuggestsClosest() {
        let session = CapturingInterpreter()
        session.interpreter.registerFakeFit()
        let error = session.failure("model = 1\nfitt(modle)\n")
        XCTAssertEqual(error?.message, "name 'fitt' is not defined; did you mean 'fit'?")
        XCTAssertEqual(error?.rendered, "test.tl:2:1: name 'fitt' is not defined; did you mean 'fit'?\nfitt(modle)\n^")
        assertError("acc = 1\nprint(ac)\n", "name 'ac' is not defined; did you mean 'acc'?", line: 2, column: 7, kind: .name)
        assertError("print(qqqqqq)\n", "name 'qqqqqq' is not defined", line: 1, column: 7)
    }

    func testUnknownDottedNameSuggestsRegisteredAlias() {
        let session = CapturingInterpreter()
        session.interpreter.register(CommandSpec(name: "Dense", aliases: ["layers.Dense"]) { _, _ in .none })
        XCTAssertEqual(session.failure("from keras import layers\nx = layers.Dnse(1)\n")?.message,
                       "name 'layers.Dnse' is not defined; did you mean 'layers.Dense'?")
    }

    func testArgumentErrorsAreCheckedBeforeTheCommandRuns() {
        let session = CapturingInterpreter()
        session.interpreter.registerFakeFit()
        let model = FakeModel(layers: [])
        session.interpreter[variable: "model"] = .object(model)
        let unknown = session.failure("model.fit(epoch=3)\n")
        XCTAssertEqual(unknown?.message, "unknown argument 'epoch' for fit(); did you mean 'epochs'? fit accepts: model, x, epochs, steps_per_epoch")
        XCTAssertEqual(unknown?.location, SourceLocation(line: 1, column: 11))
        XCTAssertEqual(session.failure("fit(model, epochs='3')\n")?.message,
                       "argument 'epochs' of fit() must be a number, got string \"3\"")
        XCTAssertEqual(session.failure("fit()\n")?.message,
                       "fit() is missing required argument 'model'; fit accepts: model, x, epochs, steps_per_epoch")
        XCTAssertEqual(session.failure("fit(model, 1, x=2)\n")?.message, "fit() got multiple values for argument 'x'")
        XCTAssertEqual(session.failure("fit(model, 1, 2, 3, 4)\n")?.message,
                       "fit() takes 4 positional arguments (model, x, epochs, steps_per_epoch) but 5 were given")
        XCTAssertEqual(session.failure("fit(model, steps_per_epoch=2.5)\n")?.message,
                       "argument 'steps_per_epoch' of fit() must be an integer, got float 2.5")
        XCTAssertTrue(model.fitCalls.isEmpty)
        XCTAssertEqual(session.failure("fit(3)\n")?.message, "argument 'model' of fit() must be an object, got int 3")
    }

    func testTypedAccessorNamesTheArgument() {
        let arguments = CallArguments(commandName: "fit", values: ["epochs": "3"])
        XCTAssertThrowsError(try arguments.int("epochs")) { error in
            XCTAssertEqual((error as! ScriptError).message, "argument 'epochs' of fit() must be an integer, got string \"3\"")
        }
    }

    func testDivisionByZero() {
        assertError("x = 0\ny = 1 / x\n", "division by zero", line: 2, column: 7, kind: .zeroDivision)
        assertError("y = 1 // 0\n", "integer division or modulo by zero", line: 1, column: 7)
        assertError("y = 5 % 0\n", "integer modulo by zero", line: 1, column: 7)
    }

    func testTypeIndexKeyAndAttributeErrors() {
        assertError("x = 'acc: ' + 1\n", "can only concatenate str (not \"int\") to str (convert with str(...) first, e.g. 'acc: ' + str(acc))",
                    line: 1, column: 13, kind: .type)
        assertError("x = [1, 2]\ny = x[5]\n", "list index out of range", line: 2, column: 6, kind: .index)
        assertError("h = {'acc': 1, 'loss': 2}\nh['accc']\n", "key 'accc' not found; did you mean 'acc'? (keys: 'acc', 'loss')", line: 2, column: 2, kind: .key)
        assertError("a, b = [1, 2, 3]\n", "too many values to unpack (expected 2)", line: 1, column: 1)
        assertError("for x in 5:\n    pass\n", "'int' object is not iterable", line: 1, column: 10)
        assertError("x = 2 ** 100\n", "integer overflow in 2 ** 100 (tl integers are 64-bit; use floats for huge values)", line: 1, column: 7)
        assertError("x = 1\nx()\n", "'int' object is not callable", line: 2, column: 1)
        assertError("break\n", "'break' outside a loop", line: 1, column: 1)
        let recursion = CapturingInterpreter().failure("def f():\n    return f()\nf()\n")
        XCTAssertEqual(recursion?.message, "maximum recursion depth (1000) exceeded")
        XCTAssertEqual(recursion?.pythonClassName, "RecursionError")
        XCTAssertEqual(recursion?.location, SourceLocation(line: 2, column: 12))
        let shownFrames = recursion?.rendered.components(separatedBy: "\n").filter { $0.hasSuffix(", in f") }.count
        XCTAssertEqual(shownFrames, 4, "three repeated frames and the innermost one are shown")
        XCTAssertTrue(recursion?.rendered.contains("  [Previous line repeated 996 more times]") == true, recursion?.rendered ?? "")
    }

    func testHostObjectAttributeErrorsSuggest() {
        let session = CapturingInterpreter()
        session.interpreter[variable: "layer"] = .object(FakeLayer(name: "l"))
        XCTAssertEqual(session.failure("layer.trainabel = False\n")?.message,
                       "'Conv2D' object has no settable attribute 'trainabel'; did you mean 'trainable'?")
        XCTAssertEqual(session.failure("print(layer.nme)\n")?.message, "'Conv2D' object has no attribute 'nme'; did you mean 'name'?")
        XCTAssertEqual(session.failure("layer.trainable = 1\n")?.message, "trainable must be True or False")
    }

    func testHostErrorsAreLocatedAtTheCall() {
        struct EngineFailure: Error, CustomStringConvertible { var description: String { "out of memory" } }
        let session = CapturingInterpreter()
        session.interpreter.register(CommandSpec(name: "boom") { _, _ in throw EngineFailure() })
        let error = session.failure("x = 1\ny = [boom()]\n")
        XCTAssertEqual(error?.rendered, "test.tl:2:6: out of memory\ny = [boom()]\n     ^")
    }
}
