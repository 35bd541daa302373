import XCTest
@testable import TLScript

/// A NumPy-like scalar double: it answers the HostObject hooks as the array engine's scalars do.
final class FakeScalar: HostObject {
    let value: Double
    init(_ value: Double) { self.value = value }
    var typeName: String { "float32" }
    var summaryDescription: String { "np.float32(\(formatFloat(value)))" }
    var printDescription: String? { formatFloat(value) }
    func attribute(_ name: String) throws -> Value? { nil }
    func scalarValue() throws -> Value? { value == value.rounded() && abs(value) < 1e15 ? .int(Int(value)) : .float(value) }
    func binaryOperation(_ op: String, _ other: Value, reflected: Bool) throws -> Value? {
        guard let x = other.asDouble else { return nil }
        switch op {
        case "+": return .object(FakeScalar(value + x))
        case "<": return .bool(reflected ? x < value : value < x)
        default: return nil
        }
    }
}

/// A flow double: endless, yielding (batch number, label) pairs, with its own `next`.
final class FakeFlow: HostObject {
    var produced = 0
    var typeName: String { "DirectoryIterator" }
    func attribute(_ name: String) throws -> Value? { name == "produced" ? .int(produced) : nil }
    func makeIterator() throws -> ValueIterator? {
        ValueIterator {
            self.produced += 1
            return .tuple([.int(self.produced), .int(self.produced % 2)])
        }
    }
    func containsElement(_ item: Value) throws -> Bool? { item == .string("cats") }
    func truthValue() throws -> Bool? { false }
}

final class PythonSemanticsTests: XCTestCase {
    func testHostScalarsFormatIndexRoundAndCompareAsNumbers() {
        let session = CapturingInterpreter()
        session.interpreter[variable: "acc"] = .object(FakeScalar(0.91234))
        session.interpreter[variable: "two"] = .object(FakeScalar(2))
        session.run("""
        print(f"{acc:.3f}", f"{acc}", "{:.1%}".format(acc), '%.2f' % acc, round(acc, 2), int(two), float(two))
        print([10, 20, 30][two], acc < 1, 1 < acc, acc + 1, abs(acc), max(acc, 0.5), str(acc), repr(acc))
        """)
        XCTAssertEqual(session.output, "0.912 0.91234 91.2% 0.91 0.91 2 2.0\n30 True False 1.91234 0.91234 0.91234 0.91234 np.float32(0.91234)\n")
    }

    func testHostClassesWorkWithIsinstanceAndType() {
        let session = CapturingInterpreter()
        session.interpreter.register(className: "np.float32", forTypeNamed: "float32")
        session.interpreter[variable: "acc"] = .object(FakeScalar(0.5))
        session.run("import numpy as np\nprint(isinstance(acc, np.float32), isinstance(1.0, np.float32), type(acc) == np.float32, np.float32, type(acc).__name__)\n")
        XCTAssertEqual(session.output, "True False True <class 'float32'> float32\n")
    }

    func testEndlessFlowsIterateLazily() {
        let session = CapturingInterpreter()
        let flow = FakeFlow()
        session.interpreter[variable: "flow"] = .object(flow)
        session.run("""
        for i, (batch, label) in enumerate(flow):
            if i == 2:
                break
        print(i, batch, label, list(zip(flow, 'ab')), next(flow), 'cats' in flow, 'dogs' in flow)
        first, second = next(flow), next(flow)
        print(first, second, 'empty' if not flow else 'full', any(b > 10 for b, _ in flow))
        """)
        XCTAssertEqual(session.output, "2 3 1 [((4, 0), 'a'), ((5, 1), 'b')] (7, 1) True False\n(8, 0) (9, 1) empty True\n")
        XCTAssertEqual(flow.produced, 11, "zip stops at the shorter input after one more batch; any stops at the first true item")
    }

    func testHostCallsUserFunctionsAndLambdas() throws {
        let session = CapturingInterpreter()
        session.run("def schedule(epoch, lr):\n    return lr * 0.5 if epoch > 1 else lr\nkey = lambda pair: -pair[1]\n")
        let schedule = try XCTUnwrap(session.interpreter[variable: "schedule"])
        XCTAssertEqual(try session.interpreter.call(schedule, [.int(2)], keywords: [("lr", .float(0.1))]), .float(0.05))
        let key = try XCTUnwrap(session.interpreter[variable: "key"])
        XCTAssertEqual(try session.interpreter.call(key, [.tuple(["a", 3])]), .int(-3))
        XCTAssertThrowsError(try session.interpreter.call(schedule, [])) { error in
            XCTAssertEqual((error as? ScriptError)?.message, "schedule() missing 2 required positional arguments: 'epoch' and 'lr'")
        }
    }

    func testSubscriptsPassSlicesEllipsisAndNoneToObjects() {
        final class Recorder: HostObject {
            var seen: [String] = []
            var typeName: String { "array" }
            func attribute(_ name: String) throws -> Value? { nil }
            func element(at index: Value) throws -> Value? { seen.append(index.repr); return Value.none }
            func setElement(at index: Value, to value: Value) throws -> Bool { seen.append("set \(index.repr) = \(value.repr)"); return true }
        }
        let recorder = Recorder()
        let session = CapturingInterpreter()
        session.interpreter[variable: "a"] = .object(recorder)
        session.run("a[1:3, ::-1]\na[..., 0]\na[None, :]\na[2:4] = [7, 8]\n")
        XCTAssertEqual(recorder.seen, ["(slice(1, 3, None), slice(None, None, -1))", "(Ellipsis, 0)", "(None, slice(None, None, None))",
                                       "set slice(2, 4, None) = [7, 8]"])
    }

    func testUserFunctionShadowsACommandUntilDeleted() {
        let session = CapturingInterpreter()
        session.interpreter.documentation = DocIndex(markdown: "## smooth_curve\n`smooth_curve(points)` — the book's curve.\n")
        session.run("""
        def smooth_curve(points, factor=0.9):
            return 'mine'
        print(smooth_curve([1.0]))
        help(smooth_curve)
        del smooth_curve
        print(smooth_curve([1.0, 0.0], factor=0.5))
        help smooth_curve
        """)
        XCTAssertEqual(session.output, """
        mine
        smooth_curve(points, factor=0.9): your function, defined at test.tl:1.
        It shadows the command 'smooth_curve'; 'del smooth_curve' brings the command back.
        [1.0, 0.5]
        smooth_curve(points, factor=0.8)

        `smooth_curve(points)` — the book's curve.

        """)
    }

    func testHelpStatementQuestionMarkAndListing() {
        let session = CapturingInterpreter()
        session.interpreter.documentation = DocIndex(markdown: "## fit\nTrains the model.\n")
        session.interpreter.registerFakeFit()
        session.interpreter.register(CommandSpec(name: "load_efficientnet_lite0_with_a_long_name") { _, _ in .none })
        session.interpreter[variable: "model"] = .object(FakeModel(layers: []))
        session.run("help fit\nfit?\n?fit\nmodel.fit?\nhelp()\n")
        let entry = "fit(model, x=None, epochs=1, steps_per_epoch=10)\n\nTrains the model.\n"
        XCTAssertTrue(session.output.hasPrefix(entry + entry + entry + entry), session.output)
        let listing = session.output.dropFirst(4 * entry.count)
        XCTAssertTrue(listing.contains(" load_efficientnet_lite0_with_a_long_name"), String(listing))
        XCTAssertTrue(listing.components(separatedBy: "\n").allSatisfy { $0.count <= 100 }, String(listing))
        for name in session.interpreter.commandNames {
            XCTAssertTrue(listing.contains(" \(name)\n") || listing.contains(" \(name) "), "help() misses \(name)")
        }
    }

    func testHelpDescribesObjects() {
        let session = CapturingInterpreter()
        session.interpreter[variable: "model"] = .object(FakeModel(layers: []))
        session.run("help(model)\n")
        XCTAssertEqual(session.output, """
        Model: Model: 0 layers
        Attributes and methods:
          layers     trainable
        Commands take it as their first argument too: obj.name(...) means name(obj, ...).

        """)
    }

    func testNotebookLines() {
        XCTAssertEqual(output(of: "%matplotlib inline\nprint('ok')\n"), "ok\n")
        let error = CapturingInterpreter().failure("print('before')\n!pip install tensorflow\n")
        XCTAssertEqual(error?.message, "'!pip install tensorflow' is not supported in tl: shell commands run only in Jupyter/IPython (only %matplotlib inline is accepted, and ignored)")
        XCTAssertEqual(error?.location, SourceLocation(line: 2, column: 1))
        XCTAssertEqual(CapturingInterpreter().failure("%timeit f()\n")?.message,
                       "'%timeit f()' is not supported in tl: IPython magics run only in Jupyter/IPython (only %matplotlib inline is accepted, and ignored)")
    }

    func testUnsupportedConstructsAreNamed() {
        let cases: [(String, String)] = [
            ("with open('f') as f:\n    pass\n", "'with' statements are not supported in tl"),
            ("@decorator\ndef f():\n    pass\n", "decorators ('@') are not supported in tl"),
            ("def g():\n    yield 1\n", "'yield' (generator functions) is not supported in tl; build and return a list"),
            ("async def f():\n    pass\n", "'async' (asynchronous code) is not supported in tl"),
            ("x = {**a}\n", "'**' unpacking inside a dict display is not supported in tl; use d.update(other)"),
            ("match command:\n    case 1:\n        pass\n", "'match' statements are not supported in tl; use if/elif"),
            ("print((y := 2))\n", "the walrus operator ':=' is not supported in tl; assign on its own line"),
            ("print 'hello'\n", "Missing parentheses in call to 'print'. Did you mean print(...)?"),
        ]
        for (source, message) in cases {
            XCTAssertEqual(CapturingInterpreter().failure(source)?.message, "syntax error: " + message, source)
        }
    }

    func testMatchAsANameStillWorks() {
        XCTAssertEqual(output(of: "match = 3\nprint(match, ', '.join(str(x) for x in range(3)))\n"), "3 0, 1, 2\n")
        XCTAssertEqual(CapturingInterpreter().failure("print(', '.join(range(10**18)))\n")?.message,
                       "sequence item 0: expected str instance, int found")
    }

    func testHostErrorsForMissingFilesAreFileNotFoundError() {
        let session = CapturingInterpreter()
        session.interpreter.register(CommandSpec(name: "read_missing") { _, _ in
            _ = try Data(contentsOf: URL(fileURLWithPath: "/nonexistent/tl-fixture.txt"))
            return .none
        })
        session.run("try:\n    read_missing()\nexcept FileNotFoundError:\n    print('missing')\nexcept Exception as e:\n    print('other', type(e).__name__)\n")
        XCTAssertEqual(session.output, "missing\n")
    }

    func testCtrlCIsKeyboardInterruptCaughtOnlyAsPythonWould() {
        let session = CapturingInterpreter()
        session.interpreter.register(CommandSpec(name: "press_ctrl_c") { _, interpreter in
            interpreter.cancellation.cancel()
            try interpreter.throwIfCancelled()
            return .none
        })
        let escaped = session.failure("try:\n    press_ctrl_c()\nexcept Exception:\n    print('swallowed')\n")
        XCTAssertEqual(escaped?.kind, .cancelled)
        XCTAssertEqual(escaped?.pythonClassName, "KeyboardInterrupt")
        session.interpreter.cancellation.reset()
        session.run("try:\n    press_ctrl_c()\nexcept KeyboardInterrupt:\n    print('stopped')\nprint('goes on')\n")
        XCTAssertEqual(session.output, "stopped\ngoes on\n")
    }

    func testTracebackShowsTheCallChainInnermostLast() {
        let source = """
        def load(path):
            return int(path)

        def prepare(paths):
            return [load(p) for p in paths]

        values = prepare(['1', 'x'])
        """
        let error = CapturingInterpreter().failure(source)
        XCTAssertEqual(error?.rendered, """
        Traceback (most recent call last):
          test.tl:7:10, in <module>
            values = prepare(['1', 'x'])
          test.tl:5:12, in prepare
            return [load(p) for p in paths]
          test.tl:5:13, in <listcomp>
            return [load(p) for p in paths]
          test.tl:2:12, in load
        test.tl:2:12: invalid literal for int() with base 10: 'x'
            return int(path)
                   ^
        """)
        XCTAssertEqual(error?.traceback.map(\.function), ["<module>", "prepare", "<listcomp>"])
        XCTAssertEqual(error?.functionName, "load")
    }

    func testTracebackAcrossREPLEntriesNamesTheEntryThatDefinedTheFunction() throws {
        let session = CapturingInterpreter()
        try session.interpreter.evaluate(line: "def f(x):\n    raise ValueError('bad ' + str(x))\n", fileName: "<stdin-1>")
        XCTAssertThrowsError(try session.interpreter.evaluate(line: "f(3)", fileName: "<stdin-2>")) { error in
            XCTAssertEqual((error as? ScriptError)?.rendered, """
            Traceback (most recent call last):
              <stdin-2>:1:1, in <module>
                f(3)
              <stdin-1>:2:5, in f
            <stdin-1>:2:5: ValueError: bad 3
                raise ValueError('bad ' + str(x))
                ^
            """)
        }
    }
}

final class RecursionDepthTests: XCTestCase {
    /// Python's limit is 1000 calls; scripts get a stack that holds them (debug builds included).
    func testDeepRecursionReachesPythonsLimit() {
        XCTAssertEqual(output(of: """
        def depth(n):
            if n == 0:
                return 0
            return depth(n - 1) + 1
        count = lambda n: 0 if n == 0 else count(n - 1) + 1
        nested = lambda n: 0 if n == 0 else [nested(n - 1) for _ in range(1)][0] + 1
        print(depth(990), count(990), nested(400))
        """), "990 990 400\n")
    }
}
