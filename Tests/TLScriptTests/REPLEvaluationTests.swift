import XCTest
@testable import TLScript

final class REPLEvaluationTests: XCTestCase {
    func testExpressionValuesAreEchoedAndVariablesPersist() throws {
        let session = CapturingInterpreter()
        try session.interpreter.evaluate(line: "x = 0.1")
        try session.interpreter.evaluate(line: "x * 3")
        try session.interpreter.evaluate(line: "print('p')")
        try session.interpreter.evaluate(line: "'s'")
        XCTAssertEqual(session.output, "0.30000000000000004\np\n's'\n")
    }

    func testErrorsLeaveTheSessionUsable() throws {
        let session = CapturingInterpreter()
        try session.interpreter.evaluate(line: "a = 5")
        XCTAssertThrowsError(try session.interpreter.evaluate(line: "a / 0")) { error in
            XCTAssertEqual("\(error)", "<stdin>:1:3: division by zero\na / 0\n  ^")
        }
        XCTAssertEqual(try session.interpreter.evaluate(line: "a + 1"), .int(6))
    }

    func testInputCompleteness() {
        XCTAssertEqual(InputCompleteness.check("x = 1"), .complete)
        XCTAssertEqual(InputCompleteness.check("f(1,"), .incomplete)
        XCTAssertEqual(InputCompleteness.check("for x in y:"), .incomplete)
        XCTAssertEqual(InputCompleteness.check("for x in y:\n    print(x)"), .incomplete)
        XCTAssertEqual(InputCompleteness.check("for x in y:\n    print(x)\n"), .complete)
        XCTAssertEqual(InputCompleteness.check("s = '''abc"), .incomplete)
        XCTAssertEqual(InputCompleteness.check("x = 1 \\"), .incomplete)
        XCTAssertEqual(InputCompleteness.check("x = )"), .complete)
    }

    func testFloatFormattingMatchesPythonRepr() {
        let cases: [(Double, String)] = [(0.1, "0.1"), (2e-5, "2e-05"), (1.0, "1.0"), (1e16, "1e+16"), (1e-4, "0.0001"),
                                         (123456789.125, "123456789.125"), (-1.5e-7, "-1.5e-07"), (1e300, "1e+300"),
                                         (.infinity, "inf"), (.nan, "nan"), (5e-324, "5e-324"), (9999999999999998.0, "9999999999999998.0")]
        for (value, expected) in cases { XCTAssertEqual(formatFloat(value), expected) }
    }
}

/// The host's hook after each top-level statement: once per statement of a script or REPL entry (a loop
/// counts once, however many times its body runs), and after a failing statement too.
final class TopLevelStatementHookTests: XCTestCase {
    func testRunsOncePerTopLevelStatementEvenWhenOneFails() throws {
        let interpreter = Interpreter(output: { _ in })
        var calls = 0
        interpreter.afterEachTopLevelStatement = { calls += 1 }
        try interpreter.run(source: "a = 1\nfor i in range(5):\n    a += i\nprint(a)\n", fileName: "hook.tl")
        XCTAssertEqual(calls, 3)
        try interpreter.evaluate(line: "b = a * 2\nb")
        XCTAssertEqual(calls, 5)
        XCTAssertThrowsError(try interpreter.evaluate(line: "a / 0"))
        XCTAssertEqual(calls, 6)
    }
}
