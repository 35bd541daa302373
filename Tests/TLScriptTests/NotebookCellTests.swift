import Foundation
@testable import TLScript
import XCTest

/// `runCell`: a notebook cell shows the value of its last expression, as IPython does.
final class NotebookCellTests: XCTestCase {
    func testOnlyTheLastExpressionIsTheResultAndNothingIsEchoed() throws {
        var printed = ""
        let interpreter = Interpreter(output: { printed += $0 })
        let value = try interpreter.runCell("a = 2\na * 10\nprint('side')\na + 40", fileName: "In[1]")
        XCTAssertEqual(value?.repr, "42")
        XCTAssertEqual(printed, "side\n", "an earlier expression's value or the result must not be printed")
    }

    func testACellEndingInAStatementOrNoneHasNoResult() throws {
        let interpreter = Interpreter(output: { _ in })
        XCTAssertNil(try interpreter.runCell("b = 1", fileName: "In[1]"))
        XCTAssertNil(try interpreter.runCell("None", fileName: "In[2]"))
        XCTAssertNil(try interpreter.runCell("# only a comment\n", fileName: "In[3]"))
        XCTAssertEqual(try interpreter.runCell("b", fileName: "In[4]")?.repr, "1")
    }

    func testErrorsAreLocatedInTheCell() {
        let interpreter = Interpreter(output: { _ in })
        XCTAssertThrowsError(try interpreter.runCell("x = 1\nx + nothing", fileName: "In[7]")) { error in
            XCTAssertTrue((error as? ScriptError)?.rendered.hasPrefix("In[7]:2:5: name 'nothing' is not defined") == true, "\(error)")
        }
    }
}
