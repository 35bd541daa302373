import Foundation
import XCTest

/// A fresh folder under the system temporary directory, removed when the test ends.
func makeTemporaryDirectory(for testCase: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("TLFormatsTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Asserts that `body` throws an error whose message contains every one of `fragments`.
func assertThrowsMessage<T>(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected an error mentioning \(fragments)", file: file, line: line)
    } catch {
        let message = "\(error)"
        for fragment in fragments where !message.contains(fragment) {
            XCTFail("error message lacks \"\(fragment)\": \(message)", file: file, line: line)
        }
    }
}

/// Runs python3 with `script` and `arguments`; nil when python3 or numpy is unavailable.
func runPython(_ script: String, _ arguments: [String] = []) throws -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    do { try process.run() } catch { return nil }
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    if process.terminationStatus != 0 {
        if errorText.contains("No module named 'numpy'") || process.terminationStatus == 127 { return nil }
        throw NSError(domain: "python", code: Int(process.terminationStatus), userInfo: [NSLocalizedDescriptionKey: errorText])
    }
    return text
}

/// Like `runPython`, but skips the test when python3 with numpy is absent.
func requirePython(_ script: String, _ arguments: [String] = []) throws -> String {
    guard let output = try runPython(script, arguments) else { throw XCTSkip("python3 with numpy is not installed") }
    return output
}
