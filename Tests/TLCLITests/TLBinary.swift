import Foundation
import Glibc
import XCTest

/// The built `tl` executable and a scratch home for it: tests run the real binary, as a user does.
struct TLBinary {
    let executable: URL
    /// A fresh folder used as the working directory and as HOME (so ~/.tl_history is not the user's).
    let home: URL

    /// `swift build --build-tests` puts `tl` in the same folder as the test bundle.
    init() throws {
        var folders = [Bundle.main.bundleURL, Bundle(for: BundleMarker.self).bundleURL.deletingLastPathComponent()]
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: executable).deletingLastPathComponent())
        }
        guard let found = folders.map({ $0.appendingPathComponent("tl") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw NotBuilt(description: "the tl executable was not built beside the tests (looked in \(folders.map(\.path)))")
        }
        executable = found
        home = FileManager.default.temporaryDirectory.appendingPathComponent("tl-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    func removeHome() {
        try? FileManager.default.removeItem(at: home)
    }

    /// The child's environment: this one with HOME replaced, a known terminal type, and one BLAS
    /// thread (the machines running the tests are shared).
    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        environment["TERM"] = "xterm"
        environment["OPENBLAS_NUM_THREADS"] = "1"
        return environment
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `tl arguments` without a terminal (output to files, so no pipe can fill up and block it), with
    /// `input` as its standard input (empty when nil).
    func run(_ arguments: [String], timeout: TimeInterval = 60, environment extra: [String: String] = [:],
             input: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment.merging(extra) { $1 }
        process.currentDirectoryURL = home
        let id = UUID().uuidString
        let stdoutURL = home.appendingPathComponent("stdout-\(id)"), stderrURL = home.appendingPathComponent("stderr-\(id)")
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let stdout = try FileHandle(forWritingTo: stdoutURL), stderr = try FileHandle(forWritingTo: stderrURL)
        defer {
            try? stdout.close()
            try? stderr.close()
            try? FileManager.default.removeItem(at: stdoutURL)
            try? FileManager.default.removeItem(at: stderrURL)
        }
        let inputURL = home.appendingPathComponent("stdin-\(id)")
        if let input { try input.write(to: inputURL, atomically: true, encoding: .utf8) }
        defer { try? FileManager.default.removeItem(at: inputURL) }
        process.standardInput = input == nil ? FileHandle.nullDevice : try FileHandle(forReadingFrom: inputURL)
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            XCTFail("tl \(arguments) did not finish within \(Int(timeout)) s")
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: try String(contentsOf: stdoutURL, encoding: .utf8),
                      stderr: try String(contentsOf: stderrURL, encoding: .utf8))
    }
}

private final class BundleMarker {}

struct NotBuilt: Error, CustomStringConvertible {
    let description: String
}
