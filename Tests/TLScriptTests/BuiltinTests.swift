import XCTest
@testable import TLScript

final class BuiltinTests: XCTestCase {
    func testConversionsAndAggregates() {
        XCTAssertEqual(output(of: """
        print(len([1, 2]), len('abc'), len({'a': 1}), str(1.5) + '!', int('42'), int(3.9), float('2e-5'), abs(-3), abs(-2.5))
        print(min(3, 1, 2), max([1, 5, 2]), sum([1, 2, 3]), sum([0.5, 0.25]), round(2.5), round(3.14159, 2), bool([]))
        print(list(zip([1, 2], 'ab')), sorted([3, 1, 2], reverse=True), list(range(5, 0, -2)), type(1.0))
        print(join_path('data', 'cats', 'x.png'), join_path('a/', '/abs'))
        print(1, 2, sep=', ', end='.\\n')
        """), """
        2 3 1 1.5! 42 3 2e-05 3 2.5
        1 5 6 0.75 2 3.14 False
        [(1, 'a'), (2, 'b')] [3, 2, 1] [5, 3, 1] <class 'float'>
        data/cats/x.png /abs
        1, 2.

        """)
    }

    func testSmoothCurveMatchesTheBook() {
        XCTAssertEqual(output(of: "print(smooth_curve([1.0, 0.0, 0.0], factor=0.5))"), "[1.0, 0.5, 0.25]\n")
    }

    func testConversionErrors() {
        assertError("int('x')\n", "invalid literal for int() with base 10: 'x'", line: 1, column: 1, kind: .value)
        assertError("max([])\n", "max() arg is an empty sequence", line: 1, column: 1, kind: .value)
        assertError("range(0, 10, 0)\n", "range() arg 3 must not be zero", line: 1, column: 1, kind: .value)
    }

    func testVarsDescribesVariables() {
        let session = CapturingInterpreter()
        session.interpreter[variable: "conv_base"] = .object(FakeModel(layers: [FakeLayer(name: "a")]))
        session.run("epochs = 30\nacc = [0.5] * 10\nvars()")
        XCTAssertEqual(session.output, "acc = list of 10 items: [0.5, 0.5, 0.5, ...]\nconv_base = Model: 1 layers\nepochs = 30\n")
    }

    func testHelpReadsTheDocIndex() {
        let session = CapturingInterpreter()
        session.interpreter.registerFakeFit()
        session.interpreter.documentation = DocIndex(markdown: """
        # Commands

        ## fit / model.fit

        Trains a model on a generator.

        Details follow.

        ```python
        ## not a heading
        ```

        ## summary
        Prints layers.
        """)
        session.run("help(fit)\nhelp('model.fit')\nhelp('sumary')")
        XCTAssertEqual(session.output, """
        fit(model, x=None, epochs=1, steps_per_epoch=10)

        Trains a model on a generator.

        Details follow.

        ```python
        ## not a heading
        ```
        Trains a model on a generator.

        Details follow.

        ```python
        ## not a heading
        ```
        no documentation for 'sumary'; did you mean 'summary'?

        """)
        XCTAssertEqual(session.interpreter.documentation.names, ["fit", "model.fit", "summary"])
        XCTAssertEqual(session.interpreter.documentation.entry(for: "summary")?.summary, "Prints layers.")
    }
}
