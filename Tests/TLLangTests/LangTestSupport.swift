import Foundation
import XCTest
import TLScript
@testable import TLLang

/// A scratch folder per test and a way to run scripts in fresh sessions, shared by the robustness tests.
class ScriptSessionTestCase: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-robust-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Runs `source` in a fresh session (or `session`) and returns what it printed.
    @discardableResult
    func run(_ source: String, session: Session? = nil) throws -> String {
        var printed = ""
        let session = session ?? Session(output: { printed += $0 })
        try session.interpreter.run(source: source, fileName: "test.tl")
        return printed
    }

    /// Runs `source` and returns the error message it stops with (failing when it does not stop).
    func failure(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            try run(source)
            XCTFail("expected an error from:\n\(source)", file: file, line: line)
            return ""
        } catch let error as ScriptError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    /// The `tl` executable built beside the test bundle (`.build/debug/tl`).
    static var tlExecutable: URL? {
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL)
        for folder in candidates {
            var url = folder
            for _ in 0..<4 {
                let tl = url.appendingPathComponent("tl")
                if FileManager.default.isExecutableFile(atPath: tl.path) { return tl }
                url.deleteLastPathComponent()
            }
        }
        return nil
    }
}
