import XCTest
@testable import TLScript

final class SyntaxErrorTests: XCTestCase {
    func testUnclosedBracketPointsAtTheOpening() {
        assertError("x = 1\nprint(len([1, 2)\n", "syntax error: closing ')' does not match '[' opened on line 2", line: 2, column: 16)
        assertError("x = (1,\n  2\n", "syntax error: '(' was never closed", line: 1, column: 5)
        assertError("x = 1)\n", "syntax error: unmatched ')'", line: 1, column: 6)
    }

    func testUnterminatedStrings() {
        assertError("s = 'abc\n", "syntax error: unterminated string literal (a string must end on its line)", line: 1, column: 5)
        assertError("s = '''abc\n\n", "syntax error: unterminated triple-quoted string literal", line: 1, column: 5)
    }

    func testIndentationErrors() {
        assertError("if True:\nprint(1)\n", "syntax error: expected an indented block after 'if' on line 1", line: 2, column: 1)
        assertError("x = 1\n    y = 2\n", "syntax error: unexpected indent", line: 2, column: 5)
        assertError("if True:\n    x = 1\n  y = 2\n", "syntax error: unindent does not match any outer indentation level", line: 3, column: 3)
        assertError("if True:\n    x = 1\n\ty = 2\n", "syntax error: inconsistent use of tabs and spaces in indentation", line: 3, column: 2)
    }

    func testTabIndentationIsFineWhenConsistent() {
        XCTAssertEqual(output(of: "if True:\n\tx = 1\n\tif x:\n\t\tprint('tabs')\n"), "tabs\n")
    }

    func testInvalidTokensAndStructure() {
        assertError("x = 1 $ 2\n", "syntax error: invalid character '$' (U+24)", line: 1, column: 7)
        assertError("x = 1 2\n", "syntax error: invalid syntax: unexpected '2' (missing an operator or comma?)", line: 1, column: 7)
        assertError("x = \n", "syntax error: invalid syntax: the expression is incomplete", line: 1, column: 5)
        assertError("f(1) = 2\n", "syntax error: cannot assign to a function call (did you mean '==' ?)", line: 1, column: 1)
        assertError("fit(epochs=1, 2)\n", "syntax error: positional argument follows keyword argument", line: 1, column: 15)
        assertError("fit(x=1, x=2)\n", "syntax error: keyword argument 'x' repeated", line: 1, column: 10)
        assertError("else:\n    pass\n", "syntax error: 'else' without a matching 'if' (check the indentation)", line: 1, column: 1)
        assertError("for x of [1]:\n    pass\n", "syntax error: expected 'in' after the loop variable, found 'of'", line: 1, column: 7)
        assertError("if x\n    pass\n", "syntax error: expected ':' after the if header, found end of line", line: 1, column: 5)
        assertError("x = 12abc\n", "syntax error: invalid number literal; a name cannot start with a digit", line: 1, column: 5)
        assertError("x = f'{y'\n", "syntax error: f-string: expecting '}'", line: 1, column: 5)
        assertError("x = (y := 3)\n", "syntax error: the walrus operator ':=' is not supported in tl; assign on its own line", line: 1, column: 8)
        assertError("x = 1 \\ 2\n", "syntax error: unexpected character after line continuation character '\\'", line: 1, column: 7)
        assertError("try:\n    pass\n", "syntax error: expected 'except' or 'finally' block", line: 1, column: 1)
        assertError("class A:\n    pass\n", "syntax error: classes ('class') are not supported in tl; use functions and dicts", line: 1, column: 1)
        assertError("x = 99999999999999999999\n", "syntax error: integer literal 99999999999999999999 is too large", line: 1, column: 5)
    }

    func testLineContinuation() {
        XCTAssertEqual(output(of: "x = [1,\n     2,\n  3]\ny = 1 + \\\n    2\nprint(x, y)\n"), "[1, 2, 3] 3\n")
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let brackets = String(repeating: "(", count: 150) + "1" + String(repeating: ")", count: 150)
        guard let error = CapturingInterpreter().failure("x = \(brackets)\n") else { return }
        XCTAssertEqual(error.kind, .limit)
        XCTAssertEqual(error.message, "too many nested brackets (the limit is 100)")
        let unary = "x = " + String(repeating: "-", count: 500) + "1\n"
        XCTAssertEqual(CapturingInterpreter().failure(unary)?.message, "expression is nested too deeply (the limit is 100 levels)")
        let chain = "x = " + Array(repeating: "1", count: 5000).joined(separator: "+") + "\n"
        XCTAssertEqual(CapturingInterpreter().failure(chain)?.kind, .limit)
        var deepBlocks = ""
        for level in 0..<120 { deepBlocks += String(repeating: " ", count: level) + "if True:\n" }
        deepBlocks += String(repeating: " ", count: 120) + "pass\n"
        XCTAssertEqual(CapturingInterpreter().failure(deepBlocks)?.message, "too many levels of indentation (the limit is 100)")
    }

    func testVeryLongLineIsRejected() {
        let line = "x = '" + String(repeating: "a", count: Lexer.maximumLineLength + 10) + "'\nprint(1)\n"
        let error = CapturingInterpreter().failure(line)
        XCTAssertEqual(error?.kind, .limit)
        XCTAssertEqual(error?.message, "line 1 is longer than 100000 characters")
    }

    func testInvalidUTF8IsLocated() throws {
        let bytes = Array("x = 1\ny = 'caf".utf8) + [0xE9] + Array("'\n".utf8)
        XCTAssertThrowsError(try SourceFile.decode(bytes, name: "bad.tl")) { error in
            let error = error as! ScriptError
            XCTAssertEqual(error.rendered, "bad.tl:2:9: syntax error: invalid UTF-8 byte 0xE9 in source\ny = 'caf\u{FFFD}'\n        ^")
        }
        XCTAssertEqual(try SourceFile.decode(Array("print('café')".utf8), name: "ok.tl").text, "print('café')")
    }

    func testCaretFollowsTabs() {
        let error = ScriptError(.name, "boom", at: SourceLocation(line: 1, column: 3), file: "f.tl", sourceLine: "\t\tx")
        XCTAssertEqual(error.rendered, "f.tl:1:3: boom\n\t\tx\n\t\t^")
    }
}
