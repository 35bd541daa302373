import Foundation
import TLTestSupport
import XCTest

/// The built `tl` binary and Jupyter's own tools from the test virtualenv (`.venv-jupyter`, made by
/// scripts/setup), with the tl kernelspec installed into a scratch folder that only these tests see.
struct JupyterTools {
    let tl: URL
    let python: URL
    let scratch: URL

    /// Skips the test, saying why, when the virtualenv is missing.
    init() throws {
        let venv = SharedFiles.packageRoot.appendingPathComponent(".venv-jupyter")
        python = venv.appendingPathComponent("bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw XCTSkip("Jupyter's client is not installed: run scripts/setup (it makes \(venv.path) with jupyter_client, nbclient, nbformat, nbconvert)")
        }
        tl = try JupyterTools.findTL()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tl-jupyter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let install = try run(tl, ["kernel", "install", "--prefix", scratch.appendingPathComponent("prefix").path])
        XCTAssertEqual(install.status, 0, install.output)
    }

    func removeScratch() { try? FileManager.default.removeItem(at: scratch) }

    /// `swift build --build-tests` puts `tl` beside the test bundle.
    private static func findTL() throws -> URL {
        let bundleFolder = Bundle(for: Marker.self).bundleURL.deletingLastPathComponent()
        var candidates = [bundleFolder.appendingPathComponent("tl")]
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("tl"))
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("the tl executable was not built beside the tests (looked at \(candidates.map(\.path)))")
        }
        return found
    }

    /// Jupyter finds the kernelspec only here, keeps its runtime files here, and the kernel's
    /// HOME is here; one BLAS thread, as the machines are shared.
    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["JUPYTER_PATH"] = scratch.appendingPathComponent("prefix/share/jupyter").path
        environment["JUPYTER_DATA_DIR"] = scratch.appendingPathComponent("data").path
        environment["JUPYTER_RUNTIME_DIR"] = scratch.appendingPathComponent("runtime").path
        environment["JUPYTER_CONFIG_DIR"] = scratch.appendingPathComponent("config").path
        environment["IPYTHONDIR"] = scratch.appendingPathComponent("ipython").path
        environment["HOME"] = scratch.path
        environment["OPENBLAS_NUM_THREADS"] = "1"
        environment["PATH"] = python.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        return environment
    }

    struct Result {
        let status: Int32
        let output: String
        let errors: String
    }

    /// Runs a program to completion (output to files, so no pipe can fill up and block it).
    func run(_ program: URL, _ arguments: [String], extraEnvironment: [String: String] = [:],
             directory: URL? = nil, timeout: TimeInterval = 300) throws -> Result {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.environment = environment.merging(extraEnvironment) { _, new in new }
        process.currentDirectoryURL = directory ?? scratch
        let id = UUID().uuidString
        let outURL = scratch.appendingPathComponent("out-\(id)"), errURL = scratch.appendingPathComponent("err-\(id)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            XCTFail("\(program.lastPathComponent) \(arguments) did not finish within \(Int(timeout)) s")
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: try String(contentsOf: outURL, encoding: .utf8),
                      errors: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// Runs the Python driver and decodes the JSON object it prints.
    func driver(_ arguments: [String], timeout: TimeInterval = 300) throws -> [String: Any] {
        let script = SharedFiles.packageRoot.appendingPathComponent("Tests/TLJupyterTests/Driver/kernel_driver.py")
        let result = try run(python, [script.path] + arguments, timeout: timeout)
        guard result.status == 0, let data = result.output.data(using: .utf8),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DriverFailed(description: "kernel_driver.py \(arguments) failed (status \(result.status)):\n\(result.output)\n\(result.errors)")
        }
        return json
    }
}

private final class Marker {}

struct DriverFailed: Error, CustomStringConvertible {
    let description: String
}

/// Reading the driver's JSON without a cast at every step.
extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
    func list(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
    func string(_ key: String) -> String? { self[key] as? String }
}
