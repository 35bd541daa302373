import Foundation
import XCTest
@testable import TLScript

/// Each program of Fixtures/python runs through tl's interpreter and must print what CPython printed
/// (NAME.stdout, recorded by scripts/make_python_fixtures.py) and, when CPython ended with an uncaught
/// exception, fail with the same class and message (NAME.error). The traceback layout is tl's own and
/// is tested in TracebackTests.
final class PythonFixtureTests: XCTestCase {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/python")

    static var programs: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".py") }.sorted().map { directory.appendingPathComponent($0) }
    }

    func testEveryConstructPrintsWhatCPythonPrints() throws {
        let programs = PythonFixtureTests.programs
        XCTAssertGreaterThanOrEqual(programs.count, 24, "fixtures missing from \(PythonFixtureTests.directory.path)")
        for program in programs {
            try check(program)
        }
    }

    private func check(_ program: URL) throws {
        let name = program.lastPathComponent
        let source = try String(contentsOf: program, encoding: .utf8)
        let expectedOutput = try String(contentsOf: program.deletingPathExtension().appendingPathExtension("stdout"), encoding: .utf8)
        let errorFile = program.deletingPathExtension().appendingPathExtension("error")
        let expectedError = (try? String(contentsOf: errorFile, encoding: .utf8))?.trimmingCharacters(in: .newlines)

        var printed = ""
        let interpreter = Interpreter(output: { printed += $0 })
        var raised: ScriptError?
        do {
            try interpreter.run(source: source, fileName: name)
        } catch let error as ScriptError {
            raised = error
        }
        XCTAssertEqual(printed, expectedOutput, "\(name): output differs from CPython's")
        if printed != expectedOutput { reportFirstDifference(printed, expectedOutput, name) }
        let raisedLine = raised.map { error -> String in
            let message = error.pythonMessage ?? error.message
            return message.isEmpty ? error.pythonClassName : "\(error.pythonClassName): \(message)"
        }
        XCTAssertEqual(raisedLine, expectedError, "\(name): \(raised?.rendered ?? "no error")")
    }

    private func reportFirstDifference(_ actual: String, _ expected: String, _ name: String) {
        let actualLines = actual.components(separatedBy: "\n"), expectedLines = expected.components(separatedBy: "\n")
        for (index, expectedLine) in expectedLines.enumerated() where index >= actualLines.count || actualLines[index] != expectedLine {
            XCTFail("\(name) line \(index + 1):\n  tl:      \(index < actualLines.count ? actualLines[index] : "<missing>")\n  CPython: \(expectedLine)")
            return
        }
    }
}
